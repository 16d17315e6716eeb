"""Glossary: every term of the course in Korean and English (GLOSSARY.md's words), each
with its one-line definition (in the session's language), a link to the page that shows it
and to the lesson that teaches it."""
import streamlit as st

from playground import lessons
from ui import lessons as lesson_ui
from ui.lang import T, lang
from ui.session import Key

WIDTHS = [2.2, 2.2, 5, 3, 1.3]


def matches(term: dict, query: str) -> bool:
    """The query in either name or in either language's definition."""
    q = query.strip().lower()
    texts = [term.get("en", ""), term.get("ko", ""), *term.get("def", {}).values()]
    return not q or any(q in str(t).lower() for t in texts)


def header() -> None:
    keys = ("glossary.col.ko", "glossary.col.en", "glossary.col.def", "glossary.col.where")
    for col, key in zip(st.columns(WIDTHS), keys):
        col.markdown(f"**{T(key)}**")


def term_row(term: dict) -> None:
    ko, en, meaning, where, lesson_col = st.columns(WIDTHS, vertical_alignment="center")
    ko.markdown(term["ko"])
    en.markdown(term["en"])
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
