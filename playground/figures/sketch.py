"""Plotly figures for the sketch page: class probabilities, the model's input image,
hidden-layer activations. Every text comes from the caller's Translator `T`."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .style import BLUE, layout
from .style import LIGHT_GREY as GREY

DENSE_COLUMNS = 32      # a dense layer's units are drawn as rows of this many cells
CONV_COLUMNS = 8        # feature maps per row


def _compact(fig: go.Figure, height: int) -> go.Figure:
    return layout(fig, height, showlegend=False)


def probabilities_figure(probs, class_names, T, height: int = 260) -> go.Figure:
    """All class probabilities as bars; the top one in blue."""
    probs = np.asarray(probs, float)
    top = int(np.argmax(probs))
    fig = go.Figure(go.Bar(
        x=[str(c) for c in class_names], y=probs,
        marker_color=[BLUE if i == top else GREY for i in range(len(probs))],
        text=[f"{p:.0%}" for p in probs], textposition="outside", cliponaxis=False,
        hovertemplate=T("sketch.axis_digit") + " %{x}: %{y:.1%}<extra></extra>"))
    fig.update_xaxes(title_text=T("sketch.axis_digit"), type="category")
    fig.update_yaxes(title_text=T("sketch.axis_probability"), range=[0, 1.12], tickformat=".0%")
    return _compact(fig, height)


def input_figure(image, T, height: int = 260) -> go.Figure:
    """The exact (h, w) array the model receives, white ink on black as drawn."""
    img = np.asarray(image, float)
    h, w = img.shape
    fig = go.Figure(go.Heatmap(
        z=img, zmin=0, zmax=1, colorscale="gray", xgap=0.5 if h <= 8 else 0, ygap=0.5 if h <= 8 else 0,
        colorbar=dict(thickness=10, title=dict(text=T("sketch.axis_value"), side="right")),
        hovertemplate=T("sketch.hover_pixel") + "<extra></extra>"))
    fig.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False, autorange="reversed",
                     scaleanchor="x", scaleratio=1)
    fig.update_layout(plot_bgcolor="black")
    return _compact(fig, height)


def _tile(maps: np.ndarray, columns: int) -> np.ndarray:
    """(C, H, W) feature maps -> one (rows*(H+1)-1, cols*(W+1)-1) image, NaN gaps between maps."""
    c, h, w = maps.shape
    cols = min(columns, c)
    rows = math.ceil(c / cols)
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan)
    for i in range(c):
        r, k = divmod(i, cols)
        out[r * (h + 1):r * (h + 1) + h, k * (w + 1):k * (w + 1) + w] = maps[i]
    return out


def _dense_grid(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n,) -> (rows, cols) grid with NaN padding, and the unit number of each cell."""
    n = units.size
    cols = min(DENSE_COLUMNS, n)
    rows = math.ceil(n / cols)
    grid = np.full(rows * cols, np.nan)
    grid[:n] = units
    ids = np.arange(rows * cols, dtype=float) + 1
    ids[n:] = np.nan
    return grid.reshape(rows, cols), ids.reshape(rows, cols)


def activation_figure(values: np.ndarray, T) -> go.Figure:
    """One hidden layer's activation for the sketch: dense units as a grid of cells
    (unit 1 top left), convolution outputs as their feature maps side by side."""
    v = np.asarray(values, float)
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    if lo < 0:      # tanh, leaky ReLU...: a diverging scale centred on 0
        m = max(abs(lo), abs(hi), 1e-6)
        scale, zmin, zmax = "RdBu", -m, m
    else:
        scale, zmin, zmax = "Blues", 0.0, max(hi, 1e-6)
    common = dict(zmin=zmin, zmax=zmax, colorscale=scale, hoverongaps=False,
                  colorbar=dict(thickness=10, len=1.0, nticks=4, title=dict(text=T("sketch.axis_activation"), side="right")))
    if v.ndim == 3:                                              # (C, H, W)
        z = _tile(v, CONV_COLUMNS)
        fig = go.Figure(go.Heatmap(z=z, **common, hovertemplate="%{z:.3f}<extra></extra>"))
        fig.update_yaxes(autorange="reversed", scaleanchor="x", scaleratio=1)
        height = int(min(320, max(120, 520 * z.shape[0] / z.shape[1])))
    else:                                                        # (units,)
        z, ids = _dense_grid(v.reshape(-1))
        fig = go.Figure(go.Heatmap(z=z, customdata=ids, xgap=1, ygap=1, **common,
                                   hovertemplate=T("sketch.hover_unit") + "<extra></extra>"))
        fig.update_yaxes(autorange="reversed")
        height = max(110, 40 + 26 * z.shape[0])      # room for a readable colour bar
    fig.update_xaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, zeroline=False)
    fig.update_layout(plot_bgcolor="rgba(0,0,0,0)")
    return _compact(fig, height)
