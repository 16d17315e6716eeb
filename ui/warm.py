"""The browser fetches and compiles the code of an element type the first time a page draws
one. The lab's numbers, progress bar and epoch log first appear with a run's first point:
measured, their code took ~0.9 s of the browser's CPU right after the Train click, in every
student's tab at once. Drawn hidden before any run, that cost moves to the page's load.
Only in a crowd: a learner alone pays it once either way, and a page that is only looked at
(most test pages) would pay it for nothing."""
from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from . import registry

CROWD = 6            # open tabs active in the last minute, this one included, from which pages warm up
RECENT_S = 60.0
KEY = "warm_elements"
HIDE = f"<style>.st-key-{KEY}{{display:none}}</style>"
TABLE = pd.DataFrame({" ": [0.0]})      # the hidden table (tests/app/apptest.tables leaves it out)


def crowded(now: float | None = None) -> bool:
    """The server holds a class: CROWD tabs still open and active in the last minute. A closed
    tab's session is kept a while (ui.registry), but it is no longer part of the class: one
    browser opening page after page (the browser tests' one tab) is not a crowd."""
    now = time.monotonic() if now is None else now
    reg = registry.REGISTRY
    return sum(1 for sid, s in reg.sessions().items() if now - s.last <= RECENT_S and reg.connected(sid)) >= CROWD


def elements() -> None:
    """One hidden metric, progress bar and table (nothing a reader sees or a screen reader
    reads), when the server holds a class."""
    if not crowded():
        return
    st.html(HIDE)
    with st.container(key=KEY):
        st.metric(" ", "0")
        st.progress(0.0)
        st.dataframe(TABLE, height=40)
