"""Figures of a sequence run on its test set, for the Evaluate page (plain data from
analysis/sequence_errors.py and inspect/sequence_eval.py; no torch):

- the test period over time: the truth, the one-step forecast, the forecast rolled forward
  and the baselines (the best one drawn, the others a legend click away);
- the residuals over time with their trend lines: an error that grows with the series;
- test sentences as strips of words, each word coloured by the network's belief in the
  true answer after reading it (orange: the wrong answer, blue: the right one);
- one sentence: that belief after each word, the network's against the bag of words',
  and the attention weights when the network has attention."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import (BLUE, DIVERGING, GREEN, GREY, INK, LABEL_GREY, LEGEND_BELOW, MID_GREY, ORANGE, TIME_TICKS,
                    layout)

BASELINE_COLORS = {"last_value": MID_GREY, "seasonal_naive": "#9333ea", "linear_ar": ORANGE}
NETWORK_STYLE = {"one_step": dict(color=GREEN, width=2.5), "rolled": dict(color=GREEN, width=2.5, dash="dash")}
HOVER = "%{x:.2f}: %{y:.4g}<extra>%{fullData.name}</extra>"


def method_name(name: str, T) -> str:
    """The legend's and the table's name of a forecast: the network's two, or a baseline."""
    return T(f"eval_seq.method.{name}") if name in NETWORK_STYLE else T("eval_seq.baseline", name=T(f"seq.baseline.{name}"))


def period_forecast_figure(rep: dict, T, height: int = 420) -> go.Figure:
    """The values before the test period (grey), the truth over it, the network's forecasts
    and the baselines'."""
    fig = go.Figure()
    ctx = rep["context"]
    lines = rep.get("contiguous", True)      # scattered targets (no time split): points, not lines
    if len(ctx["time"]):
        # joined to the first test value, so the line does not break where the test begins
        fig.add_trace(go.Scatter(x=[*ctx["time"], rep["time"][0]], y=[*ctx["value"], rep["truth"][0]], mode="lines",
                                 name=T("eval_seq.before_test"), line=dict(color=GREY, width=1.5), hovertemplate=HOVER))
    fig.add_trace(go.Scatter(x=rep["time"], y=rep["truth"], mode="lines+markers" if lines else "markers",
                             name=T("eval_seq.actual"),
                             line=dict(color=INK, width=2), marker=dict(size=5), hovertemplate=HOVER))
    for name, pred in rep["preds"].items():
        net = name in NETWORK_STYLE
        style = NETWORK_STYLE[name] if net else dict(color=BASELINE_COLORS[name], width=1.5, dash="dot")
        fig.add_trace(go.Scatter(x=rep["time"], y=pred, mode="lines" if lines else "markers", name=method_name(name, T),
                                 line=style, marker=dict(color=style["color"], size=6), hovertemplate=HOVER,
                                 visible=True if net or name == rep["best_baseline"] else "legendonly"))
    if len(ctx["time"]):
        fig.add_vline(x=float(rep["time"][0]), line=dict(color=GREY, width=1, dash="dot"))
        fig.add_annotation(x=float(rep["time"][0]), y=1, yref="paper", text=T("eval_seq.test_starts"), showarrow=False,
                           xanchor="left", yanchor="top", font=dict(size=11, color=LABEL_GREY))
    fig.update_xaxes(title_text=T("seq.time_axis"), tickformat=TIME_TICKS)
    fig.update_yaxes(title_text=rep["target"])
    return layout(fig, height, T("eval_seq.forecast_title"), legend=LEGEND_BELOW, hovermode="x unified")


def residual_time_figure(rep: dict, T, height: int = 340) -> go.Figure:
    """Residual (actual - predicted) of the network's forecasts at each test time, and each
    one's least-squares line: a slope means the error grows (or shrinks) over the period."""
    fig = go.Figure()
    t = np.asarray(rep["time"], float)
    for name in ("one_step", "rolled"):
        if name not in rep["preds"]:
            continue
        r = np.asarray(rep["truth"], float) - np.asarray(rep["preds"][name], float)
        style = NETWORK_STYLE[name]
        fig.add_trace(go.Scatter(x=t, y=r, mode="lines+markers", name=method_name(name, T), line=style,
                                 marker=dict(size=5), hovertemplate=HOVER))
        if len(t) >= 2 and np.ptp(t) > 0:
            slope, icept = np.polyfit(t, r, 1)
            fig.add_trace(go.Scatter(x=[t[0], t[-1]], y=[icept + slope * t[0], icept + slope * t[-1]], mode="lines",
                                     name=T("eval_seq.trend_of", name=method_name(name, T)),
                                     line=dict(color=style["color"], width=1, dash="dot"), hoverinfo="skip"))
    fig.add_hline(y=0, line=dict(color=GREY, dash="dash"))
    fig.update_xaxes(title_text=T("seq.time_axis"), tickformat=TIME_TICKS)
    fig.update_yaxes(title_text=T("eval_seq.residual_axis", target=rep["target"]))
    return layout(fig, height, T("eval_seq.residual_title"), legend=LEGEND_BELOW)


