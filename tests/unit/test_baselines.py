"""analysis.baselines.reference_scores, what the coach compares a run with: the majority
class's share of the validation set, and a classical model's validation loss in the run's
own loss. Recomputed here with sklearn (its models and sklearn.metrics) on the same split."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression
from unit_helpers import prepared_for

from playground.analysis.baselines import reference_scores
from playground.data.prepare import Split


def _xy(prep, split):
    s = prep.split(split)
    return s.X.numpy(), s.y.numpy()


@pytest.mark.parametrize("dataset", ["circle", "iris"])
def test_classification_chance_and_the_logistic_models_log_loss(dataset):
    _, prep = prepared_for(dataset=dataset)
    (X, y), (Xv, yv) = _xy(prep, "train"), _xy(prep, "val")
    model = LogisticRegression(max_iter=2000, random_state=0).fit(X, y.astype(int))
    expected_loss = skm.log_loss(yv.astype(int), model.predict_proba(Xv), labels=model.classes_)
    counts = np.unique(yv, return_counts=True)[1]
    ref = reference_scores(prep, "bce" if prep.task == "binary" else "ce", seed=0)
    assert ref["chance"] == pytest.approx(counts.max() / len(yv))
    assert ref["baseline_loss"] == pytest.approx(expected_loss, rel=1e-6)


def test_circle_is_not_linear_and_iris_is():
    """What the numbers mean: a logistic model is no better than the prior on the circle
    (log 2 = 0.693 for balanced classes), and nearly right on iris."""
    _, circle = prepared_for(dataset="circle")
    _, iris = prepared_for(dataset="iris")
    assert reference_scores(circle, "bce")["baseline_loss"] > 0.6
    assert reference_scores(iris, "ce")["baseline_loss"] < 0.3


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_regression_the_linear_models_loss_in_the_runs_units(loss):
    _, prep = prepared_for(dataset="auto-mpg")
    (X, y), (Xv, yv) = _xy(prep, "train"), _xy(prep, "val")
    pred = LinearRegression().fit(X, y).predict(Xv)
    delta = float(np.std(y, ddof=1))              # the run's Huber delta: one standard deviation of y_train
    expected = {"mse": skm.mean_squared_error(yv, pred), "mae": skm.mean_absolute_error(yv, pred),
                "huber": float(np.mean([0.5 * r * r if r <= delta else delta * (r - 0.5 * delta)
                                        for r in np.abs(yv - pred)]))}[loss]
    ref = reference_scores(prep, loss)
    assert ref["chance"] is None
    assert ref["baseline_loss"] == pytest.approx(expected, rel=1e-4)
    assert prep.y_std == pytest.approx(delta, rel=1e-5)


def test_no_validation_rows_no_reference():
    """No validation rows: nothing to compare with (not an error)."""
    _, prep = prepared_for(dataset="circle")
    v = prep.val
    empty = dataclasses.replace(prep, val=Split(v.X[:0], v.y[:0], v.index[:0]))   # a copy: the cached one stays
    assert reference_scores(empty, "bce") == {"chance": None, "baseline_loss": None}


def test_the_reference_is_fitted_once_per_split(monkeypatch):
    """A class's runs share one Prepared (ui.data): its reference is fitted once, and a changed
    split (another object) gets its own."""
    from playground.analysis import baselines
    fits = []
    real = baselines.fit_baseline
    monkeypatch.setattr(baselines, "fit_baseline", lambda *a, **k: fits.append(1) or real(*a, **k))
    _, prep = prepared_for(dataset="iris")
    first = reference_scores(prep, "ce", seed=3)
    first["chance"] = -1.0                                     # a caller's copy: the kept one stays
    again = reference_scores(prep, "ce", seed=3)
    assert len(fits) == 1 and again["chance"] > 0
    v = prep.val
    fewer = dataclasses.replace(prep, val=Split(v.X[:20], v.y[:20], v.index[:20]))
    assert reference_scores(fewer, "ce", seed=3)["baseline_loss"] != again["baseline_loss"]
    reference_scores(prep, "ce", seed=4)                       # another seed: fitted again
    assert len(fits) == 3
