"""A link to a page that does not exist (a typo, an old bookmark: /nonexistent).

st.navigation answers an unknown path with its own modal dialog, in English ("Page not
found"), which no option translates. It sends that dialog only when no page matches the
path the browser asked for, so for an unknown path we add a hidden page with exactly that
path: it notes the path and opens the default page (keeping the link's query parameters),
which then says in the session's language what happened.
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .lang import T
from .session import Key

NOTE_KEY = Key.UNKNOWN_PAGE_NOTE   # the path just redirected from, shown once on the page it opened


def requested_path() -> str:
    """The URL path the browser asked for ('' for the app's root or a page chosen by its
    hash). Streamlit has no public API for it before st.navigation resolves the page;
    st.context.url already names the page it resolved to."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return ""
    return getattr(manager, "intended_page_name", None) or ""


def catch_unknown(pages: list, default_path: str) -> list:
    """`pages` (the first one the default) plus a hidden page for the requested path when
    no page has it. Not for the default page's own name (`default_path`, /train): Streamlit
    serves that page at the root only but reserves its name, so no other page may take it."""
    asked = requested_path()
    if (not asked or asked == default_path or asked in {p.url_path for p in pages} or "/" in asked
            or asked != asked.strip()):
        return pages

    def unknown_page():
        st.session_state[NOTE_KEY] = asked
        st.switch_page(pages[0], query_params=st.query_params.to_dict())

    return [*pages, st.Page(unknown_page, title=T("app.page_not_found_title"), url_path=asked,
                            visibility="hidden")]


def note() -> None:
    """Say once, at the top of the page, in the session's language, that the asked page does not exist."""
    asked = st.session_state.pop(NOTE_KEY, None)
    if asked:
        st.warning(T("app.page_not_found", path=asked), icon=":material/link_off:")
