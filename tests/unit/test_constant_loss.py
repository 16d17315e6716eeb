"""Trainer.loss_on(constant=True): the loss of the best constant prediction learned from the
training targets (the class prior; the mean for MSE, a median for MAE / Huber), in the
target's units: what a network that learned nothing from the features scores. The
divergence check and the coach compare runs with it. Computed here by hand with numpy."""
from __future__ import annotations

import numpy as np
import pytest
from unit_helpers import prepared_for

from playground.nn.train import Trainer


def _trainer(**values) -> Trainer:
    return Trainer(*prepared_for(**values))


def _y(tr: Trainer, split: str) -> np.ndarray:
    return tr.data.split(split).y.numpy().astype(float)


@pytest.mark.parametrize("split", ["train", "val"])
def test_binary_the_class_priors_cross_entropy(split):
    tr = _trainer(dataset="titanic")            # 38% survived: not balanced, so the prior matters
    p = _y(tr, "train").mean()
    y = _y(tr, split)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert tr.loss_on(split, constant=True) == pytest.approx(expected, rel=1e-5)
    assert tr.loss_on(split, constant=True) < np.log(2)        # better than a coin


def test_multiclass_the_class_priors_cross_entropy():
    tr = _trainer(dataset="wine")
    y_train, y = _y(tr, "train").astype(int), _y(tr, "val").astype(int)
    prior = np.bincount(y_train, minlength=3) / len(y_train)
    assert tr.loss_on("val", constant=True) == pytest.approx(-np.mean(np.log(prior[y])), rel=1e-5)


def test_regression_mse_of_the_mean_in_the_targets_units():
    tr = _trainer(dataset="auto-mpg")
    mean, y = _y(tr, "train").mean(), _y(tr, "val")
    assert tr.loss_on("val", constant=True) == pytest.approx(np.mean((y - mean) ** 2), rel=1e-4)
    # on the training rows that is the (biased) variance of y_train, in mpg²
    assert tr.loss_on("train", constant=True) == pytest.approx(np.var(_y(tr, "train")), rel=1e-4)


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_regression_mae_and_huber_predict_a_median(loss):
    tr = _trainer(dataset="auto-mpg", loss=loss)
    y = _y(tr, "train")
    assert np.sort(y)[len(y) // 2 - 1] == np.sort(y)[len(y) // 2]   # one median (the two middle values agree)
    r = np.abs(y - np.median(y))
    delta = float(np.std(y, ddof=1))  # Huber's delta: one standard deviation
    expected = r.mean() if loss == "mae" else np.mean(np.where(r <= delta, 0.5 * r * r, delta * (r - 0.5 * delta)))
    assert tr.loss_on("train", constant=True) == pytest.approx(expected, rel=1e-5)


def test_the_first_rows_only_and_an_untrained_model():
    tr = _trainer(dataset="titanic")
    p = _y(tr, "train").mean()
    y = _y(tr, "val")[:10]
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert tr.loss_on("val", rows=10, constant=True) == pytest.approx(expected, rel=1e-5)
    assert tr.loss_on("val") != tr.loss_on("val", constant=True)      # the model's own loss is another number
