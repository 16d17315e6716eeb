"""Glossary: every term of the course in Korean and English (GLOSSARY.md's words), each
with its one-line definition (in the session's language), a link to the page that shows it
and to the lesson that teaches it."""
import streamlit as st

from playground import lessons
from ui import lessons as lesson_ui
from ui.lang import T, lang
from ui.session import Key

WIDTHS = [2.6, 4.6, 3.2, 1.5]


def matches(term: dict, query: str) -> bool:
    """The query in either name or in either language's definition."""
    q = query.strip().lower()
    texts = [term.get("en", ""), term.get("ko", ""), *term.get("def", {}).values()]
    return not q or any(q in str(t).lower() for t in texts)


def header() -> None:
    names, meaning, where, _ = st.columns(WIDTHS)
    names.markdown(f"**{T('glossary.col.ko')}** / {T('glossary.col.en')}")
    meaning.markdown(f"**{T('glossary.col.def')}**")
    where.markdown(f"**{T('glossary.col.where')}**")


def term_row(term: dict) -> None:
    names, meaning, where, lesson_col = st.columns(WIDTHS, vertical_alignment="center")
    with names.container(gap=None):        # Korean above English, one term
        st.markdown(f"**{term['ko']}**")
        st.markdown(term["en"])
    meaning.caption(lessons.text(term.get("def", {}), lang()))
    with where:
        st.page_link(f"views/{term['page']}.py", label=lessons.text(term["where"], lang()),
                     icon=lesson_ui.PAGE_ICONS.get(term["page"]))
    lesson = lessons.get(term.get("lesson"))
    if lesson is not None:
        with lesson_col:
            lesson_ui.lesson_link(lesson.id, T("glossary.lesson", n=lesson.number), icon=":material/school:",
                                  help=lessons.text(lesson.title, lang()))


def render() -> None:
    st.title(T("glossary.title"))
    st.caption(T("glossary.intro"))
    query = st.text_input(T("glossary.search"), key=Key.GLOSSARY_SEARCH, help=T("glossary.search_help"))
    terms = [t for t in lessons.glossary() if matches(t, query)]
    if not terms:
        st.info(T("glossary.none"))
        return
    header()
    for term in terms:
        term_row(term)


render()
