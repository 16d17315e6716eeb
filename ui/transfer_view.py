"""What transfer learning shows (config.transfer): the pretraining's progress before a run starts
(once per server), the lab's line on where the weights came from and what stays frozen, and on the
Data page what came with the pretrained weights: the preprocessing it was trained with (applied to
this run's images too), the pretraining itself, and each layer's parameters, pretrained or new,
frozen or trained."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.data.transfer_sets import PRETRAIN_DIGITS, TRANSFER_SETS
from playground.nn import pretrain, transfer
from playground.runs import pretraining

from . import turns_gate
from .lang import T


def _digits() -> str:
    return f"{PRETRAIN_DIGITS[0]}–{PRETRAIN_DIGITS[-1]}"


def pretrain_first(cfg, where=None) -> pretrain.Pretrained | None:
    """Before a transfer run: the pretrained CNN, trained now (queued like any run) if this server
    has none yet for the network's shape, with a progress bar; None for a run from scratch."""
    if cfg.transfer == "none":
        return None
    if (hit := pretrain.cached(cfg)) is not None:
        return hit
    bar = (where or st).progress(0.0, text=T("transfer.pretraining", digits=_digits(), pct=0))

    def show(fraction: float, queued: bool) -> None:
        text = T("transfer.pretrain_queued") if queued else T("transfer.pretraining", digits=_digits(),
                                                                  pct=f"{fraction:.0%}")
        bar.progress(min(fraction, 1.0), text=text)

    with turns_gate.stepped_aside():          # the class's other pages go on while this one waits
        hit = pretraining.wait(cfg, show)
    bar.empty()
    return hit


def _frozen_and_trained(plan: list[dict]) -> tuple[int, int]:
    frozen = sum(r["params"] for r in plan if not r["trainable"])
    return frozen, sum(r["params"] for r in plan) - frozen


def lab_note(job) -> None:
    """The lab's line under a transfer run: where its weights started and what training changes."""
    cfg, prep = job.cfg, job.prepared
    if cfg.transfer == "none" or prep is None:
        return
    plan = transfer.layer_plan(cfg, prep.n_features, prep.n_outputs, prep.image_shape)
    frozen, trained = _frozen_and_trained(plan)
    hit = pretrain.cached(cfg)
    acc = f"{hit.facts['test_accuracy']:.1%}" if hit is not None else "–"
    st.caption(T(f"transfer.lab_{cfg.transfer}", digits=_digits(), acc=acc, frozen=f"{frozen:,}",
                 trained=f"{trained:,}", layers=", ".join(transfer.FEATURE_LAYERS)),
               help=T("transfer.lab_help"))


# --- the Data page ---------------------------------------------------------------------------------------

def _preprocess_rows(record: dict, prep) -> list[dict]:
    """The pretrained network's preprocessing record, step by step, beside this run's."""
    h, w = prep.image_shape
    same = float(record["pixel_max"]) == float(getattr(prep, "pixel_divisor", prep.dataset.pixel_max))
    return [{T("transfer.col_step"): T("transfer.step_input"),
             T("transfer.col_pretrained"): T("transfer.input_value", n=len(record["columns"]), h=h, w=w),
             T("transfer.col_this_run"): T("transfer.same") if len(record["columns"]) == prep.n_features else "✗"},
            {T("transfer.col_step"): T("transfer.step_scale"),
             T("transfer.col_pretrained"): T("transfer.scale_value", max=f"{record['pixel_max']:g}"),
             T("transfer.col_this_run"): T("transfer.same") if same else "✗"}]


def _layer_rows(plan: list[dict]) -> list[dict]:
    return [{T("transfer.col_layer"): r["layer"], T("transfer.col_params"): r["params"],
             T("transfer.col_start"): T(f"transfer.start_{r['start']}"),
             T("transfer.col_trained"): T("transfer.trained") if r["trainable"] else T("transfer.frozen")}
            for r in plan]


def data_section(cfg, prep) -> None:
    """On a set transfer learning applies to: what the pretrained weights bring, layer by layer."""
    if cfg.dataset not in TRANSFER_SETS or cfg.model != "cnn":
        return
    st.subheader(T("transfer.data_title"))
    if cfg.transfer == "none":
        st.info(T("transfer.data_none", digits=_digits()), icon=":material/school:")
        return
    st.caption(T("transfer.data_intro", digits=_digits(), mode=T(f"choice.transfer.{cfg.transfer}")))
    left, right = st.columns([3, 2])
    plan = transfer.layer_plan(cfg, prep.n_features, prep.n_outputs, prep.image_shape)
    frozen, trained = _frozen_and_trained(plan)
    with right:
        st.markdown(f"**{T('transfer.layers_title')}**")
        st.dataframe(pd.DataFrame(_layer_rows(plan)), hide_index=True, width="stretch",
                     column_config={T("transfer.col_params"): st.column_config.NumberColumn(format="localized")})
        st.caption(T("transfer.layers_total", frozen=f"{frozen:,}", trained=f"{trained:,}"))
    with left:
        st.markdown(f"**{T('transfer.preprocess_title')}**")
        hit = pretrain.cached(cfg)
        if hit is None:
            st.caption(T("transfer.not_pretrained_yet"))
            if st.button(T("transfer.pretrain_now"), icon=":material/model_training:"):
                hit = pretrain_first(cfg)
        if hit is not None:
            st.dataframe(pd.DataFrame(_preprocess_rows(hit.preprocess, prep)), hide_index=True, width="stretch")
            f = hit.facts
            st.caption(T("transfer.pretrain_facts", digits=_digits(), n=f"{f['train_images']:,}",
                         copies=f["recipe"]["copies"], epochs=f["recipe"]["epochs"], acc=f"{f['test_accuracy']:.1%}",
                         test=f"{f['test_images']:,}", s=f"{f['seconds']:.1f}"))
