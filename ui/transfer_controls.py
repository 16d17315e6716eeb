"""The sidebar's model choice for image sets and, on a 28x28 digit set with the CNN, transfer
learning (config field `transfer`: from scratch, pretrained convolutions frozen, or fine-tuned),
with the button that trains all three one after another for the Compare page (ui.transfer_queue).
Elsewhere the option goes back to `none` (playground.config refuses it there)."""
from __future__ import annotations

import streamlit as st

from playground.data.transfer_sets import TRANSFER_SETS, applies

from .lang import T
from .session import Key, w_key

LAB_PAGE = "views/train.py"


def run_suffix(cfg) -> str:
    """A run's name on a digit set transfer applies to says how it started: ' · fine-tuned'."""
    if cfg.dataset not in TRANSFER_SETS or cfg.model != "cnn":
        return ""
    return " · " + T(f"transfer.short.{cfg.transfer}")


def left_behind(dataset: str) -> set[str]:
    """The fields a newly chosen dataset cannot take (back to its defaults)."""
    return set() if dataset in TRANSFER_SETS else {"transfer"}


def model_controls(info, field) -> None:
    """An image set's model; then, where it applies, transfer learning and the three-ways button."""
    ss = st.session_state
    field("model")
    key = w_key("transfer")
    if (pending := ss.pop(Key.TRANSFER_NEXT, None)) is not None:   # the chain's next run (ui.transfer_queue)
        ss[key] = pending
    if not applies(info.name, ss.get(w_key("model"), "mlp")):
        ss[key] = "none"
        return
    field("transfer")
    st.button(T("transfer.three_ways"), key=Key.TRANSFER_THREE, icon=":material/stacked_line_chart:",
              on_click=_start_three, help=T("transfer.three_ways_help"), width="stretch")
    if ss.pop(Key.TRANSFER_GO, False):      # clicked on any page: the runs start in the lab
        st.switch_page(LAB_PAGE)


def _start_three() -> None:
    """In the button's callback (before the select is drawn): from scratch first, then the others."""
    ss = st.session_state
    ss[Key.TRANSFER_QUEUE] = {"next": ["frozen", "finetune"], "expect": "none", "runs": []}
    ss.pop(Key.TRANSFER_DONE, None)
    ss[w_key("transfer")] = "none"
    ss[Key.PENDING_START] = True
    ss[Key.TRANSFER_GO] = True
