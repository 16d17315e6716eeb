"""The user's own table in the sidebar: upload, target and task, read once per file; a
refused file is named on the Train page until another dataset is chosen."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from playground.data import loaders, sequence_table, table
from playground.data.registry import READ_AS_INPUT, DataKind, DatasetInfo
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
        read_as = field_control("read_as")      # rows, or a series / sentences for a recurrent network
        if read_as == "rows":
            task = field_control("task")
        else:
            task = ss[w_key("task")] = "auto"   # a series is regression, sentences are classes
        name = file.name if file.name.lower().endswith(".csv") else Path(file.name).stem + ".csv"
        upload = (file.file_id, target, task, read_as)
        if ss.get(Key.UPLOAD_ID) != upload:     # a new file or a new target / task / reading: read it once
            ss[Key.UPLOAD_ID] = upload
            try:
                ss[Key.UPLOADED] = (table.from_dataframe(df, target, task, name=name) if read_as == "rows"
                                    else sequence_table.read_sequence(df, target, read_as, name))
                ss[Key.PENDING_DATASET] = name  # a new table is selected at once (and only then)
                if ss.get(w_key("dataset")) != name:
                    st.rerun()                  # so the page below shows it, not the dataset before it
            except ConfigError as e:
                ss[Key.UPLOADED] = e
        ds = ss[Key.UPLOADED]
        if isinstance(ds, ConfigError):
            st.error(msg := ds.text(lang()))
            _reject(file, msg)
            return
        st.success(T("data.upload_ok", rows=ds.n_rows, task=T(f"task.{ds.task}")))


def sequence_info(name: str) -> DatasetInfo | None:
    """The uploaded table read as a series or as sentences, described as a registered sequence
    set is (the sidebar draws the recurrent network's controls from it); None otherwise."""
    up, read_as = data.uploaded(), st.session_state.get(w_key("read_as"), "rows")
    if up is None or up.name != name or read_as not in READ_AS_INPUT:
        return None
    return DatasetInfo(name, up.task, DataKind.SEQUENCE, table.UPLOADED, sequence=READ_AS_INPUT[read_as])
