"""What this session works on: the sidebar's config, the user's uploaded table, and the
dataset and split the config names."""
from __future__ import annotations

import streamlit as st
from cachetools import TTLCache

from playground.config import DEFAULT, RunConfig
from playground.data import loaders, reader, table
from playground.data import prepare as prep_mod

from .session import Key

# a failed download (no network) takes seconds: remembered this long instead of retried every rerun
RETRY_DOWNLOAD_S = 60
# the fields that change the prepared data (the rest only change training)
DATA_FIELDS = ("dataset", "n_samples", "noise", "seed", "scaler", "val_split", "test_split", "target", "task",
               "features", "points", "window", "time_split", "columns", "pixel_scale")


def config() -> RunConfig:
    return st.session_state.get(Key.CONFIG, DEFAULT)


def set_config(cfg: RunConfig) -> None:
    st.session_state[Key.CONFIG] = cfg


def uploaded() -> loaders.Dataset | None:
    """The user's table, when one was read (not a refused one)."""
    up = st.session_state.get(Key.UPLOADED)
    return up if isinstance(up, loaders.Dataset) else None


def dataset_for(cfg: RunConfig) -> loaders.Dataset:
    """The Dataset a config names: an uploaded table lives in the session, the rest in the registry."""
    if loaders.is_csv_path(cfg.dataset):
        up = uploaded()
        if up is None or up.name != cfg.dataset:
            raise loaders.DataError("err.file_not_found", "dataset", path=cfg.dataset)
        return up
    failures = st.session_state.setdefault(Key.DATASET_FAILURES, TTLCache(maxsize=64, ttl=RETRY_DOWNLOAD_S))
    failed = failures.get(cfg.dataset)
    if failed is not None:              # a download failed a moment ago: say so again, don't retry yet
        raise failed
    try:
        return loaders.load_dataset(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed, cfg.points, cfg.window)
    except loaders.DataError as e:
        failures[cfg.dataset] = e
        raise


@st.cache_resource(max_entries=16, show_spinner=False)
def _prepared(cfg_key: tuple, _ds) -> prep_mod.Prepared:
    return prep_mod.prepare(_ds, RunConfig(**dict(cfg_key)))


def data_key(cfg: RunConfig) -> tuple:
    """The settings that decide a dataset's split and preprocessing (a cache's key)."""
    return tuple((k, getattr(cfg, k)) for k in DATA_FIELDS)


def kept_for_upload(session_key: str, upload, settings, build):
    """`build()` for an uploaded table, kept in this session while the same upload object
    (by identity: it is held here, so its id is never another's) and `settings` hold. Never
    across sessions: two students' tables may share a file name and a shape."""
    cached = st.session_state.get(session_key)
    if cached is None or cached[0] is not upload or cached[1] != settings:
        cached = (upload, settings, build())
        st.session_state[session_key] = cached
    return cached[2]


def prepared_for(cfg: RunConfig) -> prep_mod.Prepared:
    """Split + preprocessing for previews (cached; read-only). An uploaded table's is cached
    in its session (the page reruns every second while a run is live), never across them."""
    ds = dataset_for(cfg)
    key = data_key(cfg)
    if ds.source != table.UPLOADED:
        return _prepared(key, ds)
    return kept_for_upload(Key.UPLOAD_PREPARED, ds, key, lambda: prep_mod.prepare(ds, cfg))


def uploaded_frame(file):
    """The uploaded file read into a DataFrame once per upload, not on every rerun."""
    cached = st.session_state.get(Key.UPLOAD_FRAME)
    if cached is None or cached[0] != file.file_id:
        cached = (file.file_id, reader.read_table(file, file.name))
        st.session_state[Key.UPLOAD_FRAME] = cached
    return cached[1]
