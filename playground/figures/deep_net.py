"""A deep network on the diagram: skip connections drawn, and the lab's narrow column kept
readable at 20 layers.

A hidden layer with a skip connection (x + f(x), nn/residual.py) gets an arc under the
columns, from its input's column to its own. Past MAX_COLUMNS columns the lab draws the
first and last KEEP and one gap between them that names how many are left out: 22 columns
of 8 node pictures in a third of a page ran into one solid band (screenshots, 1280 and
1400 px wide); Inside the network, a page wide, draws them all."""
from __future__ import annotations

import numpy as np

from .flatten import add_flatten
from .inside import layer_title
from .network import network_spec
from .style import LABEL_GREY, MID_GREY, built

MAX_COLUMNS = 11    # input + 9 hidden + output drawn whole (up to 10 hidden layers: 12 columns, crowded)
KEEP = 4            # columns kept at each end: input + 3 hidden layers, 3 hidden layers + output
ARC_DEPTH = 0.45    # how far an arc dips below the lowest node, in node gaps
ROOM = 0.35         # below the arcs' ⊕, in node gaps


def shown_columns(n_layers: int) -> list[int]:
    """The graph's layer indices the lab draws, left to right (a jump: the gap)."""
    if n_layers <= MAX_COLUMNS:
        return list(range(n_layers))
    return [*range(KEEP), *range(n_layers - KEEP, n_layers)]


def elided(graph: dict) -> tuple[dict, list]:
    """(the graph the lab draws, the layers left out between column KEEP - 1 and the next).
    The link across the gap is all zeros, hidden by hide_gap()."""
    n = len(graph["layers"])
    if len(shown_columns(n)) == n:
        return graph, []
    layers = [graph["layers"][i] for i in shown_columns(n)]
    shape = (len(layers[KEEP]["groups"]), len(layers[KEEP - 1]["groups"]))
    links = [*graph["links"][:KEEP - 1], {"mean": np.zeros(shape), "mag": np.zeros(shape)},
             *graph["links"][n - KEEP:]]
    return {**graph, "layers": layers, "links": links}, graph["layers"][KEEP:n - KEEP]


def _base(layers: list) -> float:
    """Just under the lowest node (or node picture) of the tallest column, as network_figure places them."""
    return -max(len(L["groups"]) for L in layers) / 2 + 0.05


def hide_gap(spec: dict, layers: list, left_out: list, T) -> None:
    """No lines across the gap (their segments and hover points); a '⋯' in it and under it how
    many layers it holds (its hover: which, and how many of them have a skip connection)."""
    gap = KEEP - 1
    for tr in spec["data"]:
        if tr.get("mode") == "lines" and tr.get("x") is not None:
            x, y = np.asarray(tr["x"], np.float32).reshape(-1, 3), np.array(tr["y"], np.float32).reshape(-1, 3)
            y[x[:, 0] == gap] = np.nan
            tr["y"] = y.ravel()
        elif tr.get("mode") == "markers" and tr.get("hovertext") is not None and tr.get("x") is not None \
                and len(tr["x"]):
            x = np.asarray(tr["x"], np.float32)
            tr["x"] = np.where(np.isclose(x, gap + 0.5), np.nan, x)      # the links' hover points
    hover = T("deep.left_out", n=len(left_out), first=layer_title(left_out[0]["name"], T),
              last=layer_title(left_out[-1]["name"], T))
    if skips := sum(bool(L.get("skip")) for L in left_out):
        hover += "<br>" + T("deep.left_out_skips", n=skips)
    font = dict(size=11, color=LABEL_GREY)
    spec["layout"]["annotations"] += [
        dict(x=gap + 0.5, y=0, text="<b>⋯</b>", showarrow=False, font=font, hovertext=hover),
        dict(x=gap + 0.5, y=_base(layers) - ARC_DEPTH, text=f"+{len(left_out)}", showarrow=False, font=font,
             hovertext=hover)]


def add_skips(spec: dict, layers: list, T, elide: bool = False) -> None:
    """A ∪ under the columns for each drawn layer with a skip connection, from its input's column
    to its own, ⊕ at its bottom (`elide`: the lab's, none across its gap); the ⊕'s hover says what
    it adds."""
    gap = KEEP - 1 if elide else None
    base = _base(layers)
    t = np.linspace(0, 1, 17)
    dip = ARC_DEPTH * np.sqrt(np.clip(1 - (2 * t - 1) ** 2, 0, 1))     # a half ellipse: a bypass, not a V
    xs, ys, hx, text = [], [], [], []
    for p, L in enumerate(layers):
        if not L.get("skip") or p == 0 or p - 1 == gap:
            continue
        xs += [*(p - 1 + 0.15 + 0.7 * t), np.nan]
        ys += [*(base - dip), np.nan]
        hx.append(p - 0.5)
        text.append(T("deep.skip_hover", layer=layer_title(L["name"], T)))
    if not xs:
        return
    spec["data"] += [
        dict(type="scatter", x=np.array(xs, np.float32), y=np.array(ys, np.float32), mode="lines", hoverinfo="skip",
             showlegend=False, line=dict(color=MID_GREY, width=1.5)),
        dict(type="scatter", x=np.array(hx, np.float32), y=np.full(len(hx), base - ARC_DEPTH, np.float32),
             mode="markers", showlegend=False, hovertext=np.array(text), hoverinfo="text", name=T("deep.skip"),
             marker=dict(size=9, color="white", symbol="circle-cross", line=dict(color=MID_GREY, width=1.4)))]
    axis = spec["layout"]["yaxis"]
    axis["range"] = [min(axis["range"][0], base - ARC_DEPTH - ROOM), axis["range"][1]]   # the ⊕ whole, not cut


def short_titles(spec: dict, layers: list, T) -> None:
    """Column titles '1' … '20' over the sizes: 22 'Hidden layer 12' titles ran into one another
    (a node's hover names its layer in full)."""
    top = max(len(L["groups"]) for L in layers) / 2
    for a in spec["layout"]["annotations"]:
        x = a.get("x")
        if a.get("y") == top + 0.3 and x is not None and 0 <= x < len(layers) and float(x).is_integer():
            L = layers[int(x)]
            digits = "".join(ch for ch in L["name"] if ch.isdigit())
            name = digits if L["kind"] == "hidden" else T(f"deep.short.{L['kind']}", i=digits)
            a["text"] = f"<b>{name}</b><br>{L['size']:,}"


def mark(spec: dict, graph: dict, left_out: list, T) -> dict:
    """Skip arcs on a figures.network.network_spec; the lab's elided() graph: its gap too; a deep
    one drawn whole (Inside the network): short column titles. Returns `spec`."""
    if left_out:
        hide_gap(spec, graph["layers"], left_out, T)
    elif len(graph["layers"]) > MAX_COLUMNS:
        short_titles(spec, graph["layers"], T)
    add_skips(spec, graph["layers"], T, elide=bool(left_out))
    return spec


def whole_network_figure(graph: dict, T):
    """Inside the network's diagram: every layer, the flatten step, the skip arcs."""
    return built(mark(add_flatten(network_spec(graph, T), graph, T), graph, [], T))
