"""The user's own table in the sidebar: upload, target and task, read once per file; a
refused file is named on the Train page until another dataset is chosen."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from playground.data import loaders, table
from playground.errors import ConfigError

from . import data
from .lang import T, lang
from .session import Key, w_key


def _reject(file, msg: str) -> None:
    """A refused upload: the Train page warns that it trains on the chosen dataset instead,
    until the learner picks another dataset (then they know)."""
    ss = st.session_state
    chosen = ss.get(w_key("dataset"))
    if ss.setdefault(Key.UPLOAD_REJECTED_AT, {}).setdefault(file.file_id, chosen) == chosen:
        ss[Key.UPLOAD_PROBLEM] = (file.name, msg)


def section(field_control) -> None:
    """The sidebar's upload expander; `field_control(name)` draws a config field's control
    (the sidebar's, for the table's task)."""
    ss = st.session_state
    with st.expander(T("data.upload_title"), expanded=loaders.is_csv_path(ss.get(w_key("dataset"), ""))):
        file = st.file_uploader(T("data.upload_label"), type=["csv", "tsv", "txt", "xlsx"], key=Key.W_UPLOAD,
                                help=T("data.upload_help"))
        ss.pop(Key.UPLOAD_PROBLEM, None)   # the Train page warns that a rejected file is not what it trains on
        if file is None:
            return
        try:
            df = data.uploaded_frame(file)
        except ConfigError as e:
            st.error(msg := e.text(lang()))
            _reject(file, msg)
            return
        cols = list(df.columns.astype(str))
        target_key = w_key("target")
        if ss.get(target_key) not in cols:
            ss[target_key] = cols[-1] if cols else ""
        target = st.selectbox(T("field.target"), cols, key=target_key, placeholder=T("select.placeholder"))
        task = field_control("task")
        name = file.name if file.name.lower().endswith(".csv") else Path(file.name).stem + ".csv"
        upload = (file.file_id, target, task)
        if ss.get(Key.UPLOAD_ID) != upload:     # a new file or a new target / task: read it once
            ss[Key.UPLOAD_ID] = upload
            try:
                ss[Key.UPLOADED] = table.from_dataframe(df, target, task, name=name)
                ss[Key.PENDING_DATASET] = name  # a new table is selected at once (and only then)
            except ConfigError as e:
                ss[Key.UPLOADED] = e
        ds = ss[Key.UPLOADED]
        if isinstance(ds, ConfigError):
            st.error(msg := ds.text(lang()))
            _reject(file, msg)
            return
        st.success(T("data.upload_ok", rows=ds.n_rows, task=T(f"task.{ds.task}")))
