"""The live lab's engine: settings changed while a run goes on, endless runs, speed."""
from __future__ import annotations

import time

import pytest
import torch

from playground.config import LIVE_FIELDS, make_config
from playground.nn.model import SeededDropout
from playground.nn.train import Trainer
from playground.runs.scheduler import Scheduler
from playground.runs.training import TrainingJob
from playground.status import Status
from unit_helpers import prepared_for, wait_for


def _prep(**kw):
    """(config, Prepared) of the circle set with these settings (the data is shared)."""
    cfg = make_config(dataset="circle", n_samples=kw.pop("n_samples", 200), **kw)
    _, prep = prepared_for(dataset="circle", n_samples=cfg.n_samples)
    return cfg, prep


def _trainer(**kw) -> Trainer:
    return Trainer(*_prep(**kw))


def test_a_change_applies_before_the_next_batch():
    tr = _trainer(optimizer="sgd", lr=0.1, momentum=0.5, epochs=10, dropout=0.0)
    tr.step_epoch()
    tr.step_epoch()
    tr.change(lr=0.01, momentum=0.9, dropout=0.3, weight_decay=0.01)
    tr.step_epoch()
    group = tr.optimizer.param_groups[0]
    assert (group["lr"], group["momentum"], group["weight_decay"]) == (0.01, 0.9, 0.01)
    assert {m.p for m in tr.model.modules() if isinstance(m, SeededDropout)} == {0.3}
    assert tr.epoch == 3 and len(tr.history.epochs) == 3          # the run went on, not over
    assert (tr.cfg.lr, tr.cfg.momentum, tr.cfg.dropout) == (0.01, 0.9, 0.3)   # the log of changes is the job's


def test_a_batch_size_change_takes_effect_inside_the_epoch():
    sizes = []

    class Sizes:
        def on_after_backward(self, trainer, batch):
            sizes.append(trainer.samples_seen)     # rows trained before this batch
            if batch == 1:
                trainer.change(batch_size=50)

    tr = _trainer(n_samples=500, batch_size=10, epochs=2)
    tr._backward_hooks.append(Sizes())
    tr.step_epoch()
    steps = [b - a for a, b in zip(sizes, sizes[1:])]
    # batches 0 and 1 are 10 rows; the change asked during batch 1 applies from batch 2 on
    assert steps[:2] == [10, 10] and steps[2] == 50 and max(steps) == 50
    assert tr.samples_seen == len(tr.data.train.X)       # every row once, whatever the batches


def test_same_changes_at_the_same_epoch_give_the_same_history():
    def run():
        tr = _trainer(epochs=6)
        for e in range(6):
            if e == 3:
                tr.change(lr=0.003)
            tr.step_epoch()
        return [h["loss"] for h in tr.history.epochs]
    assert run() == run()


def test_l1_makes_weights_sparser():
    def small_weights(l1):
        tr = _trainer(hidden=(16, 16), epochs=60, l1=l1)
        tr.fit()
        w = torch.cat([p.detach().abs().reshape(-1) for p in tr.model.parameters() if p.dim() > 1])
        return float((w < 1e-2).float().mean()), tr.history.epochs[-1]["val_accuracy"]
    plain, plain_acc = small_weights(0.0)
    sparse, sparse_acc = small_weights(0.003)
    assert sparse > plain + 0.2, (plain, sparse)
    assert sparse_acc > 0.8


def test_endless_runs_until_stopped():
    tr = _trainer(epochs=0)
    for _ in range(5):
        tr.step_epoch()
    assert tr.status == Status.RUNNING and tr.epoch == 5


def test_job_change_mid_run_keeps_the_epoch_counter_and_marks_the_curve():
    job = TrainingJob(*_prep(epochs=0), scheduler=Scheduler(2)).start()
    try:
        wait_for(lambda: job.snapshot().epoch >= 3)
        new = job.change(lr=0.001, epochs=0)
        assert new.lr == 0.001 and job.cfg.lr == 0.001
        at = job.snapshot().changes[0]["epoch"]
        assert at >= 3
        wait_for(lambda: job.snapshot().epoch >= at + 3)
        s = job.snapshot()
        assert s.active and s.endless and s.eta_seconds is None
        assert [h["epoch"] for h in s.history] == list(range(1, s.epoch + 1))    # one run, never restarted
        assert job.trainer.optimizer.param_groups[0]["lr"] == 0.001
    finally:
        job.stop()
        job.join(10)


def test_only_live_fields_change_mid_run():
    job = TrainingJob(*_prep(), scheduler=Scheduler(2))
    assert {"lr", "batch_size", "dropout", "l1", "weight_decay", "momentum"} <= set(LIVE_FIELDS)
    with pytest.raises(ValueError):
        job.change(hidden=(4,))
    assert job.change(lr=0.03) is job.cfg and job.snapshot().changes == ()   # no difference: no mark


def test_speed_limits_epochs_per_second():
    job = TrainingJob(*_prep(n_samples=100, epochs=6), scheduler=Scheduler(2))
    job.set_speed(20.0)
    t0 = time.perf_counter()
    job.start()
    wait_for(lambda: job.snapshot().finished, 60)       # a deadline: a busy machine only takes longer
    took = time.perf_counter() - t0
    s = job.snapshot()
    assert s.status == Status.COMPLETED and s.epoch == 6 and s.speed == 20.0
    # epochs start at least 1/20 s apart: the sixth starts 5 intervals after the first at the
    # earliest, then takes its own time (the run's history) - however fast or slow each epoch ran
    assert took >= 5 / 20.0 + s.history[-1]["seconds"]


def test_reset_is_a_paused_run_at_epoch_zero():
    job = TrainingJob(*_prep(), scheduler=Scheduler(2)).start(paused=True)
    try:
        wait_for(lambda: job.snapshot().status == Status.PAUSED)
        assert job.snapshot().epoch == 0 and job.model_copy() is not None
        job.step()
        wait_for(lambda: job.snapshot().epoch == 1 and job.snapshot().status == Status.PAUSED)
    finally:
        job.stop()
        job.join(10)
