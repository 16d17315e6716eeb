"""Runs belong to the server, not to a browser tab.

Each run is registered under a token that its page keeps in the URL (`?run=...`), so a
reload finds it again, with its history. A reaper thread asks Streamlit's runtime which
sessions still have a connected browser: a run whose tab is gone (closed, crashed, the
laptop shut) is stopped after a short grace, not after the idle timeout, and its memory is
let go. After a server restart the token names nothing, and the page says the run was lost.
The registry also counts each session's reruns, for the teacher's status page.

With several replicas behind a proxy (deploy/), each token's owner process is also written
to a shared store (ui.store: Redis with PLAYGROUND_REDIS_URL, else this process's memory),
so a page that reaches a process without its run can say whether that run's process
restarted or the run lives on another one.

The teacher's pause all / stop all reach every replica the same way: a numbered command in
the shared store's class state, which each process's reaper applies to its own runs (those
registered before the command; a run started later is left alone).
"""
from __future__ import annotations

import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from . import heap
from . import store as shared

RUN_PARAM = "run"
TOKEN_BYTES = 9                                   # a run token: secrets.token_urlsafe(9), 12 characters
TOKEN = re.compile(r"[A-Za-z0-9_-]{12}")
# a closed tab's run is stopped after this many seconds (a reload within it reattaches)
GRACE_S = float(os.environ.get("PLAYGROUND_CLOSED_TAB_GRACE", 15))
REAP_EVERY_S = 2.0
# a page polling every p seconds is called quiet after p + max(p, this) without a rerun: a loaded class
# server lags its pages by seconds (5 s here reran 76 of 30 pages in a bench); the tests' server sets 4
QUIET_SLACK_S = float(os.environ.get("PLAYGROUND_QUIET_SLACK_S", 10))
# a finished run stays findable by its token this long after its page went away
KEEP_FINISHED_S = float(os.environ.get("PLAYGROUND_KEEP_FINISHED_S", 45))
# Streamlit keeps a closed tab's session (its session_state: the run, its model and data, its
# figures, its uploads) for a reconnect, and past its TTL (.streamlit/config.toml's
# disconnectedSessionTTL, 30 s) only hides it: it is dropped, unclosed, when a later tab
# closes, so a quiet server kept a whole class's sessions for good (30 runs, 93 figures after
# a 30-student bench). The reaper closes it this long after the tab went: past the run's grace,
# within the TTL (tests/app/test_closed_tabs_memory.py checks both).
CLOSE_GONE_SESSION_S = 20.0
TRIM_EVERY_S = 30.0


def session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


@dataclass
class Entry:
    job: object
    session: str | None
    gone_since: float | None = None     # when its browser was first seen disconnected
    since: float = field(default_factory=time.time)   # wall clock: a class command applies to older runs


@dataclass
class SessionStats:
    reruns: int = 0
    last: float = field(default_factory=time.monotonic)
    recent: list = field(default_factory=list)   # monotonic times of the last reruns (rate)
    pace: float | None = None     # seconds between the polls its page's last full run set up (None: no poll)
    revived: int = 0              # times the server reran it after its polls stopped (ui.revive)
    gone_since: float | None = None     # when its browser was first seen disconnected
    closed: bool = False          # the reaper closed its Streamlit session

    def rate(self, window: float = 30.0) -> float:
        now = time.monotonic()
        return sum(1 for t in self.recent if now - t <= window) / window


