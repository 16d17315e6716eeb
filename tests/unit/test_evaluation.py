"""evaluation.py: every number equals sklearn's on fixed predictions; the threshold moves
the confusion counts as expected; predictions equal a manual forward pass; baselines are
fitted on the run's own split and are reproducible with a seed."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression
from unit_helpers import prepared_for

from playground.analysis import baselines, evaluation
from playground.nn.model import build_model

RNG = np.random.default_rng(7)
Y_BIN = RNG.integers(0, 2, 200)
P_BIN = np.clip(0.35 * Y_BIN + RNG.uniform(0, 0.65, 200), 0, 1)    # informative, imperfect
Y_MC = RNG.integers(0, 4, 300)
_logits = RNG.normal(size=(300, 4)) + 1.5 * np.eye(4)[Y_MC]
P_MC = np.exp(_logits) / np.exp(_logits).sum(1, keepdims=True)


def preds(task, y, out, names=None):
    return evaluation.Predictions(task, "test", np.asarray(y), np.asarray(out), np.arange(len(y)), names)


# --- binary -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("thr", [0.05, 0.3, 0.5, 0.72, 0.99])
def test_threshold_metrics_equal_sklearn(thr):
    m = evaluation.at_threshold(Y_BIN, P_BIN, thr)
    y_pred = (P_BIN >= thr).astype(int)
    cm = skm.confusion_matrix(Y_BIN, y_pred, labels=[0, 1])
    assert m["confusion_matrix"] == cm.tolist()
    assert (m["tn"], m["fp"], m["fn"], m["tp"]) == tuple(cm.ravel())
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(Y_BIN, y_pred))
    assert m["precision"] == pytest.approx(skm.precision_score(Y_BIN, y_pred, zero_division=0))
    assert m["recall"] == pytest.approx(skm.recall_score(Y_BIN, y_pred))
    assert m["f1"] == pytest.approx(skm.f1_score(Y_BIN, y_pred, zero_division=0))


def test_threshold_changes_give_expected_counts():
    y = [0, 0, 1, 1, 1]
    p = [0.1, 0.6, 0.4, 0.7, 0.9]
    counts = lambda t: {k: evaluation.at_threshold(y, p, t)[k] for k in ("tn", "fp", "fn", "tp")}
    assert counts(0.5) == {"tn": 1, "fp": 1, "fn": 1, "tp": 2}
    assert counts(0.65) == {"tn": 2, "fp": 0, "fn": 1, "tp": 2}
    assert counts(0.05) == {"tn": 0, "fp": 2, "fn": 0, "tp": 3}      # everything positive
    assert counts(0.95) == {"tn": 2, "fp": 0, "fn": 3, "tp": 0}      # nothing positive
    assert counts(0.4) == {"tn": 1, "fp": 1, "fn": 0, "tp": 3}       # >= : a tie counts as positive
    hi = evaluation.at_threshold(y, p, 0.95)
    assert hi["precision"] == 0 and hi["recall"] == 0 and hi["fpr"] == 0


def test_operating_point_lies_on_sklearns_roc_curve():
    fpr, tpr, thr = skm.roc_curve(Y_BIN, P_BIN)
    for i in (3, len(thr) // 2, len(thr) - 2):
        m = evaluation.at_threshold(Y_BIN, P_BIN, thr[i])
        assert (m["fpr"], m["tpr"]) == pytest.approx((fpr[i], tpr[i]))
    prec, rec, pthr = skm.precision_recall_curve(Y_BIN, P_BIN)
    i = len(pthr) // 2
    m = evaluation.at_threshold(Y_BIN, P_BIN, pthr[i])
    assert (m["recall"], m["precision"]) == pytest.approx((rec[i], prec[i]))


def test_binary_curves_and_summary_equal_sklearn():
    p = preds("binary", Y_BIN, P_BIN, ["no", "yes"])
    c = evaluation.curves(p)
    fpr, tpr, thr = skm.roc_curve(Y_BIN, P_BIN)
    (roc,) = c["roc"]
    np.testing.assert_allclose(roc["fpr"], fpr)
    np.testing.assert_allclose(roc["tpr"], tpr)
    assert roc["auc"] == pytest.approx(skm.roc_auc_score(Y_BIN, P_BIN))
    prec, rec, _ = skm.precision_recall_curve(Y_BIN, P_BIN)
    np.testing.assert_allclose(c["pr"]["precision"], prec)
    np.testing.assert_allclose(c["pr"]["recall"], rec)
    assert c["pr"]["average_precision"] == pytest.approx(skm.average_precision_score(Y_BIN, P_BIN))
    s = evaluation.summary(p, 0.6)
    y_pred = (P_BIN >= 0.6).astype(int)
    assert s["f1"] == pytest.approx(skm.f1_score(Y_BIN, y_pred))
    assert s["roc_auc"] == pytest.approx(skm.roc_auc_score(Y_BIN, P_BIN))
    rows = {r["label"]: r for r in evaluation.report_rows(s["report"])}
    ref = skm.classification_report(Y_BIN, y_pred, target_names=["no", "yes"], output_dict=True)
    assert set(rows) == {"no", "yes", "macro avg", "weighted avg"}
    for name in rows:
        assert rows[name]["f1"] == pytest.approx(ref[name]["f1-score"])
        assert rows[name]["support"] == ref[name]["support"]


# --- multi-class -----------------------------------------------------------------------------------------

def test_multiclass_summary_and_ovr_curves_equal_sklearn():
    p = preds("multiclass", Y_MC, P_MC, list("abcd"))
    s = evaluation.summary(p)
    y_pred = P_MC.argmax(1)
    assert s["accuracy"] == pytest.approx(skm.accuracy_score(Y_MC, y_pred))
    assert s["f1"] == pytest.approx(skm.f1_score(Y_MC, y_pred, average="macro"))
    assert s["precision"] == pytest.approx(skm.precision_score(Y_MC, y_pred, average="macro"))
    assert s["confusion_matrix"] == skm.confusion_matrix(Y_MC, y_pred).tolist()
    assert s["roc_auc"] == pytest.approx(skm.roc_auc_score(Y_MC, P_MC, multi_class="ovr"))
    curves = evaluation.curves(p)["roc"]
    assert [c["class"] for c in curves] == [0, 1, 2, 3]
    for c in curves:
        k = c["class"]
        fpr, tpr, _ = skm.roc_curve(Y_MC == k, P_MC[:, k])
        np.testing.assert_allclose(c["fpr"], fpr)
        np.testing.assert_allclose(c["tpr"], tpr)
        assert c["auc"] == pytest.approx(skm.roc_auc_score(Y_MC == k, P_MC[:, k]))


def test_cell_rows_select_one_cell_most_confident_first():
    p = preds("multiclass", Y_MC, P_MC, list("abcd"))
    y_pred = P_MC.argmax(1)
    wrong = np.flatnonzero(y_pred != Y_MC)
    rows = evaluation.cell_rows(p, limit=1000)
    assert sorted(r["row"] for r in rows) == sorted(wrong.tolist())
    probs = [r["prob"] for r in rows]
    assert probs == sorted(probs, reverse=True)
    assert all(r["prob"] == pytest.approx(P_MC[r["row"]].max()) for r in rows)
    cell = evaluation.cell_rows(p, 1, 2, limit=1000)
    assert sorted(r["row"] for r in cell) == np.flatnonzero((Y_MC == 1) & (y_pred == 2)).tolist()
    assert all((r["true"], r["pred"]) == (1, 2) for r in cell)
    assert len(evaluation.cell_rows(p, limit=3)) == 3
    # binary: the probability shown is that of the predicted class
    b = preds("binary", [0, 1, 1], [0.8, 0.3, 0.9])
    assert [(r["row"], round(r["prob"], 2)) for r in evaluation.cell_rows(b, threshold=0.5)] == [(0, 0.8), (1, 0.7)]
    assert evaluation.cell_rows(b, threshold=0.85) == [{"row": 2 - 1, "true": 1, "pred": 0, "prob": pytest.approx(0.7)}]


# --- regression --------------------------------------------------------------------------------------------

def test_regression_view_equals_sklearn():
    y = RNG.normal(20, 5, 80)
    yhat = y + RNG.normal(0, 2, 80)
    v = evaluation.regression_view(preds("regression", y, yhat))
    np.testing.assert_allclose(v["residual"], y - yhat)
    assert v["r2"] == pytest.approx(skm.r2_score(y, yhat))
    assert v["mae"] == pytest.approx(skm.mean_absolute_error(y, yhat))
    assert v["mse"] == pytest.approx(skm.mean_squared_error(y, yhat))
    assert v["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, yhat)))


# --- predictions from a model ------------------------------------------------------------------------------

@pytest.mark.parametrize("dataset", ["iris", "circle", "auto-mpg"])
def test_predictions_equal_a_manual_forward_pass(dataset):
    cfg, prep = prepared_for(dataset=dataset, hidden=(5,))
    model = build_model(cfg, prep.n_features, prep.n_outputs, prep.image_shape).eval()
    p = evaluation.predictions(model, prep, "test")
    with torch.no_grad():
        out = model(prep.test.X)
    if prep.task == "multiclass":
        expected = torch.softmax(out, 1).numpy()
    elif prep.task == "binary":
        expected = torch.sigmoid(out[:, 0]).numpy()
    else:
        expected = (out[:, 0] * prep.y_std + prep.y_mean).numpy()
    np.testing.assert_allclose(p.output, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(p.index, prep.test.index)
    np.testing.assert_array_equal(p.y_true, prep.dataset.y[prep.test.index])
    assert p.split == "test" and p.n == len(prep.test.y) and p.finite


def test_image_of_is_the_dataset_row_scaled():
    _, prep = prepared_for(dataset="digits")
    row = int(prep.test.index[0])
    img = evaluation.image_of(prep, row)
    assert img.shape == (8, 8) and 0 <= img.min() and img.max() <= 1
    np.testing.assert_allclose(img.ravel(), prep.dataset.X[row] / 16.0)


def test_not_finite_outputs_are_flagged():
    assert not preds("binary", [0, 1], [np.nan, 0.5]).finite


# --- baselines -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dataset, kind", [("titanic", "logistic"), ("auto-mpg", "linear"),
                                           ("digits", "sgd_logistic"), ("iris", "logistic")])
def test_baseline_kind_and_same_split(dataset, kind):
    cfg, prep = prepared_for(dataset=dataset)
    got, est = baselines.fit_baseline(prep, seed=0)
    assert got == kind
    assert est.n_features_in_ == prep.n_features          # the network's preprocessing
    b = baselines.baseline_predictions(est, prep, "test")
    np.testing.assert_array_equal(b.index, prep.test.index)
    X, y = prep.train.X.numpy(), prep.train.y.numpy()
    if kind == "linear":   # the same rows the network trained on give the same model
        ref = LinearRegression().fit(X, y).predict(prep.test.X.numpy())
        np.testing.assert_allclose(b.output, ref, rtol=1e-4)
    elif kind == "logistic":
        ref = LogisticRegression(max_iter=2000, random_state=0).fit(X, y.astype(int)).predict_proba(prep.test.X.numpy())
        np.testing.assert_allclose(b.output, ref[:, 1] if prep.task == "binary" else ref, rtol=1e-6)
    else:
        assert b.output.shape == (len(prep.test.y), 10)
        np.testing.assert_allclose(b.output.sum(1), 1, rtol=1e-6)
    s = evaluation.summary(b)
    if kind == "linear":
        assert s["r2"] == pytest.approx(skm.r2_score(b.y_true, b.output))
    else:
        assert s["accuracy"] == pytest.approx(skm.accuracy_score(b.y_true, b.labels()))


def test_baseline_is_reproducible_with_a_seed():
    _, prep = prepared_for(dataset="digits")
    a = baselines.baseline_predictions(baselines.fit_baseline(prep, seed=3)[1], prep, "val")
    b = baselines.baseline_predictions(baselines.fit_baseline(prep, seed=3)[1], prep, "val")
    c = baselines.baseline_predictions(baselines.fit_baseline(prep, seed=4)[1], prep, "val")
    np.testing.assert_array_equal(a.output, b.output)
    assert evaluation.summary(a) == evaluation.summary(b)
    assert not np.array_equal(a.output, c.output)    # the seed is really used (SGD shuffles)


def test_comparison_rows_name_the_better_model():
    rows = baselines.comparison("regression", {"r2": 0.9, "mae": 2.0, "mse": 5.0, "rmse": 2.2},
                         {"r2": 0.8, "mae": 1.5, "mse": 5.0, "rmse": 2.5})
    assert [r["metric"] for r in rows] == ["r2", "mae", "mse", "rmse"]
    assert [r["better"] for r in rows] == ["network", "baseline", None, "network"]
    rows = baselines.comparison("binary", {"accuracy": 0.7, "roc_auc": None}, {"accuracy": 0.8, "roc_auc": 0.9})
    assert rows[0]["better"] == "baseline" and rows[-1]["better"] is None
    assert [r["metric"] for r in rows] == ["accuracy", "precision", "recall", "f1", "roc_auc"]
