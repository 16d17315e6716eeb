"""Figures that compare finished runs (plain data in: names, histories, surfaces).

One colour per run everywhere on the Compare page; training dashed, validation solid."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from .style import BLUE, DIVERGING, INK, LABEL_GREY, LEGEND_BELOW, ORANGE, class_colors, layout

# one colour per run (up to six are compared), distinct from each other and readable on white
RUN_COLORS = qualitative.Set1[:5] + qualitative.Dark2[:1] + qualitative.Set1[6:]


def run_color(i: int) -> str:
    return RUN_COLORS[i % len(RUN_COLORS)]


def metric_of(task: str) -> str:
    return "mae" if task == "regression" else "accuracy"


def curves_figure(runs: list[dict], T, height: int = 420, log_loss: bool = False):
    """Loss and the metric of several runs, overlaid. `runs`: [{'name', 'task', 'history'
    (per-epoch dicts)}]. The metric panel shows the first run's metric (accuracy or MAE);
    runs of another kind of task are left out of it (their loss still shows)."""
    metric = metric_of(runs[0]["task"]) if runs else "accuracy"
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=(T("plot.loss_title"), T(f"plot.{metric}_title")))
    for i, run in enumerate(runs):
        color = run_color(i)
        h = run["history"]
        ep = [r["epoch"] for r in h]
        for col, key in ((1, "loss"), (2, metric)):
            if col == 2 and metric_of(run["task"]) != metric:
                continue
            for prefix, dash, part in (("", "dash", T("plot.train")), ("val_", "solid", T("plot.validation"))):
                ys = [r.get(prefix + key) for r in h]
                fig.add_trace(go.Scatter(
                    x=ep, y=ys, mode="lines" if len(ep) > 1 else "lines+markers", name=run["name"],
                    legendgroup=f"run{i}", showlegend=col == 1 and prefix == "val_",
                    line=dict(color=color, dash=dash, width=2.5 if prefix else 1.8),
                    hovertemplate=f"{run['name']} · {part}<br>{T('plot.epoch')} %{{x}}: %{{y:.4f}}<extra></extra>"),
                    row=1, col=col)
    fig.update_xaxes(title_text=T("plot.epoch"))
    if log_loss:
        fig.update_yaxes(title_text=T("plot.loss_axis_log"), type="log", exponentformat="power", row=1, col=1)
    else:
        fig.update_yaxes(title_text=T("plot.loss_axis"), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=T(f"plot.{metric}_axis"), row=1, col=2)
    if metric == "accuracy":
        fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    else:
        fig.update_yaxes(rangemode="tozero", row=1, col=2)
    # the line styles explained once, as a note under the legend
    fig.add_annotation(text=T("compare.line_styles"), xref="paper", yref="paper", x=0.5, y=1.13,
                       showarrow=False, font=dict(size=12, color=LABEL_GREY))
    return layout(fig, height, top=70, hovermode="closest", legend={**LEGEND_BELOW, "y": -0.18})


def boundaries_figure(runs: list[dict], task: str, T, class_names=None, points=None, per_row: int = 3,
                      cell: int = 260):
    """The final decision surface of each run, side by side on one colour scale.
    `runs`: [{'name', 'surface': {'x', 'y', 'z'}}]; `points`: optional (X, y) to overlay
    (the test points, the same for runs of one dataset and seed)."""
    n = len(runs)
    cols = min(n, per_row) or 1
    rows = -(-n // cols) or 1
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[r["name"] for r in runs],
                        horizontal_spacing=0.04, vertical_spacing=0.12 if rows > 1 else 0.0)
    zs = [np.asarray(r["surface"]["z"], float) for r in runs]
    finite = [z[np.isfinite(z)] for z in zs]
    lo = min((float(f.min()) for f in finite if f.size), default=0.0)
    hi = max((float(f.max()) for f in finite if f.size), default=1.0)
    for i, (run, z) in enumerate(zip(runs, zs)):
        r, c = i // cols + 1, i % cols + 1
        s = run["surface"]
        first = i == 0
        if task == "binary":
            fig.add_trace(go.Heatmap(x=s["x"], y=s["y"], z=z, zmin=0, zmax=1, colorscale=DIVERGING, opacity=0.8,
                                     showscale=first, colorbar=dict(title=T("plot.prob_class1"), thickness=10),
                                     hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>p=%{z:.3f}<extra></extra>"),
                          row=r, col=c)
            fig.add_trace(go.Contour(x=s["x"], y=s["y"], z=z, showscale=False, hoverinfo="skip",
                                     contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                                     line=dict(color="black", width=2), name=T("plot.boundary"),
                                     showlegend=first), row=r, col=c)
        elif task == "multiclass":
            k = max(len(class_names or ()), int(np.nanmax(z)) + 1 if np.isfinite(z).any() else 2, 2)
            colors = class_colors(task, k)
            scale = [p for j in range(k) for p in ([j / k, colors[j]], [(j + 1) / k, colors[j]])]
            fig.add_trace(go.Heatmap(x=s["x"], y=s["y"], z=z, zmin=-0.5, zmax=k - 0.5, colorscale=scale,
                                     opacity=0.8, showscale=first,
                                     colorbar=dict(title=T("plot.prediction"), thickness=10,
                                                   tickvals=list(range(k)),
                                                   ticktext=[str(c) for c in (class_names or range(k))]),
                                     hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>%{z}<extra></extra>"),
                          row=r, col=c)
        else:
            fig.add_trace(go.Heatmap(x=s["x"], y=s["y"], z=z, zmin=lo, zmax=hi, colorscale="RdBu", opacity=0.8,
                                     showscale=first, colorbar=dict(title=T("plot.prediction"), thickness=10),
                                     hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>"),
                          row=r, col=c)
        if points is not None:
            X, y = np.asarray(points[0]), np.asarray(points[1])
            if task == "binary":
                color = np.where(y > 0.5, BLUE, ORANGE)
            elif task == "multiclass":
                palette = class_colors(task, int(y.max()) + 1)
                color = [palette[int(v)] for v in y]
            else:
                color = INK
            fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", name=T("plot.test_points"),
                                     marker=dict(size=5, color=color, line=dict(width=0.6, color="white")),
                                     showlegend=first, legendgroup="pts", hoverinfo="skip"), row=r, col=c)
        axis = "" if i == 0 else str(i + 1)
        fig.update_xaxes(range=[float(s["x"][0]), float(s["x"][-1])], constrain="domain", title_text="x1",
                         title_standoff=2, row=r, col=c)
        fig.update_yaxes(range=[float(s["y"][0]), float(s["y"][-1])], scaleanchor=f"x{axis}", scaleratio=1,
                         title_text="x2" if c == 1 else None, title_standoff=2, row=r, col=c)
    return layout(fig, rows * cell + 60, top=40, legend={**LEGEND_BELOW, "y": -0.08})
