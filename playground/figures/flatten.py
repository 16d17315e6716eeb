"""The Flatten step in the network diagram: where an image (h × w pixels, or a CNN's
channels × h × w maps) becomes one vector for the dense layers, drawn between the two
columns as a dashed line with '28×28 → 784' under it."""
from __future__ import annotations

from .style import DARK_GREY

ROOM = 1.3       # y units below the lowest node for the label's two lines


def flatten_text(step: dict) -> str:
    """'28×28 → 784', '16×7×7 → 784'."""
    return "×".join(str(n) for n in step["shape"]) + f" → {step['size']:,}"


def add_flatten(spec: dict, graph: dict, T) -> dict:
    """Mark graph['flatten'] (inspect.graph.flatten_step) on figures.network.network_spec's
    diagram, between its layer and the next, room made below the nodes. No step, nothing drawn."""
    step = graph.get("flatten")
    if not step or step["after"] + 1 >= len(graph["layers"]):
        return spec
    top = max(len(L["groups"]) for L in graph["layers"]) / 2     # as network_figure places the nodes
    x = step["after"] + 0.5
    layout = spec["layout"]
    layout.setdefault("shapes", []).append(dict(type="line", x0=x, x1=x, y0=-top - 0.2, y1=top + 0.1, layer="below",
                                                line=dict(color=DARK_GREY, width=1, dash="dot")))
    layout["annotations"].append(dict(x=x, y=-top - 0.25, yanchor="top", showarrow=False, align="center",
                                      text=f"<b>{T('inside.flatten')}</b><br>{flatten_text(step)}",
                                      font=dict(size=11, color=DARK_GREY), bgcolor="rgba(255,255,255,0.85)"))
    lo, hi = layout["yaxis"]["range"]
    layout["yaxis"]["range"] = [min(lo, -top - 0.5 - ROOM), hi]
    return spec
