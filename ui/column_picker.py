"""The sidebar's input columns (config field `columns`): a multi-select of a table's columns,
the target left out; none chosen reads every column. And the short form that names them in
run labels ("auto-mpg [horsepower]")."""
from __future__ import annotations

import streamlit as st

from playground.data.columns import TABLE_COLUMNS
from playground.data.registry import is_csv_path

from . import classroom, data
from .lang import T
from .session import w_key

LABEL_NAMES = 2      # a label names this many columns; more are counted ("3 of 7 columns")


def input_columns(dataset: str) -> list[str]:
    """A built-in table's columns, or the uploaded table's (read as rows); [] for other data."""
    if dataset in TABLE_COLUMNS:
        return list(TABLE_COLUMNS[dataset])
    up = data.uploaded()
    read_as = st.session_state.get(w_key("read_as"), "rows")
    if is_csv_path(dataset) and up is not None and up.name == dataset and read_as == "rows":
        return [str(c) for c in up.feature_names]
    return []


def control(dataset: str) -> None:
    """The multi-select; data without named columns has none (and keeps no choice)."""
    ss = st.session_state
    key, cols = w_key("columns"), input_columns(dataset)
    ss[key] = [c for c in ss.get(key) or [] if c in cols]   # another table, or a CSV's new target
    if cols and "columns" not in classroom.hidden_controls():
        # no "Select all" (Streamlit's, in English): none chosen already reads every column
        st.multiselect(T("field.columns"), cols, key=key, placeholder=T("columns.every"), help=T("field.columns.help"),
                       select_all=False)


def chosen(value, dataset: str) -> tuple:
    """The widget's list as the config's tuple, in the table's order (as a link writes it);
    every column picked is every column: ()."""
    picked, cols = set(value or ()), input_columns(dataset)
    return () if picked >= set(cols) else tuple(c for c in cols if c in picked)


def dataset_text(cfg) -> str:
    """The dataset, and its columns when not all are used: 'auto-mpg [horsepower]',
    'auto-mpg [3 of 7 columns]'."""
    if not cfg.columns:
        return cfg.dataset
    if len(cfg.columns) <= LABEL_NAMES:
        return T("columns.label_some", dataset=cfg.dataset, names=", ".join(cfg.columns))
    total = len(TABLE_COLUMNS.get(cfg.dataset, ())) or len(input_columns(cfg.dataset)) or "?"
    return T("columns.label_many", dataset=cfg.dataset, n=len(cfg.columns), total=total)
