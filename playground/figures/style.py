"""One palette and one layout for every figure.

TensorFlow Playground's colours: orange = negative / class 0, blue = positive / class 1;
a diverging scale between them for signed values (weights, probabilities)."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.colors import qualitative

ORANGE, BLUE, GREY, LIGHT_GREY = "#f59322", "#0877bd", "#9ca3af", "#b6bcc6"
RED = "#dc2626"                 # highlights: the chosen point, early stop, a picked cell
GREEN = "#16a34a"               # the best epoch
TRAIN_COLOR, VAL_COLOR = "#2563eb", "#f97316"
NEUTRAL = "#f7f7f7"             # the middle of the diverging scale (zero, p = 0.5)
INK, DARK_GREY, MID_GREY = "#111827", "#374151", "#6b7280"   # text and marker lines, dark to light
LABEL_GREY = "#4b5563"          # annotations
DIVERGING = [[0.0, ORANGE], [0.5, NEUTRAL], [1.0, BLUE]]
SEQUENTIAL = [[0.0, NEUTRAL], [1.0, BLUE]]
CLASS_COLORS = qualitative.D3 + qualitative.Plotly      # one colour per class, everywhere
LINE_COLORS = qualitative.Set1 + qualitative.Dark2       # one colour per layer in line charts
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.2, xanchor="center", x=0.5)


def class_colors(task: str, n: int) -> list[str]:
    return [ORANGE, BLUE] if task == "binary" else [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(n)]


def layout(fig: go.Figure, height: int, title: str | None = None, top: int | None = None, **kw) -> go.Figure:
    """Height, small margins, an optional left-aligned title, and `uirevision` so a live
    redraw keeps the user's zoom. `top`: room above the plot (subplot titles need it)."""
    fig.update_layout(**layout_dict(height, title, top, **kw))
    return fig


def layout_dict(height: int, title: str | None = None, top: int | None = None, **kw) -> dict:
    """`layout`'s settings as a plain dict, for a figure built in one go from a dict: plotly's
    update_layout costs ~1 ms a nested setting, its Figure(dict) validates them all at once."""
    return dict(height=height, margin=dict(l=10, r=10, t=top or (44 if title else 10), b=10),
                title=dict(text=title, x=0.01, xanchor="left", font=dict(size=15)) if title else None,
                uirevision="keep", **kw)

TIME_TICKS = ".6~g"        # a series' time axis: 1957.5, not plotly's 1,957.5
