"""Plotly figures for "Inside the network", drawn from playground.inspect's plain data.

Every text comes from the caller's Translator `T`. Figures carry `uirevision` (a zoom
kept across updates of one chart where the page updates it in place, as the live charts
do; Streamlit 1.67's own chart is drawn anew for a changed figure), and send rounded
numbers so a redraw every second stays small.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..inspect.names import node_label
from .style import (
    BLUE,
    CLASS_COLORS,
    DIVERGING,
    INK,
    LINE_COLORS,
    NEUTRAL,
    ORANGE,
    RED,
    SEQUENTIAL,
    built,
    class_colors,
    figure,
    layout_dict,
    subplots_layout,
)
from .style import layout as _layout

HIGHLIGHT = RED
OTHER_CURVES = [CLASS_COLORS[i] for i in (0, 1, 2, 4, 5, 6, 9)]   # D3 without its red, grey and olive


def layer_title(name: str, T) -> str:
    """hidden2 -> 'Hidden layer 2' / '은닉층 2'; conv1, input, output likewise."""
    digits = "".join(ch for ch in name if ch.isdigit())
    if name.startswith("hidden"):
        return T("inside.layer.hidden", i=digits)
    if name.startswith("conv"):
        return T("inside.layer.conv", i=digits)
    return T(f"inside.layer.{name}")


# --- activations ------------------------------------------------------------------------------------------

def activation_heatmap(view: dict, y, groups, task: str, class_names, T, layer: str) -> go.Figure:
    """Samples (rows, grouped by class or sorted by target) x nodes (columns)."""
    M = view["matrix"]
    nodes = [node_label(layer, int(i)) for i in view["shown"]]
    signed = M.size and M.min() < 0
    lim = float(np.abs(M).max()) if M.size else 1.0
    heatmap = dict(
        type="heatmap", z=M.astype(np.float32), x=nodes, y=np.arange(len(M)),
        colorscale=DIVERGING if signed else SEQUENTIAL, zmin=-lim if signed else 0, zmax=lim or 1,
        colorbar=dict(title=dict(text=T("inside.activation")), thickness=10),
        hovertemplate=T("inside.node") + " %{x}<br>" + T("inside.sample") + " %{y}<br>"
        + T("inside.activation") + " %{z:.3f}<extra></extra>")
    extra = {}
    if groups:
        extra["shapes"] = [dict(type="line", xref="x domain", x0=0, x1=1, y0=start - 0.5, y1=start - 0.5,
                                line=dict(color=INK, width=1.5)) for _, start, _ in groups[1:]]
        yaxis = dict(tickvals=[(a + b - 1) / 2 for _, a, b in groups],
                     ticktext=[class_names[c] for c, _, _ in groups], title=dict(text=T("inside.samples_by_class")))
    else:
        picks = np.linspace(0, len(y) - 1, min(6, len(y))).astype(int) if len(y) else []
        yaxis = dict(tickvals=list(picks), ticktext=[f"{y[p]:.3g}" for p in picks],
                     title=dict(text=T("inside.samples_by_target")))
    return figure([heatmap], 400, T("inside.heat_title", layer=layer_title(layer, T)),
                  yaxis=dict(yaxis, autorange="reversed"),
                  xaxis=dict(title=dict(text=T("inside.nodes")), showticklabels=len(nodes) <= 32, type="category"),
                  **extra)


def histogram_figure(view: dict, T, layer: str) -> go.Figure:
    h = view["hist"]
    edges = np.asarray(h["edges"])
    bars = dict(type="bar", x=(edges[:-1] + edges[1:]) / 2, y=h["counts"], width=np.diff(edges),
                marker=dict(color=BLUE),
                hovertemplate=T("inside.activation") + " %{x:.3f}<br>" + T("inside.count") + " %{y}<extra></extra>")
    return figure([bars], 300, T("inside.hist_title", layer=layer_title(layer, T)), bargap=0,
                  xaxis=dict(title=dict(text=T("inside.activation"))), yaxis=dict(title=dict(text=T("inside.count"))))


def representation_figure(rep: dict, y, task: str, class_names, T, layer: str) -> go.Figure:
    """(z1, z2) of a 2-unit layer, or the first two principal components, coloured by the target."""
    xy = np.asarray(rep["xy"], np.float32)
    data = []
    if task == "regression":
        data.append(dict(type="scatter", x=xy[:, 0], y=xy[:, 1], mode="markers",
                         marker=dict(color=y, colorscale="Viridis", size=7, showscale=True,
                                     colorbar=dict(title=dict(text=T("inside.target")), thickness=10)),
                         hovertemplate="%{x:.3f}, %{y:.3f}<br>" + T("inside.target")
                         + " %{marker.color:.3g}<extra></extra>"))
    else:
        colors = class_colors(task, len(class_names))
        for c, name in enumerate(class_names):
            sel = np.asarray(y) == c
            if sel.any():
                data.append(dict(type="scatter", x=xy[sel, 0], y=xy[sel, 1], mode="markers", name=str(name),
                                 marker=dict(color=colors[c], size=7, line=dict(width=0.5, color="white")),
                                 hovertemplate=f"{name}: " + "%{x:.3f}, %{y:.3f}<extra></extra>"))
    if rep["kind"] == "pca":
        v = rep["var"]
        xaxis = dict(title=dict(text=T("inside.pc", i=1, share=f"{v[0]:.0%}")))
        yaxis = dict(title=dict(text=T("inside.pc", i=2, share=f"{v[1]:.0%}")))
    else:
        xaxis = dict(title=dict(text=f"z1 ({node_label(layer, 0)})"))
        yaxis = dict(title=dict(text=f"z2 ({node_label(layer, 1)})" if rep["kind"] == "raw" else ""),
                     showticklabels=rep["kind"] == "raw")
    title = T("inside.repr_raw" if rep["kind"] != "pca" else "inside.repr_pca", layer=layer_title(layer, T))
    legend = dict(title=dict(text=T("inside.class")), itemsizing="constant") if task != "regression" else None
    return figure(data, 400, title, xaxis=xaxis, yaxis=yaxis, legend=legend, hovermode="closest")


# --- weights -------------------------------------------------------------------------------------------------

def input_weights_figure(iw: dict, T, layer: str) -> go.Figure:
    """Nodes (rows) x inputs (columns): which features push each node up (blue) or down (orange)."""
    W = iw["W"]
    nodes = [node_label(layer, i) for i in range(W.shape[0])]
    lim = float(np.abs(W).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=W.astype(np.float32), x=iw["inputs"], y=nodes, colorscale=DIVERGING, zmin=-lim, zmax=lim,
        colorbar=dict(title=T("inside.weight_axis"), thickness=10),
        hovertemplate="%{y} ← %{x}<br>" + T("inside.weight", w="%{z:+.3f}") + "<extra></extra>"))
    fig.update_xaxes(title_text=T("inside.inputs"), type="category", showticklabels=len(iw["inputs"]) <= 40,
                     tickangle=-45 if len(iw["inputs"]) > 6 else 0)
    fig.update_yaxes(title_text=T("inside.nodes"), type="category", autorange="reversed",
                     showticklabels=len(nodes) <= 40)
    return _layout(fig, int(min(620, max(280, 22 * len(nodes) + 160))),
                   T("inside.weights_title", layer=layer_title(layer, T)))


def mosaic(images, titles, cols: int, pad: int = 1, normalise: bool = True, pad_y: int | None = None):
    """Tiles (k, h, w) -> one array with NaN gaps, row 0 at the top; each tile scaled by its own
    largest |value| so faint and strong patterns are both visible. `pad_y` leaves room for the
    titles above each row. Returns (z, raw, [(x, y, title) above each tile])."""
    images = np.asarray(images, float)
    k, h, w = images.shape
    rows = int(np.ceil(k / cols))
    pad_y = pad if pad_y is None else pad_y
    z = np.full((rows * (h + pad_y) - pad_y, cols * (w + pad) - pad), np.nan)
    raw = z.copy()
    centres = []
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        y0, x0 = r * (h + pad_y), c * (w + pad)
        scale = np.abs(img).max() if normalise else 1.0
        z[y0:y0 + h, x0:x0 + w] = img / (scale or 1.0)
        raw[y0:y0 + h, x0:x0 + w] = img
        centres.append((x0 + (w - 1) / 2, y0 - 0.5, titles[i]))
    return z, raw, centres


def _int8(z: np.ndarray) -> np.ndarray:
    """[-1, 1] -> int8 levels -127..127, NaN gaps -> -128 (white in GAP_SCALE): a quarter of
    float32 on the wire, no visible difference."""
    return np.where(np.isnan(z), -128, np.round(np.nan_to_num(z) * 127)).astype(np.int8)


# For _int8 data on zmin=-128, zmax=127: -128 is white (a gap), -127..127 orange..blue.
GAP_SCALE = [[0.0, "white"], [1 / 255, ORANGE], [128 / 255, NEUTRAL], [1.0, BLUE]]


def _titles(centres, size: int = 10) -> list[dict]:
    return [dict(x=x, y=y, text=text, showarrow=False, yanchor="bottom", font=dict(size=size))
            for x, y, text in centres if text]


def mosaic_figure(images, titles, cols: int, T, title: str, height: int) -> go.Figure:
    """Tiles in one heatmap trace, one byte a pixel; each tile scaled to its own largest |value|.
    A title ending in ✕ (a dead node) is drawn in the highlight colour."""
    z, _, centres = mosaic(images, titles, cols, pad_y=max(1, np.shape(images)[1] // 4))
    notes = _titles(centres)
    for note in notes:
        if note["text"].endswith("✕"):
            note["font"] = dict(note["font"], color=HIGHLIGHT)
    return figure([dict(type="heatmap", z=_int8(z), colorscale=GAP_SCALE, zmin=-128, zmax=127, showscale=False,
                        hoverinfo="skip")], height, title, plot_bgcolor="white", annotations=notes,
                  xaxis=dict(visible=False, constrain="domain"),
                  yaxis=dict(visible=False, autorange="reversed", scaleanchor="x", scaleratio=1))


def pictures_figure(pics: dict, T, dead=None) -> go.Figure:
    """First-layer weights of an MLP on images, one picture per node (blue +, orange −);
    `dead`: mask of dead ReLU nodes, marked ✕ (their pictures stay the random start)."""
    imgs = pics["images"]
    cols = min(8, len(imgs))
    rows = int(np.ceil(len(imgs) / cols))
    titles = [node_label("hidden1", i) + (" ✕" if dead is not None and i < len(dead) and dead[i] else "")
              for i in range(len(imgs))]
    return mosaic_figure(imgs, titles, cols, T, T("inside.pictures_title"), 70 + rows * 95)


def cnn_figure(cnn: dict, pick: int, image_shape, T) -> go.Figure:
    """The chosen sample, conv1's filters and feature maps, conv2's feature maps."""
    fig = make_subplots(rows=1, cols=4, column_widths=[0.13, 0.17, 0.35, 0.35], horizontal_spacing=0.03,
                        subplot_titles=(T("inside.sample_image"), T("inside.filters", layer=layer_title("conv1", T)),
                                        T("inside.maps", layer=layer_title("conv1", T)),
                                        T("inside.maps", layer=layer_title("conv2", T))))
    parts = [(np.asarray(cnn["inputs"][pick]).reshape(1, *image_shape), 1, False),
             (cnn["filters"]["conv1"], 2, True),
             (cnn["maps"]["conv1"][pick], 4, False),
             (cnn["maps"]["conv2"][pick], 4, False)]
    for col, (imgs, ncols, signed) in enumerate(parts, 1):
        z, raw, _ = mosaic(imgs, [""] * len(imgs), ncols)
        fig.add_trace(go.Heatmap(z=z.astype(np.float32), customdata=raw.astype(np.float32), showscale=False,
                                 colorscale=DIVERGING if signed else SEQUENTIAL, zmin=-1 if signed else 0, zmax=1,
                                 hovertemplate="%{customdata:.3f}<extra></extra>"), row=1, col=col)
        fig.update_yaxes(autorange="reversed", scaleanchor=f"x{col if col > 1 else ''}", row=1, col=col)
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False)
    fig.update_annotations(font_size=12)      # two-line titles over narrow columns (half the page)
    return _layout(fig, 320, None, top=60, plot_bgcolor="white")


# --- TF Playground thumbnails ---------------------------------------------------------------------------

def _tile(m: np.ndarray, name: str) -> np.ndarray:
    """One neuron's map scaled into [-1, 1]: a probability around 0.5, a ReLU-like output
    (never negative) from its lowest (orange) to its highest (blue), signed ones by max |value|."""
    if name == "output" and m.min() >= 0 and m.max() <= 1:
        return (m - 0.5) * 2
    if m.min() >= 0:
        half = (m.max() - m.min()) / 2
        return (m - m.min() - half) / half if half > 1e-12 else np.zeros_like(m)
    top = np.abs(m).max()
    return m / top if top > 1e-12 else m


def thumbnails_figure(plane: dict, T) -> go.Figure:
    """One row per layer (inputs, hidden layers, output), one small heatmap per neuron over the
    (x1, x2) plane, TensorFlow Playground style (blue high, orange low)."""
    rows = plane["rows"]
    cols = max(r[1].shape[0] for r in rows)
    res = rows[0][1].shape[1]
    pad = 3
    tiles, titles = [], []
    for name, maps, units in rows:
        for i in range(cols):
            if i < maps.shape[0]:
                tiles.append(_tile(np.flipud(maps[i]), name))   # flip: y grows upwards on the plane
                titles.append(("x1", "x2")[i] if name == "input" else ("" if name == "output" else node_label(name, i)))
            else:
                tiles.append(np.full((res, res), np.nan))
                titles.append("")
    pad_y = res // 3
    z, _, centres = mosaic(tiles, titles, cols, pad=pad, normalise=False, pad_y=pad_y)
    fig = go.Figure(go.Heatmap(z=_int8(z), colorscale=GAP_SCALE, zmin=-128, zmax=127, showscale=False,
                               hoverinfo="skip"))
    rows_titles = [dict(x=-pad, y=r * (res + pad_y) + res / 2, showarrow=False, xanchor="right", font=dict(size=11),
                        text=layer_title(name, T) + (f" ({maps.shape[0]}/{units})" if units > maps.shape[0] else ""))
                   for r, (name, maps, units) in enumerate(rows)]
    fig.update_layout(annotations=_titles(centres) + rows_titles)
    fig.update_xaxes(visible=False, range=[-res * 3.2, cols * (res + pad)])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", scaleratio=1)
    return _layout(fig, int(70 + len(rows) * 90), T("inside.thumbs_title"), plot_bgcolor="white")


# --- gradients and activation functions ---------------------------------------------------------------------

def grad_norms_figure(grad_norms: list[dict], T) -> go.Figure:
    """Gradient L2 norm per layer per epoch (log scale): vanishing gradients show as the
    first layers' lines far below the last ones'."""
    names = [k for k in (grad_norms[0] if grad_norms else {}) if k != "epoch"]
    ep = [g["epoch"] for g in grad_norms]
    palette = LINE_COLORS
    data = [dict(type="scatter", x=ep, y=[max(g.get(name, np.nan), 1e-30) for g in grad_norms],
                 mode="lines+markers" if len(ep) <= 30 else "lines", name=layer_title(name, T),
                 line=dict(color=palette[i % len(palette)], width=2), marker=dict(size=4), hovertemplate="%{y:.2e}")
            for i, name in enumerate(names)]
    return figure(data, 340, T("inside.grad_title"), hovermode="x unified",
                  xaxis=dict(title=dict(text=T("plot.epoch")), dtick=1 if len(ep) <= 10 else None),
                  yaxis=dict(title=dict(text=T("inside.grad_axis")), type="log", exponentformat="power"),
                  legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="center", x=0.5))


def activation_functions_figure(curves: dict, chosen: str, T) -> go.Figure:
    """Every activation's f(x) and slope f'(x); the network's own one drawn bold. One dict,
    one go.Figure (~35 ms through make_subplots and plotly's update calls)."""
    spec = subplots_layout(rows=1, cols=2, subplot_titles=(T("inside.act_f"), T("inside.act_df")),
                           horizontal_spacing=0.08)
    x = curves["x"]
    names = [k for k in curves if k != "x"]
    data = []
    for i, name in enumerate(names):
        mine = name in chosen.split(",")   # one per layer: each of them
        label = T.get(f"choice.activation.{name}", name)
        for col, key in ((1, "y"), (2, "dy")):
            data.append(dict(
                type="scatter", x=x, y=np.asarray(curves[name][key], np.float32), mode="lines",
                name=label + (" ★" if mine else ""), legendgroup=name, showlegend=col == 1,
                line=dict(color=HIGHLIGHT if mine else OTHER_CURVES[i % len(OTHER_CURVES)], width=4 if mine else 1.8,
                          dash="solid" if mine else "dot"),
                opacity=1.0 if mine else 0.7, hovertemplate=label + ": %{y:.3f}<extra></extra>",
                xaxis="x" if col == 1 else "x2", yaxis="y" if col == 1 else "y2"))
    for key in ("xaxis", "xaxis2"):
        spec[key].update(title=dict(text="x"), zeroline=True)
    spec["yaxis"]["range"], spec["yaxis2"]["range"] = [-1.6, 4.1], [-0.1, 1.2]
    spec.update(layout_dict(360, None, top=40, hovermode="x unified",
                            legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="center", x=0.5)))
    return built(data, spec)
