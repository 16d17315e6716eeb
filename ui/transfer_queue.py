"""Transfer learning's three runs one after another (the sidebar's button, ui.transfer_controls):
from scratch, frozen, fine-tuned. Each finished run joins the Compare list; the lab then starts the
next with the sidebar's transfer select moved on; after the third, Compare has the three picked.
A run stopped by its learner, one that failed or another setup started meanwhile ends the chain."""
from __future__ import annotations

import streamlit as st

from playground.data.transfer_sets import MODES
from playground.status import Status

from . import runs
from .lang import T
from .session import Key


def follow(job, new_record) -> None:
    """In the lab's live panel, with what run_list.record just kept of `job` (None: nothing new)."""
    ss = st.session_state
    chain = ss.get(Key.TRANSFER_QUEUE)
    if not chain or job is None:
        return
    s = runs.record(job)
    if not s.finished:
        return
    stopped_by_learner = s.status == Status.STOPPED and not s.stop_reason
    if new_record is None:
        if s.status == Status.ERROR or job.cfg.transfer != chain["expect"]:
            ss.pop(Key.TRANSFER_QUEUE, None)
        return
    if job.cfg.transfer != chain["expect"] or stopped_by_learner:
        ss.pop(Key.TRANSFER_QUEUE, None)
        return
    chain["runs"].append(new_record.id)
    if chain["next"]:
        chain["expect"] = chain["next"].pop(0)
        ss[Key.TRANSFER_NEXT] = chain["expect"]    # the sidebar's select, before it is drawn
        ss[Key.PENDING_START] = True               # the lab starts it (views/train.py)
        st.rerun()
    ss.pop(Key.TRANSFER_QUEUE, None)
    ss[Key.COMPARE_PICK] = list(chain["runs"])     # Compare opens on the three
    ss[Key.TRANSFER_DONE] = runs.serial()


def status_line() -> None:
    """Under the lab's run: which of the three is training, or where to see them side by side."""
    ss = st.session_state
    if chain := ss.get(Key.TRANSFER_QUEUE):
        n = MODES.index(chain["expect"]) + 1
        st.info(T("transfer.chain_running", n=n, mode=T(f"choice.transfer.{chain['expect']}")),
                icon=":material/stacked_line_chart:")
    elif ss.get(Key.TRANSFER_DONE) == runs.serial():
        box = st.container(horizontal=True, vertical_alignment="center")
        box.success(T("transfer.chain_done"), icon=":material/check:")
        box.page_link("views/compare.py", label=T("transfer.open_compare"), icon=":material/compare_arrows:")
