"""What a dataset is: the raw rows of one table or image set, before any split."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Dataset:
    """Raw data before splitting. For classification `y` holds class indices."""
    name: str
    task: str                       # regression | binary | multiclass
    X: pd.DataFrame | np.ndarray    # ndarray (n, h*w) for images
    y: np.ndarray
    target_name: str
    class_names: list[str] | None = None
    image_shape: tuple[int, int] | None = None
    pixel_max: float = 1.0
    source: str = ""
    notes: list[dict] = field(default_factory=list)  # dropped rows / columns, for the UI
    period: int = 0                 # a user's series: steps per season (sequence_table.season)

    @property
    def n_rows(self) -> int:
        return len(self.y)

    @property
    def feature_names(self) -> list[str]:
        if isinstance(self.X, pd.DataFrame):
            return list(self.X.columns)
        return [f"px{i}" for i in range(self.X.shape[1])]

    @property
    def is_classification(self) -> bool:
        return self.task != "regression"


def encode_classes(y_raw) -> tuple[np.ndarray, list[str]]:
    names, y = np.unique(np.asarray(y_raw).astype(str), return_inverse=True)
    return y.astype(np.int64), [str(n) for n in names]


def classification_dataset(name, X, y_raw, target, source, class_names=None, **kw) -> Dataset:
    """A classification Dataset; labels are encoded unless `class_names` says they already are."""
    if class_names is None:
        y, class_names = encode_classes(y_raw)
    else:
        y = np.asarray(y_raw, dtype=np.int64)
    task = "binary" if len(class_names) == 2 else "multiclass"
    return Dataset(name, task, X, y, target, list(class_names), source=source, **kw)
