"""Figures of a recurrent network reading (data from inspect/sequence.py, no torch):

- the memory: the last layer's hidden state as a heatmap (units x steps) with the words
  under the columns, the answer after each step below it, the gradient's size per step
  (why a plain RNN forgets far back), and the attention weights when it has attention;
- a series' one-step forecast against the truth, with the training, validation and test
  regions marked (split by time: the test is the latest part)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import (
    BLUE,
    CLASS_COLORS,
    DIVERGING,
    GREEN,
    GREY,
    LABEL_GREY,
    ORANGE,
    TIME_TICKS,
    TRAIN_COLOR,
    VAL_COLOR,
    axis_key,
    built,
    figure,
    layout,
    layout_dict,
    subplots_layout,
)

SPLIT_COLORS = {"train": TRAIN_COLOR, "val": VAL_COLOR, "test": GREEN}


def example_label(ex: dict, i: int, T, most: int = 20) -> str:
    """'the movie is not good → negative' (the example's words and its true answer), or a
    series' 'next value at 1958.25: 363'."""
    truth = ex["truth"][i]
    if ex.get("times") is not None:     # a series: the time of the value it predicts
        return T("seq.example_time", time=f"{float(ex['times'][i]):.2f}", answer=f"{float(truth):.4g}")
    words = [w for w, pad in zip(ex["words"][i], ex["padding"][i]) if not pad]
    text = " ".join(words if len(words) <= most else ["…", *words[-most:]])
    answer = ex["class_names"][int(truth)] if ex["class_names"] else f"{float(truth):.4g}"
    return T("seq.example", text=text, answer=answer)


def _answer_traces(ex: dict, i: int, keep: np.ndarray, x: np.ndarray, T) -> list[dict]:
    """The answer after each step: P(class 1), each class's probability, or the next value."""
    steps = np.asarray(ex["steps"][i])[keep]
    names = ex["class_names"]
    line = dict(type="scatter", x=x, mode="lines+markers", hovertemplate="%{y:.3f}<extra>%{fullData.name}</extra>",
                xaxis="x2", yaxis="y2")      # the memory figure's second panel
    if ex["task"] == "binary":
        return [dict(line, y=steps, line=dict(color=BLUE, width=2), name=T("seq.p_class", name=names[1]))]
    if ex["task"] == "multiclass":
        return [dict(line, y=steps[:, k], name=str(names[k]), line=dict(color=CLASS_COLORS[k % len(CLASS_COLORS)],
                                                                       width=2)) for k in range(len(names))]
    return [dict(line, y=np.asarray(ex["next_values"][i])[keep], name=T("seq.actual_next"),
                 line=dict(color=GREY, width=1.5, dash="dot")),
            dict(line, y=steps, line=dict(color=BLUE, width=2), name=T("seq.next_value"))]


def state_figure(ex: dict, i: int, T, height: int = 360) -> go.Figure:
    """Example i: hidden state (units x steps), the answer after each step, the gradient's
    size per step (scaled to its largest), attention."""
    keep = ~np.asarray(ex["padding"][i], bool)
    words = [w for w, k in zip(ex["words"][i], keep) if k]
    x = np.arange(1, len(words) + 1)
    states = np.asarray(ex["states"][i])[keep]                       # (steps, units)
    attention = ex["attention"]
    rows = 4 if attention is not None else 3
    heights = [0.46, 0.22, 0.16, 0.16] if rows == 4 else [0.55, 0.27, 0.18]
    titles = [T("seq.states_title", cell=ex["cell"].upper(), units=states.shape[1]), T("seq.belief_title"),
              T("seq.gradient_title")]
    if rows == 4:
        titles.append(T("seq.attention_title"))
    # one dict, one go.Figure: a live sequence lab redraws it with each new probe (~50 ms through
    # make_subplots and plotly's update calls, ~5 ms so)
    spec = subplots_layout(rows=rows, cols=1, shared_xaxes=True, row_heights=tuple(heights), vertical_spacing=0.09,
                           subplot_titles=tuple(titles))
    data = [dict(type="heatmap", z=states.T, x=x, y=np.arange(1, states.shape[1] + 1), zmin=-1, zmax=1, zmid=0,
                 colorscale=DIVERGING, showscale=False, hovertemplate=T("seq.hover_state") + "<extra></extra>",
                 xaxis="x", yaxis="y"), *_answer_traces(ex, i, keep, x, T)]
    spec["yaxis"].update(title=dict(text=T("seq.unit")), autorange="reversed")
    spec["yaxis2"].update(title=dict(text=T("seq.answer_axis" if ex["task"] != "regression" else "seq.value_axis")))
    if ex["task"] != "regression":
        chance = 0.5 if ex["task"] == "binary" else 1 / len(ex["class_names"])
        spec["shapes"] = [dict(type="line", x0=0, x1=1, xref="x2 domain", y0=chance, y1=chance, yref="y2",
                               line=dict(color=GREY, dash="dot", width=1))]
        spec["yaxis2"].update(range=[-0.05, 1.05])
    grad = np.asarray(ex["gradients"][i])[keep]
    data.append(dict(type="bar", x=x, y=grad / max(float(grad.max()), 1e-12), marker=dict(color=GREY), showlegend=False,
                     name=T("seq.gradient"), customdata=grad, hovertemplate="%{customdata:.2e}<extra></extra>",
                     xaxis="x3", yaxis="y3"))
    spec["yaxis3"].update(range=[0, 1.05], showticklabels=False)
    if rows == 4:
        w = np.asarray(attention[i])[keep]
        data.append(dict(type="bar", x=x, y=w, marker=dict(color=ORANGE), name=T("seq.attention"), showlegend=False,
                         hovertemplate="%{y:.2f}<extra></extra>", xaxis="x4", yaxis="y4"))
        spec["yaxis4"].update(range=[0, max(float(w.max()) * 1.1, 0.05)], title=dict(text=T("seq.weight")))
    every = -(-len(words) // 12)          # at most 12 labels (the first step always)
    for r in range(1, rows + 1):
        spec[axis_key(f"x{r if r > 1 else ''}")].update(tickmode="array", tickvals=x[::every], ticktext=words[::every],
                                                         tickangle=0 if len(words) <= 8 else -60)
    spec[axis_key(f"x{rows}")]["title"] = dict(text=T("seq.step_axis"))
    for note in spec["annotations"]:                # the panels' titles
        note.update(x=0, xanchor="left", font=dict(note.get("font", {}), size=12))
    # a legend (classes, or predicted vs actual next value) below the steps' labels
    spec.update(layout_dict(height + (40 if ex["task"] != "binary" else 0) + (60 if rows == 4 else 0), top=26,
                            showlegend=ex["task"] != "binary",
                            legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="center", x=0.5)))
    return built(data, spec)


def forecast_figure(fc: dict, T, height: int = 360) -> go.Figure:
    """The series, the network's one-step forecast of each target coloured by split, and the
    test part rolled forward (its own forecasts fed back, dashed)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=fc["time"], y=fc["value"], mode="lines", line=dict(color=GREY, width=1.5),
                             name=T("seq.truth"), hovertemplate="%{x:.2f}: %{y:.4g}<extra></extra>"))
    for split, part in fc["parts"].items():
        fig.add_trace(go.Scatter(x=part["time"], y=part["pred"], mode="markers" if fc.get("shuffled") else "lines",
                                 name=T(f"seq.split.{split}"), marker=dict(size=5),
                                 line=dict(color=SPLIT_COLORS[split], width=2),
                                 hovertemplate="%{x:.2f}: %{y:.4g}<extra>%{fullData.name}</extra>"))
    rolled = fc.get("rolled")
    if rolled is not None and len(rolled["time"]):
        fig.add_trace(go.Scatter(x=rolled["time"], y=rolled["pred"], mode="lines", name=T("seq.rolled"),
                                 line=dict(color=SPLIT_COLORS["test"], width=2, dash="dash"),
                                 hovertemplate="%{x:.2f}: %{y:.4g}<extra>%{fullData.name}</extra>"))
    end = float(fc["time"][-1])
    for split, start, stop in (("val", fc["val_start"], fc["test_start"]), ("test", fc["test_start"], end)):
        if start is None or stop is None:
            continue
        fig.add_vrect(x0=start, x1=stop, fillcolor=SPLIT_COLORS[split], opacity=0.08, line_width=0)
        # validation at its start, the test at the right end: a narrow validation region never hides it
        fig.add_annotation(x=start if split == "val" else stop, y=1, yref="paper", text=T(f"seq.region.{split}"),
                           showarrow=False, xanchor="left" if split == "val" else "right", yanchor="top",
                           yshift=0 if split == "test" else -14, font=dict(size=11, color=LABEL_GREY))
    fig.update_xaxes(title_text=T("seq.time_axis"), tickformat=TIME_TICKS)
    fig.update_yaxes(title_text=fc["target"])
    return layout(fig, height, legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0))


def unrolled_figure(ex: dict, i: int, T, height: int = 260, most: int = 12, compact: bool = False) -> go.Figure:
    """The network unrolled in time for example i: each input x_t (its word) feeds the cell,
    which also takes its own previous state h_(t-1) — the same weights at every step — and
    the last state gives the answer. Each state box is coloured by its mean activation.
    `compact`: for a narrow column under its own heading (no title or footnote)."""
    keep = ~np.asarray(ex["padding"][i], bool)
    words = [w for w, k in zip(ex["words"][i], keep) if k][-most:]
    states = np.asarray(ex["states"][i])[keep][-most:]
    n = len(words)
    x = np.arange(n, dtype=float)
    arrow = dict(xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=2, text="")
    notes = []               # one dict, one go.Figure: ~25 arrows added one by one took 40-120 ms
    for t in range(n):       # x_t -> h_t, and h_(t-1) -> h_t: the same two weight matrices each time
        notes.append(dict(arrow, x=t, y=0.78, ax=t, ay=0.22, arrowwidth=1.2, arrowcolor=GREY))
        if t:
            notes.append(dict(arrow, x=t - 0.22, y=1, ax=t - 0.78, ay=1, arrowwidth=1.5, arrowcolor=BLUE))
    notes.append(dict(arrow, x=n - 1 + 0.62, y=1, ax=n - 1 + 0.22, ay=1, arrowwidth=1.5, arrowcolor=ORANGE))
    mean = states.mean(1) if len(states) else np.zeros(0)
    data = [dict(type="scatter", x=x, y=np.zeros(n), mode="markers+text", text=words, textposition="bottom center",
                 marker=dict(size=22, symbol="square", color="white", line=dict(color=GREY, width=1.5)),
                 hovertemplate="x%{x}: %{text}<extra></extra>", showlegend=False),
            dict(type="scatter", x=x, y=np.ones(n), mode="markers+text", text=[f"h{t + 1}" for t in range(n)],
                 textposition="top center", customdata=mean, showlegend=False,
                 marker=dict(size=30, symbol="square", color=mean, cmin=-1, cmax=1, colorscale=DIVERGING,
                             line=dict(color=BLUE, width=1.5)),
                 hovertemplate=T("seq.unrolled_hover") + "<extra></extra>")]
    out = ex["output"][i]
    answer = (ex["class_names"][int(np.argmax(out))] if ex["task"] == "multiclass"
              else ex["class_names"][int(out >= 0.5)] if ex["task"] == "binary" else f"{float(out):.4g}")
    notes.append(dict(x=n - 1 + 0.7, y=1, text=f"ŷ = {answer}", showarrow=False, xanchor="left",
                      font=dict(size=13, color=ORANGE)))
    if compact:
        return figure(
            data, height, top=4, plot_bgcolor="white", annotations=notes,
            xaxis=dict(visible=False, range=[-0.6, n + 2.4]), yaxis=dict(visible=False, range=[-0.55, 1.45]))
    notes.append(dict(x=-0.5, y=-0.62, text=T("seq.same_weights", cell=ex["cell"].upper()), showarrow=False,
                      xanchor="left", font=dict(size=11, color=LABEL_GREY)))      # below the words
    return figure(
        data, height, title=T("seq.unrolled_title"), plot_bgcolor="white", annotations=notes,
        xaxis=dict(visible=False, range=[-0.6, n + 1.4]), yaxis=dict(visible=False, range=[-0.75, 1.4]))
