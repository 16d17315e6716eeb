"""The run handle's contract (runs/handle.py): the same scenario on a run in this process and
on a Ray actor. Reading a run changes nothing (only the owner's heartbeat keeps it alive),
and every record's weights are those of the record's own epoch."""
from __future__ import annotations

import threading
import time

import pytest
import torch
from sklearn.metrics import log_loss
from unit_helpers import prepared_for, wait_for

from playground.runs.handle import RunHandle
from playground.runs.training import Scheduler, TrainingJob
from playground.status import Status

LONG = 2000


def _in_process(cfg, p, **kw):
    return TrainingJob(cfg, p, scheduler=Scheduler(max_running=2), **kw)


def _on_ray(cfg, p, **kw):
    from playground.runs import ray_job
    return ray_job.RayTrainingJob(cfg, p, poll=0.05, **kw)


def _val_loss(job, record) -> float:
    """The record's network scored on the validation rows by sklearn (binary cross-entropy)."""
    p = job.prepared
    net = job.model_copy(record)
    with torch.no_grad():
        probs = net(p.val.X)[:, 0].sigmoid().double().numpy()
    return log_loss(p.val.y.numpy(), probs, labels=[0, 1])


@pytest.mark.parametrize("make", [_in_process, _on_ray], ids=["in_process", "ray"])
def test_the_same_contract_in_process_and_on_ray(make, jobs, request):
    if make is _on_ray:
        request.getfixturevalue("local_ray")        # the session's one Ray (tests/unit/conftest.py)
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=LONG, lr=0.03)
    job = make(cfg, p)
    jobs.append(job)
    assert isinstance(job, RunHandle)
    job.start(paused=True)
    job.step()                                                   # exactly one epoch, then paused
    rec = wait_for(lambda: (r := job.snapshot()).status == Status.PAUSED and r.epoch == 1 and r, 120)
    assert len(rec.history) == 1 and rec.weights_epoch == 1
    assert _val_loss(job, rec) == pytest.approx(rec.history[-1]["val_loss"], rel=1e-4)
    assert job.change(lr=0.01).lr == 0.01 and job.cfg.lr == 0.01
    with pytest.raises(ValueError):
        job.change(hidden=(3,))                                  # needs a new network
    job.step(2)
    rec = wait_for(lambda: (r := job.snapshot()).status == Status.PAUSED and r.epoch == 3 and r, 60)
    (change,) = rec.changes
    assert change["changes"] == {"lr": (0.03, 0.01)} and change["epoch"] == 1.0
    assert _val_loss(job, rec) == pytest.approx(rec.history[-1]["val_loss"], rel=1e-4)
    job.resume()
    wait_for(lambda: job.snapshot().epoch > 3, 60)
    job.stop()
    job.join(30)
    end = job.snapshot()
    assert end.status == Status.STOPPED and end.finished and end.epoch > 3
    assert _val_loss(job, end) == pytest.approx(end.history[end.weights_epoch - 1]["val_loss"], rel=1e-4)


def test_reading_a_run_never_keeps_it_alive(jobs):
    """A second reader (a teacher's page) polls all the time; the owner stops heartbeating:
    the run still reaches its idle timeout."""
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=LONG)
    job = _in_process(cfg, p, idle_timeout=0.5, probes={"pace": lambda tr: time.sleep(0.01)}, probe_interval=0.0)
    jobs.append(job)
    job.start()
    wait_for(lambda: job.heartbeat() or job.snapshot().epoch >= 1)   # the owner looks until it trains
    before = job.snapshot()
    reads = 0
    deadline = time.monotonic() + 30
    while job.snapshot().status != Status.STOPPED and time.monotonic() < deadline:
        reads += 1                                               # the reader never stops looking
    end = job.snapshot()
    assert end.status == Status.STOPPED and end.stop_reason == "idle", end
    assert reads > 100 and end.epoch > before.epoch


def test_the_owners_heartbeat_keeps_it_alive(jobs):
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=LONG)
    job = _in_process(cfg, p, idle_timeout=1.0, probes={"pace": lambda tr: time.sleep(0.01)}, probe_interval=0.0)
    jobs.append(job)
    job.start()
    t_end = time.monotonic() + 2.5                               # past twice the timeout
    while time.monotonic() < t_end:
        job.heartbeat()
        time.sleep(0.05)
    assert job.snapshot().status == Status.RUNNING


def test_200_records_of_a_running_job_each_carry_their_own_epochs_weights(jobs):
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=LONG, lr=0.05)
    job = _in_process(cfg, p)
    jobs.append(job)
    job.start()
    records, seen = [], set()
    stop = threading.Event()

    def read():                                                  # a page polling while the run trains
        while not stop.is_set() and len(records) < 200:
            r = job.snapshot()
            if r.epoch and r.version not in seen:
                seen.add(r.version)
                records.append(r)
            time.sleep(0.001)                                    # a poll, not a spin holding the GIL
    reader = threading.Thread(target=read)
    reader.start()
    reader.join(60)
    stop.set()
    job.stop()
    assert len(records) == 200
    assert len({r.epoch for r in records}) > 20                  # many epochs, not one record read often
    for r in records:
        assert r.epoch == len(r.history) and r.weights_epoch == r.epoch
        assert _val_loss(job, r) == pytest.approx(r.history[-1]["val_loss"], rel=1e-4), r.epoch
