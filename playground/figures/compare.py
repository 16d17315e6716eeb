"""Figures that compare finished runs (plain data in: names, histories, surfaces).

One colour per run everywhere on the Compare page; training dashed, validation solid."""
from __future__ import annotations

import numpy as np
from plotly.colors import qualitative

from .style import (
    BLUE,
    DIVERGING,
    INK,
    LABEL_GREY,
    LEGEND_BELOW,
    ORANGE,
    built,
    class_colors,
    layout_dict,
    subplots_layout,
)

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
    spec = subplots_layout(rows=1, cols=2, horizontal_spacing=0.1,       # one dict, one go.Figure
                           subplot_titles=(T("plot.loss_title"), T(f"plot.{metric}_title")))
    data = []
    for i, run in enumerate(runs):
        color = run_color(i)
        h = run["history"]
        ep = [r["epoch"] for r in h]
        for col, key in ((1, "loss"), (2, metric)):
            if col == 2 and metric_of(run["task"]) != metric:
                continue
            for prefix, dash, part in (("", "dash", T("plot.train")), ("val_", "solid", T("plot.validation"))):
                ys = [r.get(prefix + key) for r in h]
                data.append(dict(
                    type="scatter", x=ep, y=ys, mode="lines" if len(ep) > 1 else "lines+markers", name=run["name"],
                    legendgroup=f"run{i}", showlegend=col == 1 and prefix == "val_",
                    line=dict(color=color, dash=dash, width=2.5 if prefix else 1.8),
                    hovertemplate=f"{run['name']} · {part}<br>{T('plot.epoch')} %{{x}}: %{{y:.4f}}<extra></extra>",
                    xaxis="x" if col == 1 else "x2", yaxis="y" if col == 1 else "y2"))
    for key in ("xaxis", "xaxis2"):
        spec[key]["title"] = dict(text=T("plot.epoch"))
    loss_axis, metric_axis = spec["yaxis"], spec["yaxis2"]
    if log_loss:
        loss_axis.update(title=dict(text=T("plot.loss_axis_log")), type="log", exponentformat="power")
    else:
        loss_axis.update(title=dict(text=T("plot.loss_axis")), rangemode="tozero")
    metric_axis["title"] = dict(text=T(f"plot.{metric}_axis"))
    metric_axis.update(dict(range=[0, 1.02], tickformat=".0%") if metric == "accuracy" else dict(rangemode="tozero"))
    # the line styles explained once, as a note under the legend
    spec["annotations"].append(dict(text=T("compare.line_styles"), xref="paper", yref="paper", x=0.5, y=1.13,
                                    showarrow=False, font=dict(size=12, color=LABEL_GREY)))
    spec.update(layout_dict(height, top=70, hovermode="closest", legend={**LEGEND_BELOW, "y": -0.18}))
    return built(data, spec)


def boundaries_figure(runs: list[dict], task: str, T, class_names=None, points=None, per_row: int = 3,
                      cell: int = 260):
    """The final decision surface of each run, side by side on one colour scale.
    `runs`: [{'name', 'surface': {'x', 'y', 'z'}}]; `points`: optional (X, y) to overlay
    (the test points, the same for runs of one dataset and seed)."""
    n = len(runs)
    cols = min(n, per_row) or 1
    rows = -(-n // cols) or 1
    spec = subplots_layout(rows=rows, cols=cols, subplot_titles=tuple(r["name"] for r in runs),   # one dict,
                           horizontal_spacing=0.04, vertical_spacing=0.12 if rows > 1 else 0.0)  # one go.Figure
    data = []
    zs = [np.asarray(r["surface"]["z"], float) for r in runs]
    finite = [z[np.isfinite(z)] for z in zs]
    lo = min((float(f.min()) for f in finite if f.size), default=0.0)
    hi = max((float(f.max()) for f in finite if f.size), default=1.0)
    for i, (run, z) in enumerate(zip(runs, zs)):
        c = i % cols + 1
        s = run["surface"]
        first = i == 0
        axis = "" if i == 0 else str(i + 1)       # make_subplots numbers the panels row by row
        at = dict(xaxis="x" + axis, yaxis="y" + axis)
        if task == "binary":
            data.append(dict(type="heatmap", x=s["x"], y=s["y"], z=z, zmin=0, zmax=1, colorscale=DIVERGING,
                             opacity=0.8, showscale=first,
                             colorbar=dict(title=dict(text=T("plot.prob_class1")), thickness=10),
                             hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>p=%{z:.3f}<extra></extra>", **at))
            data.append(dict(type="contour", x=s["x"], y=s["y"], z=z, showscale=False, hoverinfo="skip",
                             contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                             line=dict(color="black", width=2), name=T("plot.boundary"), showlegend=first, **at))
        elif task == "multiclass":
            k = max(len(class_names or ()), int(np.nanmax(z)) + 1 if np.isfinite(z).any() else 2, 2)
            colors = class_colors(task, k)
            scale = [p for j in range(k) for p in ([j / k, colors[j]], [(j + 1) / k, colors[j]])]
            data.append(dict(type="heatmap", x=s["x"], y=s["y"], z=z, zmin=-0.5, zmax=k - 0.5, colorscale=scale,
                             opacity=0.8, showscale=first,
                             colorbar=dict(title=dict(text=T("plot.prediction")), thickness=10,
                                           tickvals=list(range(k)),
                                           ticktext=[str(c) for c in (class_names or range(k))]),
                             hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>%{z}<extra></extra>", **at))
        else:
            data.append(dict(type="heatmap", x=s["x"], y=s["y"], z=z, zmin=lo, zmax=hi, colorscale="RdBu",
                             opacity=0.8, showscale=first,
                             colorbar=dict(title=dict(text=T("plot.prediction")), thickness=10),
                             hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>", **at))
        if points is not None:
            X, y = np.asarray(points[0]), np.asarray(points[1])
            if task == "binary":
                color = np.where(y > 0.5, BLUE, ORANGE)
            elif task == "multiclass":
                palette = class_colors(task, int(y.max()) + 1)
                color = [palette[int(v)] for v in y]
            else:
                color = INK
            data.append(dict(type="scatter", x=X[:, 0], y=X[:, 1], mode="markers", name=T("plot.test_points"),
                             marker=dict(size=5, color=color, line=dict(width=0.6, color="white")),
                             showlegend=first, legendgroup="pts", hoverinfo="skip", **at))
        spec["xaxis" + axis].update(range=[float(s["x"][0]), float(s["x"][-1])], constrain="domain",
                                    title=dict(text="x1", standoff=2))
        spec["yaxis" + axis].update(range=[float(s["y"][0]), float(s["y"][-1])], scaleanchor=f"x{axis}", scaleratio=1,
                                    title=dict(text="x2" if c == 1 else None, standoff=2))
    spec.update(layout_dict(rows * cell + 60, top=40, legend={**LEGEND_BELOW, "y": -0.08}))
    return built(data, spec)
