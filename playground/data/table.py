"""A user's own table (the CSV upload): reading it, detecting the task and checking what
the preprocessing pipeline cannot repair; everything dropped is noted for the UI."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .dataset import Dataset, classification_dataset, encode_classes
from .reader import read_table, unique_names

UPLOADED = "uploaded table"   # the Dataset.source of a user's table (the pages tell it from embedded sets)
MAX_CLASSES = 50


def detect_task(y: pd.Series) -> str:
    """Text, bool or few distinct integers -> classification; otherwise regression."""
    y = y.dropna()
    # not is_numeric_dtype: object, category, and pandas 3's default `str` dtype for text
    if y.dtype == bool or not pd.api.types.is_numeric_dtype(y):
        return "classification"
    if pd.api.types.is_integer_dtype(y) or (pd.api.types.is_numeric_dtype(y) and np.all(np.mod(y, 1) == 0)):
        if y.nunique() <= min(10, max(2, len(y) // 5)):
            return "classification"
    return "regression"


MAX_ABS_VALUE = 1e15   # beyond this, scaling (squares) and float32 training overflow to inf/NaN


def _check_magnitude(col: pd.Series, name: str) -> None:
    biggest = float(np.nanmax(np.abs(col.to_numpy(float, na_value=np.nan)))) if col.notna().any() else 0.0
    if biggest > MAX_ABS_VALUE:
        raise DataError("err.values_too_large", "target", column=name, value=f"{biggest:.3g}",
                        limit=f"{MAX_ABS_VALUE:.0e}")


def from_dataframe(df: pd.DataFrame, target: str | None = None, task: str = "auto", name: str = "csv") -> Dataset:
    """A user's table -> Dataset. Rows without a target are dropped, identifier-like text
    columns are dropped; the rest is left to the preprocessing pipeline (imputation,
    one-hot). Everything dropped is recorded in `notes` for the UI."""
    if df is None or df.shape[0] == 0 or df.shape[1] < 2:
        raise DataError("err.table_shape", "target")
    df = df.copy()
    df.columns = unique_names(df.columns)
    target = (target or "").strip() or df.columns[-1]
    if target not in df.columns:
        raise DataError("err.target_missing", "target", target=target, columns=", ".join(df.columns))
    if df[target].isna().all():
        raise DataError("err.target_empty", "target", target=target)
    notes = []
    missing_target = int(df[target].isna().sum())
    if missing_target:
        notes.append({"note": "dropped_rows_missing_target", "count": missing_target})
        df = df[df[target].notna()]
    X, y_raw = df.drop(columns=[target]), df[target]
    for c in list(X.columns):
        col = X[c]
        if pd.api.types.is_float_dtype(col) and np.isinf(col).any():
            # inf breaks every scaler; treat it as a missing value the imputer fills
            notes.append({"note": "infinite_as_missing", "column": c, "count": int(np.isinf(col).sum())})
            col = X[c] = col.replace([np.inf, -np.inf], np.nan)
        if not pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            n_unique = col.nunique()
            if n_unique > 50 and n_unique > 0.5 * len(col):
                notes.append({"note": "dropped_identifier_column", "column": c, "unique": int(n_unique)})
                X = X.drop(columns=[c])
        elif col.isna().all():
            notes.append({"note": "dropped_empty_column", "column": c})
            X = X.drop(columns=[c])
    if X.shape[1] == 0:
        raise DataError("err.no_features", "target")
    for c in X.columns:
        if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c]):
            _check_magnitude(X[c], c)
    if len(y_raw) < 10:
        raise DataError("err.few_rows", "target", rows=len(y_raw))
    if task == "auto":
        task = detect_task(y_raw)
    if task == "regression":
        y = pd.to_numeric(y_raw, errors="coerce")
        if y.isna().any():
            raise DataError("err.not_numeric_target", "task", target=target)
        infinite = np.isinf(y.to_numpy(float))
        if infinite.any():
            notes.append({"note": "dropped_rows_infinite_target", "count": int(infinite.sum())})
            X, y = X[~infinite], y[~infinite]
            if len(y) < 10:
                raise DataError("err.few_rows", "target", rows=len(y))
        _check_magnitude(y, target)
        return Dataset(name, "regression", X.reset_index(drop=True), y.to_numpy(float), target,
                       source=UPLOADED, notes=notes)
    y, names = encode_classes(y_raw)
    if len(names) < 2:
        raise DataError("err.single_class", "target", target=target)
    if len(names) > MAX_CLASSES:
        raise DataError("err.many_classes", "task", target=target, n=len(names), max=MAX_CLASSES)
    ds = classification_dataset(name, X.reset_index(drop=True), y, target, UPLOADED, class_names=names)
    ds.notes = notes
    return ds


def read_csv(source, target: str | None = None, task: str = "auto", name: str | None = None) -> Dataset:
    """Read a CSV or .xlsx (path or file-like) into a Dataset; one DataError for anything unusable."""
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "csv")
    df = read_table(source, name)
    try:
        return from_dataframe(df, target and target.strip(), task, name)
    except DataError:
        raise
    except Exception as e:     # whatever a strange table does to pandas: a message, not a traceback
        raise DataError("err.csv_unreadable", "dataset", why=f"{type(e).__name__}: {str(e)[:160]}") from e
