"""Lessons: the course one experiment at a time, with this session's progress, a link to
open each lesson beside the lab, and the links a teacher shares (plain and projector)."""
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from playground import lessons
from ui import lessons as lesson_ui
from ui.lang import T, lang
from ui.projector import PARAM as PROJECTOR_PARAM
from ui.session import Key
from ui.widgets import opened

MARKS = {"done": ":material/check_circle:", "open": ":material/play_circle:", "todo": ":material/radio_button_unchecked:"}


def base_url() -> str:
    """The app's address (the Train page), for the links a teacher shares."""
    url = str(getattr(st.context, "url", None) or "").split("?")[0]
    return url.removesuffix("/lessons").rstrip("/") + "/"


def state(lesson, done: dict, open_id) -> str:
    return "done" if lesson.id in done else "open" if lesson.id == open_id else "todo"


def lesson_row(lesson, mark: str) -> None:
    with st.container(border=True):
        icon, body, action = st.columns([0.5, 7, 1.6], vertical_alignment="center")
        icon.markdown(MARKS[mark], help=T(f"lessons.mark_{mark}"))
        body.markdown(f"**{lesson.number}. {lessons.say(lesson, lesson.title, lang())}**")
        body.caption(T("lessons.goal", goal=lessons.say(lesson, lesson.goal.text, lang())))
        with action:
            lesson_ui.lesson_link(lesson.id, T("lessons.continue" if mark == "open" else "lessons.open"),
                                  icon=":material/arrow_forward:")


def progress(all_lessons, done: dict) -> None:
    n = sum(1 for x in all_lessons if x.id in done)
    st.progress(n / max(len(all_lessons), 1), text=T("lessons.progress", done=n, total=len(all_lessons)))


def teacher_links(all_lessons) -> None:
    if (box := opened(T("lessons.links_title"), Key.LESSON_LINKS, ":material/co_present:")) is None:
        return
    base = base_url()
    rows = []
    for x in all_lessons:
        q = {lesson_ui.PARAM: x.id, "lang": lang()}
        rows.append({T("lessons.col.number"): x.number, T("lessons.col.title"): lessons.text(x.title, lang()),
                     T("lessons.col.link"): f"{base}?{urlencode(q)}",
                     T("lessons.col.projector"): f"{base}?{urlencode({**q, PROJECTOR_PARAM: '1'})}"})
    with box:
        st.caption(T("lessons.links_help"))
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                     column_config={T("lessons.col.link"): st.column_config.LinkColumn(),
                                    T("lessons.col.projector"): st.column_config.LinkColumn()})


def render() -> None:
    st.title(T("lessons.title"))
    st.caption(T("lessons.intro"))
    for problem in lessons.broken():      # a lesson file edited by hand that is not valid TOML
        st.error(problem.text(lang()), icon=":material/error:")
    all_lessons = lessons.load_all()
    done, open_id = lesson_ui.done(), st.session_state.get(lesson_ui.K.OPEN)
    progress(all_lessons, done)
    for lesson in all_lessons:
        lesson_row(lesson, state(lesson, done, open_id))
    teacher_links(all_lessons)


render()
