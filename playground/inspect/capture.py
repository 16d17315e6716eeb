"""Forward hooks on a network's named blocks, and the fixed sample of rows the
inspection views run on (one forward pass for all layers, ~200 rows: cheap enough to
run between epochs of a live run)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..nn.model import Net

SAMPLE_ROWS = 200        # rows shown in heatmaps / scatters


def probe_layers(model: nn.Module) -> list[str]:
    """Blocks whose output is a learned representation: conv1, conv2, hidden1..N."""
    return Net.hidden_names.fget(model)


def capture(model: nn.Module, X: torch.Tensor, layers: list[str] | None = None) -> dict[str, np.ndarray]:
    """Outputs of the named blocks for inputs X, in eval mode without gradients.
    MLP blocks give (n, units); conv blocks (n, channels, h, w). 'output' gives the logits."""
    layers = probe_layers(model) if layers is None else list(layers)
    store: dict[str, torch.Tensor] = {}
    handles = [getattr(model, n).register_forward_hook(lambda m, i, o, n=n: store.__setitem__(n, o.detach()))
               for n in layers]
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(X)
    finally:
        for h in handles:
            h.remove()
        model.train(was)
    return {n: store[n].numpy().copy() for n in layers}


def finite(a) -> np.ndarray:
    """A diverged run has NaN / inf weights and activations; draw them as 0 rather than fail."""
    a = np.asarray(a)
    return a if np.isfinite(a).all() else np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)


def as_matrix(acts: np.ndarray) -> np.ndarray:
    """(n, units) as is; conv maps (n, c, h, w) -> (n, c) by their spatial mean (one value per channel)."""
    return acts.mean(axis=(2, 3)) if acts.ndim == 4 else acts


@dataclass
class Sample:
    X: torch.Tensor          # (n, features) model inputs, sorted by class / target
    y: np.ndarray            # (n,) class index or target value
    rows: np.ndarray         # (n,) row numbers within the split
    groups: list             # [(class index, start, end)] for classification, [] for regression


def sample_rows(prepared, n: int = SAMPLE_ROWS, split: str = "train", seed: int = 0) -> Sample:
    """Up to n rows of a split (seeded), sorted by class (grouped) or by target, so a
    heatmap's rows line up with what the network should tell apart."""
    s = prepared.split(split)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.permutation(len(s.y))[:n])
    y = s.y[rows].numpy()
    order = np.argsort(y, kind="stable")
    rows, y = rows[order], y[order]
    groups = []
    if prepared.task != "regression":
        y = y.astype(int)
        for c in np.unique(y):
            where = np.flatnonzero(y == c)
            groups.append((int(c), int(where[0]), int(where[-1]) + 1))
    return Sample(s.X[rows], y, rows, groups)


def class_examples(sample: Sample, k: int = 10) -> list[int]:
    """Positions in the sample of one row per class (the first), for picking a sample to show."""
    if sample.groups:
        return [start for _, start, _ in sample.groups][:k]
    return list(np.linspace(0, len(sample.y) - 1, min(k, len(sample.y))).astype(int))
