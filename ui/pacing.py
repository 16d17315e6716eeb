"""How often a page asks its run for news: one policy for every polling fragment.

A class of 30 on one server: each rerun of a session costs the server's one Python
process script time and outgoing messages. A queued or paused run changes rarely, so its
page asks every few seconds; a run that just started is watched closely for its first
points, then once a second. (Fast polling while queued made 28 queued students cost ~150
reruns/s and froze the sender that pushes updates to the browsers.)
"""
from __future__ import annotations

import streamlit as st

from playground.status import Status

from . import registry
from .session import Key

FAST, LIVE, QUEUED, PAUSED = 0.25, 1.0, 2.5, 5.0
FAST_FOR_S = 2.0          # seconds of a real run watched closely (first points within a second)


def poll_seconds(snap, live: float = LIVE) -> float | None:
    """Seconds between polls of a page showing `snap` (None: the run is over, stop polling).
    `live`: the page's own pace for a running run (a heavier page asks less often)."""
    if snap is None or snap.finished:
        return None
    if snap.status in (Status.QUEUED, Status.LOADING):
        return QUEUED
    if snap.status == Status.PAUSED:
        return PAUSED     # nothing changes until a click, which reruns anyway: a heartbeat only
    return FAST if snap.elapsed < FAST_FOR_S and live <= LIVE else live


def tick() -> None:
    """A rerun of this session began (a full run or a polling fragment's): count it for the
    teacher's view, start a new round of run records (ui.runs.record), and heartbeat this
    session's own jobs: the page that owns a run keeps it alive; nobody else's reads do."""
    registry.REGISTRY.count_rerun(registry.session_id())
    ss = st.session_state
    ss[Key.RERUN] = ss.get(Key.RERUN, 0) + 1
    for key in (Key.JOB, Key.CV_JOB):
        job = ss.get(key)
        if job is not None:
            job.heartbeat()


def drawn_pace(page: str, snap, live: float = LIVE) -> float | None:
    """The pace for a page's polling fragment, remembered so the fragment can tell when it
    must rerun the page to poll at another pace (pace_changed)."""
    pace = poll_seconds(snap, live)
    st.session_state.setdefault(Key.PACES, {})[page] = pace
    return pace


def pace_changed(page: str, snap, live: float = LIVE) -> bool:
    return st.session_state.get(Key.PACES, {}).get(page) != poll_seconds(snap, live)
