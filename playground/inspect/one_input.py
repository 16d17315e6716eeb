"""A regression on one number column (config `columns`, e.g. Auto MPG's horsepower): the data
is a scatter of that input against the target, and what the network learned is one curve
through it, its prediction at every value of the input (the course's single-input linear
model, bent by hidden layers)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..nn.model import predict_output

LINE_POINTS = 200     # the curve's resolution: smooth at any panel width
MARGIN = 0.05         # of the input's range, drawn beyond its smallest and largest value


def input_column(prepared) -> str | None:
    """The one numeric input column of a regression table, else None (several inputs, a
    text column, classification, images, sequences)."""
    ds = getattr(prepared, "dataset", None)
    if ds is None or prepared.task != "regression" or ds.image_shape is not None or not isinstance(ds.X, pd.DataFrame):
        return None
    if getattr(prepared, "transformer", None) is None or len(ds.X.columns) != 1:
        return None
    col = ds.X.columns[0]
    numeric = pd.api.types.is_numeric_dtype(ds.X[col]) and not pd.api.types.is_bool_dtype(ds.X[col])
    return str(col) if numeric else None


def points(prepared, split: str) -> tuple[np.ndarray, np.ndarray]:
    """A split's raw (input, target) pairs, rows with a missing input left out (not drawn)."""
    s = prepared.split(split)
    x = prepared.dataset.X.iloc[s.index, 0].to_numpy(float)
    y = np.asarray(prepared.dataset.y, float)[s.index]
    keep = np.isfinite(x)
    return x[keep], y[keep]


def prediction_line(model, prepared, n: int = LINE_POINTS) -> dict:
    """The network's prediction (target units) on a grid over the input's raw range:
    {'x': (n,), 'y': (n,)}; the grid goes through the run's own preprocessing."""
    col = prepared.dataset.X.columns[0]
    raw = prepared.dataset.X[col].to_numpy(float)
    lo, hi = float(np.nanmin(raw)), float(np.nanmax(raw))
    pad = (hi - lo) * MARGIN or 1.0
    xs = np.linspace(lo - pad, hi + pad, n)
    X = prepared.transform(pd.DataFrame({col: xs}))
    ys = predict_output(model, X, "regression", prepared.y_mean, prepared.y_std)
    return {"x": xs, "y": np.asarray(ys, float)}
