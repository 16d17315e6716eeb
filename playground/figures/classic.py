"""Figures of the classic models: every model's test score beside the network's, and
k-means' elbow (SSE by k), mean silhouette by k, the silhouette plot of the best k and its
clusters on the plane. Plain data in (playground.analysis.classic); texts from `T`."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import BLUE, CLASS_COLORS, GREY, LEGEND_BELOW, ORANGE, RED, class_colors, layout


def scores_figure(names: list[str], values: list[float | None], metric: str, network: str, T) -> go.Figure:
    """One bar per model (the network's in blue), the metric's value on each."""
    shown = [(n, v) for n, v in zip(names, values, strict=True) if v is not None]
    colors = [BLUE if n == network else GREY for n, _ in shown]
    fig = go.Figure(go.Bar(x=[n for n, _ in shown], y=[v for _, v in shown], marker_color=colors,
                           text=[f"{v:.3f}" for _, v in shown], textposition="outside", cliponaxis=False,
                           hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_yaxes(title_text=metric, rangemode="tozero")
    return layout(fig, 300, T("classic.plot.scores", metric=metric), showlegend=False)


def elbow_figure(curves: dict, T) -> go.Figure:
    """SSE (inertia) and mean silhouette against k, the best k marked."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(T("classic.plot.elbow"), T("classic.plot.silhouette_k")),
                        horizontal_spacing=0.14)
    k, best = curves["k"], curves["best_k"]
    fig.add_trace(go.Scatter(x=k, y=curves["sse"], mode="lines+markers", line=dict(color=BLUE),
                             name="SSE", hovertemplate="k=%{x}: SSE %{y:.1f}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=k, y=curves["silhouette"], mode="lines+markers", line=dict(color=ORANGE),
                             name=T("classic.plot.silhouette"),
                             hovertemplate="k=%{x}: %{y:.3f}<extra></extra>"), row=1, col=2)
    i = k.index(best)
    fig.add_trace(go.Scatter(x=[best], y=[curves["silhouette"][i]], mode="markers", showlegend=False,
                             marker=dict(color=RED, size=12, symbol="star"), hoverinfo="skip"), row=1, col=2)
    fig.update_xaxes(title_text=T("classic.plot.k"), dtick=1)
    fig.update_yaxes(title_text="SSE", row=1, col=1)
    fig.update_yaxes(title_text=T("classic.plot.silhouette"), row=1, col=2)
    return layout(fig, 320, top=40, showlegend=False)


def silhouette_figure(curves: dict, T, truth_title: str | None = None) -> go.Figure:
    """The silhouette plot of the shown k (the best one unless `shown_k` says): each row's
    silhouette as a bar, grouped by cluster and sorted, the mean as a dashed line; the
    clusters on the plane (a table's first two principal components); with `truth_title`
    (the target's name), the same rows coloured by their true class or target beside them."""
    labels, values = np.asarray(curves["labels"]), np.asarray(curves["samples"])
    X = np.asarray(curves["X"])
    k = curves.get("shown_k", curves["best_k"])
    truth = truth_title is not None and "truth" in curves
    titles = [T("classic.plot.knife", k=k), T("classic.plot.clusters")]
    fig = make_subplots(rows=1, cols=3 if truth else 2, horizontal_spacing=0.08 if truth else 0.12,
                        subplot_titles=[*titles, T("classic.plot.truth", target=truth_title)] if truth else titles,
                        column_widths=[0.3, 0.35, 0.35] if truth else None)
    y0 = 0
    for c in range(k):
        v = np.sort(values[labels == c])
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        name = T("classic.plot.cluster", c=c + 1)
        fig.add_trace(go.Bar(x=v, y=np.arange(y0, y0 + len(v)), orientation="h", marker_color=color,
                             marker_line_width=0, width=1.0, name=name, showlegend=False,
                             hovertemplate="%{x:.3f}<extra></extra>", legendgroup=str(c)), row=1, col=1)
        fig.add_trace(go.Scatter(x=X[labels == c, 0], y=X[labels == c, 1] if X.shape[1] > 1 else np.zeros(len(v)),
                                 mode="markers", marker=dict(color=color, size=5), showlegend=False, name=name,
                                 legendgroup=str(c), hovertemplate=name + "<extra></extra>"), row=1, col=2)
        y0 += len(v) + 8
    if truth:
        _truth(fig, curves, X, truth_title)
    mean = float(values.mean()) if len(values) else 0.0
    fig.add_vline(x=mean, line=dict(color=RED, dash="dash"), row=1, col=1)
    fig.update_xaxes(title_text=T("classic.plot.silhouette"), row=1, col=1)
    fig.update_yaxes(showticklabels=False, range=[-4, y0 + 4], row=1, col=1)   # room under the title
    if curves.get("explained"):
        names = [T("classic.plot.pc", i=i + 1, share=f"{s:.0%}") for i, s in enumerate(curves["explained"])]
    else:
        names = [*curves.get("features", []), "", ""]
    for col in (2, 3) if truth else (2,):
        fig.update_xaxes(title_text=names[0], row=1, col=col)
        fig.update_yaxes(title_text=names[1], row=1, col=col)
    return layout(fig, 400 if truth else 360, top=40, bargap=0, showlegend=truth,
                  legend={**LEGEND_BELOW, "x": 0.84})   # the classes' legend under their panel


def _truth(fig: go.Figure, curves: dict, X: np.ndarray, target: str) -> None:
    """The third panel: each class in the app's class colours, or the target as a colour scale."""
    y = np.asarray(curves["truth"])
    if curves.get("task") == "regression":
        fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", showlegend=False, name=target,
                                 marker=dict(size=5, color=y, colorscale="Viridis",
                                             colorbar=dict(title=target, thickness=12, len=0.8)),
                                 hovertemplate=target + " %{marker.color:.3g}<extra></extra>"), row=1, col=3)
        return
    names = curves.get("class_names") or [str(c) for c in np.unique(y)]
    colors = class_colors(curves.get("task", "multiclass"), len(names))
    for c, name in enumerate(names):
        mask = y.astype(int) == c
        fig.add_trace(go.Scatter(x=X[mask, 0], y=X[mask, 1], mode="markers", name=str(name),
                                 marker=dict(color=colors[c], size=5),
                                 hovertemplate=str(name) + "<extra></extra>"), row=1, col=3)
