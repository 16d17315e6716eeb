"""The lab's data panel for a regression on one number column (the sidebar's input columns,
e.g. Auto MPG's horsepower): the rows as a scatter of that input against the target, and,
once a run trains, the network's prediction as a line through them, redrawn as it learns."""
from __future__ import annotations

import streamlit as st

from playground.figures.one_input import one_input_figure
from playground.inspect import one_input

from . import live_chart, runs
from .charts_later import chart
from .lang import T, lang
from .session import Key

PROBE = "fit_line"    # the run's probe: its prediction line, computed in the training thread


def applies(prep) -> bool:
    return one_input.input_column(prep) is not None


def probe(trainer):
    """Computed in the training thread, at most once a second."""
    return one_input.prediction_line(trainer.model, trainer.data)


def _figure(prep, line, height: int):
    pts = {split: one_input.points(prep, split) for split in ("train", "test")}
    return one_input_figure(pts, line, one_input.input_column(prep), prep.dataset.target_name, T, height=height)


def preview(prep, height: int) -> None:
    """Before the first run (under the panel's "Data"): the dots, and what Train will add."""
    chart(lambda: _figure(prep, None, height - 40), "preview_one_input", height - 40)
    st.caption(T("columns.fit_before"), help=T("columns.fit_help"))


def panel(s, job, memo, height: int) -> None:
    """A run: the dots and the prediction of the latest probed epoch."""
    prep = job.prepared
    got = s.probes.get(PROBE)
    line = got[1] if got and not isinstance(got[1], Exception) else None
    epoch = got[0] if line is not None else 0
    st.markdown(f"**{T('columns.fit_title', column=one_input.input_column(prep), target=prep.dataset.target_name, epoch=epoch)}**",
                help=T("columns.fit_help"))
    fig = memo("one_input", (runs.serial(), epoch, lang(), id(line)), lambda: _figure(prep, line, height))
    live_chart.chart(fig, key=Key.ONE_INPUT, config={"displayModeBar": False}, revision=runs.serial())
