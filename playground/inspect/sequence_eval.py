"""The network reading a split other than validation (the Evaluate page reads the test set):
a series' one-step and rolled-forward forecasts of its test period, and for chosen test
sentences what inspect/sequence.examples records (the answer after each word, states,
attention). Plain arrays, as in sequence.py."""
from __future__ import annotations

import numpy as np

from ..nn.model import predict_output
from . import sequence


class _AsValidation:
    """`prep` as sequence.examples reads it (always the validation split), with another
    split in the validation split's place: the same recording, not a copy of it."""

    def __init__(self, prep, split: str):
        self._prep, self._split = prep, split

    def __getattr__(self, name):
        return getattr(self._prep, name)

    @property
    def val(self):
        return self._prep.split(self._split)

    def words(self, _split: str, i: int) -> list[str]:
        return self._prep.words(self._split, i)


def _in_eval(model, fn):
    """Dropout off while reading (a model copy may come back in training mode)."""
    was = model.training
    model.eval()
    try:
        return fn()
    finally:
        model.train(was)


def examples(model, prep, rows, split: str = "test") -> dict:
    """sequence.examples for rows (positions in `split`) of that split."""
    rows = [int(r) for r in rows]
    return _in_eval(model, lambda: sequence.examples(model, _AsValidation(prep, split), rows))


def contiguous(prep, split: str = "test") -> bool:
    """True when the split's targets follow each other in time (the time split): only then
    can the network roll forward over it from its first window."""
    idx = np.asarray(prep.split(split).index)
    return bool(len(idx)) and bool(np.all(np.diff(idx) == 1))


def series_forecast(model, prep, split: str = "test") -> dict:
    """The split's targets in time order: the truth, the one-step forecast (each from the true
    window before it, as predict_output) and, on a time split, the forecast rolled forward
    from the split's first window (its own forecasts fed back; None otherwise)."""
    s = prep.split(split)
    idx = np.asarray(s.index)
    one = predict_output(model, s.X, "regression", prep.y_mean, prep.y_std)
    rolled = None
    if contiguous(prep, split):
        rolled = _in_eval(model, lambda: sequence.rolled_forward(model, prep, split)["pred"])
    return {"time": prep.dataset.X["time"].to_numpy(float)[idx],
            "truth": np.asarray(prep.dataset.y, float)[idx],
            "one_step": np.asarray(one, float), "rolled": rolled, "index": idx}
