"""The folds of a time-series cross-validation on the time axis: one row per fold, the
stretch it trains on, the one it validates on and the one it tests on, and the run's test
set kept aside at the end (from plain data; every text from the caller's Translator `T`)."""
from __future__ import annotations

import plotly.graph_objects as go

from .style import GREEN, LIGHT_GREY, TRAIN_COLOR, VAL_COLOR, layout

BLOCK_COLORS = {"train": TRAIN_COLOR, "val": VAL_COLOR, "test": GREEN, "aside": LIGHT_GREY}


def time_folds_figure(folds: list[dict], aside: tuple | None, T, height: int | None = None) -> go.Figure:
    """`folds`: {"fold": i, "train" | "val" | "test": (start, end)} each, a block from its first
    time to where the next begins (blocks touch); `aside`: the run's test set's (start, end),
    or None. Times: numbers or dates."""
    fig = go.Figure()
    names = [T("eval.plot.fold") + f" {f['fold']}" for f in folds]
    for block in ("train", "val", "test", "aside"):
        xs, ys = [], []
        for f, name in zip(folds, names):
            span = aside if block == "aside" else f.get(block)
            if span:
                xs += [span[0], span[1], None]
                ys += [name, name, None]
        if xs:
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=T(f"eval.cv.seq.block.{block}"),
                                     line=dict(color=BLOCK_COLORS[block], width=16), hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    fig.update_xaxes(title_text=T("eval.cv.seq.time_axis"))
    # the legend above the plot, right of the title: below it would cover the axis title
    return layout(fig, height or 130 + 34 * len(folds), T("eval.cv.seq.timeline_title"),
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1))
