"""The lab's enlarged node: a click on a node in the diagram shows its output over the input
plane in the middle panel, in place of the boundary (TensorFlow Playground shows a hovered
node there), with the colours of its picture; a button goes back to the boundary."""
from __future__ import annotations

import streamlit as st

from playground.figures import lab as lab_figs
from playground.figures.inside import layer_title, node_label

from . import live_chart, runs
from .lang import T
from .session import Key


def picked(s) -> tuple[dict, int, int, int] | None:
    """(plane, epoch, layer, node) of this run's clicked node, when its picture is known."""
    node = st.session_state.get(Key.LAB_NODE)
    probe = s.probes.get("plane")
    if not node or node[0] != runs.serial() or not probe or isinstance(probe[1], Exception):
        return None
    _, layer, k = node
    rows = probe[1]["rows"]
    if layer >= len(rows) or k >= rows[layer][1].shape[0]:
        return None
    return probe[1], probe[0], layer, k


def node_name(layer: str, node: int, plane: dict) -> str:
    if layer == "input":
        names = plane.get("input_names") or ["x1", "x2"]
        return names[node] if node < len(names) else f"x{node + 1}"
    return layer_title(layer, T) if layer == "output" else node_label(layer, node)


def enlarged(found, height: int) -> None:
    """The picked node, large, in the middle panel; 'back' shows the boundary again."""
    plane, epoch, layer, k = found
    head = st.container(horizontal=True, vertical_alignment="center")
    head.markdown(f"**{T('lab.node_title', node=node_name(plane['rows'][layer][0], k, plane), epoch=epoch)}**")
    head.button(T("lab.node_back"), key="lab_node_back", icon=":material/close:", width="content",
                on_click=lambda: st.session_state.pop(Key.LAB_NODE, None))    # before the rerun draws the panel
    live_chart.chart(lab_figs.node_figure(plane, layer, k, T, height=height), key=Key.LAB_NODE_FIG,
                     config={"displayModeBar": False}, revision=runs.serial())
