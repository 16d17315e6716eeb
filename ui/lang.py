"""The session's language, and `T`: a translator that follows it."""
from __future__ import annotations

import streamlit as st

from playground.i18n import LANGS, Translator

from .session import Key

LANG_PARAM = "lang"   # the query parameter of a link's language


def lang() -> str:
    """The language of this session: the link's, else the browser's, until the sidebar switches it."""
    ss = st.session_state
    if Key.LANG not in ss:
        asked = st.query_params.get(LANG_PARAM)
        if asked in LANGS:
            ss[Key.LANG] = asked
        else:
            locale = (getattr(st.context, "locale", None) or "").lower()
            ss[Key.LANG] = "ko" if locale.startswith("ko") else "en"
    return ss[Key.LANG]


def set_lang(value: str) -> None:
    st.session_state[Key.LANG] = value


class _SessionTranslator(Translator):
    """A Translator whose language is the session's at each call, so pages and figures
    share one `T` and a language switch needs no new translator."""

    def __init__(self):   # no fixed language
        pass

    @property
    def lang(self) -> str:
        return lang()


T = _SessionTranslator()
