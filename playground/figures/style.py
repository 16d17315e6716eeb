"""One palette and one layout for every figure.

TensorFlow Playground's colours: orange = negative / class 0, blue = positive / class 1;
a diverging scale between them for signed values (weights, probabilities)."""
from __future__ import annotations

import copy
import functools
import os

import plotly.graph_objects as go
from _plotly_utils.basevalidators import ColorscaleValidator
from plotly.colors import qualitative
from plotly.subplots import make_subplots

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
    """Height, small margins, an optional left-aligned title, and `uirevision` (a zoom kept
    across updates of one chart where the page updates it in place, as the live charts do;
    Streamlit 1.67's own chart is drawn anew for a changed figure). `top`: room above the
    plot (subplot titles need it)."""
    fig.update_layout(**layout_dict(height, title, top, **kw))
    return fig


def layout_dict(height: int, title: str | None = None, top: int | None = None, **kw) -> dict:
    """`layout`'s settings as a plain dict, for a figure built in one go from a dict: plotly's
    update_layout costs ~1 ms a nested setting, its Figure(dict) validates them all at once."""
    return dict(height=height, margin=dict(l=10, r=10, t=top or (44 if title else 10), b=10),
                title=dict(text=title, x=0.01, xanchor="left", font=dict(size=15)) if title else None,
                uirevision="keep", **kw)


def figure(data: list[dict], height: int, title: str | None = None, top: int | None = None, **kw) -> go.Figure:
    """A figure built in one go from trace dicts with `layout`'s look: ~2-5 ms, where go.Figure()
    then add_trace and update calls pay ~1 ms of plotly's bookkeeping at each change."""
    return built(data, layout_dict(height, title, top, **kw))


# Plotly checks every property of a figure built from dicts: much of building one (unchecked,
# the lab's network with its pictures 13.3 -> 7.4 ms, its boundary 3.2 -> 1.0, the curves 5.9 ->
# 2.6, a tree 17.5 -> 3.2), held under the GIL the training thread needs while a page is open
# (bench/figures.py's figures). The server builds them unchecked; the unit
# and app tests check every one they build (tests/conftest.py sets the variable), and
# tests/unit/test_figure_checks.py that both ways give the browser the same figure.
CHECKED = os.environ.get("PLAYGROUND_CHECK_FIGURES") == "1"


def built(data, layout: dict | None = None) -> go.Figure:
    """go.Figure(data, layout) of plain dicts (`data`: the traces, or a whole {"data", "layout"}
    spec), checked by plotly only where CHECKED; unchecked, properties set to None are left out,
    as plotly's check leaves them out."""
    if isinstance(data, dict):
        data, layout = data.get("data"), data.get("layout")
    if CHECKED:
        return go.Figure(data=data, layout=layout)
    return go.Figure(data=[_without_none(t) for t in data or ()], layout=_without_none(layout or {}), _validate=False)


@functools.lru_cache(maxsize=32)
def _named_scale(name: str) -> tuple:
    """A colour scale's name ("Blues", "RdBu_r") as plotly's check spells it out: plotly.js has
    scales of some of these names, drawn in other colours."""
    return tuple(tuple(stop) for stop in ColorscaleValidator("colorscale", "heatmap").validate_coerce(name))


def _without_none(value):
    """Dicts (and lists of dicts: annotations, shapes) without their None-valued keys, and
    without the dicts that leaves empty (plotly's check leaves both out); arrays and lists of
    values as they are."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _named_scale(v) if k == "colorscale" and isinstance(v, str) else _without_none(v)
            if v is not None and not (isinstance(v, dict) and not v):
                out[k] = v
        return out
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
        return [_without_none(v) for v in value]
    return value


def subplots_layout(**kw) -> dict:
    """make_subplots(**kw)'s layout (the panels' axes and domains, their titles as
    annotations) as a new dict to fill in and hand to one go.Figure: make_subplots takes
    ~12-20 ms a call, so each set of arguments is made once (lists: pass tuples)."""
    return copy.deepcopy(_subplots(tuple(sorted(kw.items()))))


@functools.lru_cache(maxsize=64)
def _subplots(kw: tuple) -> dict:
    spec = make_subplots(**{k: list(v) if isinstance(v, tuple) else v for k, v in kw}).layout.to_plotly_json()
    spec.pop("template", None)          # go.Figure applies the default one
    return spec


def axis_key(ref: str) -> str:
    """A trace's axis reference as the layout's key: 'x2' -> 'xaxis2', 'y' -> 'yaxis'."""
    return ref[0] + "axis" + ref[1:]


TIME_TICKS = ".6~g"        # a series' time axis: 1957.5, not plotly's 1,957.5
