"""Paint your own 2-D data: click the plane to add a point of the chosen class (or target
value), erase the nearest one, clear, reset to the example, download as CSV.

The points live in the sidebar config's `points` value (w_key("points")), so the run, the
link and the parameter count follow them. st.plotly_chart reports clicks on data points
only: an invisible grid of markers behind the real points catches clicks anywhere."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from playground.config import DATASET_DEFAULTS
from playground.data import paint
from playground.data.registry import DATASETS, is_painted
from playground.errors import ConfigError
from playground.figures.style import BLUE, DIVERGING, ORANGE

from .lang import T
from .session import Key, paint_key, w_key

GRID = 49                 # clickable markers per side over [-6, 6]
ERASE_RADIUS = 0.6        # an erase click removes the nearest point this close
ERASE = "erase"


# session keys of one editor (`key` tells two editors apart)
def mode_key(key: str) -> str:
    return paint_key(key, "mode")


def value_key(key: str) -> str:
    return paint_key(key, "value")


def gen_key(key: str) -> str:
    return paint_key(key, "gen")


def chart_key(key: str, n: int) -> str:
    return paint_key(key, f"chart_{n}")


def note_key(key: str) -> str:
    return paint_key(key, "note")


def button_key(key: str, what: str) -> str:
    return paint_key(key, what)


def current_points() -> list[paint.Point]:
    """The painted points of the sidebar config (none when its text cannot be read)."""
    try:
        return paint.parse(st.session_state.get(w_key("points"), ""))
    except ConfigError:
        return []


def _set_points(points: list[paint.Point]) -> None:
    st.session_state[w_key("points")] = paint.fmt(points)


def _click(key: str, dataset: str) -> None:
    """on_select of the chart: add a point where the plane was clicked, or erase there."""
    ss = st.session_state
    n = ss.get(gen_key(key), 0)
    event = ss.get(chart_key(key, n))
    clicked = (event or {}).get("selection", {}).get("points", [])
    ss[gen_key(key)] = n + 1                           # the next draw is a fresh chart
    if not clicked or "x" not in clicked[0] or "y" not in clicked[0]:
        return
    x, y = paint.snap(clicked[0]["x"]), paint.snap(clicked[0]["y"])
    points = current_points()
    mode = ss.get(mode_key(key)) or "0"
    if mode == ERASE:
        i = paint.nearest(points, x, y, ERASE_RADIUS)
        if i is not None:
            points.pop(i)
    elif len(points) >= paint.MAX_POINTS:
        ss[note_key(key)] = T("paint.full", max=paint.MAX_POINTS)
        return
    else:
        regression = DATASETS[dataset].task == "regression"
        v = round(float(ss.get(value_key(key), 0.5)), 2) if regression else float(mode)
        if (x, y, v) not in points:
            points.append((x, y, v))
    _set_points(points)


def _reset(dataset: str) -> None:
    st.session_state[w_key("points")] = DATASET_DEFAULTS[dataset]["points"]


def figure(points: list[paint.Point], task: str, height: int) -> go.Figure:
    """The plane with the painted points over an invisible, clickable grid."""
    g = np.linspace(-paint.LIMIT, paint.LIMIT, GRID)
    gx, gy = np.meshgrid(g, g)
    fig = go.Figure(go.Scatter(x=gx.ravel(), y=gy.ravel(), mode="markers", hoverinfo="none", showlegend=False,
                               marker=dict(size=9, color="#888", opacity=0.01),
                               selected=dict(marker=dict(opacity=0.01)), unselected=dict(marker=dict(opacity=0.01))))
    keep = dict(selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)))
    if task == "regression":
        fig.add_trace(go.Scatter(
            x=[p[0] for p in points], y=[p[1] for p in points], mode="markers", name="y", showlegend=False,
            marker=dict(size=10, color=[p[2] for p in points], colorscale=DIVERGING, cmin=-1, cmax=1,
                        line=dict(width=1, color="#333"), colorbar=dict(thickness=10, len=0.8)),
            hovertemplate="x1=%{x}, x2=%{y}, y=%{marker.color}<extra></extra>", **keep))
    else:
        for cls, color in ((0, ORANGE), (1, BLUE)):
            pts = [p for p in points if p[2] == cls]
            fig.add_trace(go.Scatter(
                x=[p[0] for p in pts], y=[p[1] for p in pts], mode="markers", name=T(f"paint.class{cls}"),
                marker=dict(size=10, color=color, line=dict(width=1, color="white")),
                hovertemplate="x1=%{x}, x2=%{y}<extra></extra>", **keep))
    # the plane stays square and exactly [-6, 6]² however narrow the column (the sidebar)
    axis = dict(range=[-paint.LIMIT - 0.3, paint.LIMIT + 0.3], fixedrange=True, zeroline=True, showgrid=True,
                zerolinecolor="#ccc", gridcolor="#eee", dtick=2, constrain="domain")
    fig.update_layout(height=height, margin=dict(l=4, r=4, t=4, b=4), dragmode=False, hovermode="closest",
                      xaxis=axis, yaxis=dict(axis, scaleanchor="x", scaleratio=1), showlegend=False,
                      plot_bgcolor="white")
    return fig


def _mode_control(key: str, task: str) -> None:
    ss = st.session_state
    if task == "regression":
        options, labels = ["add", ERASE], {"add": T("paint.add"), ERASE: T("paint.erase")}
    else:
        options, labels = ["0", "1", ERASE], {"0": T("paint.class0"), "1": T("paint.class1"), ERASE: T("paint.erase")}
    if ss.get(mode_key(key)) not in options:
        ss[mode_key(key)] = options[0]
    st.segmented_control(T("paint.mode"), options, key=mode_key(key), format_func=labels.get,
                         label_visibility="collapsed")
    if task == "regression":
        lo, hi = paint.VALUE_RANGE
        st.slider(T("paint.value"), lo, hi, 0.5, step=0.1, key=value_key(key))


def paint_editor(height: int = 360, key: str = "paint") -> None:
    """The editor of the painted dataset the sidebar has chosen (nothing for other datasets).
    `key`: a prefix for its widgets, so it can be drawn in two places."""
    ss = st.session_state
    dataset = ss.get(w_key("dataset"))
    if not is_painted(dataset):
        return
    task = DATASETS[dataset].task
    points = current_points()
    _mode_control(key, task)
    n = ss.get(gen_key(key), 0)
    st.plotly_chart(figure(points, task, height), key=chart_key(key, n), on_select=lambda: _click(key, dataset),
                    selection_mode="points", config={"displayModeBar": False, "scrollZoom": False})
    if note := ss.pop(note_key(key), None):
        st.warning(note)
    if task == "regression":
        st.caption(T("paint.count_regression", n=len(points), max=paint.MAX_POINTS))
    else:
        n1 = sum(1 for p in points if p[2] == 1)
        st.caption(T("paint.count", n=len(points), n0=len(points) - n1, n1=n1, max=paint.MAX_POINTS))
    row = st.container(horizontal=True, gap="small")
    row.button(T("paint.clear"), key=button_key(key, "clear"), on_click=_set_points, args=([],),
               icon=":material/delete_sweep:", width="content")
    row.button(T("paint.reset"), key=button_key(key, "reset"), on_click=_reset, args=(dataset,),
               icon=":material/restart_alt:", width="content")
    download_button(points, task, key=button_key(key, "download"), container=row)
    st.caption(T("paint.help"))


def download_button(points: list[paint.Point], task: str, key: str, container=st) -> None:
    """The painted points as a CSV that trains as an uploaded table (x1, x2 and the target)."""
    container.download_button(T("paint.download"), paint.to_csv(points, task), file_name=f"painted-{task}.csv",
                              mime="text/csv", key=key, icon=":material/download:", width="content",
                              on_click="ignore")


def sidebar_section() -> None:
    """The painted set's part of the sidebar's data section: where to paint (the lab)."""
    st.caption(T("paint.where"))


def too_many_for_link(cfg) -> None:
    """In the share popover: the points do not fit a link; here they are as a CSV."""
    st.warning(T("paint.too_long_for_link", n=f"{len(cfg.points):,}"), icon=":material/link_off:")
    download_button(paint.parse(cfg.points), DATASETS[cfg.dataset].task, key=Key.SHARE_POINTS_CSV)