class Registry:
    def __init__(self, grace: float = GRACE_S, connected=None, store=None, me: shared.Owner | None = None):
        self.grace = grace
        self._connected = connected or browser_connected
        self.store = store if store is not None else shared.from_env()
        self.me = me or shared.this_process()
        self._lock = threading.Lock()
        self._runs: dict[str, Entry] = {}
        self._sessions: dict[str, SessionStats] = {}
        self._reaper: threading.Thread | None = None
        self._command_seen = 0            # the last class command applied here
        self.chores: list = []            # more work for the reaper's round (ui.presence: refresh rows)
        self.on_rerun: list = []          # called on every counted rerun, in the session's thread
        self.released = False             # a reap let runs or sessions go: the next round returns memory

    # --- runs -------------------------------------------------------------------------------------------
    def register(self, job, session: str | None) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._runs[token] = Entry(job, session)
        self.store.heartbeat(self.me)
        self.store.claim(token, self.me)
        self._start_reaper()
        return token

    def attach(self, token: str | None, session: str | None, wait: float = 2.0):
        """The run a reloaded page names, now belonging to this session. None if unknown, or
        if the page it belongs to is still open (an address copied to another tab or a
        classmate shares the setup, not the run); a reload's old page closes within `wait`."""
        with self._lock:
            entry = self._runs.get(token or "")
        if entry is None:
            return None
        deadline = time.monotonic() + wait
        while entry.session != session and self._connected(entry.session):
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.1)
        with self._lock:
            entry.session, entry.gone_since = session, None
        return entry.job

    def knows(self, token: str | None) -> bool:
        with self._lock:
            return (token or "") in self._runs

    def forget(self, token: str | None) -> None:
        with self._lock:
            held = self._runs.pop(token or "", None)
        if held is not None:
            self.store.release(token)

    def lost_reason(self, token: str) -> str:
        """Why `token` names no run this page can take over (a RUN_LOST value, shown as
        train.run_<reason>): its page is still open here, its process restarted, it is on
        another replica, or it is gone; a token this registry could never have made (cut
        short, edited) is unknown, not "the server restarted"."""
        if self.knows(token):
            return shared.ELSEWHERE
        if not TOKEN.fullmatch(str(token or "")):
            return shared.UNKNOWN
        return shared.why_unknown(self.store, self.me, token)

    def connected(self, session: str | None) -> bool:
        """Whether the session's browser is still there."""
        return self._connected(session)

    def runs(self) -> list[tuple[str, Entry]]:
        with self._lock:
            return list(self._runs.items())

    # --- sessions' reruns ---------------------------------------------------------------------------------
    def count_rerun(self, session: str | None) -> None:
        if session is None:
            return
        now = time.monotonic()
        with self._lock:
            s = self._sessions.setdefault(session, SessionStats())
            s.reruns += 1
            s.last = now
            s.recent = [t for t in s.recent if now - t <= 30.0] + [now]
        for hook in list(self.on_rerun):     # ui.presence: this session's row for the teacher
            hook()

    def sessions(self) -> dict[str, SessionStats]:
        with self._lock:
            return dict(self._sessions)

    def expect_polls(self, session: str | None, pace: float | None) -> None:
        """The page's run set up a poll every `pace` seconds (the shortest of its polls
        counts); a full run starts with none (`pace` None)."""
        if session is None:
            return
        with self._lock:
            s = self._sessions.setdefault(session, SessionStats())
            s.pace = pace if pace is None or s.pace is None else min(s.pace, pace)

    def quiet_sessions(self, now: float | None = None) -> list[tuple[str, float, float]]:
        """Connected sessions whose page set up a poll but has not rerun for two of its
        polls (and at least QUIET_SLACK_S past one): its poll was lost (ui.revive). Each is
        returned once per quiet spell, as (session, its pace, seconds quiet): it counts as
        rerun now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            quiet = [(sid, s) for sid, s in self._sessions.items()
                     if s.pace is not None and now - s.last > s.pace + max(s.pace, QUIET_SLACK_S)]
        found = [(sid, s.pace, now - s.last) for sid, s in quiet if self._connected(sid)]
        with self._lock:
            for sid, s in quiet:
                if any(sid == f[0] for f in found):
                    s.last, s.revived = now, s.revived + 1
        return found

    # --- the teacher's commands ---------------------------------------------------------------------------
    def follow_class(self) -> str | None:
        """Apply the class state's newest pause / stop / resume command to the runs this
        process holds that were registered before it; returns the action applied, if any."""
        state = self.store.class_state()
        seq, action, at = int(state.get("command_seq", 0)), state.get("command"), state.get("command_at", 0.0)
        if seq <= self._command_seen:
            return None
        self._command_seen = seq
        for _, e in self.runs():
            if e.since > at:
                continue
            snap = e.job.snapshot()
            if not snap.active:
                continue
            if action == "pause" and hasattr(e.job, "pause"):
                e.job.pause()
            elif action == "resume" and hasattr(e.job, "resume"):
                e.job.resume()
            elif action == "stop":
                e.job.stop("teacher")
        return action

    # --- the reaper -----------------------------------------------------------------------------------------
    def reap(self, now: float | None = None) -> list[str]:
        """Stop the runs whose browser has been gone longer than the grace; forget finished
        runs nobody looks at. Returns the tokens of the runs it stopped. The jobs are asked
        outside the registry's lock: a job busy ending must not hold up every page's rerun."""
        now = time.monotonic() if now is None else now
        with self._lock:
            entries = list(self._runs.items())
            sessions = list(self._sessions.items())
        stopped, finished = [], []
        for token, e in entries:
            if self._connected(e.session):
                e.gone_since = None
                continue
            e.gone_since = e.gone_since or now
            gone_for = now - e.gone_since
            if e.job.snapshot().active:
                if gone_for >= self.grace:
                    e.job.stop("closed")
                    stopped.append(token)
            elif gone_for >= KEEP_FINISHED_S:
                finished.append(token)
        gone, close = [], []
        for sid, st_ in sessions:
            if self._connected(sid):
                st_.gone_since = None
                continue
            st_.gone_since = st_.gone_since or now
            if not st_.closed and now - st_.gone_since >= CLOSE_GONE_SESSION_S:
                st_.closed = True
                close.append(sid)
            if now - st_.last > KEEP_FINISHED_S and st_.closed:
                gone.append(sid)
        with self._lock:
            for token in finished:
                self._runs.pop(token, None)          # lets its model and data go
            for sid in gone:
                self._sessions.pop(sid, None)
        for token in finished:
            self.store.release(token)
        close_sessions(close)
        self.released = self.released or bool(finished or close)
        return stopped

    def start(self) -> None:
        """Start the reaper (once): a page with no run yet still has chores (its presence row)."""
        self._start_reaper()

    def _start_reaper(self) -> None:
        with self._lock:
            if self._reaper is not None and self._reaper.is_alive():
                return
            self._reaper = threading.Thread(target=self._reap_forever, daemon=True, name="run-reaper")
            self._reaper.start()

    def _reap_forever(self) -> None:
        last_trim = time.monotonic()
        while True:
            time.sleep(REAP_EVERY_S)
            try:
                self.store.heartbeat(self.me)       # other replicas read "this process is alive"
                self.reap()
                self.follow_class()
                for chore in list(self.chores):
                    chore()
                released, self.released = self.released, False
                if released or time.monotonic() - last_trim > TRIM_EVERY_S:   # a closed session is
                    last_trim = time.monotonic()          # let go on the event loop, by the round after
                    heap.return_memory()
            except Exception:   # the reaper must outlive one bad entry
                pass


def close_sessions(sessions: list[str]) -> None:
    """Shut the Streamlit sessions down (their state, uploads and media go), on the event loop
    as Runtime.close_session requires. Outside a server (AppTest's mocked runtime): nothing."""
    if not sessions or not Runtime.exists():
        return
    runtime = Runtime.instance()
    try:
        loop = runtime._get_async_objs().eventloop     # no public handle on the runtime's loop
    except (AttributeError, RuntimeError):
        return
    for sid in sessions:
        loop.call_soon_threadsafe(runtime.close_session, sid)


def browser_connected(session: str | None) -> bool:
    """True while the session's websocket is connected (Streamlit keeps a disconnected
    session for a reconnect, but no longer lists it as active)."""
    if session is None or not Runtime.exists():
        return True          # outside a server: nothing to judge by
    active = Runtime.instance().is_active_session(session)
    return active if isinstance(active, bool) else True   # AppTest's runtime is a mock


REGISTRY = Registry()
