"""Depth on the pages: a deep network's short label ('20×8'), and Inside the network's
gradient section: the gradient's size per layer (first and latest epoch) beside its course
over the epochs, how much of the output layer's gradient reaches the first hidden layer
(vanishing gradients; skip connections), and the run's seconds per epoch (more layers:
better, maybe, and slower)."""
from __future__ import annotations

import itertools
import statistics

import streamlit as st

from playground.figures import depth as depth_figs
from playground.figures import inside as inside_figs

from .lang import T

MAX_LINES = 5      # layers drawn as lines over the epochs: 21 lines and their legend could not be read
VANISHED = 1e-3    # the first layer's gradient below this share of the output layer's: called vanishing
STUCK = ("chance", "at_chance", "too_slow", "underfitting", "underfitting_baseline")   # the coach's cases


def layers_text(hidden: tuple) -> str:
    """'8-8', '20×8', '64-3×32-16': three or more equal layers in a row as count × width, so a
    deep network's run label stays short."""
    parts = []
    for width, run in itertools.groupby(hidden):
        n = len(list(run))
        parts += [f"{n}×{width}"] if n >= 3 else [str(width)] * n
    return "-".join(parts)


def few_layers(grad_norms: list[dict]) -> list[dict]:
    """At most MAX_LINES layers: the first, the output and hidden ones evenly between."""
    names = depth_figs.layer_names(grad_norms)
    if len(names) <= MAX_LINES:
        return grad_norms
    keep = {names[round(i)] for i in [k * (len(names) - 1) / (MAX_LINES - 1) for k in range(MAX_LINES)]}
    return [{k: v for k, v in row.items() if k == "epoch" or k in keep} for row in grad_norms]


def seconds_per_epoch(history) -> float | None:
    """The median epoch's seconds (a turn's wait for the CPU left out, as the history counts them)."""
    secs = [h["seconds"] for h in history if h.get("seconds") is not None]
    return statistics.median(secs) if secs else None


def drop_caption(grad_norms: list[dict], cfg) -> str:
    drop = depth_figs.gradient_drop(grad_norms)
    if drop is None:
        return ""
    text = T("deep.drop", epoch=grad_norms[-1]["epoch"], share=depth_figs.power_text(drop))
    if cfg.residual:
        return text + " " + T("deep.drop_skips")
    return text + " " + T("deep.drop_vanished" if drop < VANISHED else "deep.drop_fine")


def gradient_section(view: dict, cfg, history, chart) -> None:
    """`chart`: the page's memoised plotly chart (views/inside.py)."""
    st.subheader(T("inside.grad_section"))
    g = view["grad_norms"]
    if g:
        left, right = st.columns(2)
        with left:
            chart("grad_depth", view, lambda: depth_figs.grad_depth_figure(g, T))
        with right:
            chart("grads", view, lambda: inside_figs.grad_norms_figure(few_layers(g), T))
        st.markdown(drop_caption(g, cfg))
    if (s := seconds_per_epoch(history)) is not None:
        st.caption(T("deep.seconds", s=f"{s:.3g}", layers=len(cfg.hidden)))
    st.caption(T("inside.grad_caption"))


def coach_note(case: str, grad_norms, cfg) -> None:
    """Under the lab's coach: a run that learns nothing while its first hidden layer gets almost
    none of the output layer's gradient, without skip connections, is told why and what to try."""
    drop = depth_figs.gradient_drop(list(grad_norms))
    if case in STUCK and not cfg.residual and drop is not None and drop < VANISHED:
        st.info(T("deep.coach", layers=len(cfg.hidden), share=depth_figs.power_text(drop)), icon=":material/layers:")
