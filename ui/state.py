"""Per-session state: language, the current config, the uploaded table and the training job."""
from __future__ import annotations

import os
import time
import weakref

import streamlit as st

from playground.config import DEFAULT, RunConfig
from playground.data import loaders
from playground.data import prepare as prep_mod
from playground.i18n import LANGS, Translator
from playground.runs.training import TrainingJob

# A tab that stops polling for this long (closed, crashed) has its run stopped. Generous,
# because browsers throttle timers in hidden tabs (down to once a minute).
IDLE_TIMEOUT_S = float(os.environ.get("PLAYGROUND_IDLE_TIMEOUT", 150))


def lang() -> str:
    if "lang" not in st.session_state:
        qp = st.query_params.get("lang")
        if qp in LANGS:
            st.session_state["lang"] = qp
        else:
            locale = (getattr(st.context, "locale", None) or "").lower()
            st.session_state["lang"] = "ko" if locale.startswith("ko") else "en"
    return st.session_state["lang"]


def T() -> Translator:
    return Translator(lang())


def config() -> RunConfig:
    return st.session_state.get("config", DEFAULT)


def set_config(cfg: RunConfig) -> None:
    st.session_state["config"] = cfg


def uploaded() -> loaders.Dataset | None:
    return st.session_state.get("uploaded_dataset")


RETRY_DOWNLOAD_S = 60


def dataset_for(cfg: RunConfig) -> loaders.Dataset:
    """The Dataset a config names: an uploaded table lives in the session, the rest in the registry."""
    if loaders.is_csv_path(cfg.dataset):
        up = uploaded()
        if up is None or up.name != cfg.dataset:
            raise loaders.DataError("err.file_not_found", "dataset", path=cfg.dataset)
        return up
    # a failed download (no network) takes seconds: remember it for a while instead of
    # retrying on every rerun of the page
    failures = st.session_state.setdefault("_dataset_failures", {})
    failed = failures.get(cfg.dataset)
    if failed and time.monotonic() - failed[0] < RETRY_DOWNLOAD_S:
        raise failed[1]
    try:
        return loaders.load_dataset(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed)
    except loaders.DataError as e:
        failures[cfg.dataset] = (time.monotonic(), e)
        raise


# the fields that change the prepared data (the rest only change training)
DATA_FIELDS = ("dataset", "n_samples", "noise", "seed", "scaler", "val_split", "test_split", "target", "task")


@st.cache_resource(max_entries=16, show_spinner=False)
def _prepared(cfg_key: tuple, _ds) -> prep_mod.Prepared:
    return prep_mod.prepare(_ds, RunConfig(**dict(cfg_key)))


def prepared_for(cfg: RunConfig) -> prep_mod.Prepared:
    """Split + preprocessing for previews (cached; read-only). Uploaded tables are not cached
    across sessions (their key includes the object's id)."""
    ds = dataset_for(cfg)
    if ds.source == "uploaded table":
        return prep_mod.prepare(ds, cfg)
    return _prepared(tuple((k, getattr(cfg, k)) for k in DATA_FIELDS), ds)


# --- the training job ---------------------------------------------------------------------

def job() -> TrainingJob | None:
    return st.session_state.get("job")


class _JobGuard:
    """Lives in session_state; when Streamlit drops the session, the guard is collected
    and the run stops (the idle timeout covers sessions that linger)."""

    def __init__(self, j: TrainingJob):
        weakref.finalize(self, j.stop)


def start_job(cfg: RunConfig, paused: bool = False, probes=None, prepared=None) -> TrainingJob:
    """Start a run for this session (stopping its previous one). `paused`: wait for step()."""
    old = job()
    if old is not None:
        old.stop()
    j = TrainingJob(cfg, prepared, dataset=dataset_for(cfg), probes=probes, idle_timeout=IDLE_TIMEOUT_S)
    st.session_state["job"] = j
    st.session_state["job_guard"] = _JobGuard(j)
    st.session_state["job_serial"] = st.session_state.get("job_serial", 0) + 1
    return j.start(paused=paused)
