"""The lab's network: TensorFlow Playground's picture, each neuron drawn as its output over
the input plane, on top of the weighted links of figures.inside.network_figure."""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from .inside import _tile, network_figure

# orange (low) - white - blue (high), as the links and the boundary
_LOW, _MID, _HIGH = np.array([245, 147, 34]), np.array([247, 247, 247]), np.array([8, 119, 189])


def _png(tile: np.ndarray) -> str:
    """A [-1, 1] map as a data-URI PNG in the diverging colours (y up)."""
    t = np.nan_to_num(np.flipud(tile))[..., None]
    rgb = np.where(t < 0, _MID + (_LOW - _MID) * -t, _MID + (_HIGH - _MID) * t)
    buf = io.BytesIO()
    Image.fromarray(rgb.clip(0, 255).astype(np.uint8)).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def node_maps(graph: dict, plane: dict | None) -> dict[int, np.ndarray]:
    """Layer index -> (nodes, res, res) maps, for the layers whose every node has its own
    map (a layer drawn as aggregated groups, or a multiclass output, has none)."""
    if plane is None:
        return {}
    by_name = {name: maps for name, maps, _ in plane["rows"]}
    out = {}
    for i, layer in enumerate(graph["layers"]):
        maps = by_name.get(layer["name"])
        single = all(b - a == 1 for a, b in layer["groups"])
        if maps is not None and single and maps.shape[0] == len(layer["groups"]):
            out[i] = maps
    return out


def _compact(fig, graph: dict) -> float:
    """A third of the page wide: layer sizes for titles (the names overlapped), no colour bar,
    room for the input and output names. Returns the x range's width in layer gaps."""
    fig.update_layout(annotations=[dict(a.to_plotly_json(), text=f"<b>{L['size']:,}</b>")
                                   for a, L in zip(fig.layout.annotations, graph["layers"])])
    for trace in fig.data:
        if trace.marker is not None and trace.marker.colorbar is not None and trace.marker.colorscale:
            trace.marker.showscale = False
    fig.update_layout(margin=dict(l=4, r=4, t=10, b=4))
    names = [tr for tr in fig.data if tr.mode == "text"]      # the inputs' names, then the outputs'
    left, right = (max((len(str(t)) for t in tr.text), default=0) for tr in (names[0], names[-1]))
    # room for the names: about 0.07 of a layer gap a letter
    x_range = [-0.4 - 0.07 * left, len(graph["layers"]) - 0.6 + 0.07 * right]
    fig.update_xaxes(range=x_range)
    return x_range[1] - x_range[0]


def lab_network_figure(graph: dict, plane: dict | None, T, height: int = 380, width: int = 280):
    """The network diagram; with `plane` (inspect.boundary.neuron_surfaces) each node shows
    its output over the input plane. `width`: the expected drawing width in px."""
    fig = network_figure(graph, T, height=height)
    x_units = _compact(fig, graph)
    maps = node_maps(graph, plane)
    if not maps:
        return fig
    layers = graph["layers"]
    top = max(len(L["groups"]) for L in layers) / 2
    y_units = 2 * top + 2.1                      # and its y range
    # One y unit is `ratio` times as long on screen as one x unit, whatever the real width
    # (plotly shrinks an axis to keep it): the pictures stay square. The ratio that fills
    # a drawing of about `width` px is chosen.
    ratio = (max(height - 20, 100) / y_units) / (max(width - 20, 100) / x_units)
    fig.update_yaxes(scaleanchor="x", scaleratio=ratio, constrain="domain")
    fig.update_xaxes(constrain="domain")
    sx = min(0.55, 0.85 * ratio)                 # a picture: at most half a layer gap, 0.85 of a node gap
    sy = sx / ratio
    images = []
    for i, m in maps.items():
        name = layers[i]["name"]
        ys = (len(layers[i]["groups"]) - 1) / 2 - np.arange(len(layers[i]["groups"]))
        for k, y in enumerate(ys):
            images.append(dict(source=_png(_tile(m[k], name)), xref="x", yref="y", x=i, y=float(y),
                               sizex=sx, sizey=sy, xanchor="center", yanchor="middle",
                               sizing="stretch", layer="above"))
    fig.update_layout(images=images)
    names = [tr for tr in fig.data if tr.mode == "text"]      # beside the pictures, not under them
    names[0].x = np.full(len(names[0].x), -sx / 2 - 0.04)
    if len(layers) - 1 in maps:
        names[-1].x = np.full(len(names[-1].x), len(layers) - 1 + sx / 2 + 0.04)
    return fig


def node_at(graph: dict, x: float, y: float) -> tuple[int, int] | None:
    """(layer index, node) of a clicked node marker at (x, y), or None."""
    i = int(round(x))
    if not 0 <= i < len(graph["layers"]):
        return None
    m = len(graph["layers"][i]["groups"])
    k = int(round((m - 1) / 2 - y))
    return (i, k) if 0 <= k < m else None
