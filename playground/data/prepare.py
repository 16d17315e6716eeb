"""Split a Dataset into train / validation / test with the config's seed and fit the
preprocessing on the training rows only; the result (`Prepared`) carries the fitted
pipeline so a saved model can score raw rows later."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

from ..errors import DataError
from . import few_shot
from .columns import select_columns
from .dataset import Dataset
from .features import DEFAULT_FEATURES, SOURCE, feature_transformer
from .registry import sequence_input
from .sequence_prep import prepare_sequence


@dataclass
class Split:
    X: torch.Tensor        # (n, features) float32; images flat (n, h*w)
    y: torch.Tensor        # (n,) float32 for regression/binary, int64 for multiclass
    index: np.ndarray      # rows of the Dataset, to show originals (images, raw values)


@dataclass
class Prepared:
    dataset: Dataset
    train: Split
    val: Split
    test: Split
    feature_names: list[str]
    pipeline: list[dict]               # column by column: what was done
    transformer: object | None = None  # fitted ColumnTransformer (tabular)
    y_mean: float = 0.0                # regression targets are standardized for training;
    y_std: float = 1.0                 # losses are reported back in the target's units
    stratified: bool = True
    pixel_scale: bool = True           # images: pixels divided by the dataset's pixel_max (config.pixel_scale)

    @property
    def pixel_divisor(self) -> float:
        """What the raw pixels are divided by: the dataset's largest value, or 1 (raw pixels)."""
        return self.dataset.pixel_max if self.pixel_scale else 1.0

    @property
    def task(self) -> str:
        return self.dataset.task

    @property
    def n_features(self) -> int:
        return self.train.X.shape[1]

    @property
    def n_outputs(self) -> int:
        return len(self.dataset.class_names) if self.task == "multiclass" else 1

    @property
    def class_names(self):
        return self.dataset.class_names

    @property
    def image_shape(self):
        return self.dataset.image_shape

    def split(self, name: str) -> Split:
        return {"train": self.train, "val": self.val, "test": self.test}[name]

    def transform(self, X) -> torch.Tensor:
        """Raw rows (DataFrame, or flat pixels) -> model inputs, as for training."""
        if self.dataset.image_shape is not None:
            return torch.as_tensor(np.asarray(X, np.float32) / self.pixel_divisor)
        return torch.as_tensor(np.asarray(self.transformer.transform(X), np.float32))


SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


def split_indices(ds: Dataset, test_split: float, val_split: float, seed: int):
    """Train / validation / test row indices, stratified for classification when every
    class has enough rows (otherwise plain random, reported by the flag)."""
    if n := few_shot.per_class(ds.name):   # only n training images a class, the rest validate
        return few_shot.split(ds.y, test_split, seed, n)
    idx = np.arange(ds.n_rows)
    strat = ds.is_classification and np.bincount(ds.y).min() >= 3
    try:
        rest, test = train_test_split(idx, test_size=test_split, random_state=seed,
                                      stratify=ds.y if strat else None)
        train, val = train_test_split(rest, test_size=val_split, random_state=seed,
                                      stratify=ds.y[rest] if strat else None)
    except ValueError as e:   # a class too small for the split
        raise DataError("err.split_small", "val_split") from e
    return train, val, test, bool(strat)


def _describe_tabular(ct: ColumnTransformer, X_train: pd.DataFrame, num, cat, scaler: str,
                      features: tuple | None = None) -> list[dict]:
    out = []
    for c in X_train.columns:
        missing = int(X_train[c].isna().sum())
        entry = {"column": c, "kind": "numeric" if c in num else "categorical", "missing": missing, "steps": []}
        if c in num:
            imp = ct.named_transformers_["num"].named_steps["impute"]
            if missing:
                entry["steps"].append({"op": "impute", "how": "median",
                                       "value": float(imp.statistics_[num.index(c)]), "count": missing})
            entry["steps"].append({"op": "scale", "how": scaler} if scaler != "none" else {"op": "keep"})
            entry["outputs"] = [f for f in features if SOURCE[f] == c] if features else [c]
        else:
            pipe = ct.named_transformers_["cat"]
            if missing:
                value = pipe.named_steps["impute"].statistics_[cat.index(c)]
                entry["steps"].append({"op": "impute", "how": "most_frequent", "value": str(value), "count": missing})
            onehot = pipe.named_steps["onehot"]
            rare = onehot.infrequent_categories_[cat.index(c)]
            rare = set() if rare is None else {str(v) for v in rare}
            cats = [str(v) for v in onehot.categories_[cat.index(c)] if str(v) not in rare]
            entry["steps"].append({"op": "onehot", "categories": cats, "grouped": len(rare)})
            entry["outputs"] = [f"{c}_{v}" for v in cats] + ([f"{c}_infrequent_sklearn"] if rare else [])
        out.append(entry)
    return out


