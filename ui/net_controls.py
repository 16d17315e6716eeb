"""Sidebar controls that are more than one field's widget: an activation per hidden layer
(beside its units; the config keeps one name when all agree) and what early stopping
watches (only the values the task has). The options themselves live in playground.config."""
from __future__ import annotations

import streamlit as st

from playground.config import ACTIVATIONS, DEFAULT, MAX_HIDDEN_LAYERS, RunConfig
from playground.nn.model import layer_activations

from . import classroom
from .lang import T
from .session import ACT_PER_LAYER as PER_LAYER
from .session import act_key, w_key
from .widgets import translated_select


def load_activations(cfg: RunConfig) -> None:
    """A config's activations into the per-layer selects (a link, a dataset's defaults)."""
    names = layer_activations(cfg)
    for i, name in enumerate(names):
        st.session_state[act_key(i)] = name
    st.session_state[PER_LAYER] = len(set(names)) > 1


def per_layer(model: str, n_layers: int) -> bool:
    """Whether the layers show their own activation selects this run (an mlp of 2+ layers
    with the toggle on). Otherwise a list has no place to be chosen: the first for all."""
    ss = st.session_state
    if "activation" in classroom.hidden_controls():   # the teacher's choice stays as it is
        return False
    on = model == "mlp" and n_layers >= 2 and bool(ss.get(PER_LAYER, False))
    if not on and "," in ss.get(w_key("activation"), ""):
        ss[w_key("activation")] = ss[w_key("activation")].split(",")[0]
    return on


def per_layer_toggle(model: str, n_layers: int) -> None:
    if model == "mlp" and n_layers >= 2 and "activation" not in classroom.hidden_controls():
        st.toggle(T("classic.per_layer"), key=PER_LAYER, on_change=_per_layer_changed,
                  help=T("classic.per_layer_help"))


def _per_layer_changed() -> None:
    ss = st.session_state
    if ss[PER_LAYER]:      # on: every layer starts with the one for all
        name = ss.get(w_key("activation"), DEFAULT.activation).split(",")[0]
        for i in range(MAX_HIDDEN_LAYERS):
            ss[act_key(i)] = name
    else:                  # off: the first layer's for all
        ss[w_key("activation")] = ss.get(act_key(0), DEFAULT.activation)


def layer_activation(container, i: int) -> str:
    """Layer i's activation select; a new layer starts with the one above it."""
    ss = st.session_state
    k = act_key(i)
    if k not in ss:
        above = ss.get(act_key(i - 1)) if i else None
        ss[k] = above or ss.get(w_key("activation"), DEFAULT.activation).split(",")[0]
    # short names: a half-width column cut "하이퍼볼릭 탄젠트(tanh)" to "하이퍼볼릭"
    return translated_select(container.selectbox, T("classic.layer_activation", i=i + 1), ACTIVATIONS, k,
                             default=DEFAULT.activation, format_func=lambda v: T(f"classic.act.{v}"))


def set_activations(names: list[str]) -> None:
    """The config's activation: one name when every layer has it, else one per layer."""
    if names:
        st.session_state[w_key("activation")] = names[0] if len(set(names)) == 1 else ",".join(names)


def monitor_choices(task: str) -> tuple[str, ...]:
    return ("val_loss", "val_mae") if task == "regression" else ("val_loss", "val_accuracy")


def residual_control(field, hidden: tuple) -> tuple:
    """The skip-connection toggle where there are hidden layers to skip around (config refuses
    it with none). Returns `hidden`."""
    if hidden:
        field("residual")
    else:
        st.session_state[w_key("residual")] = False
    return hidden


def early_stopping_controls(task: str, field) -> None:
    """What early stopping watches and its least improvement, once patience is on."""
    ss = st.session_state
    key = w_key("monitor")
    options = monitor_choices(task)
    if ss.get(key, DEFAULT.monitor) not in options:   # another task's metric: back to val_loss
        ss[key] = DEFAULT.monitor
    if ss.get(w_key("patience"), 0) <= 0:
        return
    translated_select(st.selectbox, T("field.monitor"), options, key, default=DEFAULT.monitor,
                      help=T("field.monitor.help"), format_func=lambda v: T(f"choice.monitor.{v}"))
    field("min_delta")
    field("restore_best")
