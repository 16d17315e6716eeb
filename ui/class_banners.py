"""What a student of the class sees of it, at the top of the page: joining with the class
code (on the start page, while a class is on), the nickname field, and the teacher's
pushes as banners with one button each (open lesson N, use the teacher's setup). None of
it blocks the page or the Train button, and nothing navigates by itself: a student in the
middle of a run clicks when ready."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

import streamlit as st

from playground import lessons as lesson_files

from . import classroom, lessons, pacing, projector
from .lang import LANG_PARAM, T, lang
from .session import Key

COOKIE_DAYS = 120
NEWS_EVERY_S = 3.0        # a student's page looks for the teacher's news this often (a tiny fragment)


def write_cookies() -> None:
    """Cookies waiting to be written (teacher, class, nickname), by a tiny script in a
    one-pixel frame of this origin (Streamlit reads them back through st.context.cookies)."""
    pending = st.session_state.pop(Key.CLASS_COOKIES, None)
    if not pending:
        return
    attrs = f"; path=/; max-age={COOKIE_DAYS * 86400}; samesite=lax"
    # the frame shares the app's origin: its parent's document is the page the app reads cookies from
    st.iframe(f"<script>const d=(()=>{{try{{return window.parent.document}}catch(e){{return document}}}})();"
              f"for(const [k,v] of Object.entries({json.dumps(pending)}))"
              f"d.cookie=k+'='+encodeURIComponent(v)+{json.dumps(attrs)};</script>", height=1, width=1)


def _handled() -> dict:
    return st.session_state.setdefault(Key.CLASS_HANDLED, {})


def _join_bar() -> None:
    """One line on the start page while a class is on; training needs none of it."""
    with st.container(horizontal=True, vertical_alignment="center", key="class_join_bar", gap="small"):
        st.markdown(T("classroom.join.help"), width="content", help=T("classroom.join.help_more"))
        st.text_input(T("classroom.join.code"), key=Key.W_CLASS_CODE, max_chars=12, width=160,
                      placeholder=T("classroom.join.code_placeholder"), label_visibility="collapsed")
        if st.button(T("classroom.join.button"), icon=":material/group_add:", key=Key.CLASS_JOIN):
            if classroom.try_code(st.session_state.get(Key.W_CLASS_CODE)):
                st.rerun()
            _handled()["bad_code"] = True
    if _handled().pop("bad_code", False):
        st.warning(T("classroom.join.bad_code"), icon=":material/key_off:")


def _save_nick() -> None:
    classroom.set_nick(st.session_state.get(Key.W_NICKNAME, ""))


def _nickname_bar() -> None:
    n = st.session_state.get(Key.CLASS_NUMBER, 0)
    with st.container(horizontal=True, vertical_alignment="center", key="class_nick_bar", gap="small"):
        st.markdown(T("classroom.nick.prompt", n=n), help=T("classroom.nick.help"), width="content")
        st.text_input(T("classroom.nick.label"), key=Key.W_NICKNAME, max_chars=classroom.NICK_MAX, width=240,
                      placeholder=T("classroom.nick.placeholder"), label_visibility="collapsed")
        st.button(T("classroom.nick.save"), on_click=_save_nick, key=Key.CLASS_SAVE_NICK,
                  icon=":material/badge:")


def _dismiss(what: str, seq: int) -> None:
    _handled()[what] = seq


def _lesson_banner(cls: dict) -> None:
    lesson = lesson_files.get(cls.get("lesson"))
    seq = int(cls.get("lesson_seq", 0))
    if lesson is None or _handled().get("lesson", 0) >= seq:
        return
    current = lessons.current()
    if current is not None and current.id == lesson.id:
        _dismiss("lesson", seq)         # opened: the banner has done its work
        return
    title = lesson_files.text(lesson.title, lang())
    with st.container(border=True, horizontal=True, vertical_alignment="center", key="class_lesson_banner"):
        st.markdown(T("classroom.banner.lesson", n=lesson.number, title=title), width="content")
        st.page_link("views/train.py", label=T("classroom.banner.open_lesson", n=lesson.number),
                     icon=":material/school:",
                     query_params={lessons.PARAM: lesson.id, LANG_PARAM: lang(), **projector.params()})
        st.button(T("classroom.banner.later"), key=Key.CLASS_LATER_LESSON, on_click=_dismiss,
                  args=("lesson", seq), type="tertiary")


def _use_setup(query: str, seq: int) -> None:
    """The teacher's setup in this page's controls, as its link would set them (the run
    going on is left alone; the next Train uses the setup)."""
    params = {k: v for k, v in parse_qsl(query) if k not in (LANG_PARAM, projector.PARAM)}
    st.query_params.from_dict({**params, LANG_PARAM: lang(), **projector.params()})
    st.session_state[Key.INITIALISED] = False       # ui.sidebar.init_session reads the link again
    _dismiss("setup", seq)


def _setup_banner(cls: dict) -> None:
    query, seq = cls.get("setup"), int(cls.get("setup_seq", 0))
    if not query or _handled().get("setup", 0) >= seq:
        return
    with st.container(border=True, horizontal=True, vertical_alignment="center", key="class_setup_banner"):
        st.markdown(T("classroom.banner.setup"), width="content")
        if st.button(T("classroom.banner.use_setup"), key=Key.CLASS_USE_SETUP, icon=":material/tune:",
                     type="primary"):
            _use_setup(query, seq)
            st.rerun(scope="app")       # the whole page: the sidebar reads the setup from the link
        st.button(T("classroom.banner.later"), key=Key.CLASS_LATER_SETUP, on_click=_dismiss,
                  args=("setup", seq), type="tertiary")


def show(page: str, start_page: str) -> None:
    """The class's line at the top of a student's page (nothing for the teacher or a visitor)."""
    write_cookies()
    if st.session_state.get(Key.TEACHER):
        return
    if not classroom.joined():
        bad_link = st.session_state.pop(Key.CLASS_BAD_LINK, False)
        if page == start_page and classroom.is_open():
            if bad_link:
                _handled()["bad_code"] = True       # said beside the field, as a typed wrong code is
            _join_bar()
        elif bad_link and classroom.is_open():       # another page: no join bar, the word still
            st.warning(T("classroom.join.bad_code"), icon=":material/key_off:")
        elif bad_link:      # no class on now: the link's class has ended; training needs none of it
            st.info(T("classroom.join.link_ended"), icon=":material/link_off:")
        return
    if not st.session_state.get(Key.CLASS_NICK):
        _nickname_bar()
    st.session_state[Key.CLASS_HIDDEN_DRAWN] = sorted(classroom.hidden_controls())
    st.fragment(_class_news, run_every=pacing.expect_polls(NEWS_EVERY_S))()


def _class_news() -> None:
    """The teacher's pushes, looked for every few seconds even on a page that does not poll
    (a fragment of its own: a rerun of two banners, not of the page). Controls the teacher
    hid or showed again redraw the whole page (the sidebar is not part of the fragment)."""
    pacing.tick()      # a poll: the server knows this page still asks (ui.revive)
    cls = classroom.state()
    if sorted(classroom.hidden_controls()) != st.session_state.get(Key.CLASS_HIDDEN_DRAWN):
        st.rerun(scope="app")
    _lesson_banner(cls)
    _setup_banner(cls)
