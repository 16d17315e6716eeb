"""A cheap watcher in front of a heavy live panel.

A page that follows a run polls it. A rerun of the lab's live panel redraws ~25 elements
(the numbers, three charts, the log): measured ~0.12 s of its browser's CPU even when
nothing changed, so 30 pages polling once a second while their runs waited for a turn took
both cores of a class's server and delayed every first point by tens of seconds. Here the
poll is a fragment with nothing to draw (~0.02 s a poll, measured): it reads the run and
asks for the heavy panel's rerun only when the panel would show something new (a published
record, a status, how many share the server, the next point's time to a few seconds).

Streamlit reruns a keyed fragment on request only from a widget callback; the request is
made here directly, through the internals tests/unit/test_streamlit_internals.py checks.
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from .session import Key

NEXT_POINT_STEP_S = 5.0     # the "next point in about X s" note is redrawn when X crosses a step of this


def shown(serial: int, snap) -> tuple:
    """What a live panel draws of a run record: when this changes, the panel reruns."""
    wait = snap.next_point_s
    return (serial, snap.version, snap.status, snap.sharing,
            None if wait is None else (wait >= 1) + int(wait // NEXT_POINT_STEP_S))


def drawn(panel: str, what: tuple) -> None:
    """The live `panel` is drawing `what` (`shown`, or what else it draws of a record; called
    by the panel, in its rerun)."""
    st.session_state.setdefault(Key.LIVE_DRAWN, {})[panel] = what


def is_new(panel: str, what: tuple) -> bool:
    return st.session_state.get(Key.LIVE_DRAWN, {}).get(panel) != what


def in_fragment_rerun() -> bool:
    """This run is the calling fragment's own (a poll, or a rerun asked for it), not the whole
    page's nor an enclosing fragment's (the lab's body, rerun by a click on its buttons, draws
    its live fragments as a whole page's run does)."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run
                and ThreadState.get().fragment_id in ctx.fragment_ids_this_run)


def rerun_fragment(key: str | list[str]) -> bool:
    """Queue a rerun of the fragment registered with `key` (or of each of a list, in order),
    after the current (fragment) run ends. False when there is no fragment run to follow (a
    full run, or an enclosing fragment's, draws every fragment in it). The run may end at its next Streamlit call once this
    is queued: ask for every fragment in one call."""
    ctx = get_script_run_ctx()
    if ctx is None or ctx.script_requests is None or not in_fragment_rerun():
        return False
    ctx.script_requests.request_rerun(RerunData(
        query_string=ctx.query_string, page_script_hash=ctx.page_script_hash,
        fragment_id_queue=ctx.fragment_storage.resolve_target(key), is_fragment_scoped_rerun=True,
        cached_message_hashes=ctx.cached_message_hashes, context_info=ctx.context_info))
    return True
