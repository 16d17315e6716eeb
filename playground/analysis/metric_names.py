"""The metrics the app reports, by task, named once (torch- and sklearn-free: the figures,
the pages, cross-validation, baselines and run records all read these)."""
from __future__ import annotations

CLASSIFICATION = ("accuracy", "precision", "recall", "f1", "roc_auc")
REGRESSION = ("r2", "mae", "mse", "rmse")
BY_GROUP = {"classification": CLASSIFICATION, "regression": REGRESSION}
HIGHER_IS_BETTER = (*CLASSIFICATION, "r2")      # the rest are errors: lower is better
BOUNDED = CLASSIFICATION                          # scores in [0, 1]


def for_task(task: str) -> tuple[str, ...]:
    """regression -> REGRESSION; binary / multiclass -> CLASSIFICATION."""
    return REGRESSION if task == "regression" else CLASSIFICATION
