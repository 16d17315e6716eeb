"""Teach it: a session's labelled sketches, as a small dataset to download, and
fine-tuning a digit model on them mixed with a sample of its training data
(mixing keeps it from forgetting the digits it already read well).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import accuracy_score

from ..data.dataset import Dataset
from ..data.loaders import load_dataset
from ..data.prepare import Prepared, Split, prepare
from ..nn.callbacks import Callback
from ..nn.model import copy_model
from ..nn.train import Trainer
from ..runs.task import run_queued
from .digit_model import DigitModel
from .preprocess import PIXEL_MAX, SHAPES

# sketches are repeated to make ~1/4 of a fine-tuning epoch: enough to learn a handwriting
# in a few epochs, little enough to keep the training digits (measured on digits: 8 misread
# sketches all learned, test accuracy unchanged)
SKETCH_SHARE_DIV = 3
# fewer training digits than this and the default model forgets (2 sketches, 256 digits:
# test accuracy 93.1% -> 90.9%; 1,000 digits: 93.4%), measured
MIN_MIX = 1000
EMBEDDED = {(28, 28): "mnist", (8, 8): "digits"}


@dataclass
class Collection:
    """Labelled sketches, each kept in both digit formats so a switch between a
    28x28 and an 8x8 model keeps the collection usable. Images in model units (0-1)."""
    images: dict = field(default_factory=lambda: {s: [] for s in SHAPES})   # shape -> list of (h, w)
    labels: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)

    def add(self, label: int, views: dict) -> None:
        """`views`: image shape -> (h, w) array, one per shape in SHAPES."""
        for s in SHAPES:
            self.images[s].append(np.asarray(views[s], np.float32).reshape(s))
        self.labels.append(int(label))

    def remove_last(self) -> None:
        if self.labels:
            self.labels.pop()
            for s in SHAPES:
                self.images[s].pop()

    def clear(self) -> None:
        self.__init__()

    def counts(self, n_classes: int = 10) -> np.ndarray:
        return np.bincount(np.asarray(self.labels, int), minlength=n_classes)[:n_classes]

    def tensors(self, image_shape) -> tuple[torch.Tensor, torch.Tensor]:
        """(n, h*w) float32 in model units, (n,) int64 labels."""
        s = tuple(image_shape)
        n = int(np.prod(s))
        X = np.stack(self.images[s]).reshape(-1, n) if self.labels else np.zeros((0, n), np.float32)
        return torch.as_tensor(X), torch.as_tensor(np.asarray(self.labels, np.int64))

    def to_csv(self, image_shape, target: str = "digit") -> bytes:
        """A table like the dataset's own: px0..pxN in its raw units (mnist 0-255, digits
        0-16), then the label; it can be uploaded back into the app as a CSV."""
        s = tuple(image_shape)
        X, y = self.tensors(s)
        raw = np.rint(X.numpy() * PIXEL_MAX[s]).astype(int)
        df = pd.DataFrame(raw, columns=[f"px{i}" for i in range(raw.shape[1])])
        df[target] = y.numpy()
        return df.to_csv(index=False).encode()


def reference_rows(dm: DigitModel):
    """(train, test) pairs of (X, y) to mix in and to check against: the model's own data when
    known (this session's run, the default model), else the embedded set of its shape."""
    if dm.train is not None and dm.test is not None:
        return dm.train, dm.test
    name = EMBEDDED[tuple(dm.image_shape)]
    prep = prepare(load_dataset(name), replace(dm.cfg, dataset=name))
    return (prep.train.X, prep.train.y), (prep.test.X, prep.test.y)


@torch.no_grad()
def accuracy(model, X, y) -> float:
    if len(y) == 0:
        return float("nan")
    model.eval()
    return float(accuracy_score(y.numpy(), model(X).argmax(1).numpy()))


@dataclass
class TuneResult:
    model: DigitModel
    sketches_before: float      # accuracy on the collection
    sketches_after: float
    test_before: float          # accuracy on held-out dataset digits
    test_after: float


class _EpochProgress(Callback):
    def __init__(self, report, epochs: int):
        self.report, self.epochs = report, epochs

    def on_epoch_end(self, trainer, epoch, logs):
        self.report(epoch / self.epochs, logs)


def _tuning_data(dm: DigitModel, coll: Collection, mix: int, seed: int) -> Prepared:
    """The sketches (repeated so they are ~1/4 of an epoch) plus `mix` training digits per
    sketch (at least MIN_MIX), to train on; the held-out digits to watch."""
    X_s, y_s = coll.tensors(dm.image_shape)
    X_s = X_s * dm.input_scale                       # in the model's units, as its training digits
    (X_tr, y_tr), (X_te, y_te) = reference_rows(dm)
    g = torch.Generator().manual_seed(seed)
    m = min(len(y_tr), max(MIN_MIX, mix * len(y_s)))
    pick = torch.randperm(len(y_tr), generator=g)[:m]
    reps = max(1, round(m / (SKETCH_SHARE_DIV * len(y_s))))
    X = torch.cat([X_tr[pick], X_s.repeat(reps, 1)])             # (m + reps*n, h*w)
    y = torch.cat([y_tr[pick], y_s.repeat(reps)])
    none = np.zeros(0, int)
    ds = Dataset("sketches", "multiclass", np.zeros((0, dm.n_features), np.float32), none, "digit",
                 list(dm.class_names), image_shape=tuple(dm.image_shape))
    held_out = Split(X_te, y_te, none)
    return Prepared(ds, Split(X, y, none), held_out, held_out, feature_names=[], pipeline=[])


def fine_tune(dm: DigitModel, coll: Collection, epochs: int = 8, lr: float = 3e-3, seed: int = 0,
              mix: int = 20, batch_size: int = 64, progress=None) -> TuneResult:
    """A copy of `dm` trained a few epochs (Adam, through the Trainer, in a queued
    background job) on the sketches mixed with training digits. Deterministic for a seed.
    `progress(fraction, logs, place in line)` while it runs."""
    X_s, y_s = coll.tensors(dm.image_shape)
    X_s = X_s * dm.input_scale
    if len(y_s) == 0:
        raise ValueError("nothing to fine-tune on")
    prep = _tuning_data(dm, coll, mix, seed)
    X_te, y_te = prep.test.X, prep.test.y
    cfg = dm.cfg.replace(optimizer="adam", lr=lr, weight_decay=0.0, epochs=epochs, batch_size=batch_size,
                         shuffle=True, patience=0, seed=seed)
    net = copy_model(dm.model, dm.cfg, dm.n_features, len(dm.class_names), dm.image_shape)
    before = accuracy(net, X_s, y_s), accuracy(net, X_te, y_te)

    def work(report):
        trainer = Trainer(cfg, prep, [_EpochProgress(report, epochs)], model=net)
        trainer.fit()
        return trainer.model.eval()

    net = run_queued("fine-tune", work, progress)
    after = accuracy(net, X_s, y_s), accuracy(net, X_te, y_te)
    tuned = replace(dm, model=net, tuned=len(y_s), test_accuracy=after[1])
    return TuneResult(tuned, before[0], after[0], before[1], after[1])
