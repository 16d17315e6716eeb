"""How good is a trained network, and why: predictions on one split, metrics at a
chosen threshold, regression diagnostics and misclassified images (the classical
baseline on the same split is in baselines.py).

Plain data in, plain data out; every number comes from sklearn.metrics (through
playground.analysis.metrics), so the page and the tests read the same values.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn import metrics as skm

from ..data.prepare import Prepared
from ..nn.model import predict_output
from . import metrics


@dataclass(frozen=True)
class Predictions:
    """A model's outputs on one split, next to the truth."""
    task: str                      # regression | binary | multiclass
    split: str                     # val | test
    y_true: np.ndarray             # class indices (int), or target values in the target's units
    output: np.ndarray             # binary: P(class 1), (n,); multiclass: softmax, (n, K); regression: ŷ, (n,)
    index: np.ndarray              # rows of the Dataset, to show the originals
    class_names: list | None = None

    @property
    def n(self) -> int:
        return len(self.y_true)

    @property
    def finite(self) -> bool:
        """False after a diverged run (NaN outputs): sklearn refuses those."""
        return bool(np.isfinite(self.output).all())

    @property
    def k(self) -> int:
        return len(self.class_names) if self.class_names else 2

    def labels(self, threshold: float = 0.5) -> np.ndarray:
        return metrics.predicted_labels(self.task, self.output, threshold)

    def confidence(self, threshold: float = 0.5) -> np.ndarray:
        """The probability the network gave to the class it predicted."""
        if self.task == "binary":
            p = np.asarray(self.output, float)
            return np.where(self.labels(threshold) == 1, p, 1 - p)
        return np.asarray(self.output).max(1)


def from_output(prepared: Prepared, split: str, output) -> Predictions:
    """Wrap outputs already computed for a split (e.g. a job snapshot's val_output)."""
    index = np.asarray(prepared.split(split).index)
    y = prepared.dataset.y[index]   # the raw targets (the split's tensor is float32)
    y = y.astype(int) if prepared.task != "regression" else y.astype(float)
    return Predictions(prepared.task, split, y, np.asarray(output), index, prepared.class_names)


def predictions(model, prepared: Prepared, split: str = "test") -> Predictions:
    """Forward pass (eval mode, no grad) over a split, in the user's terms."""
    s = prepared.split(split)
    out = predict_output(model, s.X, prepared.task, prepared.y_mean, prepared.y_std)
    return from_output(prepared, split, out)


# --- classification ---------------------------------------------------------------------------

def summary(pred: Predictions, threshold: float = 0.5) -> dict:
    """Every metric of the split at this threshold (see metrics.evaluate)."""
    return metrics.evaluate(pred.task, pred.y_true, pred.output, pred.class_names, threshold)


def at_threshold(y_true, proba, threshold: float) -> dict:
    """Binary: what moving the threshold changes — confusion counts, precision, recall,
    F1, and the operating point (FPR, TPR) on the ROC / (recall, precision) on the PR curve."""
    y_true = np.asarray(y_true).astype(int)
    y_pred = (np.asarray(proba) >= threshold).astype(int)
    cm = skm.confusion_matrix(y_true, y_pred, labels=[0, 1])
    tn, fp, fn, tp = (int(v) for v in cm.ravel())
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
    return {"threshold": float(threshold), "confusion_matrix": cm.tolist(), "tn": tn, "fp": fp, "fn": fn, "tp": tp,
            "accuracy": float(skm.accuracy_score(y_true, y_pred)),
            "precision": float(p), "recall": float(r), "f1": float(f),
            "tpr": float(r), "fpr": fp / (fp + tn) if fp + tn else 0.0}


def curves(pred: Predictions) -> dict:
    """Threshold-free curves: ROC (one, or one-vs-rest per class) and, for binary, PR."""
    out = {"roc": metrics.roc_curves(pred.y_true, pred.output, pred.task, pred.k)}
    if pred.task == "binary" and len(np.unique(pred.y_true)) == 2:
        out["pr"] = metrics.pr_curve(pred.y_true, pred.output)
    return out


def report_rows(report: dict) -> list[dict]:
    """sklearn's classification_report(output_dict=True) as table rows; the averages keep
    their sklearn names ('macro avg', 'weighted avg') for the page to translate."""
    rows = []
    for name, v in report.items():
        if isinstance(v, dict):
            rows.append({"label": name, "precision": v["precision"], "recall": v["recall"],
                         "f1": v["f1-score"], "support": int(v["support"])})
    return rows


def cell_rows(pred: Predictions, true_class: int | None = None, pred_class: int | None = None,
              threshold: float = 0.5, limit: int = 24) -> list[dict]:
    """Rows of one confusion-matrix cell (or, with no cell, every mistake), most confident
    first: {'row', 'true', 'pred', 'prob'} with prob the probability of the predicted class."""
    labels, conf = pred.labels(threshold), pred.confidence(threshold)
    if true_class is None and pred_class is None:
        mask = labels != pred.y_true
    else:
        mask = (pred.y_true == true_class) & (labels == pred_class)
    pos = np.flatnonzero(mask)
    pos = pos[np.argsort(-conf[pos], kind="stable")][:limit]
    return [{"row": int(pred.index[i]), "true": int(pred.y_true[i]), "pred": int(labels[i]),
             "prob": float(conf[i])} for i in pos]


def image_of(prepared: Prepared, row: int) -> np.ndarray:
    """A dataset row as an (h, w) image in [0, 1]."""
    h, w = prepared.image_shape
    return np.clip(np.asarray(prepared.dataset.X[row], float).reshape(h, w) / prepared.dataset.pixel_max, 0, 1)


# --- regression -------------------------------------------------------------------------------

def regression_view(pred: Predictions) -> dict:
    """Actual, predicted, residual (actual - predicted) and R², MAE, MSE, RMSE."""
    y, yhat = np.asarray(pred.y_true, float), np.asarray(pred.output, float)
    return {"actual": y, "predicted": yhat, "residual": y - yhat, **metrics.regression(y, yhat)}


def confusion(pred: Predictions, threshold: float = 0.5) -> np.ndarray:
    """The confusion matrix over every class (rows: truth, columns: prediction)."""
    return skm.confusion_matrix(pred.y_true, pred.labels(threshold), labels=list(range(pred.k)))
