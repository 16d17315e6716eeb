"""The isolation forest on the plane: its anomaly score as a map, the line where it starts
flagging (score 0.5), and every point by what it is and what the forest said (plain data
from playground.analysis.outliers; texts from `T`)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .style import DARK_GREY, LEGEND_BELOW, LIGHT_GREY, ORANGE, RED, layout

# the confusion of flags and truth, each drawn its own way
KINDS = (  # (key, planted, flagged, marker)
    ("real", False, False, dict(color=LIGHT_GREY, size=5, line=dict(width=0.5, color=DARK_GREY))),
    ("false_alarm", False, True, dict(color=ORANGE, size=8, line=dict(width=1, color=DARK_GREY))),
    ("caught", True, True, dict(color=RED, size=10, symbol="x", line=dict(width=1, color="white"))),
    ("missed", True, False, dict(color="white", size=10, symbol="x-open", line=dict(width=2, color=RED))),
)


def score_map_figure(res: dict, T, height: int = 460) -> go.Figure:
    """Anomaly score over the plane (darker: isolated sooner), the 0.5 contour where flags
    begin, and the real rows, false alarms, caught and missed planted outliers."""
    fig = go.Figure(go.Contour(
        x=res["grid_x"], y=res["grid_y"], z=res["grid_score"], colorscale="Purples", opacity=0.8,
        contours=dict(coloring="heatmap", showlines=False), line_width=0,
        colorbar=dict(title=T("outliers.plot.score"), thickness=12),
        hovertemplate="x1 %{x:.2f} · x2 %{y:.2f}<br>" + T("outliers.plot.score") + " %{z:.3f}<extra></extra>"))
    fig.add_trace(go.Contour(x=res["grid_x"], y=res["grid_y"], z=res["grid_score"], showscale=False,
                             contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                             line=dict(color=DARK_GREY, width=2, dash="dash"), hoverinfo="skip",
                             name=T("outliers.plot.boundary"), showlegend=True))
    X = np.asarray(res["X"])
    planted, flagged = np.asarray(res["planted"]), np.asarray(res["flagged"])
    score = np.asarray(res["score"])
    for key, is_planted, is_flagged, marker in KINDS:
        mask = (planted == is_planted) & (flagged == is_flagged)
        fig.add_trace(go.Scatter(x=X[mask, 0], y=X[mask, 1], mode="markers", marker=marker, customdata=score[mask],
                                 name=f"{T(f'outliers.kind.{key}')} ({int(mask.sum())})",
                                 hovertemplate=T(f"outliers.kind.{key}") + "<br>"
                                 + T("outliers.plot.score") + " %{customdata:.3f}<extra></extra>"))
    fig.update_xaxes(title_text="x1", range=[res["grid_x"][0], res["grid_x"][-1]], constrain="domain")
    fig.update_yaxes(title_text="x2", range=[res["grid_y"][0], res["grid_y"][-1]], scaleanchor="x", scaleratio=1)
    return layout(fig, height, T("outliers.plot.map_title"), legend=LEGEND_BELOW)

