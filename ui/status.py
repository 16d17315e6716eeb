"""A small run status in the sidebar, on every page. Its polling is also the
session's heartbeat: a run whose tab stops asking is stopped (jobs.idle_timeout)."""
from __future__ import annotations

import streamlit as st

from playground.status import Status

from . import state


def status_line(snap, T) -> str:
    if snap.status == Status.QUEUED:
        return T("status.queued", pos=snap.queue_position) if snap.queue_position else T("status.waiting")
    return T(f"status.{snap.status}", epoch=snap.epoch, epochs=snap.epochs)


def duration(seconds, T) -> str:
    """Time left as the reader counts it: seconds below 90, then minutes."""
    if seconds is None:
        return "–"
    return T("unit.seconds", n=f"{seconds:.0f}") if seconds < 90 else T("unit.minutes", n=f"{seconds / 60:.1f}")


def sidebar_status() -> None:
    j = state.job()
    if j is None:
        return
    active = j.snapshot().active

    @st.fragment(run_every=1.0 if active else None)
    def _mini():
        snap = j.snapshot()
        T = state.T()
        st.caption(":material/model_training: " + status_line(snap, T))
        if snap.active is not active:   # started/finished since the last full run: redraw everything
            st.rerun()

    with st.sidebar:
        _mini()
