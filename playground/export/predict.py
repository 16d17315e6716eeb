"""`python -m playground predict --model M.pt --csv rows.csv [--out preds.csv]`: a saved
model scores raw rows as they come (missing values, text columns) through its own
preprocessing, and writes the rows plus `prediction` and, for classification, one
`p_<class>` probability column per class.

The table is checked against the model first: a file with no columns or no rows, a
model column that is missing, or pixel columns of another image size is one line that
says what is missing or extra; columns the model does not use (an id, the target) are
kept in the output and named on stderr."""
from __future__ import annotations

import sys

import pandas as pd

from ..data.reader import read_table
from ..errors import ConfigError, DataError
from ..i18n import t
from ..nn.checkpoint import SavedModel, few


def read_rows(saved: SavedModel, csv_path) -> pd.DataFrame:
    """The CSV's rows; DataError for an empty file or a header without rows (no target is
    needed here: the model predicts it)."""
    needed = few(saved._encoder().columns)
    try:
        df = read_table(csv_path)
    except DataError as e:
        if e.key == "err.table_shape":          # pandas read nothing at all
            raise DataError("err.predict_empty", "csv", path=str(csv_path), needed=needed) from e
        raise
    if len(df) == 0:
        raise DataError("err.predict_no_rows", "csv", path=str(csv_path), needed=needed)
    return df


def unused_columns(saved: SavedModel, df: pd.DataFrame) -> list[str]:
    """The table's columns the model does not read (pixel tables read by position: none)."""
    enc = saved._encoder()
    cols = set(enc.columns)
    if enc.record["kind"] == "image" and not cols & set(df.columns):
        return []
    return [str(c) for c in df.columns if c not in cols]


def predict_csv(model_path, csv_path):
    """The rows of a CSV with the saved model's predictions (a DataFrame)."""
    saved = SavedModel.load(model_path)
    return saved.predict(read_rows(saved, csv_path))


def run_predict(model_path: str, csv_path: str, out_path: str | None = None) -> int:
    import torch
    torch.set_num_threads(1)   # as the app predicts: the same numbers
    saved = SavedModel.load(model_path)
    rows = read_rows(saved, csv_path)
    result = saved.predict(rows)
    if unused := unused_columns(saved, rows):
        print(t("predict.unused_columns", columns=few(unused)), file=sys.stderr)
    if out_path is None:
        result.to_csv(sys.stdout, index=False)
        return 0
    try:
        result.to_csv(out_path, index=False)
    except OSError as e:
        raise ConfigError("err.write_path", "out", flag="out", path=out_path, why=type(e).__name__) from e
    print(f"{len(result)} rows -> {out_path}", file=sys.stderr)
    return 0
