"""The class in the Streamlit layer: the teacher key, joining with the class code, the
nickname, and the class state the teacher sets (read from the shared store, ui.store).

Who is who: the teacher is the session that gave the teacher key (`/classroom?key=...`
once, the key field, or the cookie that remembers it); a student is a session that joined
the class (the class link or QR code's `?class=CODE`, the code typed on the start page, or
the cookie of an earlier visit to this class). Only joined students publish a presence row,
see the teacher's banners and lose the controls the teacher hides; anyone else using the
server is left alone."""
from __future__ import annotations

import hashlib
import os
import time
from urllib.parse import unquote

import streamlit as st
from cachetools import TTLCache

from playground.classroom import join
from playground.classroom.start import CLASS_ENV

from . import registry
from .session import Key

COOKIE_TEACHER, COOKIE_CLASS, COOKIE_NICK, COOKIE_NUMBER = "nnp_teacher", "nnp_class", "nnp_nick", "nnp_number"
NICK_MAX = 24
STATE_TTL_S = 1.0         # every page reads the class state: once a second per process is enough
OPEN_FOR_S = 12 * 3600    # a class is "on" this long after the teacher last had the room open
# the sidebar controls a teacher can hide (config fields, plus the hidden layers and the "more" box)
HIDEABLE = ("dataset", "features", "hidden", "activation", "dropout", "batch_norm", "residual", "optimizer", "lr",
            "batch_size", "epochs", "more")
_state_cache: TTLCache = TTLCache(maxsize=1, ttl=STATE_TTL_S)
_announced = False


def store():
    return registry.REGISTRY.store


# --- the class's key, code and state -----------------------------------------------------------------

def teacher_key() -> str:
    """PLAYGROUND_TEACHER_KEY, else one random key per server, shared by the replicas through the store."""
    return os.environ.get(join.KEY_ENV, "").strip() or store().class_default("key", join.new_key())


def class_code() -> str:
    """PLAYGROUND_CLASS_CODE, else one random code per class, shared through the store (read
    from the cached class state: every student's rerun asks)."""
    return (join.normalize_code(os.environ.get(join.CODE_ENV)) or state().get("code")
            or store().class_default("code", join.new_code()))


def state(fresh: bool = False) -> dict:
    """The class state (lesson / setup pushed, hidden controls, commands), at most a second old."""
    cached = None if fresh else _state_cache.get("state")     # one lookup: pages read it from many threads
    if cached is None:
        cached = _state_cache["state"] = store().class_state()
    return cached


def update(**fields) -> None:
    store().set_class(**fields)
    _state_cache.clear()


def is_open() -> bool:
    """A class is on: started with `python -m playground class` (PLAYGROUND_CLASS), or the
    teacher has had the room open lately (and not ended the class)."""
    return bool(os.environ.get(CLASS_ENV)) or time.time() - float(state().get("opened_at", 0)) < OPEN_FOR_S


def base_url() -> str:
    from streamlit import config
    return join.base_url(int(config.get_option("server.port") or 8501))


def announce() -> None:
    """The teacher link in the server's log, once per process (`python -m playground class`
    prints it before the server starts)."""
    global _announced
    if not _announced:
        _announced = True
        print(f"Teacher's room: {join.teacher_link(base_url(), teacher_key())}", flush=True)


# --- the teacher -------------------------------------------------------------------------------------

def _digest(key: str) -> str:
    """What the teacher's cookie keeps: not the key itself."""
    return hashlib.sha256(f"nnp-teacher:{key}".encode()).hexdigest()[:32]


def is_teacher() -> bool:
    ss = st.session_state
    if ss.get(Key.TEACHER):
        return True
    cookie = _cookies().get(COOKIE_TEACHER)
    if cookie and join.key_matches(cookie, _digest(teacher_key())):
        ss[Key.TEACHER] = True
    return bool(ss.get(Key.TEACHER))


