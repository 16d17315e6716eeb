"""The sidebar's two controls of what the network reads: an image set's pixel scaling and a
multi-class set's label format, shown only where they apply (playground.config refuses them
elsewhere); the classification loss is named by the label format."""
from __future__ import annotations

import streamlit as st

from playground.config import DEFAULT
from playground.data.label_format import loss_key
from playground.nn.model import loss_name

from .lang import T
from .session import w_key


def not_applicable(info, task: str) -> set[str]:
    """The fields a newly chosen dataset cannot take: back to their defaults."""
    out = set()
    if info is None or info.image_shape is None:
        out.add("pixel_scale")
    if task != "multiclass":
        out.add("labels")
    return out


def pixel_control(info, field) -> None:
    """Pixel scaling on or off, under an image set's name."""
    if info is not None and info.image_shape is not None:
        field("pixel_scale")


def labels_and_loss(task: str, field) -> None:
    """Classification's loss follows from its output (named here); multi-class chooses how its
    labels reach it: sparse or categorical cross-entropy, Keras' names."""
    if task == "multiclass":
        field("labels")
    name = loss_key(loss_name(task), st.session_state.get(w_key("labels"), DEFAULT.labels))
    st.caption(T("side.loss_fixed", name=T(f"loss.{name}")), help=T(f"loss.formula.{name}"))
