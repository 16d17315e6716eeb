"""Projector mode (`?projector=1`): a teacher's link opens with the sidebar collapsed and
larger text, for a classroom's back row. Read from the link, kept in it."""
from __future__ import annotations

import streamlit as st

PARAM = "projector"
# Streamlit sizes its text in rem: a larger root font scales every label, metric and button.
# The gaps and the (opaque) header are in rem too: kept near their normal size in px, so the
# lab's panels and their toggles stay in the first screen at 1280x720 (they were pushed below
# it) and the header does not cover the speed control's label.
CSS = ("<style>html{font-size:20px}"
       "[data-testid=stMetricValue]{font-size:2.1rem !important}"
       "[data-testid=stVerticalBlock]{gap:0.4rem !important}"
       "[data-testid=stMainBlockContainer]{padding-top:2.2rem !important}"
       "[data-testid=stHeader]{height:2.2rem !important;min-height:0 !important}</style>")


def on() -> bool:
    """Whether this page was opened in projector mode (read before anything is drawn)."""
    return str(st.query_params.get(PARAM, "")).lower() in ("1", "true", "on", "yes")


def sidebar_state() -> str:
    # "auto": open on a wide screen, closed on a phone (it opened over the page on every load)
    return "collapsed" if on() else "auto"


def apply() -> None:
    """The larger text, on every page of a projector session."""
    if on():
        st.html(CSS)


def params() -> dict[str, str]:
    """What the link keeps of it (ui.url adds it to the address bar and the share link)."""
    return {PARAM: "1"} if on() else {}
