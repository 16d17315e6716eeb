"""The input columns a table's run reads (config field `columns`; empty: every column but the
target), as the course's Auto MPG notes predict mpg from horsepower alone before using every
column. Light (no pandas): config validation checks a built-in table's names here without
loading it; a user's CSV is checked once read (select_columns)."""
from __future__ import annotations

import dataclasses

from ..errors import ConfigError
from .registry import is_csv_path

# Each built-in table's input columns in its own order (the target is not one); a new table
# needs its entry: tests/unit/test_columns.py checks them against the registry and the loaded tables.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "auto-mpg": ("cylinders", "displacement", "horsepower", "weight", "acceleration", "year", "origin"),
    "house-prices": ("crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "lstat"),
    "diabetes": ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"),
    "titanic": ("pclass", "sex", "age", "sibsp", "parch"),
    "pima": ("npreg", "glu", "bp", "skin", "bmi", "ped", "age"),
    "breast-cancer": tuple(name.format(part) for name in ("mean {}", "{} error", "worst {}") for part in (
        "radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave points",
        "symmetry", "fractal dimension")),
    "iris": ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"),
    "wine": ("alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
             "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines",
             "proline"),
    "penguins": ("island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"),
}


def parse_columns(text) -> tuple:
    """"horsepower, weight" (or a list) -> ("horsepower", "weight"); a CSV's names keep their case."""
    parts = text if isinstance(text, (list, tuple)) else str(text).split(",")
    return tuple(str(p).strip() for p in parts if str(p).strip())


def applies(cfg) -> bool:
    """Rows of named columns: a built-in table, or a user's CSV read as rows."""
    return cfg.dataset in TABLE_COLUMNS or (is_csv_path(cfg.dataset) and getattr(cfg, "read_as", "rows") == "rows")


def _check_names(columns, valid, dataset: str, target: str | None = None) -> None:
    if not isinstance(columns, tuple) or not all(isinstance(c, str) for c in columns):
        raise ConfigError("err.columns_format", "columns")
    for name in columns:
        if name not in valid:
            key = "err.columns_target" if name == target else "err.columns_unknown"
            raise ConfigError(key, "columns", name=name, dataset=dataset, choices=", ".join(valid))
    if len(set(columns)) != len(columns):
        raise ConfigError("err.columns_twice", "columns", name=next(c for c in columns if columns.count(c) > 1))


def check_option(cfg) -> None:
    """Config validation: refused where a run has no columns to pick (2-D sets, images,
    sequences); a built-in table's names checked now, a CSV's when it is read."""
    if not cfg.columns:
        return
    if not applies(cfg):
        raise ConfigError("err.columns_need_table", "columns", dataset=cfg.dataset)
    if cfg.dataset in TABLE_COLUMNS:
        _check_names(cfg.columns, TABLE_COLUMNS[cfg.dataset], cfg.dataset)
    else:
        _check_names(cfg.columns, tuple(cfg.columns), cfg.dataset)   # the form only: names are known once read


def select_columns(ds, columns):
    """The Dataset with only `columns` as inputs, in the table's order (empty: as it is).
    The names are checked against the table's own: a CSV's are known only now."""
    if not columns:
        return ds
    _check_names(tuple(columns), tuple(ds.feature_names), ds.name, ds.target_name)
    kept = [c for c in ds.feature_names if c in columns]
    return dataclasses.replace(ds, X=ds.X[kept].copy())
