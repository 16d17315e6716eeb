"""This server process's health for the teacher (a collapsed part of /classroom): pages,
runs training and waiting, memory, threads, and each page's reruns per second. It reads
run records (a pure read: it keeps no run alive)."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime import Runtime

from playground.runs.scheduler import SCHEDULER
from playground.status import Status

from . import registry
from .lang import T
from .status import status_line


def memory_mb() -> tuple[float, float]:
    """(resident, peak) MB of this server process (Linux /proc)."""
    fields = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, value = line.split(":")
                fields[name] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def connected_sessions() -> int:
    """Pages with a connected browser (Streamlit's session manager, a private attribute that
    tests/unit/test_streamlit_internals.py guards; outside a server, this one)."""
    try:
        return len(Runtime.instance()._session_mgr.list_active_sessions())
    except (RuntimeError, AttributeError):      # no server, or AppTest's mock runtime
        return 1


def summary() -> None:
    rss, peak = memory_mb()
    runs = registry.REGISTRY.runs()
    snaps = [e.job.snapshot() for _, e in runs]
    c = st.columns(5)
    c[0].metric(T("class.sessions"), connected_sessions())
    c[1].metric(T("class.training"), f"{SCHEDULER.running} / {SCHEDULER.max_running}")
    c[2].metric(T("class.waiting"), sum(1 for s in snaps if s.status == Status.QUEUED))
    c[3].metric(T("class.memory"), f"{rss:,.0f} MB", help=T("class.memory_help", peak=f"{peak:,.0f}"))
    c[4].metric(T("class.threads"), threading.active_count())


def runs_table() -> None:
    now = time.monotonic()
    rows = []
    for token, e in registry.REGISTRY.runs():
        s = e.job.snapshot()
        rows.append({T("class.col.run"): token[:6], T("class.col.dataset"): e.job.cfg.dataset,
                     T("class.col.status"): status_line(s),
                     T("class.col.speed"): f"{s.samples_per_sec:,.0f}" if s.samples_per_sec else "–",
                     T("class.col.browser"): T("class.gone", s=f"{now - e.gone_since:.0f}") if e.gone_since
                     else T("class.connected")})
    st.subheader(T("class.runs"))
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption(T("class.no_runs"))


def sessions_table() -> None:
    stats = registry.REGISTRY.sessions()
    st.subheader(T("class.reruns"))
    st.caption(T("class.reruns_help"))
    rows = [{T("class.col.session"): sid[:8], T("class.col.reruns"): s.reruns,
             T("class.col.rate"): f"{s.rate():.2f}"} for sid, s in stats.items()]
    if rows:
        df = pd.DataFrame(rows).sort_values(T("class.col.rate"), ascending=False)
        st.dataframe(df, hide_index=True, width="stretch")
        st.caption(T("class.total_rate", rate=f"{sum(s.rate() for s in stats.values()):.1f}"))


def panel() -> None:
    summary()
    runs_table()
    sessions_table()
