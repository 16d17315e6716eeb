"""The network diagram (TensorFlow Playground's picture of the layers and their weights),
built as one dict and one go.Figure: every live page redraws it every 3 s, and each change
to a built plotly figure costs ~1 ms of its bookkeeping (bench/figures.py)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..inspect.names import node_label
from .inside import layer_title
from .style import BLUE, DARK_GREY, DIVERGING, ORANGE, built, layout_dict


def group_label(layer: dict, group: tuple, T, image_shape=None) -> str:
    """Name of one drawn node: a feature, a node id, a class, or an aggregated range."""
    a, b = group
    if layer["labels"] is not None:
        return layer["labels"][a]
    if layer["kind"] == "input":
        if image_shape is None:
            return f"x{a + 1}…x{b}"
        if b - a == layer["size"]:
            return T("inside.image", h=image_shape[0], w=image_shape[1])
        w = image_shape[1]
        return T("inside.rows", a=a // w + 1, b=b // w)
    if layer["kind"] == "output":
        return f"{a + 1}–{b}"
    return f"{node_label(layer['name'], a)}–{b}" if b - a > 1 else node_label(layer["name"], a)


def _positions(m: int) -> np.ndarray:
    return (m - 1) / 2 - np.arange(m)    # top to bottom, centred on 0


def network_figure(graph: dict, T, height: int | None = None, compact: bool = False) -> go.Figure:
    return built(network_spec(graph, T, height, compact))


def network_spec(graph: dict, T, height: int | None = None, compact: bool = False) -> dict:
    """network_figure as the {"data", "layout"} dict go.Figure takes, for the callers that add
    to it first (figures.flatten, figures.deep_net, figures.lab). TensorFlow Playground style:
    nodes in columns, links blue (+) / orange (−), width ~ |w| relative to the largest in the
    same layer; wide layers as aggregated nodes. `compact` (a third of a page, the lab): layer
    sizes as titles, no colour bar, the x range fitted to the input and output names."""
    layers, links, shape = graph["layers"], graph["links"], graph.get("image_shape")
    ys = [_positions(len(L["groups"])) for L in layers]
    labels = [[group_label(L, g, T, shape) for g in L["groups"]] for L in layers]
    # Links: binned by sign and width so the figure has ~10 traces, not thousands; NaN
    # separates the segments (numpy arrays serialise fast, Python lists with None do not).
    bins: dict = {}
    mid_x, mid_y, mid_text = [], [], []
    for i, link in enumerate(links):
        mean, mag = link["mean"], link["mag"]
        top = float(mag.max()) or 1.0
        aggregated = any(len(L["groups"]) < L["size"] for L in (layers[i], layers[i + 1]))
        o, j = np.indices(mean.shape).reshape(2, -1)
        y0, y1 = ys[i][j], ys[i + 1][o]
        w_bin = np.clip(np.ceil((mag[o, j] / top) ** 2 * 5), 1, 5).astype(int)   # squared: the strong stand out
        positive = mean[o, j] >= 0
        for key in set(zip(positive.tolist(), w_bin.tolist())):
            sel = (positive == key[0]) & (w_bin == key[1])
            n = int(sel.sum())
            seg_x = np.column_stack([np.full(n, i), np.full(n, i + 1), np.full(n, np.nan)]).ravel()
            seg_y = np.column_stack([y0[sel], y1[sel], np.full(n, np.nan)]).ravel()
            bins.setdefault(key, []).append((seg_x, seg_y))
        mid_x.append(np.full(len(o), i + 0.5))
        mid_y.append((y0 + y1) / 2)
        for a, b in zip(o.tolist(), j.tolist()):
            value = (T("inside.mean_weight", w=f"{mean[a, b]:+.3f}", m=f"{mag[a, b]:.3f}") if aggregated
                     else T("inside.weight", w=f"{mean[a, b]:+.3f}"))
            mid_text.append(f"{labels[i][b]} → {labels[i + 1][a]}<br>{value}")
    # Traces as dicts and arrays as numpy: plotly then validates each once, not element by element.
    traces = []
    for (positive, w_bin), parts in sorted(bins.items()):
        traces.append(dict(type="scatter", x=np.concatenate([p[0] for p in parts]).astype(np.float32),
                           y=np.concatenate([p[1] for p in parts]).astype(np.float32),
                           mode="lines", hoverinfo="skip", showlegend=False,
                           line=dict(color=BLUE if positive else ORANGE, width=0.5 * w_bin ** 1.4),
                           opacity=0.15 + 0.15 * w_bin))
    traces.append(dict(type="scatter", x=np.concatenate(mid_x).astype(np.float32),
                       y=np.concatenate(mid_y).astype(np.float32), mode="markers",
                       marker=dict(size=9, color="rgba(0,0,0,0)"), hovertext=np.array(mid_text),
                       hoverinfo="text", showlegend=False, name=T("inside.links")))
    # Nodes: colour = bias (inputs grey), hover = name, size, bias.
    nx, ny, ncolor, ntext = [], [], [], []
    for i, L in enumerate(layers):
        for k, g in enumerate(L["groups"]):
            nx.append(i)
            ny.append(ys[i][k])
            text = f"<b>{labels[i][k]}</b> · {layer_title(L['name'], T)}"
            if g[1] - g[0] > 1:
                text += "<br>" + T("inside.group_of", n=g[1] - g[0], size=L["size"])
            if L["bias"] is not None:
                b = float(L["bias"][k])
                text += "<br>" + T("inside.bias_value" if g[1] - g[0] == 1 else "inside.mean_bias", b=f"{b:+.3f}")
                ncolor.append(b)
            else:
                ncolor.append(0.0)
            ntext.append(text)
    lim = max(float(np.max(np.abs(ncolor))) if ncolor else 0, 1e-6)
    traces.append(dict(
        type="scatter", x=np.array(nx, np.float32), y=np.array(ny, np.float32), mode="markers",
        hovertext=np.array(ntext), hoverinfo="text", showlegend=False,
        marker=dict(size=17, symbol="square", color=np.array(ncolor, np.float32), colorscale=DIVERGING,
                    cmin=-lim, cmax=lim,
                    line=dict(width=1, color=DARK_GREY), showscale=not compact,
                    colorbar=dict(title=dict(text=T("inside.bias"), side="top"), thickness=10, len=0.6))))
    # Names: inputs on the left, outputs on the right, layer titles on top.
    for i in (0, len(layers) - 1):
        traces.append(dict(type="scatter", x=np.full(len(labels[i]), i - 0.07 if i == 0 else i + 0.07),
                           y=ys[i], mode="text", text=np.array(labels[i]), hoverinfo="skip",
                           textposition="middle left" if i == 0 else "middle right", showlegend=False,
                           textfont=dict(size=11)))
    top = max(len(L["groups"]) for L in layers) / 2
    titles = [f"<b>{L['size']:,}</b>" if compact else f"<b>{layer_title(L['name'], T)}</b><br>{L['size']:,}"
              for L in layers]
    x_range = [-0.9, len(layers) - 0.1]
    if compact:       # room for the names: about 0.11 of a layer gap a letter (a third of a page wide)
        longest = [max((len(str(t)) for t in labels[i]), default=0) for i in (0, len(layers) - 1)]
        x_range = [-0.4 - 0.11 * longest[0], len(layers) - 0.6 + 0.11 * longest[1]]
    layout = layout_dict(height or int(max(300, 26 * 2 * top + 110)), plot_bgcolor="white", hovermode="closest",
                         annotations=[dict(x=i, y=top + 0.3, text=text, showarrow=False, yanchor="bottom",
                                           font=dict(size=12)) for i, text in enumerate(titles)],
                         xaxis=dict(visible=False, range=x_range),
                         yaxis=dict(visible=False, range=[-top - 0.5, top + 1.6]))
    if compact:
        layout["margin"] = dict(l=4, r=4, t=10, b=4)
    return dict(data=traces, layout=layout)
