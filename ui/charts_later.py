"""A new tab's first page shows its controls before its charts.

The browser fetches an element type's code the first time a page draws one, and it may hold
the page's new elements back until the code of every one of them has arrived and run.
Measured on the lab of a second visitor (a new browser, this 2-core machine): the Train
button's code had arrived at ~1.5 s, but in half the loads the button waited for plotly's
4.6 MB module to arrive and run and the preview figures to be drawn, until ~3.2 s. So a tab's
first page draws the lab's preview charts as empty frames of their size (nothing on the page
moves when they come); once the browser shows a frame, a script in it asks for the chart, and
only the frame's fragment reruns to draw it. No timer: on a slow network the page's code
takes longer to arrive.

Not in a crowd (ui.warm.crowded): there the server's CPU, not the browser, is what a class
waits for, and each frame costs the server one more (small) run.
"""
from __future__ import annotations

import streamlit as st
from streamlit import components

from . import live_chart, live_watch, warm
from .session import Key

SHOWN = components.v2.component("charts_later.shown", js="""
export default function ({ setTriggerValue }) { setTriggerValue("shown", true); }
""")     # run by the browser when it mounts the element, i.e. shows the page


def _framing() -> dict | None:
    """{"run": n, "framed": [fragment keys]} when this full run draws frames: the session's
    first full run that draws preview charts (Key.RERUN counts the runs)."""
    ss = st.session_state
    if live_watch.in_fragment_rerun():
        return None
    run = ss.get(Key.RERUN)
    if Key.CHARTS_LATER not in ss:
        ss[Key.CHARTS_LATER] = None if warm.crowded() else {"run": run, "framed": []}
    later = ss[Key.CHARTS_LATER]
    return later if later and later["run"] == run else None


def chart(build, key: str, height: int, live: bool = False) -> None:
    """A preview chart `height` px tall (`build()` gives its figure), or, in a tab's first page,
    its frame: the first frame's element asks for its fragment's rerun once the browser shows
    it, and that rerun asks for the other frames' (one request: the browser sends one).
    `live`: drawn as a live chart (ui.live_chart), whose code the browser then has at hand when
    the run's first point comes."""
    fragment = f"charts_later_{key}"
    st.fragment(_chart, key=fragment)(build, key, height, fragment, live)


def _chart(build, key: str, height: int, fragment: str, live: bool) -> None:
    framing = _framing()
    if framing is not None:
        with st.container(height=height, border=False):
            if not framing["framed"]:
                SHOWN(key="charts_later_shown", on_shown_change=lambda: None)
        framing["framed"].append(fragment)
        return
    if live:
        live_chart.chart(build(), key=key, config={"displayModeBar": False})
    else:
        st.plotly_chart(build(), key=key, config={"displayModeBar": False})
    later = st.session_state.get(Key.CHARTS_LATER)
    if later and (later.get("framed") or [None])[0] == fragment and live_watch.in_fragment_rerun():
        # after this chart is sent: a queued rerun may preempt this run at its next element
        for other in later.pop("framed")[1:]:
            live_watch.rerun_fragment(other)
