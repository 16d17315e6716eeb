"""`python -m playground predict --model M.pt --csv rows.csv [--out preds.csv]`: a saved
model scores raw rows as they come (missing values, text columns) through its own
preprocessing, and writes the rows plus `prediction` and, for classification, one
`p_<class>` probability column per class."""
from __future__ import annotations

import sys

from ..data.reader import read_table
from ..errors import ConfigError
from ..nn.checkpoint import SavedModel


def predict_csv(model_path, csv_path):
    """The rows of a CSV with the saved model's predictions (a DataFrame)."""
    saved = SavedModel.load(model_path)
    return saved.predict(read_table(csv_path))


def run_predict(model_path: str, csv_path: str, out_path: str | None = None) -> int:
    import torch
    torch.set_num_threads(1)   # as the app predicts: the same numbers
    result = predict_csv(model_path, csv_path)
    if out_path is None:
        result.to_csv(sys.stdout, index=False)
        return 0
    try:
        result.to_csv(out_path, index=False)
    except OSError as e:
        raise ConfigError("err.write_path", "out", flag="out", path=out_path, why=type(e).__name__) from e
    print(f"{len(result)} rows -> {out_path}", file=sys.stderr)
    return 0