def prepare(ds: Dataset, cfg) -> Prepared:
    """Split with a RunConfig's seed and shares, fit its scaler on the training rows only."""
    if sequence_input(cfg) is not None:   # windows split by time, or token ids
        return prepare_sequence(ds, cfg)
    ds = select_columns(ds, getattr(cfg, "columns", ()))   # the run's input columns (empty: all)
    tr, va, te, strat = split_indices(ds, cfg.test_split, cfg.val_split, cfg.seed)
    return prepare_rows(ds, cfg.scaler, (tr, va, te), strat, features=getattr(cfg, "features", DEFAULT_FEATURES),
                        pixel_scale=getattr(cfg, "pixel_scale", True))


# One-hot columns per text column: its most frequent levels, the rest grouped as one
# (a 9,000-level column once took the server to 3 GB). And a cap on the encoded table.
MAX_CATEGORIES = 50
MAX_CELLS = 30_000_000      # rows x encoded columns: ~120 MB as float32 tensors


def _check_width(X: pd.DataFrame, num: list, cat: list) -> None:
    """Refuse, before allocating, a table whose encoding would not fit a shared server."""
    widths = {c: min(int(X[c].nunique()), MAX_CATEGORIES) for c in cat}
    cells = len(X) * (len(num) + sum(widths.values()))
    if cells > MAX_CELLS:
        widest = max(widths, key=widths.get) if widths else (num[0] if num else "?")
        raise DataError("err.table_too_big", "dataset", rows=f"{len(X):,}", cols=len(num) + sum(widths.values()),
                        column=widest, max=f"{MAX_CELLS:,}")


def _feature_steps(X: pd.DataFrame, features) -> tuple | None:
    """The 2-D sets' input features (x1², sin x1...) as a first numeric step, computed from
    the raw coordinates; None when the inputs stay x1, x2 as they are."""
    if features is None or tuple(features) == DEFAULT_FEATURES:
        return None
    if list(X.columns) != ["x1", "x2"]:
        raise DataError("err.features_not_plane", "features")
    return tuple(features)


def _tabular_transformer(X: pd.DataFrame, scaler: str, features=None) -> tuple[ColumnTransformer, list, list]:
    """The preprocessing recipe: numeric columns imputed (median) and scaled, the rest
    imputed (most frequent) and one-hot encoded (at most MAX_CATEGORIES columns each).
    `features` (2-D sets only) computes x1², x1x2, sin x1... before the scaler."""
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    _check_width(X, num, cat)
    scale = SCALERS[scaler]() if scaler != "none" else "passthrough"
    steps = [("impute", SimpleImputer(strategy="median", keep_empty_features=True)), ("scale", scale)]
    if features:
        steps.insert(0, ("features", feature_transformer(features)))
    ct = ColumnTransformer([
        ("num", Pipeline(steps), num),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent", keep_empty_features=True)),
                          ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=MAX_CATEGORIES,
                                                   sparse_output=False))]), cat),
    ], verbose_feature_names_out=False)
    return ct, num, cat


def prepare_rows(ds: Dataset, scaler: str, rows: tuple, stratified: bool = True,
                 features: tuple | None = None, pixel_scale: bool = True) -> Prepared:
    """Tensors for given (train, val, test) row indices, the preprocessing fitted on the
    training rows only. A normal run and each cross-validation fold come through here.
    `features`: the input features of a 2-D set (config.features; None: its columns).
    `pixel_scale`: images' pixels divided by their largest value (else the raw values)."""
    tr = rows[0]
    dtype = torch.int64 if ds.task == "multiclass" else torch.float32
    y_all = torch.tensor(np.asarray(ds.y), dtype=dtype)
    if ds.image_shape is not None:
        X_all = torch.as_tensor(np.asarray(ds.X, np.float32) / (ds.pixel_max if pixel_scale else 1.0))
        step = {"op": "scale01", "max": ds.pixel_max} if pixel_scale else {"op": "raw_pixels", "max": ds.pixel_max}
        pipeline = [{"column": f"pixels ({ds.X.shape[1]})", "kind": "image", "missing": 0,
                     "steps": [step], "outputs": []}]
        names, ct = ds.feature_names, None
        parts = [X_all[i] for i in rows]
    else:
        features = _feature_steps(ds.X, features)
        ct, num, cat = _tabular_transformer(ds.X, scaler, features)
        X_obj = ds.X.astype({c: object for c in cat})
        ct.fit(X_obj.iloc[tr])
        pipeline = _describe_tabular(ct, X_obj.iloc[tr], num, cat, scaler, features)
        names = [str(n) for n in ct.get_feature_names_out()]
        parts = [torch.as_tensor(np.asarray(ct.transform(X_obj.iloc[i]), np.float32)) for i in rows]
    splits = [Split(x, y_all[i], np.asarray(i)) for x, i in zip(parts, rows)]
    prep = Prepared(ds, *splits, feature_names=names, pipeline=pipeline, transformer=ct, stratified=bool(stratified),
                    pixel_scale=bool(pixel_scale))
    if ds.task == "regression":
        y_tr = splits[0].y
        prep.y_mean = float(y_tr.mean())
        prep.y_std = float(y_tr.std().clamp_min(1e-8)) if len(y_tr) > 1 else 1.0
    return prep
