"""How a node is named on every picture (torch-free: the figures use it too)."""
from __future__ import annotations


def node_label(layer: str, i: int) -> str:
    """Compact node id: hidden2 node 3 -> 'h2·3' (1-based, like the diagram)."""
    prefix = "c" if layer.startswith("conv") else "h"
    return f"{prefix}{''.join(ch for ch in layer if ch.isdigit())}·{i + 1}"
