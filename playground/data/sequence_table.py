"""A user's table read step by step by a recurrent network (config `read_as`):

- `series`: the target column is a time series, one value per row, in the order of the
  table's time column (a column named like a time or date, or whose values all read as
  dates, or numbers that only grow); without one, in the rows' order. Missing values
  inside the series are filled by linear interpolation (a gap would shift every later
  window), the season (12 for months, 4 for quarters...) comes from the time step, and
  dates become decimal years (1949-08 -> 1949.58), as the embedded series' times are.
- `text`: one sentence per row in the table's text column (the one with the most words
  per row), the target its class.

The Datasets have the shape of the embedded ones (sequences.py): X holds `time`, `value`
or `text`, so the windows, split, views and scripts treat them the same way. The
functions use only numpy, pandas and this module (the exported scripts copy their source).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .dataset import Dataset, classification_dataset, encode_classes
from .reader import read_table
from .table import UPLOADED

READ_AS = ("rows", "series", "text")
MAX_SERIES = 200_000        # values: every window is a row of the training tensor
TIME_NAME = re.compile(r"time|date|year|month|day|week|quarter|period|시간|날짜|연도|년|월|일|주", re.I)
# the time step (in days) -> the season in steps, for seasonal naive and the views
SEASONS = ((0.9, 1.1, 7), (6, 8, 52), (27, 32, 12), (88, 93, 4))


def _as_time(col: pd.Series) -> pd.Series | None:
    """The column as times: numbers as they are, else dates when nearly all of them read as dates."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return col.astype(float)
    if pd.api.types.is_datetime64_any_dtype(col):
        return col
    text = col.astype(str).str.strip()
    if text.str.fullmatch(r"[-+]?\d+(\.\d+)?").mean() > 0.95:   # years written as text
        return pd.to_numeric(text, errors="coerce")
    dates = pd.to_datetime(text, errors="coerce", format="mixed")
    return dates if dates.notna().mean() >= 0.95 else None


def time_column(df: pd.DataFrame, target: str) -> str | None:
    """The column that orders the series: one named like a time whose values read as
    times, else the first column of dates, else the first numeric column that only grows."""
    others = [c for c in df.columns if c != target]
    times = {c: t for c in others if (t := _as_time(df[c])) is not None}
    named = [c for c in times if TIME_NAME.search(str(c))]
    if named:
        return named[0]
    dates = [c for c in times if pd.api.types.is_datetime64_any_dtype(times[c])]
    if dates:
        return dates[0]
    growing = [c for c in times if times[c].notna().all() and times[c].is_monotonic_increasing and times[c].is_unique]
    return growing[0] if growing else None


def season(time: pd.Series) -> int:
    """Steps per season from the median time step: 12 for months, 4 for quarters, 7 for
    days, 52 for weeks; decimal years in twelfths: 12; otherwise 1 (no season)."""
    if len(time) < 3:
        return 1
    if pd.api.types.is_datetime64_any_dtype(time):
        days = float(pd.Series(time).diff().dt.total_seconds().median()) / 86400
        return next((s for lo, hi, s in SEASONS if lo <= days <= hi), 1)
    step = float(np.median(np.diff(np.asarray(time, float))))
    for per_unit in (12, 4):
        if abs(step * per_unit - 1) < 0.02:   # decimal years: 1/12 (months), 1/4 (quarters)
            return per_unit
    return 1


def series_frame(df: pd.DataFrame, target: str, name: str) -> Dataset:
    """The target column as a series in time order (see the module's doc)."""
    value = pd.to_numeric(df[target], errors="coerce")
    if value.notna().sum() < 10:
        raise DataError("err.series_not_numeric", "read_as", target=target)
    if len(value) > MAX_SERIES:
        raise DataError("err.series_too_long", "read_as", n=f"{len(value):,}", max=f"{MAX_SERIES:,}")
    notes = []
    column = time_column(df, target)
    if column is None:
        time = pd.Series(np.arange(len(df), dtype=float))
        notes.append({"note": "series_row_order"})
    else:
        time = _as_time(df[column]).reset_index(drop=True)
        value = value.reset_index(drop=True)
        keep = time.notna().to_numpy()
        if not keep.all():
            notes.append({"note": "dropped_rows_missing_time", "column": column, "count": int((~keep).sum())})
            time, value = time[keep].reset_index(drop=True), value[keep].reset_index(drop=True)
        order = np.argsort(time.to_numpy(), kind="stable")
        time, value = time.iloc[order].reset_index(drop=True), value.iloc[order].reset_index(drop=True)
        notes.append({"note": "series_time_column", "column": column})
    value = value.reset_index(drop=True)
    period = season(time)
    if pd.api.types.is_datetime64_any_dtype(time):   # decimal years, as the embedded series' times
        start = pd.to_datetime(time.dt.year.astype(str) + "-01-01")
        length = pd.to_datetime((time.dt.year + 1).astype(str) + "-01-01") - start
        time = time.dt.year + (time - start) / length
    gaps = int(value.isna().sum())
    if gaps:
        value = value.interpolate(limit_direction="both")
        notes.append({"note": "series_filled", "column": target, "count": gaps})
    X = pd.DataFrame({"time": time.to_numpy(), "value": value.to_numpy(float)})
    return Dataset(name, "regression", X, X["value"].to_numpy(float), target, source=UPLOADED, notes=notes,
                   period=period)


def text_column(df: pd.DataFrame, target: str) -> str:
    """The column of sentences: the text column with the most words per row."""
    words = {c: df[c].dropna().astype(str).str.split().str.len().mean() for c in df.columns
             if c != target and not pd.api.types.is_numeric_dtype(df[c]) and df[c].notna().any()}
    if not words:
        raise DataError("err.no_text_column", "read_as", target=target)
    return max(words, key=words.get)


def text_frame(df: pd.DataFrame, target: str, name: str) -> Dataset:
    """One sentence per row (the text column), its class the target."""
    column = text_column(df, target)
    rows = df[df[target].notna()]
    notes = [{"note": "text_column", "column": column}]
    if len(rows) < len(df):
        notes.append({"note": "dropped_rows_missing_target", "count": len(df) - len(rows)})
    y, names = encode_classes(rows[target])
    if len(names) < 2:
        raise DataError("err.single_class", "target", target=target)
    if len(names) > 50:
        raise DataError("err.text_needs_classes", "target", target=target, n=len(names))
    X = pd.DataFrame({"text": rows[column].fillna("").astype(str).to_numpy()})
    return classification_dataset(name, X, y, target, UPLOADED, class_names=names, notes=notes)


def read_sequence(df: pd.DataFrame, target: str, read_as: str, name: str) -> Dataset:
    """A user's table as a series or as sentences (the `read_as` of its config)."""
    if df is None or df.shape[0] == 0 or (read_as == "text" and df.shape[1] < 2):
        raise DataError("err.table_shape", "target")
    target = (target or "").strip() or str(df.columns[-1])
    if target not in df.columns:
        raise DataError("err.target_missing", "target", target=target, columns=", ".join(map(str, df.columns)))
    if len(df) < 10:
        raise DataError("err.few_rows", "target", rows=len(df))
    return series_frame(df, target, name) if read_as == "series" else text_frame(df, target, name)


def read_sequence_csv(source, target: str | None, read_as: str) -> Dataset:
    """A file (path) read as a series or as sentences (config read_as)."""
    return read_sequence(read_table(source, Path(source).name), target, read_as, Path(source).name)
