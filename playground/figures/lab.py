"""The lab's network: TensorFlow Playground's picture, each neuron drawn as its output over
the input plane, on top of the weighted links of figures.network.network_figure."""
from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from . import deep_net
from .flatten import add_flatten
from .inside import _tile
from .network import network_spec
from .style import built

# orange (low) - white - blue (high), as the links and the boundary
_LOW, _MID, _HIGH = np.array([245, 147, 34]), np.array([247, 247, 247]), np.array([8, 119, 189])
TILE_PX = 32          # a node's picture, in pixels of the composed image
BOX_PX = 17           # a node's box without a picture (figures.network.network_figure)
LETTER_PX = 5.6       # an input or output name (11 px text), per Latin letter (measured 4.7-5.5 in chromium)
NAMES_WIDTH = 160     # the names get room for a column this wide (the lab at 1024 px: 163, measured)
MAX_NAMES_SHARE = 0.6  # of the width at most, the rest is the network


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
    graph, left_out = deep_net.elided(graph)          # 20 layers: the first and last few, a gap between
    # built as one dict, then one go.Figure at the end (a change to a built figure costs ~1 ms)
    spec = add_flatten(network_spec(graph, T, height=height, compact=True), graph, T)
    deep_net.mark(spec, graph, left_out, T)           # skip connections' arcs, the gap's '⋯'
    maps = node_maps(graph, plane)
    layers = graph["layers"]
    # tables: long names (pclass_1st) in a column that may be narrow; 2-D data: short ones beside pictures
    _fit_names(spec, len(layers), min(width, NAMES_WIDTH) if not maps else width, BOX_PX if not maps else 2 * BOX_PX)
    if not maps:
        return built(spec)
    xaxis, yaxis = spec["layout"]["xaxis"], spec["layout"]["yaxis"]
    (x0, x1), (y0, y1) = xaxis["range"], yaxis["range"]
    # One y unit is `ratio` times as long on screen as one x unit, whatever the real width
    # (plotly shrinks an axis to keep it), so the pictures stay square; the ratio that fills
    # a drawing of about `width` x `height` px is chosen.
    ratio = (max(height - 20, 100) / (y1 - y0)) / (max(width - 20, 100) / (x1 - x0))
    yaxis.update(scaleanchor="x", scaleratio=ratio, constrain="domain")
    xaxis.update(constrain="domain")
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
    Image.fromarray(canvas, "RGBA").save(buf, format="PNG", compress_level=1)   # 2 ms, not 4: ~2 KB more
    spec["layout"]["images"] = [dict(source="data:image/png;base64," + base64.b64encode(buf.getvalue()).decode(),
                                     xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
                                     xanchor="left", yanchor="top", sizing="stretch", layer="above")]
    names = [tr for tr in spec["data"] if tr.get("mode") == "markers+text"]   # beside the pictures, not under them
    picture_px = sx * (max(width - 20, 100) / (x1 - x0))
    names[0]["marker"]["size"] = picture_px
    if len(layers) - 1 in maps:
        names[-1]["marker"]["size"] = picture_px
    return built(spec)


def _fit_names(spec: dict, n_layers: int, width: int, box_px: float) -> None:
    """The input and output names beside their nodes at any width (plotly puts a trace's
    text beside its own marker: an invisible one as large as the node box), and an x range
    with room for them in a column about `width` px wide; a name too long for a narrow
    column is cut with '…' (the node's hover says it in full)."""
    names = [tr for tr in spec["data"] if tr.get("mode") == "text"]
    usable = max(width - 8, 100)
    longest = [max((_letters(str(t)) for t in tr["text"]), default=0) for tr in (names[0], names[-1])]
    need = [(LETTER_PX * n + box_px / 2 + 6) / usable for n in longest]
    a, b = need
    if a + b > MAX_NAMES_SHARE:          # the shorter side keeps its names whole when it can
        short = min(a, b, MAX_NAMES_SHARE / 2)
        a, b = (short, MAX_NAMES_SHARE - short) if a <= b else (MAX_NAMES_SHARE - short, short)
    span = (n_layers - 1 + 0.4) / (1 - a - b)         # 0.2 of a layer gap beyond the outer nodes' centres
    spec["layout"]["xaxis"]["range"] = [-0.2 - a * span, n_layers - 0.8 + b * span]
    for tr, share, side in ((names[0], a, 0), (names[-1], b, 1)):
        fits = (share * usable - box_px / 2 - 6) / LETTER_PX + 1e-6
        tr.update(text=np.array([_shortened(str(t), fits) for t in tr["text"]]),
                  x=np.full(len(tr["x"]), side * (n_layers - 1)), mode="markers+text", cliponaxis=False,
                  marker=dict(size=box_px, color="rgba(0,0,0,0)", symbol="square"))


def _letters(name: str) -> float:
    """A name's width in small Latin letters (a capital is about 1.3, a Hangul or CJK letter two)."""
    return sum(1.9 if ord(c) >= 0x2E80 else 1.3 if c.isupper() else 1.0 for c in name)


def _shortened(name: str, fits: float) -> str:
    """'pclass_1st' -> 'pcl…1st', 'sex_female' -> '…female': one-hot columns differ in the
    value after their last '_', which stays whole when it can; else both ends stay."""
    if _letters(name) <= fits:
        return name

    def head(text: str, room: float) -> str:
        out = ""
        for c in text:
            if _letters(out + c) > room:
                break
            out += c
        return out
    value = name.rsplit("_", 1)[-1] if "_" in name else ""
    if value and _letters(value) + 1 <= fits:
        return head(name, fits - 1 - _letters(value)) + "…" + value
    start = head(name, max((fits - 1) / 2, 1))
    return start + "…" + head(name[::-1], max(fits - 1 - _letters(start), 1))[::-1]


def node_at(graph: dict, x: float, y: float) -> tuple[int, int] | None:
    """(layer index, node) of a clicked node marker at (x, y), or None (x: the drawn column, deep_net.elided)."""
    cols = deep_net.shown_columns(len(graph["layers"]))
    if not 0 <= (i := int(round(x))) < len(cols):
        return None
    i = cols[i]
    m = len(graph["layers"][i]["groups"])
    k = int(round((m - 1) / 2 - y))
    return (i, k) if 0 <= k < m else None


# the thumbnails' colours as a plotly scale: the enlarged node reads like its picture
NODE_SCALE = [[0.0, "rgb({},{},{})".format(*_LOW)], [0.5, "rgb({},{},{})".format(*_MID)],
              [1.0, "rgb({},{},{})".format(*_HIGH)]]


def node_figure(plane: dict, row: int, node: int, T, height: int = 340):
    """One node's output over the input plane, large: the same scaling (figures.inside._tile)
    and colours as its picture in the diagram, the raw output on hover."""
    name, maps, _ = plane["rows"][row]
    m = np.asarray(maps[node], float)
    fig = go.Figure(go.Heatmap(x=plane["x"], y=plane["y"], z=_tile(m, name), zmin=-1, zmax=1, colorscale=NODE_SCALE,
                               customdata=m, showscale=False,
                               hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>" + T("inside.activation")
                               + "=%{customdata:.3f}<extra></extra>"))
    fig.update_xaxes(title_text="x1", constrain="domain", title_standoff=2)
    fig.update_yaxes(title_text="x2", scaleanchor="x", scaleratio=1, title_standoff=2)
    return fig.update_layout(height=height, margin=dict(l=4, r=4, t=4, b=4), uirevision="keep")
