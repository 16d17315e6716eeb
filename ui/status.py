"""A small run status in the sidebar, and the status line the pages share. The sidebar's
polling is the session's heartbeat on pages that do not follow the run themselves (a run
whose tab stops asking is stopped: the job's idle timeout)."""
from __future__ import annotations

import streamlit as st

from playground.status import Status

from . import pacing, runs
from .lang import T


def status_line(snap) -> str:
    if snap.status == Status.QUEUED:
        if snap.queue_position:            # a full Ray cluster's own line
            return T("status.cluster_line", pos=snap.queue_position)
        return T("status.queued", n=snap.sharing) if snap.sharing > 1 else T("status.waiting")
    return T(f"status.{snap.status}", epoch=snap.epoch, epochs="∞" if snap.epochs == 0 else snap.epochs)


def sharing_note(snap) -> str | None:
    """What a run waiting for its turn is told (None when it is not waiting on others)."""
    if snap.status != Status.QUEUED or snap.sharing <= 1:
        return None
    return T("status.queued_long", n=snap.sharing, s=soon(snap.next_point_s))


def progress_text(snap) -> str:
    """The progress bar's text: status, speed and time left. Paused, nothing trains, so the
    time left is what the run still needs once resumed, said as such: a clock that kept
    counting down (or jumped) while the run waits would tell the learner it is still going.
    A run that takes turns with others says with how many, and when its next point comes
    (a later point while others train is the server's fairness, not a hang)."""
    status = status_line(snap)
    if snap.samples_per_sec == 0:      # queued or loading: nothing measured yet
        return status
    if snap.status == Status.RUNNING and snap.sharing > 1:
        key = "status.sharing_one" if snap.sharing == 2 else "status.sharing"
        status += " · " + T(key, n=snap.sharing - 1, s=soon(snap.next_point_s))
    sps = f"{snap.samples_per_sec:,.0f}"
    if snap.status == Status.PAUSED and snap.eta_seconds is not None:
        return T("status.progress_paused", status=status, sps=sps, eta=duration(snap.eta_seconds))
    if snap.active and snap.eta_seconds is not None:
        return T("train.progress", sps=sps, eta=duration(snap.eta_seconds), status=status)
    return T("train.progress_done", sps=sps, status=status)   # over, or endless: nothing to count


def soon(seconds) -> str:
    """When the next point comes: "in under a second" rather than "in about 0 s"."""
    if seconds is not None and seconds < 1:
        return T("unit.soon_under")
    return T("unit.soon_about", d=duration(seconds))


def duration(seconds) -> str:
    """Time left as the reader counts it: seconds below 90, then minutes."""
    if seconds is None:
        return "–"
    return T("unit.seconds", n=f"{seconds:.0f}") if seconds < 90 else T("unit.minutes", n=f"{seconds / 60:.1f}")


# pages that show the run's status and poll it themselves: one polling loop per page
PAGES_FOLLOWING_THE_RUN = ("train", "inside", "evaluate")


def sidebar_status(page: str) -> None:
    job = runs.training_job()
    if job is None or page in PAGES_FOLLOWING_THE_RUN:
        return
    first = runs.record(job)
    active = first.active

    @st.fragment(run_every=pacing.expect_polls(pacing.poll_seconds(first, live=pacing.QUEUED)))
    def _mini():
        pacing.tick()
        snap = runs.record(job)
        st.caption(":material/model_training: " + status_line(snap))
        if snap.active is not active:   # started/finished since the last full run: redraw everything
            st.rerun()

    with st.sidebar:
        _mini()
