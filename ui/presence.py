"""Each student's presence row for the teacher's table, published to the shared store from
the student's own reruns (a polling fragment's too: ui.registry calls `on_rerun` from
pacing.tick), at most every PUBLISH_EVERY_S. The run is read only through the page's
record (ui.runs.record: at the start of a rerun, the one the page last drew), never
heartbeated here. A process's reaper refreshes the rows of
its connected sessions (an idle page reruns rarely) and withdraws those whose tab closed."""
from __future__ import annotations

import threading
import time

import streamlit as st

from playground.classroom.roster import Presence, with_run

from . import classroom, lessons, registry, runs
from .session import Key

PUBLISH_EVERY_S = 2.0
REFRESH_EVERY_S = 20.0          # well inside the store's PRESENCE_TTL_S
_lock = threading.Lock()
_mine: dict[str, tuple[float, dict]] = {}    # this process's sessions: (last written, row)


def _goals() -> tuple[int, int]:
    lesson = lessons.current()
    cached = st.session_state.get(Key.LESSON_CHECKED)
    if lesson is None or not cached or cached[0][0] != lesson.id:
        return 0, 0
    checks = cached[1]
    return sum(1 for c in checks if c.ok), len(checks)


def build(session: str, now: float) -> Presence:
    ss = st.session_state
    lesson = lessons.current()
    met, total = _goals()
    row = Presence(session=session, number=int(ss.get(Key.CLASS_NUMBER, 0)), nickname=ss.get(Key.CLASS_NICK, ""),
                   page=ss.get(Key.CLASS_PAGE, ""), lesson=lesson.id if lesson else None,
                   lesson_number=lesson.number if lesson else None, goals_met=met, goals_total=total,
                   lesson_done=bool(lesson and lesson.id in lessons.done()), seen=now)
    previous = ss.get(Key.CLASS_ROW)
    job = runs.training_job()
    return with_run(row, runs.record(job) if job is not None else None,
                    Presence.from_dict(previous[1]) if previous else None, now)


def publish(force: bool = False) -> None:
    """This session's row, if it is a student of the class and the last one is old enough."""
    session = registry.session_id()
    if session is None or not classroom.joined():
        return
    now = time.time()
    last = st.session_state.get(Key.CLASS_ROW)
    row = build(session, now).to_dict()
    # a new status, nickname or lesson goes out at once (a finished run's page stops rerunning)
    changed = last is None or any(last[1].get(k) != row[k] for k in ("status", "nickname", "lesson", "page"))
    if not (force or changed) and now - last[0] < PUBLISH_EVERY_S:
        return
    st.session_state[Key.CLASS_ROW] = (now, row)
    classroom.store().publish(session, row)
    with _lock:
        _mine[session] = (now, row)
    registry.REGISTRY.start()


def on_page(page: str) -> None:
    """A full rerun drew `page`: a new page is published at once."""
    ss = st.session_state
    moved = ss.get(Key.CLASS_PAGE) != page
    ss[Key.CLASS_PAGE] = page
    publish(force=moved)


def _on_rerun() -> None:
    try:
        publish()
    except Exception:       # a store hiccup must never break a student's page
        pass


def refresh(now: float | None = None) -> None:
    """The reaper's chore: keep connected sessions' rows from expiring, withdraw closed tabs'."""
    now = time.time() if now is None else now
    reg = registry.REGISTRY
    with _lock:
        mine = list(_mine.items())
    for session, (written, row) in mine:
        if not reg.connected(session):
            reg.store.withdraw(session)
            with _lock:
                _mine.pop(session, None)
        elif now - written > REFRESH_EVERY_S:
            reg.store.publish(session, row)
            with _lock:
                _mine[session] = (now, row)


if _on_rerun not in registry.REGISTRY.on_rerun:
    registry.REGISTRY.on_rerun.append(_on_rerun)
    registry.REGISTRY.chores.append(refresh)
