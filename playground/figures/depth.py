"""Depth and what it costs, from a run's plain numbers: the gradient's size at each layer, at
the first and the latest epoch. In a plain deep network with sigmoid or tanh the first layers'
bars drop by many powers of ten (vanishing gradients: their weights hardly move); with skip
connections (nn/residual.py) they stay about as tall as the last ones'."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .inside import layer_title
from .style import BLUE, LIGHT_GREY
from .style import layout as _layout

FLOOR = 1e-30     # a log axis cannot draw 0 (a layer whose gradient underflowed)


def layer_names(grad_norms: list[dict]) -> list[str]:
    return [k for k in (grad_norms[0] if grad_norms else {}) if k != "epoch"]


def gradient_drop(grad_norms: list[dict]) -> float | None:
    """The first hidden (or conv) layer's gradient over the output layer's at the latest epoch:
    1e-18 reads 'the first layer gets a billionth of a billionth' (None: no hidden layer, no data)."""
    names = layer_names(grad_norms)
    if len(names) < 2 or "output" not in names:
        return None
    last = grad_norms[-1]
    out = last.get("output", 0.0)
    return max(last.get(names[0], 0.0), 0.0) / out if out > 0 else None


def power_text(x: float) -> str:
    """0.00000012 -> '10⁻⁷' (the nearest power of ten); 0.4 -> '0.4'."""
    if x >= 0.01:
        return f"{x:.2g}"
    if x <= 0:
        return "0"
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "10" + str(round(math.log10(x))).translate(sup)


def _short(name: str, T) -> str:
    """hidden12 -> '12', conv1 -> 'C1', output -> 'out': 21 labels fit under 21 bars."""
    digits = "".join(ch for ch in name if ch.isdigit())
    if name.startswith("hidden"):
        return digits
    return f"C{digits}" if name.startswith("conv") else T("deep.out_short")


def grad_depth_figure(grad_norms: list[dict], T) -> go.Figure:
    """Bars per layer, input side left: the gradient's L2 norm at the first and the latest epoch (log scale)."""
    names = layer_names(grad_norms)
    x = [_short(n, T) for n in names]
    fig = go.Figure()
    rows = [grad_norms[0], grad_norms[-1]] if len(grad_norms) > 1 else grad_norms[-1:]
    for row, color in zip(rows, (LIGHT_GREY, BLUE)[-len(rows):]):
        y = np.array([max(row.get(n, 0.0), FLOOR) for n in names], np.float64)
        fig.add_trace(go.Bar(x=x, y=y, name=T("deep.grad_epoch", epoch=row["epoch"]), marker_color=color,
                             customdata=[layer_title(n, T) for n in names],
                             hovertemplate="%{customdata}: %{y:.2e}<extra>" + T("deep.grad_epoch", epoch=row["epoch"])
                             + "</extra>"))
    fig.update_xaxes(title_text=T("deep.grad_x"), type="category")
    fig.update_yaxes(title_text=T("inside.grad_axis"), type="log", exponentformat="power")
    return _layout(fig, 340, T("deep.grad_title"), barmode="group", bargap=0.25,
                   legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0))
