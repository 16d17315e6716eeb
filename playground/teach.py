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

from .data import load_dataset, prepare
from .digit_model import DigitModel, copy_model
from .model import loss_function
from .sketch import SHAPES

# raw units per image shape, as the datasets store them (mnist 0-255, digits 0-16)
PIXEL_MAX = {(28, 28): 255.0, (8, 8): 16.0}
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


def fine_tune(dm: DigitModel, coll: Collection, epochs: int = 8, lr: float = 3e-3, seed: int = 0,
              mix: int = 20, batch_size: int = 64, progress=None) -> TuneResult:
    """A copy of `dm` trained a few epochs on the sketches (repeated so they are ~1/4 of
    each epoch) plus `mix` training digits per sketch (at least MIN_MIX). Deterministic for a seed.
    `progress(fraction)` after each epoch."""
    X_s, y_s = coll.tensors(dm.image_shape)
    if len(y_s) == 0:
        raise ValueError("nothing to fine-tune on")
    (X_tr, y_tr), (X_te, y_te) = reference_rows(dm)
    g = torch.Generator().manual_seed(seed)
    m = min(len(y_tr), max(MIN_MIX, mix * len(y_s)))
    pick = torch.randperm(len(y_tr), generator=g)[:m]
    reps = max(1, round(m / (SKETCH_SHARE_DIV * len(y_s))))
    X = torch.cat([X_tr[pick], X_s.repeat(reps, 1)])             # (m + reps*n, h*w)
    y = torch.cat([y_tr[pick], y_s.repeat(reps)])

    n_out = len(dm.class_names)
    net = copy_model(dm.model, dm.cfg, dm.n_features, n_out, dm.image_shape)
    before = accuracy(net, X_s, y_s), accuracy(net, X_te, y_te)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = loss_function("multiclass")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for epoch in range(epochs):
            net.train()
            perm = torch.randperm(len(y), generator=g)
            for i in range(0, len(y), batch_size):
                idx = perm[i:i + batch_size]
                if len(idx) < 2 and dm.cfg.batch_norm:    # BatchNorm cannot train on a single row
                    continue
                loss = loss_fn(net(X[idx]), y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            if progress:
                progress((epoch + 1) / epochs)
    finally:
        torch.set_num_threads(threads)
    net.eval()
    after = accuracy(net, X_s, y_s), accuracy(net, X_te, y_te)
    tuned = replace(dm, model=net, tuned=len(y_s), test_accuracy=after[1])
    return TuneResult(tuned, before[0], after[0], before[1], after[1])
