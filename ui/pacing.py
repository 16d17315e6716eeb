"""How often a page asks its run for news: one policy for every polling fragment.

A class of 30 on one server: each rerun of a session costs the server's one Python
process script time and outgoing messages. A run that has not drawn its first point is
watched closely, since the scheduler gives it a turn within seconds: 4 times a second, or
once a second in a crowd. Then once a second, or every few seconds when many runs share
the server (a train page's rerun draws charts: 30 of them a second would take both cores,
and every changed chart costs its browser a redraw). A paused run, or one waiting for its turn after
a resume, changes rarely: every few seconds. (Polling 4 times a second for as long as a
run waited in the old line made 28 waiting students cost ~150 reruns/s and froze the
sender that pushes updates to the browsers.)
"""
from __future__ import annotations

import streamlit as st

from playground.status import Status

from . import live_watch, registry, revive
from .session import Key

FAST, FIRST, LIVE, CROWDED, QUEUED, PAUSED = 0.25, 0.5, 1.0, 8.0, 2.5, 5.0
# FIRST: 30 light students' first point 2.7-2.9 s median against 3.1-3.3 s at 1.0, runs finished as
# soon, the server's cores the same (bench/classroom.py, two runs each, 2026-12-05)
CONFIRM = 5.0             # a finished run's page polls this often until its next full run (as a paused one)
CROWD = 8                 # more runs than this share the server: their pages poll at CROWDED
SOON_S = 5.0              # a waiting run expects its first point sooner than this: watched as a running one
# The Train click's own rerun waits this long at most for the run's first point (an MLP's first MNIST epoch:
# ~0.15 s), so the point is drawn by that rerun rather than the first poll's: 1.07 -> 0.71-0.76 s to the
# first point through the page (1.23-1.37 -> 0.82 s on a local Ray; bench/live_page.py mnist, 2026-12-05)
# (that rerun is the click's own since 2026-12-06: widgets.take_train_click)
FIRST_POINT_WAIT_S = 0.4


def poll_seconds(snap, live: float = LIVE) -> float | None:
    """Seconds between polls of a page showing `snap` (None: the run is over, stop polling).
    `live`: the page's own pace for a running run (a heavier page asks less often)."""
    if snap is None or snap.finished:
        return None
    if snap.status == Status.PAUSED:
        return PAUSED     # nothing changes until a click, which reruns anyway: a heartbeat only
    fresh = not snap.has_point
    # training its first epoch, or setting it up (its data prepared; on Ray a warm worker taking
    # the run: polled every 2.5 s as a long wait, its first point showed ~3 s after the click)
    soon = snap.status in (Status.RUNNING, Status.LOADING) or (snap.next_point_s is not None
                                                                 and snap.next_point_s < SOON_S)
    if fresh and soon:
        return FAST if snap.sharing <= CROWD else FIRST   # its first point comes within seconds: show it
    if snap.status in (Status.QUEUED, Status.LOADING):
        return QUEUED     # a long wait (a busy Ray cluster), or resumed and waiting for its turn
    return max(live, CROWDED) if snap.sharing > CROWD else live


def tick(full: bool = False) -> None:
    """A rerun of this session began (a full run or a polling fragment's): count it for the
    teacher's view, start a new round of run records (ui.runs.record), and heartbeat this
    session's own jobs: the page that owns a run keeps it alive; nobody else's reads do.
    A full run (`full`) sets up its polls anew (expect_polls)."""
    registry.REGISTRY.count_rerun(registry.session_id())
    if full:
        registry.REGISTRY.expect_polls(registry.session_id(), None)
        st.session_state.pop(Key.CONFIRM_END, None)     # a run cut short before its end asked for none
    ss = st.session_state
    ss[Key.RERUN] = ss.get(Key.RERUN, 0) + 1
    for key in (Key.JOB, Key.CV_JOB):
        job = ss.get(key)
        if job is not None:
            job.heartbeat()


def drawn_pace(page: str, snap, live: float = LIVE) -> float | None:
    """The pace for a page's polling fragment, remembered so the fragment can tell when it
    must rerun the page to poll at another pace (pace_changed). The full run that draws the
    end of a run the page was following polls once more (confirm_drawn)."""
    paces = st.session_state.setdefault(Key.PACES, {})
    followed = paces.get(page) is not None
    pace = paces[page] = poll_seconds(snap, live)
    if pace is None and followed:
        st.session_state[Key.CONFIRM_END] = True      # confirm_drawn, at the end of the page
    return expect_polls(pace)


def confirm_drawn() -> None:
    """At the end of a full run that drew the end of a run its page followed (drawn_pace):
    a poll every CONFIRM s that draws nothing, until the page's next full run. A final
    drawing whose messages a loaded server dropped (ui.revive: the page keeps its last live
    drawing, with no poll left) never polls: the page is found quiet and rerun, and that
    rerun sets up no poll. The poll never reruns the page itself: a full rerun asked for
    from here would take the place of a click on another page made meanwhile (Streamlit
    keeps the newer request's page). Last on the page: the elements before it keep their
    places when it goes."""
    if not st.session_state.pop(Key.CONFIRM_END, False):
        return

    def confirm() -> None:
        if live_watch.in_fragment_rerun():      # not the page's own run, which set it up
            tick()

    st.fragment(confirm, run_every=expect_polls(CONFIRM))()


def expect_polls(pace: float | None) -> float | None:
    """This full run sets up a poll every `pace` seconds: a page that stops polling is
    rerun by the server (ui.revive). Returns `pace`, for `run_every`."""
    if pace is not None:
        registry.REGISTRY.expect_polls(registry.session_id(), pace)
        revive.watch()
    return pace


def pace_changed(page: str, snap, live: float = LIVE) -> bool:
    return st.session_state.get(Key.PACES, {}).get(page) != poll_seconds(snap, live)
