"""Figures of the classic models: every model's test score beside the network's, and
k-means' elbow (SSE by k), mean silhouette by k, the silhouette plot of the best k and its
clusters on the plane. Plain data in (playground.analysis.classic); texts from `T`."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import BLUE, CLASS_COLORS, GREY, ORANGE, RED, layout


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


def silhouette_figure(curves: dict, T) -> go.Figure:
    """The silhouette plot of the best k: each row's silhouette as a bar, grouped by cluster
    and sorted, the mean as a dashed line; and the clusters on the first two inputs."""
    labels, values = np.asarray(curves["labels"]), np.asarray(curves["samples"])
    X = np.asarray(curves["X"])
    fig = make_subplots(rows=1, cols=2, subplot_titles=(T("classic.plot.knife", k=curves["best_k"]),
                                                        T("classic.plot.clusters")), horizontal_spacing=0.12)
    y0 = 0
    for c in range(curves["best_k"]):
        v = np.sort(values[labels == c])
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        fig.add_trace(go.Bar(x=v, y=np.arange(y0, y0 + len(v)), orientation="h", marker_color=color,
                             marker_line_width=0, width=1.0, name=T("classic.plot.cluster", c=c + 1),
                             hovertemplate="%{x:.3f}<extra></extra>", legendgroup=str(c)), row=1, col=1)
        fig.add_trace(go.Scatter(x=X[labels == c, 0], y=X[labels == c, 1] if X.shape[1] > 1 else np.zeros(len(v)),
                                 mode="markers", marker=dict(color=color, size=5), showlegend=False,
                                 legendgroup=str(c), hoverinfo="skip"), row=1, col=2)
        y0 += len(v) + 8
    mean = float(values.mean()) if len(values) else 0.0
    fig.add_vline(x=mean, line=dict(color=RED, dash="dash"), row=1, col=1)
    fig.update_xaxes(title_text=T("classic.plot.silhouette"), row=1, col=1)
    fig.update_yaxes(showticklabels=False, range=[-4, y0 + 4], row=1, col=1)   # room under the title
    names = [*curves.get("features", []), "", ""]
    fig.update_xaxes(title_text=names[0], row=1, col=2)
    fig.update_yaxes(title_text=names[1], row=1, col=2)
    return layout(fig, 360, top=40, bargap=0, showlegend=False)
