"""Thin wrappers over sklearn.metrics that return plain data (lists, floats)."""
from __future__ import annotations

import numpy as np
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize


def predicted_labels(task: str, output: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Binary: probability of class 1 >= threshold; multi-class: argmax of the softmax."""
    if task == "binary":
        return (np.asarray(output) >= threshold).astype(int)
    return np.asarray(output).argmax(1)


def classification(y_true, output, task: str, class_names=None, threshold: float = 0.5) -> dict:
    """Accuracy, precision, recall, F1 (binary: of class 1; multi-class: macro over the
    classes present in the truth or the predictions, as scikit-learn averages), the
    confusion matrix and the classification report over every class, and ROC AUC."""
    y_true = np.asarray(y_true).astype(int)
    y_pred = predicted_labels(task, output, threshold)
    k = n_classes(y_true, output, task, class_names, y_pred)
    labels = list(range(k))
    avg = "binary" if task == "binary" else "macro"
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, average=avg, zero_division=0)
    names = [str(c) for c in class_names] if class_names and len(class_names) == k else [str(c) for c in labels]
    report = skm.classification_report(y_true, y_pred, labels=labels, target_names=names, output_dict=True,
                                       zero_division=0)
    # the report's averages over the present classes only, like the headline numbers
    for name, average in (("macro avg", "macro"), ("weighted avg", "weighted")):
        ap, ar, af, _ = skm.precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
        report[name].update({"precision": float(ap), "recall": float(ar), "f1-score": float(af)})
    return {
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "precision": float(p), "recall": float(r), "f1": float(f),
        "confusion_matrix": skm.confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "report": report,
        "roc_auc": roc_auc(y_true, output, task, k),
    }


def n_classes(y_true, output, task: str, class_names=None, y_pred=None) -> int:
    """How many classes a result speaks of: the dataset's, or every label seen in the
    truth, the predictions and the output's columns."""
    if task == "binary":
        return 2
    seen = [int(np.max(y_true, initial=0)) + 1, np.asarray(output).shape[1] if np.ndim(output) == 2 else 0]
    if y_pred is not None and len(y_pred):
        seen.append(int(np.max(y_pred)) + 1)
    return max([len(class_names) if class_names else 0, *seen, 2])


def roc_auc(y_true, output, task: str, k: int) -> float | None:
    """AUC (binary) or one-vs-rest macro AUC (multi-class); None when undefined (one class only)."""
    y_true = np.asarray(y_true).astype(int)
    if len(np.unique(y_true)) < 2:
        return None
    if task == "binary":
        return float(skm.roc_auc_score(y_true, output))
    present = np.unique(y_true)
    if len(present) < k:  # sklearn's ovr needs every class in y_true; average over those present
        return float(np.mean([skm.roc_auc_score(y_true == c, np.asarray(output)[:, c]) for c in present]))
    return float(skm.roc_auc_score(y_true, output, multi_class="ovr", labels=list(range(k))))


def roc_curves(y_true, output, task: str, k: int) -> list[dict]:
    """One curve for binary, one-vs-rest per class for multi-class: {class, fpr, tpr, thresholds, auc}."""
    y_true = np.asarray(y_true).astype(int)
    if task == "binary":
        pairs = [(1, y_true, np.asarray(output))]
    else:
        onehot = label_binarize(y_true, classes=list(range(k)))
        pairs = [(c, onehot[:, c], np.asarray(output)[:, c]) for c in range(k)]
    curves = []
    for c, yt, score in pairs:
        if yt.min() == yt.max():
            continue
        fpr, tpr, thr = skm.roc_curve(yt, score)
        curves.append({"class": c, "fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr.tolist(),
                       "auc": float(skm.auc(fpr, tpr))})
    return curves


def pr_curve(y_true, proba) -> dict:
    prec, rec, thr = skm.precision_recall_curve(y_true, proba)
    return {"precision": prec.tolist(), "recall": rec.tolist(), "thresholds": thr.tolist(),
            "average_precision": float(skm.average_precision_score(y_true, proba))}


def regression(y_true, y_pred) -> dict:
    mse = float(skm.mean_squared_error(y_true, y_pred))
    return {"mae": float(skm.mean_absolute_error(y_true, y_pred)), "mse": mse, "rmse": float(np.sqrt(mse)),
            "r2": float(skm.r2_score(y_true, y_pred)) if len(y_true) > 1 else None}


def evaluate(task: str, y_true, output, class_names=None, threshold: float = 0.5) -> dict:
    if task == "regression":
        return regression(y_true, output)
    return classification(y_true, output, task, class_names, threshold)


def top_confusions(cm, class_names, n: int = 5) -> list[dict]:
    """The most frequent off-diagonal cells: {true, predicted, count}."""
    cm = np.asarray(cm)
    cells = [(cm[i, j], i, j) for i in range(len(cm)) for j in range(len(cm)) if i != j and cm[i, j] > 0]
    cells.sort(reverse=True)
    return [{"true": class_names[i], "predicted": class_names[j], "count": int(c)} for c, i, j in cells[:n]]
