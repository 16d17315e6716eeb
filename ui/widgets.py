"""Widgets more than one page uses: the run controls, and selects with translated labels."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import streamlit as st

from playground.status import Status

from .lang import T, lang
from .session import Key, choice_key


def _drawn_for(snap) -> tuple[bool, bool]:
    """(active, paused): all the run controls depend on."""
    return bool(snap and snap.active), bool(snap and snap.status == Status.PAUSED)


def run_controls(job, snap, *, start: Callable[[bool], None] | None = None,
                 reset: Callable[[], None] | None = None, row=None) -> None:
    """Train, Pause or Resume, One epoch, Stop (and Reset) for this session's run, the same on
    every page. `start(paused)` starts a run (paused: for one step); `reset()` a fresh one
    paused at epoch 0. A page without them (Inside) has no Train or Reset button, and its
    One epoch only steps a paused run. One epoch and Resume always continue the run there is: a
    changed sidebar never restarts it (that takes Train, Reset or the lab's confirmation)."""
    active, paused = _drawn_for(snap)
    st.session_state[Key.RUN_CONTROLS] = (active, paused)
    # one flexible row: each button as wide as its label, wrapping on a narrow screen
    # (equal columns cut "학습 시작" to "학습 …" at 1024 px)
    row = row or st.container(horizontal=True, gap="small")
    if (start and row.button(T("train.start"), type="primary", icon=":material/play_arrow:", width="content",
                             help=T("train.start_help"), key=Key.RUN_START)
            and st.session_state.get(Key.TRAIN_TAKEN) != st.session_state.get(Key.RERUN)):
        start(False)
        st.rerun()
    if paused:
        if row.button(T("train.resume"), icon=":material/resume:", width="content", key=Key.RUN_RESUME):
            job.resume()
            st.rerun()
    elif row.button(T("train.pause"), icon=":material/pause:", width="content", disabled=not active,
                    key=Key.RUN_PAUSE):
        job.pause()
        st.rerun()
    can_step = paused or (start is not None and not active)
    if row.button(T("train.step"), icon=":material/skip_next:", width="content", help=T("train.step_help"),
                  disabled=not can_step, key=Key.RUN_STEP):
        if paused:
            job.step()
        else:
            start(True)
        st.rerun()
    if row.button(T("train.stop"), icon=":material/stop:", width="content", disabled=not active,
                  key=Key.RUN_STOP):
        job.stop()
        st.rerun()
    if reset and row.button(T("lab.reset"), icon=":material/restart_alt:", width="content",
                            help=T("lab.reset_help"), key=Key.RUN_RESET):
        reset()
        st.rerun()


def take_train_click(start: Callable[[bool], None]) -> bool:
    """The Train click, taken before the page draws its buttons: this run then draws the new
    run, its first point included, instead of a second whole run after it (~0.15-0.2 s of the
    server's and as much of the browser's, between the click and the first point: medians
    0.67-0.83 -> 0.50-0.68 s, bench/live_page.py mnist). The sidebar, drawn before the click was taken,
    shows the new run from the next whole run on (the open lesson's box: the last run's checks).
    True when it started one; run_controls leaves the click alone in this rerun."""
    ss = st.session_state
    if not ss.get(Key.RUN_START):
        return False
    ss[Key.TRAIN_TAKEN] = ss.get(Key.RERUN)
    start(False)
    return True


def controls_outdated(snap) -> bool:
    """The run paused (at an epoch's end), resumed or finished since the run controls were
    drawn: a polling fragment reruns the whole page to redraw them."""
    return _drawn_for(snap) != st.session_state.get(Key.RUN_CONTROLS)


# --- selects with translated option labels -----------------------------------------------------------

def translated_select(widget: Callable, label: str, options: Sequence, key: str,
                      format_func: Callable[[Any], str], *, default=None, **kw):
    """A selectbox, radio or segmented control (`widget`: st.selectbox, a column's radio...)
    whose option labels are translated: the one place that handles a language switch.

    The browser holds a keyed select's choice as the label it drew. After a switch no
    option has that label any more, and Streamlit would reset the choice to the first.
    A value assigned from Python is sent again with this run's labels, so after a switch
    (and when the widget was not drawn in the last run, e.g. on another page) the choice
    is assigned here. It is also kept under choice_key(key), which outlives the runs that
    do not draw the widget. The labels are computed once, in this run's language: Streamlit
    (and AppTest) may call format_func after the run, when `T` no longer knows the session."""
    ss = st.session_state
    kept = ss.get(choice_key(key))          # (choice, language it was drawn in)
    here = lang()
    if key not in ss or kept is None or kept[1] != here:
        value = choice(key, default)
        ss[key] = value if value in options else (default if default in options else options[0])
    labels = [format_func(o) for o in options]

    def label_of(v) -> str:
        return labels[options.index(v)] if v in options else str(v)

    if getattr(widget, "__name__", "") in ("selectbox", "multiselect"):   # not Streamlit's English one
        kw.setdefault("placeholder", T("select.placeholder"))
    chosen = widget(label, options, key=key, format_func=label_of, **kw)
    ss[choice_key(key)] = (chosen, here)
    return chosen


def choice(key: str, default=None):
    """A translated select's choice before (or without) drawing it."""
    ss = st.session_state
    if key in ss:
        return ss[key]
    kept = ss.get(choice_key(key))
    return kept[0] if kept else default


def opened(label: str, key: str, icon: str | None = None):
    """A closed expander that holds nothing until it is opened (its state is the widget `key`;
    a click reruns the page): the expander to put content in when open, else None. What a
    closed expander holds is still computed, sent and drawn by the browser (the Evaluate
    page's k-means, isolation forest and rules: 1.5 -> 0.95 CPU-s of Chromium a visit)."""
    box = st.expander(label, icon=icon, key=key, on_change="rerun")
    return box if box.open else None
