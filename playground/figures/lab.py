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
TILE_PX = 32          # a node's picture, in pixels of the composed image


def _rgb(tile: np.ndarray) -> np.ndarray:
    """A [-1, 1] map in the diverging colours, y up, as (res, res, 3) bytes."""
    t = np.nan_to_num(np.flipud(tile))[..., None]
    rgb = np.where(t < 0, _MID + (_LOW - _MID) * -t, _MID + (_HIGH - _MID) * t)
    return rgb.clip(0, 255).astype(np.uint8)


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


def lab_network_figure(graph: dict, plane: dict | None, T, height: int = 380, width: int = 280):
    """The network diagram; with `plane` (inspect.boundary.neuron_surfaces) each node shows
    its output over the input plane. `width`: the expected drawing width in px.

    The pictures are composed into ONE transparent image laid over the plot (plotly
    validates each layout image: 19 of them cost ~60 ms a redraw, one costs ~2 ms)."""
    fig = network_figure(graph, T, height=height, compact=True)
    maps = node_maps(graph, plane)
    if not maps:
        return fig
    layers = graph["layers"]
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    # One y unit is `ratio` times as long on screen as one x unit, whatever the real width
    # (plotly shrinks an axis to keep it), so the pictures stay square; the ratio that fills
    # a drawing of about `width` x `height` px is chosen.
    ratio = (max(height - 20, 100) / (y1 - y0)) / (max(width - 20, 100) / (x1 - x0))
    fig.update_yaxes(scaleanchor="x", scaleratio=ratio, constrain="domain")
    fig.update_xaxes(constrain="domain")
    sx = min(0.55, 0.85 * ratio)                 # a picture: at most half a layer gap, 0.85 of a node gap
    per_x = TILE_PX / sx                         # pixels of the composed image per x unit (and ratio x per y)
    canvas = np.zeros((int(round((y1 - y0) * ratio * per_x)), int(round((x1 - x0) * per_x)), 4), np.uint8)
    for i, m in maps.items():
        name = layers[i]["name"]
        ys = (len(layers[i]["groups"]) - 1) / 2 - np.arange(len(layers[i]["groups"]))
        for k, y in enumerate(ys):
            rgb = _rgb(_tile(m[k], name))
            reps = -(-TILE_PX // rgb.shape[0])
            big = np.repeat(np.repeat(rgb, reps, 0), reps, 1)[:TILE_PX, :TILE_PX]
            top = int(round((y1 - y) * ratio * per_x)) - TILE_PX // 2
            left = int(round((i - x0) * per_x)) - TILE_PX // 2
            if 0 <= top and top + TILE_PX <= canvas.shape[0] and 0 <= left and left + TILE_PX <= canvas.shape[1]:
                canvas[top:top + TILE_PX, left:left + TILE_PX, :3] = big
                canvas[top:top + TILE_PX, left:left + TILE_PX, 3] = 255
    buf = io.BytesIO()
    Image.fromarray(canvas, "RGBA").save(buf, format="PNG")
    fig.update_layout(images=[dict(source="data:image/png;base64," + base64.b64encode(buf.getvalue()).decode(),
                                   xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
                                   xanchor="left", yanchor="top", sizing="stretch", layer="above")])
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
