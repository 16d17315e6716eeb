"""Every embedded dataset's defaults do it justice: they at least match the classical
model on the same split (logistic / linear regression, analysis.baselines), and healthy
runs are never called diverged. The README's defaults table comes from bench/defaults.py."""
from __future__ import annotations

import pytest

from playground.analysis import baselines, evaluation
from playground.config import make_config
from playground.data.registry import DATASETS
from playground.nn.train import train
from playground.status import Status

EMBEDDED = [n for n, d in DATASETS.items() if not d.remote and not d.sequence]   # sequences: test_sequences_models.py
# A regression net may trail the exact model of a linear target (`plane`) by this much R².
R2_SLACK = 0.005


@pytest.mark.parametrize("dataset", EMBEDDED)
def test_the_defaults_match_the_linear_baseline(dataset):
    trainer = train(make_config(dataset=dataset))
    assert trainer.status != Status.DIVERGED
    key = "r2" if trainer.task == "regression" else "accuracy"
    net = evaluation.summary(evaluation.predictions(trainer.model, trainer.data, "test"))[key]
    _, est = baselines.fit_baseline(trainer.data, 0)
    base = evaluation.summary(baselines.baseline_predictions(est, trainer.data, "test"))[key]
    # "match": no worse than one test row (classification) / R2_SLACK (regression) behind
    slack = R2_SLACK if key == "r2" else 1 / len(trainer.data.test.y) + 1e-9
    assert net >= base - slack, (dataset, key, net, base)


HEALTHY = [dict(lr=0.1), dict(optimizer="sgd", lr=0.1), dict(activation="sigmoid", lr=0.03), dict(dropout=0.5)]


@pytest.mark.parametrize("dataset", EMBEDDED)
def test_healthy_runs_are_never_called_diverged(dataset):
    epochs = 2 if dataset in ("mnist", "mnist-5-9-few") else 10   # CNNs: seconds an epoch (the few-shot set's validation)
    for variant in HEALTHY:
        trainer = train(make_config(dataset=dataset, epochs=epochs, **variant))
        assert trainer.status != Status.DIVERGED, (dataset, variant, trainer.history.epochs[-1])
