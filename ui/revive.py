"""A page that stopped asking for news is rerun by the server.

A page follows its run with a polling fragment (`st.fragment(run_every=...)`): a timer in
the browser. The browser clears every such timer when a full rerun starts and sets it again
when that rerun's script registers the fragment. With a class of 30 on one 2-core server
(bench/classroom.py) 2 to 9 pages froze mid-run, every one with no timer left (its last
timer cleared by that full rerun's start, traced in the browser), its socket open. Traced on
the server: when a page's poll arrived after its script runner had finished but before the
server had handled that runner's last messages, Streamlit started a new runner and dropped
the finished one's messages (AppSession ignores a non-current runner's events), the
timer's among them. Nothing in the page could ask again.

The registry knows when each page last reran and how often its last full run set it up to
poll (ui.pacing). A connected page quiet for its poll and then max(its poll, 10 s) more
(registry.QUIET_SLACK_S: a loaded server lags its pages by seconds) is rerun from here, as
Streamlit's own run-on-save reruns a page: with the client state of its last run, so the page,
its address and its widgets stay as they were.

The full run that draws a run's end sets up no poll of its own, and its messages can be lost
the same way (seen once in a bench: a page still saying "epoch 13/30" of a run long over).
So that run sets up a slow poll (ui.pacing.confirm_drawn): a page that never makes it is
quiet, and rerun here; that rerun sets up no poll.
"""
from __future__ import annotations

import asyncio
import logging

from streamlit.runtime import Runtime

from . import registry

log = logging.getLogger(__name__)


def rerun_session(session_id: str) -> bool:
    """Ask the session's page for a full rerun (on the session's own event loop, where
    Streamlit handles a browser's requests). False when there is no such live session."""
    if not Runtime.exists():
        return False
    try:
        session = Runtime.instance()._session_mgr.get_active_session_info(session_id).session
        loop = session._event_loop
    except Exception:          # gone meanwhile
        return False
    if not isinstance(loop, asyncio.AbstractEventLoop):     # AppTest's mock runtime
        return False

    def rerun():               # on the loop: the client state as of now (a finished runner replaces it)
        state = type(session._client_state)()
        state.CopyFrom(session._client_state)
        state.fragment_id = ""          # the whole page: only a full run sets the poll up again
        state.is_auto_rerun = False
        session.request_rerun(state)

    loop.call_soon_threadsafe(rerun)
    return True


def revive_quiet_pages() -> None:
    """The reaper's chore: rerun every page whose polls stopped."""
    for sid, pace, quiet in registry.REGISTRY.quiet_sessions():
        if rerun_session(sid):
            log.warning("page %s polls every %g s but was quiet for %.0f s: rerun from the server", sid[:8], pace, quiet)


def watch() -> None:
    """Make sure the reaper looks for quiet pages (once a page sets up a poll)."""
    if revive_quiet_pages not in registry.REGISTRY.chores:
        registry.REGISTRY.chores.append(revive_quiet_pages)