def try_key(given: str | None) -> bool:
    """The teacher key typed or in the link: right, and this session is the teacher's."""
    if not join.key_matches(given, teacher_key()):
        return False
    st.session_state[Key.TEACHER] = True
    remember(COOKIE_TEACHER, _digest(teacher_key()))
    return True


# --- students ------------------------------------------------------------------------------------------

def _cookies() -> dict:
    try:
        return {k: unquote(v) for k, v in st.context.cookies.items()}   # written URI-encoded (Korean nicknames)
    except Exception:       # outside a browser session (AppTest)
        return {}


def remember(name: str, value: str) -> None:
    """Write a cookie into the browser on the next draw (ui.class_banners.write_cookies)."""
    st.session_state.setdefault(Key.CLASS_COOKIES, {})[name] = value


def joined() -> bool:
    """This session is a student of the class that is on now."""
    ss = st.session_state
    if ss.get(Key.TEACHER):
        return False
    code = ss.get(Key.CLASS_JOINED)
    if code is None and is_open() and join.code_matches(_cookies().get(COOKIE_CLASS), class_code()):
        join_class()                               # came back: the cookie of this class
        code = ss.get(Key.CLASS_JOINED)
    return code is not None and join.code_matches(code, class_code())


def join_class() -> None:
    ss = st.session_state
    ss[Key.CLASS_JOINED] = class_code()
    if Key.CLASS_NUMBER not in ss:       # a reload in the same class keeps its number
        cookies = _cookies()
        same = join.code_matches(cookies.get(COOKIE_CLASS), class_code()) and cookies.get(COOKIE_NUMBER, "").isdigit()
        ss[Key.CLASS_NUMBER] = int(cookies[COOKIE_NUMBER]) if same else store().bump_class("students")
        remember(COOKIE_NUMBER, str(ss[Key.CLASS_NUMBER]))
    if Key.CLASS_NICK not in ss:
        ss[Key.CLASS_NICK] = clean_nick(_cookies().get(COOKIE_NICK, ""))
    remember(COOKIE_CLASS, class_code())


def try_code(given: str | None) -> bool:
    if not join.code_matches(given, class_code()):
        return False
    join_class()
    return True


def clean_nick(text: str) -> str:
    """One line, printable, short: a nickname, not a message."""
    return " ".join("".join(ch for ch in (text or "") if ch.isprintable()).split())[:NICK_MAX]


def set_nick(text: str) -> None:
    nick = clean_nick(text)
    st.session_state[Key.CLASS_NICK] = nick
    if nick:
        remember(COOKIE_NICK, nick)


def read_link() -> None:
    """The address's ?key= (the teacher link) and ?class= (the student link), read once and
    taken out of it, before the sidebar rewrites the address: a key must not stay in a
    projected address bar or a shared link."""
    qp = st.query_params
    key, code = qp.get(join.KEY_PARAM), qp.get(join.CODE_PARAM)
    if key is not None:
        try_key(key)
        qp.pop(join.KEY_PARAM, None)
    if code is not None:
        if not st.session_state.get(Key.TEACHER) and not try_code(code):
            st.session_state[Key.CLASS_BAD_LINK] = True     # an old class's link (a restarted server: a new code)
        qp.pop(join.CODE_PARAM, None)


def hidden_controls() -> set[str]:
    """The sidebar controls this session does not see: those the teacher hid, for students only."""
    if st.session_state.get(Key.TEACHER) or not st.session_state.get(Key.CLASS_JOINED):
        return set()
    return set(state().get("hidden", [])) & set(HIDEABLE)


def end_class() -> None:
    """The class is over: the teacher's pushes and hidden controls go, every student's row is
    withdrawn (nicknames included), and the start page stops offering the class code."""
    update(opened_at=0, lesson=None, setup=None, hidden=[])
    if not os.environ.get(join.CODE_ENV):
        update(code=join.new_code())          # the old code (and its cookies) join nothing now
    for row in store().presence():
        store().withdraw(row.get("session", ""))
