"""metrics.py: every number equals sklearn's on fixed predictions; thresholds; confusions."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from playground.analysis import metrics


@pytest.fixture
def binary():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    proba = np.clip(y * 0.35 + rng.random(200) * 0.65, 0, 1)     # informative but imperfect
    return y, proba


@pytest.fixture
def multiclass():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 300)
    logits = rng.normal(size=(300, 4)) + 1.5 * np.eye(4)[y]
    proba = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    return y, proba


def test_binary_matches_sklearn(binary):
    y, proba = binary
    m = metrics.classification(y, proba, "binary", ["no", "yes"])
    pred = (proba >= 0.5).astype(int)
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert m["precision"] == pytest.approx(skm.precision_score(y, pred))
    assert m["recall"] == pytest.approx(skm.recall_score(y, pred))
    assert m["f1"] == pytest.approx(skm.f1_score(y, pred))
    assert m["confusion_matrix"] == skm.confusion_matrix(y, pred).tolist()
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba))
    assert set(m["report"]) >= {"no", "yes", "accuracy", "macro avg"}
    assert m["report"]["yes"]["recall"] == pytest.approx(m["recall"])
    assert 0.5 < m["accuracy"] < 1 and 0.5 < m["roc_auc"] < 1       # the fixture is not degenerate


def test_multiclass_matches_sklearn(multiclass):
    y, proba = multiclass
    names = ["a", "b", "c", "d"]
    m = metrics.classification(y, proba, "multiclass", names)
    pred = proba.argmax(1)
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert m["precision"] == pytest.approx(skm.precision_score(y, pred, average="macro"))
    assert m["recall"] == pytest.approx(skm.recall_score(y, pred, average="macro"))
    assert m["f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert m["confusion_matrix"] == skm.confusion_matrix(y, pred).tolist()
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba, multi_class="ovr"))
    assert m["report"]["c"]["support"] == int((y == 2).sum())


def test_multiclass_with_a_class_absent_from_the_labels(multiclass):
    y, proba = multiclass
    keep = y != 3
    y, proba = y[keep], proba[keep]
    m = metrics.classification(y, proba, "multiclass", ["a", "b", "c", "d"])
    assert len(m["confusion_matrix"]) == 4 and m["confusion_matrix"][3] == [0, 0, 0, 0]
    expected = np.mean([skm.roc_auc_score(y == c, proba[:, c]) for c in range(3)])
    assert m["roc_auc"] == pytest.approx(expected)


def test_roc_auc_undefined_for_a_single_class():
    assert metrics.roc_auc(np.ones(5), np.linspace(0, 1, 5), "binary", 2) is None


def test_threshold_moves_the_confusion_counts():
    y = np.array([0, 0, 0, 1, 1, 1])
    proba = np.array([0.1, 0.4, 0.7, 0.3, 0.6, 0.9])
    cm = lambda t: metrics.classification(y, proba, "binary", threshold=t)["confusion_matrix"]
    assert cm(0.5) == [[2, 1], [1, 2]]
    assert cm(0.2) == [[1, 2], [0, 3]]          # lower: more positives, fewer false negatives
    assert cm(0.8) == [[3, 0], [2, 1]]          # higher: fewer false positives
    assert cm(0.95) == [[3, 0], [3, 0]]
    assert cm(0.0) == [[0, 3], [0, 3]]
    assert cm(0.6) == [[2, 1], [1, 2]]          # >= threshold counts as positive
    high = metrics.classification(y, proba, "binary", threshold=0.8)
    assert high["precision"] == 1.0 and high["recall"] == pytest.approx(1 / 3)
    # AUC does not depend on the threshold
    assert high["roc_auc"] == metrics.classification(y, proba, "binary", threshold=0.2)["roc_auc"]


def test_predicted_labels():
    assert metrics.predicted_labels("binary", np.array([0.2, 0.5, 0.8])).tolist() == [0, 1, 1]
    assert metrics.predicted_labels("binary", np.array([0.2, 0.5, 0.8]), 0.6).tolist() == [0, 0, 1]
    assert metrics.predicted_labels("multiclass", np.array([[0.1, 0.9], [0.7, 0.3]])).tolist() == [1, 0]


def test_roc_curves(binary, multiclass):
    y, proba = binary
    [curve] = metrics.roc_curves(y, proba, "binary", 2)
    fpr, tpr, _ = skm.roc_curve(y, proba)
    assert curve["class"] == 1 and curve["fpr"] == fpr.tolist() and curve["tpr"] == tpr.tolist()
    assert curve["auc"] == pytest.approx(skm.roc_auc_score(y, proba))
    y, proba = multiclass
    curves = metrics.roc_curves(y, proba, "multiclass", 4)
    assert [c["class"] for c in curves] == [0, 1, 2, 3]
    for c in curves:
        assert c["auc"] == pytest.approx(skm.roc_auc_score(y == c["class"], proba[:, c["class"]]))
    assert len(metrics.roc_curves(y[y != 2], proba[y != 2], "multiclass", 4)) == 3   # no curve for an absent class


def test_pr_curve(binary):
    y, proba = binary
    pr = metrics.pr_curve(y, proba)
    prec, rec, thr = skm.precision_recall_curve(y, proba)
    assert pr["precision"] == prec.tolist() and pr["recall"] == rec.tolist() and pr["thresholds"] == thr.tolist()
    assert pr["average_precision"] == pytest.approx(skm.average_precision_score(y, proba))


def test_regression_matches_sklearn():
    rng = np.random.default_rng(2)
    y = rng.normal(20, 5, 100)
    pred = y + rng.normal(0, 2, 100)
    m = metrics.regression(y, pred)
    assert m["mae"] == pytest.approx(skm.mean_absolute_error(y, pred))
    assert m["mse"] == pytest.approx(skm.mean_squared_error(y, pred))
    assert m["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, pred)))
    assert m["r2"] == pytest.approx(skm.r2_score(y, pred))
    assert metrics.regression([1.0], [2.0])["r2"] is None
    exact = metrics.regression(y, y)
    assert exact["mae"] == exact["mse"] == 0 and exact["r2"] == 1


def test_evaluate_dispatches_on_the_task(binary):
    y, proba = binary
    assert set(metrics.evaluate("regression", [1.0, 2.0, 3.0], [1.0, 2.5, 2.0])) == {"mae", "mse", "rmse", "r2"}
    cls = metrics.evaluate("binary", y, proba, ["n", "p"], threshold=0.7)
    assert cls == metrics.classification(y, proba, "binary", ["n", "p"], 0.7)


def test_top_confusions():
    cm = [[5, 3, 0],
          [1, 7, 4],
          [0, 9, 2]]
    names = ["cat", "dog", "fox"]
    assert metrics.top_confusions(cm, names) == [
        {"true": "fox", "predicted": "dog", "count": 9},
        {"true": "dog", "predicted": "fox", "count": 4},
        {"true": "cat", "predicted": "dog", "count": 3},
        {"true": "dog", "predicted": "cat", "count": 1},
    ]
    assert metrics.top_confusions(cm, names, n=2) == metrics.top_confusions(cm, names)[:2]
    assert metrics.top_confusions(np.eye(3, dtype=int) * 4, names) == []
