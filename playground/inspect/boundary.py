"""A 2-D model over its input plane: the decision boundary / regression surface, and\neach neuron's output drawn over the plane (TensorFlow Playground's thumbnails)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from ..data import paint
from ..data.registry import is_painted
from ..nn.model import predict_output
from .capture import capture, finite

MAX_THUMB_NODES = 12     # neurons per layer drawn over the input plane
THUMB_RES = 24           # thumbnail resolution (TF Playground's are about this size)


def plane_grid(prepared, resolution: int = 60, margin: float = 0.5):
    """Grid over the raw (x1, x2) range of the whole dataset (a painted set: the whole plane
    it was painted on, not only where its points are); returns xs, ys, (res*res, 2) raw points."""
    X = np.asarray(prepared.dataset.X, float)
    lo, hi = X.min(0) - margin, X.max(0) + margin
    if is_painted(prepared.dataset.name):
        lo, hi = np.minimum(lo, -paint.LIMIT), np.maximum(hi, paint.LIMIT)
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)          # rows follow y, columns follow x (heatmap layout)
    return xs, ys, np.c_[gx.ravel(), gy.ravel()]


def grid_inputs(prepared, points: np.ndarray) -> torch.Tensor:
    df = pd.DataFrame(points, columns=prepared.dataset.X.columns)
    return prepared.transform(df)


def surface(model, prepared, resolution: int = 60) -> dict:
    """Model output on the grid: class-1 probability (binary) or prediction (regression).
    Returns {'x': xs, 'y': ys, 'z': (res, res) array}."""
    xs, ys, pts = plane_grid(prepared, resolution)
    out = predict_output(model, grid_inputs(prepared, pts), prepared.task, prepared.y_mean, prepared.y_std)
    if prepared.task == "multiclass":
        out = out.argmax(1)
    return {"x": xs, "y": ys, "z": np.asarray(out).reshape(len(ys), len(xs))}


def is_plane_dataset(prepared) -> bool:
    return prepared.dataset.image_shape is None and list(prepared.dataset.X.columns) == ["x1", "x2"]


def neuron_surfaces(model, prepared, resolution: int = THUMB_RES, k: int = MAX_THUMB_NODES) -> dict:
    """Each neuron's output over the (x1, x2) plane, TensorFlow Playground style.
    Returns {'x', 'y', 'rows': [(layer, (k, res, res) array, units)], 'input_names'}, with
    one map per input feature first (as the network sees them, scaled; their names, e.g.
    x1, x2 or x1sq, sinx1, in 'input_names') and the output (probability / prediction) last."""
    xs, ys, pts = plane_grid(prepared, resolution)
    Xg = grid_inputs(prepared, pts)                                 # (res*res, n_features)
    shape = (len(ys), len(xs))
    n_in = Xg.shape[1]
    rows = [("input", Xg.numpy().T.reshape(n_in, *shape), n_in)]
    for name, a in capture(model, Xg).items():
        rows.append((name, finite(a[:, :k]).T.reshape(-1, *shape), a.shape[1]))
    out = predict_output(model, Xg, prepared.task, prepared.y_mean, prepared.y_std)
    if prepared.task == "multiclass":
        out = out.argmax(1)
    rows.append(("output", finite(np.asarray(out, float)).reshape(1, *shape), 1))
    return {"x": xs, "y": ys, "rows": rows, "input_names": list(prepared.feature_names)}
