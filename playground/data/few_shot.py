"""A few-shot set's split (registry: `train_per_class`): the test rows as for any set, then only
`per_class` training images of each class, a seeded pick; every other row validates (a large
validation set: few images to learn from, many to judge by). The exported scripts copy
keep_per_class's source, so they split the same way."""
from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from .registry import DATASETS


def per_class(name: str) -> int:
    """Training examples per class of a few-shot set; 0 for every other set."""
    info = DATASETS.get(name)
    return info.train_per_class if info is not None else 0


def keep_per_class(rows, y, per_class, seed):
    """(`per_class` rows of each class, the rest): a seeded pick, each part in the rows' order."""
    rng = np.random.RandomState(seed)
    picked = np.concatenate([rng.choice(rows[y[rows] == c], per_class, replace=False) for c in np.unique(y[rows])])
    keep = np.isin(rows, picked)
    return rows[keep], rows[~keep]


def split(y: np.ndarray, test_split: float, seed: int, n_per_class: int):
    """Train / validation / test rows of a few-shot set (stratified), as prepare.split_indices returns them."""
    rest, test = train_test_split(np.arange(len(y)), test_size=test_split, random_state=seed, stratify=y)
    train, val = keep_per_class(rest, y, n_per_class, seed)
    return train, val, test, True
