"""One input against the target (a regression on one column): the rows as dots, the
network's prediction as a line through them (inspect.one_input computes both)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import INK, ORANGE, TRAIN_COLOR, layout

PAD = 0.06    # of the data's range around the dots: the axes stay put while the line moves


def _range(values) -> list[float]:
    v = np.concatenate([np.asarray(a, float) for a in values]) if values else np.array([0.0, 1.0])
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    pad = (hi - lo) * PAD or 1.0
    return [lo - pad, hi + pad]


def one_input_figure(points: dict, line: dict | None, column: str, target: str, T, height: int = 340) -> go.Figure:
    """`points`: split -> (x, y) raw values ('train', 'test'); `line`: {'x', 'y'} or None
    (before training). The axes span the dots, so a wild early line does not rescale them."""
    fig = go.Figure()
    for split, color, size in (("train", TRAIN_COLOR, 6), ("test", ORANGE, 7)):
        if split not in points:
            continue
        x, y = points[split]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="markers", name=T(f"columns.{split}"),
            marker=dict(color=color, size=size, opacity=0.55, line=dict(width=0.5, color="white")),
            hovertemplate=f"{column} %{{x:.4g}}<br>{target} %{{y:.4g}}<extra></extra>"))
    if line is not None:
        fig.add_trace(go.Scatter(x=line["x"], y=line["y"], mode="lines", name=T("columns.prediction"),
                                 line=dict(color=INK, width=3),
                                 hovertemplate=f"{column} %{{x:.4g}}<br>" + T("columns.prediction")
                                 + " %{y:.4g}<extra></extra>"))
    fig.update_xaxes(title_text=column, range=_range([p[0] for p in points.values()]), title_standoff=2)
    fig.update_yaxes(title_text=target, range=_range([p[1] for p in points.values()]), title_standoff=2)
    return layout(fig, height, legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0))
