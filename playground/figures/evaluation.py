"""Plotly figures for the evaluation page, from plain data (no Streamlit here).

Every text comes from the caller's Translator `T` (keys eval.plot.* and eval.m.*),
so a figure speaks Korean or English."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..analysis.metric_names import BOUNDED
from .style import BLUE, CLASS_COLORS, GREY, LEGEND_BELOW, ORANGE, RED, built, figure, layout, layout_dict

POINT_COLOR = RED


def _layout(fig: go.Figure, title: str, height: int = 380, legend_below: bool = True) -> go.Figure:
    return layout(fig, height, title, **({"legend": LEGEND_BELOW} if legend_below else {}))


def _figure(data: list[dict], title: str, height: int, xaxis: dict, yaxis: dict, legend_below: bool = True,
            **kw) -> go.Figure:
    """style.figure with the page's legend below the plot (`_layout`'s)."""
    return figure(data, height, title, xaxis=xaxis, yaxis=yaxis, **({"legend": LEGEND_BELOW} if legend_below else {}),
                  **kw)


def _titled(text: str, **axis) -> dict:
    return dict(title=dict(text=text), **axis)


def _unit_square(x_title: str, y_title: str) -> tuple[dict, dict]:
    """The axes of a curve in the unit square (ROC, PR): both 0-1, on one scale."""
    return (_titled(x_title, range=[-0.02, 1.02], constrain="domain"),
            _titled(y_title, range=[-0.02, 1.02], scaleanchor="x", scaleratio=1))


def confusion_figure(cm, class_names, T, normalize: bool = False, highlight: tuple | None = None,
                     height: int | None = None, titled: bool = True) -> go.Figure:
    """Rows = true class, columns = predicted class. `normalize`: each row as shares of
    that class (recall on the diagonal); counts stay in the hover and the cell text.
    `titled` False: a panel under its own heading (the lab's, redrawn live: one dict, one
    go.Figure, ~10 -> ~3 ms)."""
    cm = np.asarray(cm, float)
    names = [str(c) for c in class_names]
    totals = cm.sum(1, keepdims=True)
    share = np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)
    z = share if normalize else cm
    counts = cm.astype(int)
    text = [[f"{share[i, j]:.0%}<br>({counts[i, j]})" if normalize else f"{counts[i, j]}"
             for j in range(len(names))] for i in range(len(names))]
    heatmap = dict(
        type="heatmap", z=z, x=names, y=names, text=text, texttemplate="%{text}", colorscale="Blues",
        zmin=0, zmax=1 if normalize else max(cm.max(), 1), customdata=counts,
        colorbar=dict(title=dict(text=T("eval.plot.share" if normalize else "eval.plot.count")), thickness=12,
                      tickformat=".0%" if normalize else None),
        hovertemplate=T("eval.plot.actual") + ": %{y}<br>" + T("eval.plot.predicted") + ": %{x}<br>"
        + T("eval.plot.count") + ": %{customdata}<extra></extra>")
    title = T("eval.plot.cm_norm_title" if normalize else "eval.plot.cm_title") if titled else None
    spec = layout_dict(height or max(360, 40 * len(names) + 120), title,
                       xaxis=dict(title=dict(text=T("eval.plot.predicted")), type="category", side="bottom"),
                       yaxis=dict(title=dict(text=T("eval.plot.actual")), type="category", autorange="reversed"))
    if highlight is not None:
        i, j = highlight
        spec["shapes"] = [dict(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
                               line=dict(color=POINT_COLOR, width=3))]
    return built([heatmap], spec)


def roc_figure(curves: list[dict], T, class_names=None, point: dict | None = None,
               height: int = 400) -> go.Figure:
    """ROC curve(s) with their AUC, the chance diagonal, and (binary) the operating point
    of the current threshold. `curves` as metrics.roc_curves returns them."""
    data = [dict(type="scatter", x=[0, 1], y=[0, 1], mode="lines", line=dict(color=GREY, dash="dash"),
                 name=T("eval.plot.chance"), hoverinfo="skip")]
    binary = len(curves) == 1 and class_names is None
    for n, c in enumerate(curves):
        label = "ROC" if binary else str(class_names[c["class"]])
        data.append(dict(
            type="scatter", x=c["fpr"], y=c["tpr"], mode="lines", name=f"{label} (AUC = {c['auc']:.3f})",
            line=dict(color=BLUE if binary else CLASS_COLORS[n % len(CLASS_COLORS)], width=2.5 if binary else 1.8),
            customdata=np.clip(c["thresholds"], 0, 1),
            hovertemplate="FPR %{x:.3f} · TPR %{y:.3f}<br>" + T("eval.plot.threshold") + " %{customdata:.3f}"
            + "<extra></extra>"))
    if point is not None:
        data.append(dict(
            type="scatter", x=[point["fpr"]], y=[point["tpr"]], mode="markers",
            marker=dict(size=14, color=POINT_COLOR, line=dict(width=2, color="white")),
            name=T("eval.plot.operating_point", t=f"{point['threshold']:.2f}"),
            hovertemplate="FPR %{x:.3f} · TPR %{y:.3f}<extra></extra>"))
    title = T("eval.plot.roc_title") if binary else T("eval.plot.roc_ovr_title")
    return _figure(data, title, height, *_unit_square(T("eval.plot.fpr"), T("eval.plot.tpr")), legend_below=binary,
                   **({} if binary else {"legend": dict(font=dict(size=11))}))


def pr_figure(pr: dict, T, point: dict | None = None, prevalence: float | None = None,
              height: int = 400) -> go.Figure:
    """Precision-recall curve with its average precision, the chance level (share of
    positives) and the operating point. `pr` as metrics.pr_curve returns it."""
    data = []
    if prevalence is not None:
        data.append(dict(type="scatter", x=[0, 1], y=[prevalence, prevalence], mode="lines",
                         line=dict(color=GREY, dash="dash"), name=T("eval.plot.chance"), hoverinfo="skip"))
    thr = list(pr["thresholds"]) + [1.0]   # sklearn: one threshold fewer than points
    data.append(dict(
        type="scatter", x=pr["recall"], y=pr["precision"], mode="lines", line=dict(color=BLUE, width=2.5, shape="hv"),
        name=f"PR (AP = {pr['average_precision']:.3f})", customdata=thr,
        hovertemplate=T("eval.m.recall") + " %{x:.3f} · " + T("eval.m.precision") + " %{y:.3f}<br>"
        + T("eval.plot.threshold") + " %{customdata:.3f}<extra></extra>"))
    if point is not None:
        # no positive predictions: sklearn's metric says precision 0, its curve draws (0, 1)
        none_positive = point.get("tp", 0) + point.get("fp", 0) == 0 and "tp" in point
        data.append(dict(
            type="scatter", x=[point["recall"]], y=[1.0 if none_positive else point["precision"]], mode="markers",
            marker=dict(size=14, color=POINT_COLOR, line=dict(width=2, color="white")),
            name=T("eval.plot.operating_point", t=f"{point['threshold']:.2f}"),
            hovertemplate=T("eval.m.recall") + " %{x:.3f} · " + T("eval.m.precision") + " %{y:.3f}<extra></extra>"))
    return _figure(data, T("eval.plot.pr_title"), height, *_unit_square(T("eval.m.recall"), T("eval.m.precision")))


def probability_figure(y_true, proba, threshold: float, class_names, T, height: int = 330) -> go.Figure:
    """Binary: how the sigmoid outputs of each true class fall around the threshold."""
    y_true, proba = np.asarray(y_true).astype(int), np.asarray(proba, float)
    data = [dict(type="histogram", x=proba[y_true == c], xbins=dict(start=0, end=1.0001, size=0.05),
                 name=T("eval.plot.true_class", name=class_names[c]), marker=dict(color=color), opacity=0.65,
                 hovertemplate="%{x}: %{y}<extra></extra>") for c, color in ((0, ORANGE), (1, BLUE))]
    return _figure(data, T("eval.plot.prob_title"), height,
                   _titled(T("eval.plot.prob_of", name=class_names[1]), range=[0, 1]), _titled(T("eval.plot.count")),
                   barmode="overlay",
                   shapes=[dict(type="line", x0=threshold, x1=threshold, xref="x", y0=0, y1=1, yref="y domain",
                                line=dict(color=POINT_COLOR, width=3))],
                   annotations=[dict(x=threshold, y=1, yref="paper", showarrow=False, yanchor="bottom",
                                     text=T("eval.plot.threshold") + f" {threshold:.2f}",
                                     font=dict(color=POINT_COLOR))])


def pred_actual_figure(actual, predicted, T, target_name: str = "", height: int = 400,
                       titled: bool = True) -> go.Figure:
    """Predicted vs actual with the y = x line: points on the line are perfect predictions.
    `titled` False: a panel under its own heading (the lab's, redrawn live)."""
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    both = np.concatenate([actual, predicted]) if len(actual) else np.array([0.0, 1.0])
    lo, hi = float(both.min()), float(both.max())
    pad = (hi - lo) * 0.05 or 1.0
    data = [dict(type="scatter", x=[lo - pad, hi + pad], y=[lo - pad, hi + pad], mode="lines",
                 line=dict(color=GREY, dash="dash"), name=T("eval.plot.perfect"), hoverinfo="skip"),
            dict(type="scatter", x=actual, y=predicted, mode="markers", name=T("eval.plot.samples"),
                 marker=dict(color=BLUE, size=7, opacity=0.7, line=dict(width=0.5, color="white")),
                 hovertemplate=T("eval.plot.actual") + " %{x:.3f}<br>" + T("eval.plot.predicted")
                 + " %{y:.3f}<extra></extra>")]
    suffix = f" ({target_name})" if target_name else ""
    return _figure(data, T("eval.plot.pred_actual_title") if titled else None, height,
                   _titled(T("eval.plot.actual") + suffix, range=[lo - pad, hi + pad], constrain="domain"),
                   _titled(T("eval.plot.predicted") + suffix, range=[lo - pad, hi + pad], scaleanchor="x",
                           scaleratio=1))


def residual_figure(predicted, residual, T, height: int = 400) -> go.Figure:
    """Residual (actual - predicted) against the prediction; a pattern means a missed trend."""
    data = [dict(type="scatter", x=np.asarray(predicted, float), y=np.asarray(residual, float), mode="markers",
                 name=T("eval.plot.samples"),
                 marker=dict(color=ORANGE, size=7, opacity=0.7, line=dict(width=0.5, color="white")),
                 hovertemplate=T("eval.plot.predicted") + " %{x:.3f}<br>" + T("eval.plot.residual")
                 + " %{y:.3f}<extra></extra>")]
    return _figure(data, T("eval.plot.residual_title"), height, _titled(T("eval.plot.predicted")),
                   _titled(T("eval.plot.residual_axis")),
                   shapes=[dict(type="line", x0=0, x1=1, xref="x domain", y0=0, y1=0, yref="y",
                                line=dict(color=GREY, dash="dash"))])


def folds_figure(folds, key: str, T, height: int = 340) -> go.Figure:
    """One bar per fold for a metric, with the mean and a ±1 standard deviation band."""
    x = [f["fold"] for f in folds]
    v = np.array([f[key] for f in folds], float)
    fig = go.Figure(go.Bar(x=x, y=v, name=T(f"eval.m.{key}"), marker=dict(color=BLUE),
                           hovertemplate=T("eval.plot.fold") + " %{x}: %{y:.4f}<extra></extra>"))
    ok = v[np.isfinite(v)]
    if len(ok):
        mean, std = float(ok.mean()), float(ok.std())
        if std > 0:
            fig.add_hrect(y0=mean - std, y1=mean + std, fillcolor=ORANGE, opacity=0.15, line_width=0)
        fig.add_hline(y=mean, line=dict(color=ORANGE, width=2, dash="dash"),
                      annotation_text=T("eval.plot.mean_std", mean=f"{mean:.3f}", std=f"{std:.3f}"),
                      annotation_position="top left")
    fig.update_xaxes(title_text=T("eval.plot.fold"), tickmode="linear" if len(x) <= 20 else "auto", dtick=1)
    fig.update_yaxes(title_text=T(f"eval.m.{key}"))
    if key in BOUNDED:
        fig.update_yaxes(range=[0, 1.05])
    fig.update_layout(showlegend=False)
    return _layout(fig, T("eval.plot.folds_title", metric=T(f"eval.m.{key}")), height)
