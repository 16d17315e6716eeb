"""A fitted decision tree drawn as a tree: each split a box with its question, impurity and
samples, the answer of each leaf (or of a node folded below `max_depth`), yes to the left.
Read from scikit-learn's `tree_` arrays, the same nodes as analysis.classic.tree_lines."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import CLASS_COLORS, GREY, INK, figure


def _positions(t, max_depth: int) -> dict[int, tuple[float, int]]:
    """node -> (x, depth): the shown leaves evenly spaced in order, a split centred over its children."""
    pos: dict[int, tuple[float, int]] = {}
    next_x = [0.0]

    def place(node: int, depth: int) -> float:
        left, right = t.children_left[node], t.children_right[node]
        if left == -1 or depth >= max_depth:
            x = next_x[0]
            next_x[0] += 1
        else:
            x = (place(left, depth + 1) + place(right, depth + 1)) / 2
        pos[node] = (x, depth)
        return x

    place(0, 0)
    return pos


def tree_figure(est, feature_names, class_names, T, max_depth: int = 3, height: int = 420) -> go.Figure:
    t, crit = est.tree_, est.criterion
    pos = _positions(t, max_depth)
    # one dict, one go.Figure: ~30 annotations added one by one took ~130 ms (plotly checks the
    # whole list at each)
    edges, notes = [], []
    for node, (x, depth) in pos.items():          # the edges first, under the boxes
        for child, answer in ((t.children_left[node], T("classic.tree.yes")), (t.children_right[node], T("classic.tree.no"))):
            if child in pos and child != -1 and t.children_left[node] != -1:
                cx, cd = pos[child]
                edges.append(dict(type="scatter", x=[x, cx], y=[-depth, -cd], mode="lines",
                                  line=dict(color=GREY, width=1), hoverinfo="skip", showlegend=False))
                notes.append(dict(x=(x + cx) / 2, y=-(depth + cd) / 2, text=answer, showarrow=False,
                                  font=dict(size=10, color=GREY), bgcolor="white"))
    for node, (x, depth) in sorted(pos.items()):     # a box per node: a split's question, or an answer
        value = t.value[node][0]
        split = t.children_left[node] != -1 and depth < max_depth
        if class_names is not None:
            k = int(np.argmax(value))
            answer, color = str(class_names[k]), CLASS_COLORS[k % len(CLASS_COLORS)]
        else:
            answer, color = f"{value[0]:.3g}", INK
        folded = not split and t.children_left[node] != -1          # a subtree below max_depth
        head = f"{feature_names[t.feature[node]]} ≤ {t.threshold[node]:.3g}" if split else f"→ {answer}"
        notes.append(dict(x=x, y=-depth, showarrow=False, bgcolor="white", borderpad=3,
                          bordercolor=GREY if split else color, borderwidth=1.5, font=dict(size=10, color=INK),
                          text=f"<b>{head}</b><br>{crit} {t.impurity[node]:.3f} · n={int(t.n_node_samples[node])}"
                          + (" ⋯" if folded else "")))
    width = max(x for x, _ in pos.values()) + 1
    return figure(
        edges, height, title=T("classic.tree.title", depth=max_depth), plot_bgcolor="white", annotations=notes,
        xaxis=dict(visible=False, range=[-0.6, width - 0.4]), yaxis=dict(visible=False, range=[-max_depth - 0.5, 0.5]))
