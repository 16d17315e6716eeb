"""The sidebar's network controls for a sequence dataset: the recurrent cell, the window
(sequence length), a series' split by time (or shuffled, to see the leak), the recurrent
layers' units, the word embedding size (words and symbols only), attention and dropout.
The options are config.FIELDS'; this only picks which of them a sequence set shows."""
from __future__ import annotations

import streamlit as st

from playground.config import SEQUENCE_MODELS
from playground.data.registry import SeqInput

from .lang import T
from .session import w_key
from .widgets import translated_select


def network_controls(info, field, hidden_controls) -> tuple:
    """Draw them (`field`, `hidden_controls`: the sidebar's own) and return the layers' sizes."""
    key = w_key("model")
    if st.session_state.get(key) not in SEQUENCE_MODELS:   # coming from an MLP / CNN set
        st.session_state[key] = "lstm"
    translated_select(st.selectbox, T("field.model"), SEQUENCE_MODELS, key, default="lstm",
                      help=T("seq.model_help"), format_func=lambda v: T(f"choice.model.{v}"))
    field("window")
    if info.sequence == SeqInput.SERIES:
        field("time_split")               # off: the leak a shuffled split causes, on purpose
    hidden = hidden_controls()
    if info.sequence == SeqInput.TOKENS:
        field("embedding")
    field("attention")
    field("dropout")
    st.session_state[w_key("residual")] = False    # an MLP's option: a recurrent cell has none (config refuses it)
    return hidden