def belief_strips_figure(strips: list[dict], T, height: int | None = None) -> go.Figure:
    """One row per sentence ({'label', 'words', 'p'}: its words in reading order and the
    probability of the true answer after each), each word a cell coloured by that belief."""
    width = max((len(s["words"]) for s in strips), default=1)
    z = np.full((len(strips), width), np.nan)
    text = [[""] * width for _ in strips]
    for r, s in enumerate(strips):
        z[r, :len(s["p"])] = s["p"]
        text[r][:len(s["words"])] = s["words"]
    labels = [s["label"] for s in strips]
    fig = go.Figure(go.Heatmap(
        z=z, x=np.arange(1, width + 1), y=labels, text=text, texttemplate="%{text}", textfont=dict(size=12),
        zmin=0, zmax=1, colorscale=DIVERGING, xgap=2, ygap=2, hoverongaps=False,
        colorbar=dict(title=dict(text=T("eval_seq.p_true_short"), side="right"), thickness=12, tickformat=".1f"),
        hovertemplate=T("eval_seq.strip_hover") + "<extra></extra>"))
    # categories: plotly would read "#2" as the number 2 (it strips '#', '$', '%')
    fig.update_yaxes(type="category", autorange="reversed", tickfont=dict(size=12))
    fig.update_xaxes(title_text=T("eval_seq.word_axis"), dtick=1, showgrid=False)
    return layout(fig, height or 90 + 34 * len(strips), T("eval_seq.strips_title"))


def belief_figure(words: list[str], net_p, bow_p, attention, true_name: str, line: float | None, T,
                  height: int = 360) -> go.Figure:
    """One sentence: the probability of its true answer after each word, for the network
    (what it had read so far) and the bag of words (the words so far, order thrown away);
    `line`: where the decision flips; attention weights below when there are any."""
    x = np.arange(1, len(words) + 1)
    rows = 2 if attention is not None else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        row_heights=[0.7, 0.3] if rows == 2 else [1.0],
                        subplot_titles=[T("eval_seq.belief_title", name=true_name)]
                        + ([T("seq.attention_title")] if rows == 2 else []))
    fig.update_annotations(font_size=13, x=0, xanchor="left")     # the panels' titles (before the threshold's)
    hover = "%{y:.3f}<extra>%{fullData.name}</extra>"
    fig.add_trace(go.Scatter(x=x, y=np.asarray(net_p, float), mode="lines+markers", name=T("eval_seq.network"),
                             line=dict(color=BLUE, width=2.5), marker=dict(size=8), hovertemplate=hover), row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=np.asarray(bow_p, float), mode="lines+markers", name=T("seq.baseline.bag_of_words"),
                             line=dict(color=MID_GREY, width=2, dash="dash"), marker=dict(size=7, symbol="square"),
                             hovertemplate=hover), row=1, col=1)
    if line is not None:
        fig.add_hline(y=line, line=dict(color=GREY, dash="dot", width=1), row=1, col=1,
                      annotation_text=T("eval_seq.decision_line"), annotation_position="bottom right",
                      annotation_font=dict(size=11, color=LABEL_GREY))
    fig.update_yaxes(range=[-0.05, 1.05], title_text=T("eval_seq.p_true_axis"), row=1, col=1)
    if rows == 2:
        w = np.asarray(attention, float)
        fig.add_trace(go.Bar(x=x, y=w, marker_color=ORANGE, name=T("seq.attention"), showlegend=False,
                             hovertemplate="%{y:.2f}<extra></extra>"), row=2, col=1)
        fig.update_yaxes(title_text=T("seq.weight"), range=[0, max(float(w.max()) * 1.15, 0.05)], row=2, col=1)
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=words, tickfont=dict(size=13))
    fig.update_xaxes(title_text=T("seq.step_axis"), row=rows, col=1)
    return layout(fig, height + (90 if rows == 2 else 0), top=30, legend=LEGEND_BELOW)
