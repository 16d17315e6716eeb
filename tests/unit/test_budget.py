"""A run's cost, estimated before it starts and enforced while it runs (runs/budget.py,
TrainingJob.time_limit), and points inside long epochs."""
from __future__ import annotations

import pytest
from unit_helpers import prepared_for, wait_for

from playground.config import make_config
from playground.data.registry import DATASETS
from playground.errors import ConfigError
from playground.runs import budget, publish
from playground.runs.scheduler import Scheduler
from playground.runs.training import TrainingJob
from playground.status import Status

RUNAWAY = dict(dataset="mnist", model="mlp", hidden="4096,4096,4096", epochs=2000, batch_size=1)


def test_the_runaway_link_is_refused_with_what_to_change():
    cfg, prep = prepared_for(**RUNAWAY)
    with pytest.raises(ConfigError) as e:
        budget.check(cfg, prep, budget.Limits(run_seconds=900, step_seconds=2))
    assert e.value.key == "err.budget_epoch"          # even one epoch (3,200 steps of 0.3 s) is too long
    assert "larger batch" in str(e.value) and "배치" in e.value.text("ko")
    est = budget.estimate(cfg, len(prep.train.y), prep.n_features, prep.n_outputs)
    assert est.params == 36_818_954 and 0.2 < est.step_seconds < 0.5 and est.run_seconds > 86400


def test_fewer_epochs_is_the_advice_when_an_epoch_fits():
    cfg, prep = prepared_for(**{**RUNAWAY, "batch_size": 64, "epochs": 100})
    with pytest.raises(ConfigError) as e:
        budget.check(cfg, prep, budget.Limits(run_seconds=900, step_seconds=2))
    assert e.value.key == "err.budget_run" and e.value.field == "epochs"
    allowed = e.value.params["epochs"]
    assert 10 <= allowed <= 30
    ok, prep = prepared_for(**{**RUNAWAY, "batch_size": 64, "epochs": allowed})
    budget.check(ok, prep, budget.Limits(run_seconds=900, step_seconds=2))   # the advice works


def test_a_huge_step_is_refused():
    cfg, prep = prepared_for(**{**RUNAWAY, "batch_size": 1024, "epochs": 1})
    with pytest.raises(ConfigError) as e:
        budget.check(cfg, prep, budget.Limits(run_seconds=1e9, step_seconds=2))
    assert e.value.key == "err.budget_step"


@pytest.mark.parametrize("dataset", [n for n, d in DATASETS.items() if not d.remote])
def test_every_datasets_defaults_fit_the_default_budget(dataset):
    cfg, prep = prepared_for(dataset=dataset)
    est = budget.check(cfg, prep, budget.Limits())
    assert est.run_seconds < 120


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_RUN_SECONDS", "60")
    monkeypatch.setenv("PLAYGROUND_MAX_STEP_SECONDS", "0.5")
    assert budget.Limits.from_env() == budget.Limits(60.0, 0.5)


def test_a_run_over_its_time_limit_is_stopped_and_says_why():
    cfg, prep = prepared_for(dataset="xor", n_samples=200, epochs=2000)
    job = TrainingJob(cfg, prep, scheduler=Scheduler(1), time_limit=0.3).start()
    job.join(30)
    s = job.snapshot()
    assert s.status == Status.STOPPED and s.stop_reason == "budget" and 0 < s.epoch < 2000


def test_a_long_epoch_reports_its_loss_so_far(monkeypatch):
    monkeypatch.setattr(publish, "PARTIAL_EVERY_S", 0.0)       # every batch counts as "long ago"
    cfg = make_config(dataset="mnist", model="mlp", hidden="64", batch_size=8, epochs=2000, patience=0)
    job = TrainingJob(cfg, prepared_for(**{k: getattr(cfg, k) for k in ("dataset", "model", "hidden", "batch_size",
                                                                        "epochs", "patience")})[1],
                      scheduler=Scheduler(1)).start()
    try:
        s = wait_for(lambda: (x := job.snapshot()).partial and x)
        x, loss = s.partial
        assert s.epoch <= x < s.epoch + 1 and 0 < loss < 5
    finally:
        job.stop()
        job.join(10)
    assert job.snapshot().partial is None                       # an ended run shows its epochs only


def test_a_cross_validation_counts_every_fold():
    cfg, prep = prepared_for(**{**RUNAWAY, "batch_size": 64, "epochs": 10})
    limits = budget.Limits(run_seconds=900, step_seconds=2)
    one = budget.check(cfg, prep, limits)
    assert one.run_seconds < 900
    with pytest.raises(ConfigError) as e:
        budget.check(cfg, prep, limits, trainings=10)          # ten folds of the same run
    assert e.value.key in ("err.budget_run", "err.budget_epoch")
