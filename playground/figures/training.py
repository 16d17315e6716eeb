"""Plotly figures for training, built from plain data (no Streamlit here).

Every text on a figure comes from the caller's Translator `T`, so the same
figure speaks Korean or English.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import (
    BLUE,
    DARK_GREY,
    DIVERGING,
    GREEN,
    GREY,
    LEGEND_BELOW,
    MID_GREY,
    ORANGE,
    RED,
    TRAIN_COLOR,
    VAL_COLOR,
    axis_key,
    built,
    layout,
    layout_dict,
    subplots_layout,
)

CLASS_SCALE = [[0, ORANGE], [1, BLUE]]   # a binary point's class (0 or 1) as its colour
STACKED_LEFT = 48     # px left of the stacked panels: "100%" ticks fit, and the titles start at 10 px
# The stacked (live) curves' other margins, as wide as plotly's automargin makes them for the
# ticks, the epoch axis' title and the legend below: plotly draws a new chart with the given
# margins, then draws it all again when its labels push them wider (a live lab's curves are
# drawn anew at every poll: that second drawing was ~40% of the browser's plotly time)
STACKED_MARGIN = dict(r=20, b=110)


def history_figure(history, task: str, T, best_epoch: int = 0, stopped_epoch: int = 0, epochs: int | None = None,
                   log_loss: bool = False, stacked: bool = False, changes=(), height: int | None = None):
    """Two panels: loss / val_loss (`log_loss`: on a log scale, where a loss that falls by
    orders of magnitude or explodes stays readable), and the metric (accuracy or MAE),
    side by side or `stacked` (the lab's narrow column). `changes`: settings changed
    mid-run ({'epoch', 'changes': {field: (old, new)}}), each a dotted line with its values.
    Traces 0-3 are the curves and 4-5 the best-epoch stars, so `update_history_figure` can
    swap their data in place."""
    metric = "mae" if task == "regression" else "accuracy"
    # a narrow column: MAE by its short name ("Mean absolute error (lower is better)" was cut)
    titles = (T("plot.loss_title"), T("plot.mae_title_short" if stacked and metric == "mae" else f"plot.{metric}_title"))
    spec = (subplots_layout(rows=2, cols=1, subplot_titles=titles, vertical_spacing=0.16, shared_xaxes=True)
            if stacked else subplots_layout(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.1))
    if stacked:     # a narrow column: the titles from its left edge, not centred over the plot (they were cut)
        for title in spec["annotations"][:2]:
            title.update(x=0, xanchor="left", xshift=-STACKED_LEFT + 10, yshift=4, font=dict(size=12))
    axes = {1: ("x", "y"), 2: ("x2", "y2")}            # panel -> its axes, side by side or stacked
    data = []
    for col, key in ((1, "loss"), (2, metric)):
        for prefix, color, name in (("", TRAIN_COLOR, T("plot.train")), ("val_", VAL_COLOR, T("plot.validation"))):
            data.append(dict(type="scatter", x=[], y=[], mode="lines", name=name, line=dict(color=color, width=2),
                             legendgroup=prefix or "train", showlegend=col == 1, hovertemplate="%{y:.4f}",
                             xaxis=axes[col][0], yaxis=axes[col][1]))
    for col in (1, 2):
        data.append(dict(type="scatter", x=[], y=[], mode="markers", name=T("plot.best_epoch"),
                         marker=dict(symbol="star", size=14, color=GREEN, line=dict(width=1, color="white")),
                         legendgroup="best", showlegend=col == 1,
                         hovertemplate=T("plot.best_epoch") + " %{x}: %{y:.4f}<extra></extra>",
                         xaxis=axes[col][0], yaxis=axes[col][1]))
    data.append(dict(type="scatter", x=[], y=[], mode="markers", name=T("plot.epoch_so_far"), legendgroup="partial",
                     marker=dict(symbol="circle-open", size=10, color=TRAIN_COLOR, line=dict(width=2)),
                     hovertemplate=T("plot.epoch_so_far") + " %{x:.2f}: %{y:.4f}<extra></extra>", xaxis="x", yaxis="y"))
    shapes, notes = [], spec["annotations"]
    if stopped_epoch:
        shapes += [_vline(stopped_epoch, axes[col], dict(color=RED, dash="dash")) for col in (1, 2)]
        notes.append(dict(x=stopped_epoch, y=0.98, yref="y domain", xref="x", text=T("plot.early_stop"),
                          showarrow=False, font=dict(color=RED), yanchor="top", xanchor="right"))
    for change in changes:
        _mark_change(shapes, notes, change, T, axes)
    for x in (("x2",) if stacked else ("x", "x2")):
        spec[axis_key(x)].update(title=dict(text=T("plot.epoch"), standoff=4))
    # stacked, the panels' titles name the axes (the column's width is for the titles and the curves)
    axis_title = (lambda key: None) if stacked else T
    loss_axis, metric_axis = spec["yaxis"], spec["yaxis2"]
    if log_loss:
        loss_axis.update(title=dict(text=axis_title("plot.loss_axis_log")), type="log", exponentformat="power")
    else:
        loss_axis.update(title=dict(text=axis_title("plot.loss_axis")), rangemode="tozero")
    metric_axis.update(title=dict(text=axis_title(f"plot.{metric}_axis")))
    if metric == "accuracy":
        metric_axis.update(range=[0, 1.02], tickformat=".0%")
    else:                                   # an error is never negative (an empty chart showed -1)
        metric_axis.update(rangemode="tozero")
    legend = ({**LEGEND_BELOW, "y": -0.2, "font": dict(size=11)} if stacked else {**LEGEND_BELOW, "y": -0.22})
    spec.update(layout_dict(height or (400 if stacked else 370), top=40, hovermode="x unified", legend=legend))
    if shapes:
        spec["shapes"] = shapes
    if stacked:           # a fixed room for the ticks, where the titles start (10 px from the edge)
        spec["margin"] = dict(spec["margin"], l=STACKED_LEFT, **STACKED_MARGIN)
    return update_history_figure(built(data, spec), history, task, best_epoch, epochs)


def _vline(x: float, axes: tuple, line: dict) -> dict:
    """A vertical line through one panel, as plotly's add_vline draws it."""
    return dict(type="line", x0=x, x1=x, xref=axes[0], y0=0, y1=1, yref=axes[1] + " domain", line=line)


def change_text(change: dict, T) -> str:
    """'lr 0.03 → 0.003, batch 32 → 64': what a mid-run change set."""
    return ", ".join(f"{T(f'field.{name}')} {_short(old)} → {_short(new)}"
                     for name, (old, new) in change["changes"].items())


def _short(v) -> str:
    if isinstance(v, bool):
        return "✓" if v else "✗"
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def _mark_change(shapes: list, notes: list, change: dict, T, axes: dict) -> None:
    """A dotted line at the epoch a setting changed, its values on hover (and a small label)."""
    x = change["epoch"] + 0.5     # between the last epoch before it and the first after
    shapes += [_vline(x, axes[col], dict(color=MID_GREY, dash="dot", width=1.5)) for col in (1, 2)]
    notes.append(dict(x=x, y=1, xref="x", yref="y domain", text="Δ", hovertext=change_text(change, T),
                      showarrow=False, yanchor="bottom", font=dict(color=DARK_GREY, size=12)))


MAX_CURVE_POINTS = 600   # a curve longer than this is drawn from every k-th epoch (and the last)


def thinned(history, most: int = MAX_CURVE_POINTS):
    """At most about `most` epochs of a long history, evenly spaced, the last one kept: an
    endless run's curves cost the page and the browser the same after 10,000 epochs as
    after 600 (each redraw sent and drew every point)."""
    n = len(history)
    if n <= most:
        return history
    step = -(-n // most)
    picked = list(history[::step])
    return picked if picked[-1] is history[-1] else picked + [history[-1]]


def x_extent(last: float, epochs: int | None, running: bool) -> float:
    """The last epoch the curves' axis shows: before a run the epochs it will train; a
    finished run the epochs it ran (early stopping at 29 of 300 filled a tenth of the
    axis); a running one some room ahead, in 1-2-5 steps (10, 20, 50, 100, ...) so the axis
    does not move every epoch, never past the epoch limit."""
    if last <= 0:
        return max(epochs or 1, 1)
    if not running:
        return last
    room = 10
    while room < last * 1.2:
        room = room * 5 // 2 if str(room)[0] == "2" else room * 2
    return max(min(room, epochs) if epochs else room, last)


def update_history_figure(fig, history, task: str, best_epoch: int = 0, epochs: int | None = None,
                          partial: tuple | None = None, running: bool = False):
    """Put a (longer) history into a figure made by `history_figure` for the same task;
    `partial` (epoch + fraction, loss so far) marks the running epoch of a long one;
    `running`: the run goes on (the axis leaves room ahead, see `x_extent`).
    A live page redraws every second; rebuilding the figure holds the GIL, which the
    training thread also needs, for ~30 ms, swapping the data for ~1 ms."""
    metric = "mae" if task == "regression" else "accuracy"
    keys = ("loss", "val_loss", metric, "val_" + metric)
    best = history[best_epoch - 1] if best_epoch else None   # snapshots keep best_epoch <= len(history)
    shown = thinned(history)
    # arrays, not lists: plotly checks a list item by item (~6 ms for 600 epochs, at every poll
    # of a live page, beside the training thread; ~1 ms as arrays) and sends arrays packed
    ep = np.array([h["epoch"] for h in shown], dtype=int)
    x_max = x_extent(max(int(ep[-1]) if len(ep) else 0, partial[0] if partial else 0), epochs, running)
    with fig.batch_update():
        for trace, key in zip(fig.data[:4], keys):
            trace.x, trace.y = ep, np.array([h[key] for h in shown], dtype=float)
            trace.mode = "lines" if len(ep) > 1 else "lines+markers"   # one point draws no line
        for trace, key in zip(fig.data[4:6], (keys[1], keys[3])):
            trace.x, trace.y = ([best_epoch], [best[key]]) if best else ([], [])
            trace.visible = best is not None
        fig.data[6].x, fig.data[6].y = ([partial[0]], [partial[1]]) if partial else ([], [])
        fig.data[6].visible = partial is not None
        for axis in (fig.layout.xaxis, fig.layout.xaxis2):    # set, not update_xaxes: ~40% of this call
            axis.range = [0.5, x_max + 0.5]
    return fig


def boundary_figure(surface: dict | None, points: dict, task: str, T, class_names=None, height: int = 420,
                    show_test: bool = True, discretize: bool = False, colorbar: bool = True, compact: bool = False):
    """Heatmap of the model's output over the plane with train (circles) and test
    (outlined) points. `points`: {'train': (X, y), 'test': (X, y)} in raw coordinates.
    `surface` None: the points alone (before a run). `discretize`: the predicted class
    (or the prediction in a few bands) instead of the smooth output, as TensorFlow
    Playground's toggle. `compact`: the lab's panel, no legend or colour bar.

    Built as one dict, one go.Figure: a live lab redraws it every few seconds, and each
    add_trace / update_* on a built figure costs ~1 ms of plotly's bookkeeping."""
    data = []
    colorbar = colorbar and not compact
    if surface is not None:
        z = np.asarray(surface["z"], float)
        if task == "binary":
            if discretize:
                z = (z >= 0.5).astype(float)
            data.append(dict(type="heatmap", x=surface["x"], y=surface["y"], z=z, zmin=0, zmax=1,
                             colorscale=DIVERGING, opacity=0.75, showscale=colorbar,
                             colorbar=dict(title=dict(text=T("plot.prob_class1")), thickness=10),
                             hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>p=%{z:.3f}<extra></extra>"))
            data.append(dict(type="contour", x=surface["x"], y=surface["y"], z=surface["z"], showscale=False,
                             contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                             line=dict(color="black", width=2), hoverinfo="skip", name=T("plot.boundary")))
        else:
            if discretize:           # eight bands between the lowest and highest prediction
                lo, hi = float(z.min()), float(z.max())
                step = (hi - lo) / 8 or 1.0
                z = lo + (np.floor((z - lo) / step).clip(0, 7) + 0.5) * step
            data.append(dict(type="heatmap", x=surface["x"], y=surface["y"], z=z, colorscale="RdBu",
                             opacity=0.75, showscale=colorbar,
                             colorbar=dict(title=dict(text=T("plot.prediction")), thickness=10),
                             hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>"))
    for split, symbol in (("train", "circle"), ("test", "circle-open")):
        if split == "test" and not show_test:
            continue
        X, y = points[split]
        X = np.asarray(X)
        if task == "binary":
            # the class as a number on a two-colour scale, not a colour string per point: plotly
            # checks each string (half of the figure's ~19 ms, rebuilt every few seconds mid-run)
            classes = dict(color=(np.asarray(y) > 0.5).astype(float), colorscale=CLASS_SCALE, cmin=0, cmax=1)
            marker = dict(**classes, size=7, symbol=symbol, line=dict(width=0.5, color="white"))
        else:
            marker = dict(color=np.asarray(y), colorscale="RdBu", size=7, symbol=symbol, line=dict(width=0.5))
        if split == "test":
            marker["line"] = dict(width=2, **(classes if task == "binary" else dict(color="black")))
        data.append(dict(type="scatter", x=X[:, 0], y=X[:, 1], mode="markers", marker=marker,
                         name=T(f"plot.{split}_points"), hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<extra></extra>"))
    if surface is not None:
        x_range, y_range = [surface["x"][0], surface["x"][-1]], [surface["y"][0], surface["y"][-1]]
    else:
        allx = np.concatenate([np.asarray(p[0]) for p in points.values()])
        lo, hi = allx.min(0) - 0.5, allx.max(0) + 0.5
        x_range, y_range = [lo[0], hi[0]], [lo[1], hi[1]]
    standoff = dict(standoff=2) if compact else {}
    spec = layout_dict(height, top=30, legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
                       xaxis=dict(title=dict(text="x1", **standoff), range=x_range, constrain="domain"),
                       yaxis=dict(title=dict(text="x2", **standoff), range=y_range, scaleanchor="x", scaleratio=1))
    if compact:     # room for the axes' ticks and titles (x2, x1) as plotly's automargin makes it: given
        # less, plotly draws the chart twice, at every redraw of a live run (STACKED_MARGIN)
        spec.update(showlegend=False, margin=dict(l=44, r=4, t=4, b=48))
    return built(data, spec)


def what_changed_figure(before: list[dict], after: list[dict], at: float, task: str, T, height: int = 300):
    """The loss and validation loss just before a mid-run change (grey) and after it
    (coloured), the change a dotted line: did the new setting help?"""
    fig = go.Figure()
    for part, label, colors, dash in ((before, T("lab.before"), (GREY, "#d1a17a"), "dot"),
                                      (after, T("lab.after"), (TRAIN_COLOR, VAL_COLOR), "solid")):
        ep = [h["epoch"] for h in part]
        for key, color, name in (("loss", colors[0], T("plot.train")), ("val_loss", colors[1], T("plot.validation"))):
            fig.add_trace(go.Scatter(x=ep, y=[h[key] for h in part], mode="lines+markers", name=f"{name} · {label}",
                                     line=dict(color=color, dash=dash, width=2), marker=dict(size=5),
                                     hovertemplate="%{y:.4f}"))
    fig.add_vline(x=at + 0.5, line=dict(color=MID_GREY, dash="dot"))
    fig.update_xaxes(title_text=T("plot.epoch"))
    fig.update_yaxes(title_text=T("plot.loss_axis"))
    return layout(fig, height, hovermode="x unified", legend={**LEGEND_BELOW, "y": -0.3})
