"""Take the model home. After a run: the model as a file (weights + preprocessing, scores raw
rows with `python -m playground predict`), the code behind the run as a standalone PyTorch
script and the same model in Keras, shown with the lines the user's settings changed
marked. On Evaluate: a saved model file used on the current data.

    take_home.downloads(job)              # views/train.py, below a finished run
    saved = take_home.use_saved_model(prepared)   # views/evaluate.py; None or a SavedModel
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import streamlit as st

from playground.config import SEQUENCE_MODELS
from playground.errors import ConfigError
from playground.export import mark_lines, script_with_changes
from playground.nn.checkpoint import SavedModel, model_bytes

from . import runs
from .lang import T, lang
from .session import Key
from .widgets import opened

CODE_HEIGHT = 460   # px: the script scrolls inside its box


def _stem(cfg) -> str:
    return Path(cfg.dataset).stem.replace(" ", "_") or "run"


def script_config(job, snap):
    """The config the scripts reproduce: an endless run (epochs 0) as the epochs it ran."""
    cfg = job.cfg
    return dataclasses.replace(cfg, epochs=max(snap.epoch, 1)) if cfg.epochs == 0 else cfg


def _files(job, snap) -> dict:
    """The model bytes and both scripts of a run, built once per run and weights."""
    key = (id(job), snap.weights_epoch, snap.epoch)
    cache = st.session_state.get(Key.TAKE_HOME_CACHE)
    if cache is None or cache.get("_key") != key:
        cfg, prep = script_config(job, snap), job.prepared
        model = job.model_copy(snap)
        cache = st.session_state[Key.TAKE_HOME_CACHE] = {
            "_key": key, "model": model_bytes(model, job.cfg, prep) if model is not None else None,
            **{kind: script_with_changes(cfg, kind, prep.dataset) for kind in ("pytorch", "keras")}}
    return cache


def downloads(job) -> None:
    """Model and script downloads and the code view (PyTorch | Keras) of a finished run."""
    if job is None or job.prepared is None:
        return
    snap = runs.record(job)
    if not snap.status.finished:
        st.caption(T("export.after_run"))
        return
    files = _files(job, snap)
    stem = _stem(job.cfg)
    st.markdown(f"**{T('export.title')}**")
    left, right = st.columns(2)
    if files["model"] is not None:
        left.download_button(T("export.download_model"), files["model"], file_name=f"{stem}_model.pt",
                             mime="application/octet-stream", key=Key.W_DOWNLOAD_MODEL, on_click="ignore",
                             help=T("export.download_model_help", file=f"{stem}_model.pt"))
    right.download_button(T("export.download_script"), files["pytorch"][0], file_name=f"{stem}_run.py",
                          mime="text/x-python", key=Key.W_DOWNLOAD_SCRIPT, on_click="ignore",
                          help=T("export.download_script_help"))
    # closed, it holds nothing: two highlighted scripts cost a browser ~0.45 CPU-s a page load
    if (code := opened(T("export.code_title"), Key.TAKE_HOME_CODE)) is None:
        return
    with code:
        notes = [T("export.changed_caption") if files["pytorch"][1] else T("export.no_changes")]
        if job.cfg.epochs == 0:
            notes.append(T("export.endless_note", epochs=snap.epoch))
        if snap.changes:
            notes.append(T("export.mid_run_note"))
        if job.cfg.transfer != "none":       # the PyTorch script pretrains too; the Keras one cannot
            notes.append(T("transfer.export_note"))
        st.caption(" ".join(notes))
        tab_torch, tab_keras = st.tabs([T("export.tab_pytorch"), T("export.tab_keras")])
        with tab_torch:
            _code(*files["pytorch"])
        with tab_keras:
            recurrent = job.cfg.model in SEQUENCE_MODELS   # the functional API, not Sequential
            st.caption(T("export.keras_caption_sequence" if recurrent else "export.keras_caption"))
            if job.cfg.transfer != "none":
                st.warning(T("transfer.keras_note"), icon=":material/info:")
            st.download_button(T("export.download_keras"), files["keras"][0], file_name=f"{stem}_run_keras.py",
                               mime="text/x-python", key=Key.W_DOWNLOAD_KERAS, on_click="ignore")
            _code(*files["keras"])


def _code(text: str, lines: list[int]) -> None:
    # st.code has line numbers but no line highlight: the changed lines end in "# ← changed"
    st.code(mark_lines(text, lines, lang()), language="python", line_numbers=True, height=CODE_HEIGHT)


def use_saved_model(prepared) -> SavedModel | None:
    """An uploader for a model file saved from this app; the model when it fits the current
    data (same task, input columns, classes), else a message and None."""
    file = st.file_uploader(T("export.upload_label"), type=["pt"], key=Key.W_SAVED_MODEL, help=T("export.upload_help"))
    if file is None or prepared is None:
        return None
    ds = prepared.dataset
    key = (file.file_id, ds.name, tuple(ds.feature_names))
    cached = st.session_state.get(Key.SAVED_MODEL)
    if cached is None or cached[0] != key:
        try:
            value = SavedModel.load(file, name=file.name)
            value.check_fits(ds)
        except ConfigError as e:
            value = e
        cached = st.session_state[Key.SAVED_MODEL] = (key, value)
    value = cached[1]
    if isinstance(value, ConfigError):
        st.error(value.text(lang()))
        return None
    st.success(T("export.upload_ok", name=file.name, dataset=value.cfg.dataset))
    return value
