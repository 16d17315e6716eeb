"""Where each kind of data, and some datasets, start from: values of config fields over
their defaults (config.defaults_for applies them; the sidebar moves its controls to them
when the kind of data changes)."""
from __future__ import annotations

from typing import Any

from . import paint
from .registry import DataKind

# Each kind of data starts from its own defaults (the field defaults above are the toy
# sets': TensorFlow Playground's small tanh net and learning rate, fun to watch; batch 32,
# not its 10: a class of 30 shares two cores, and 32 trains the toy sets as well in 1/3
# of the steps, measured). Tables get a wider net with
# L2, early stopping and the best epoch's weights; images the small CNN. Measured against
# logistic / linear regression on the same split: the README's defaults table.
KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    DataKind.TOY: {},
    DataKind.TABULAR: dict(hidden=(64, 32), activation="relu", lr=0.003, batch_size=32, epochs=300, weight_decay=0.03,
                    patience=10),
    DataKind.IMAGE: dict(model="cnn", hidden=(64,), activation="relu", lr=0.003, batch_size=32, epochs=30, patience=5),
    # 70,000 downloaded images: two CNN epochs already read ~98% and fit the time budget
    DataKind.REMOTE_IMAGE: dict(model="cnn", hidden=(64,), activation="relu", lr=0.002, batch_size=64, epochs=2,
                         patience=1),
    # an LSTM of 32 units: learns every generated task at its default length and the monthly series
    DataKind.SEQUENCE: dict(model="lstm", hidden=(32,), lr=0.01, batch_size=32, epochs=60, patience=15),
}


# A dataset's own defaults on top of its kind's: the painted sets start from an example.
DATASET_DEFAULTS: dict[str, dict[str, Any]] = {
    "paint": dict(points=paint.EXAMPLE),
    "paint-regression": dict(points=paint.EXAMPLE_REGRESSION),
    # a few dozen monthly windows: batches of 8 give an epoch more than three steps
    **{name: dict(batch_size=8, epochs=200, patience=40) for name in ("air-passengers", "nottem", "ldeaths")},
    "sunspots": dict(window=24),
    "seq-sine": dict(window=12, n_samples=500, noise=0.05),
    "seq-negation": dict(window=10, n_samples=1000, noise=0.2),
    "seq-memory": dict(window=20, n_samples=1000, noise=0.0, lr=0.003, epochs=60, patience=30),   # lr 0.01: stuck at chance at seeds 1, 2
    "seq-parity": dict(window=8, n_samples=1000, noise=0.0, epochs=100, patience=40),   # a long plateau first
}
