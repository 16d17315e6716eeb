"""runs/: a run in a background thread, its life: it completes, pauses, steps, resumes and
stops, its probes, its errors, the idle timeout, commands from many threads, its model copy.
Turns at the scheduler's slots and speed limits: test_job_turns.py.

A run that shows `paused` has stopped at an epoch boundary and can start no epoch
without a command, so the tests assert on it at once instead of sleeping."""
from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from job_helpers import LONG, job, status
from unit_helpers import prepared_for, wait_for

from playground.config import make_config
from playground.nn.model import build_model
from playground.runs.training import Scheduler, Snapshot, TrainingJob

pytestmark = pytest.mark.waits      # on its threads' timing: first in the browser lane (tests/conftest.py)


def test_completes_and_snapshot_is_consistent(jobs):
    j = job(epochs=3)
    jobs.append(j)
    first = j.snapshot()
    assert isinstance(first, Snapshot) and first.status == "queued" and first.epoch == 0
    j.start()
    j.join(20)
    s = j.snapshot()
    assert s.status == "completed" and s.finished and not s.active
    assert s.epoch == s.epochs == 3 and len(s.history) == 3 and isinstance(s.history, tuple)
    assert [e["epoch"] for e in s.history] == [1, 2, 3]
    assert s.samples_per_sec > 0 and not s.eta_seconds and s.elapsed > 0
    assert s.val_output is not None and len(s.val_output) == len(j.prepared.val.y)
    assert s.error is None and s.sharing == 0


def test_pause_step_resume_stop(jobs):
    j = job()
    jobs.append(j)
    j.start(paused=True)
    wait_for(status(j, "paused"))
    assert j.snapshot().epoch == 0                 # paused before the first epoch
    j.step()
    s = wait_for(lambda: (s := j.snapshot()).status == "paused" and s.epoch >= 1 and s)
    assert s.epoch == 1 and len(s.history) == 1   # exactly one epoch, then paused again
    j.step(2)
    s = wait_for(lambda: (s := j.snapshot()).status == "paused" and s.epoch >= 3 and s)
    assert s.epoch == 3
    j.resume()
    wait_for(lambda: j.snapshot().epoch >= 6)
    assert j.snapshot().status == "running"
    j.pause()
    wait_for(status(j, "paused"))
    paused_at = j.snapshot().epoch
    j.stop()
    j.join(10)
    s = j.snapshot()
    assert s.status == "stopped" and s.finished and s.epoch == paused_at


def test_wait_for_point_returns_at_the_first_point_or_a_pause(jobs):
    """What the Train click's rerun waits on (views/train.py): a running run's first curve point
    (the run goes on), a paused run's pause; a run that gets no slot, the time asked for."""
    running, paused, stuck = job(), job(), job(scheduler=Scheduler(max_running=1))
    jobs += [running, paused, stuck]
    t0 = time.monotonic()
    running.start()
    running.wait_for_point(60)
    s = running.snapshot()
    assert (s.history or s.partial is not None) and s.active           # woken by the point, not the end
    paused.start(paused=True)
    paused.wait_for_point(60)
    assert paused.snapshot().status == "paused" and not paused.snapshot().history
    assert time.monotonic() - t0 < 30                                  # woken each time, not at 60 s
    other = type("OtherRun", (), {"stop_requested": False})()
    assert stuck.scheduler.acquire(other)     # the one slot taken: `stuck` waits in line
    try:
        stuck.start()
        stuck.wait_for_point(0.3)
        assert stuck.snapshot().status == "queued" and not stuck.snapshot().history
    finally:
        stuck.scheduler.release(other)


def test_stop_while_running_and_history_grows(jobs):
    j = job()
    jobs.append(j)
    j.start()
    lengths = []
    for _ in range(3):
        lengths.append(wait_for(lambda: len(j.snapshot().history) > (lengths[-1] if lengths else 0) and
                                len(j.snapshot().history)))
    assert lengths == sorted(set(lengths))
    s = j.snapshot()
    assert [e["epoch"] for e in s.history] == list(range(1, len(s.history) + 1))
    j.stop()
    j.join(10)
    s = j.snapshot()
    assert s.status == "stopped" and s.epoch < LONG
    assert len(s.history) == s.epoch              # no half-logged epoch


def test_probes_run_and_a_failing_probe_does_not_kill_the_run(jobs):
    seen_modes = []

    def n_weights(trainer):
        seen_modes.append(trainer.model.training)
        return sum(p.numel() for p in trainer.model.parameters())

    def broken(trainer):
        raise RuntimeError("probe bug")

    j = job(epochs=4, probes={"weights": n_weights, "epoch": lambda tr: tr.epoch, "broken": broken},
            probe_interval=0.0)
    jobs.append(j)
    j.start()
    j.join(20)
    s = j.snapshot()
    assert s.status == "completed" and s.epoch == 4
    expected = sum(p.numel() for p in j.model_copy().parameters())
    assert s.probes["weights"] == (4, expected)
    assert s.probes["epoch"] == (4, 4)
    epoch, err = s.probes["broken"]
    assert isinstance(err, RuntimeError) and str(err) == "probe bug"
    assert seen_modes and not any(seen_modes)          # probes see the model in eval mode
    assert j.trainer.model.training is False            # ... and the run ends in eval mode


def test_set_probe_while_running(jobs):
    j = job()
    jobs.append(j)
    j.start()
    wait_for(lambda: j.snapshot().epoch >= 1)
    j.set_probe("hello", lambda tr: "world")
    wait_for(lambda: "hello" in j.snapshot().probes)
    assert j.snapshot().probes["hello"][1] == "world"
    j.set_probe("hello", None)
    assert "hello" not in j.probes


def test_a_bad_dataset_ends_in_error_with_a_message(jobs, tmp_path):
    cfg = make_config(dataset=str(tmp_path / "missing.csv"), epochs=2)
    j = TrainingJob(cfg, scheduler=Scheduler(max_running=1))
    jobs.append(j)
    j.start()
    j.join(10)
    s = j.snapshot()
    assert s.status == "error" and s.finished and "missing.csv" in s.error


def test_an_unexpected_exception_ends_in_error(jobs, capsys):
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=2)
    wrong = build_model(cfg, p.n_features + 3, 1)          # wrong input size: a RuntimeError in forward
    j = TrainingJob(cfg, p, scheduler=Scheduler(max_running=1), model=wrong)
    jobs.append(j)
    j.start()
    j.join(10)
    s = j.snapshot()
    assert s.status == "error" and s.error.startswith("RuntimeError")
    assert j.scheduler.running == 0                       # the slot was given back


def test_an_abandoned_job_stops_itself(jobs):
    j = job(idle_timeout=0.4)
    jobs.append(j)
    j.start()
    j.join(15)                                    # nobody calls snapshot(): it must stop by itself
    assert not j._thread.is_alive()
    assert j.snapshot().status == "stopped"


def test_an_abandoned_paused_job_stops_itself(jobs):
    j = job(idle_timeout=0.3)
    jobs.append(j)
    j.start(paused=True)
    j.join(15)
    assert not j._thread.is_alive() and j.snapshot().status == "stopped"


def test_heartbeats_keep_a_job_alive(jobs):
    """Heartbeats (the owning page's polls) more often than its idle timeout keep a job running
    past twice the timeout. A verdict counts only while every gap between two heartbeats
    (measured from before one to after the next read: an upper bound) stayed under the timeout:
    on a busy machine the test itself may stall that long, the job then rightly stops, and the
    attempt starts over with a fresh job."""
    timeout = 0.5
    for _ in range(5):
        prev = time.monotonic()                   # before the job's clock starts (at its creation)
        j = job(idle_timeout=timeout)
        jobs.append(j)
        j.start()
        t_end = prev + 2.4 * timeout
        while True:
            now = time.monotonic()
            j.heartbeat()
            status = j.snapshot().status
            if time.monotonic() - prev >= timeout:    # a stall since the last heartbeat: no verdict
                break
            assert status in ("queued", "loading", "running")
            if now > t_end:
                j.stop()
                return
            prev = now
            j.join(0.05)
        j.stop()
    pytest.fail("five attempts, each stalled longer than the idle timeout between two heartbeats")


def test_commands_from_many_threads_lose_nothing_and_snapshots_stay_consistent(jobs):
    """Four threads hammer pause / resume / step while a reader checks every snapshot;
    then each command must still take effect exactly, and the thread must end."""
    import random
    import threading

    j = job()
    jobs.append(j)
    j.start()
    wait_for(lambda: j.snapshot().epoch >= 1)
    done = threading.Event()
    bad: list = []

    def hammer(seed):
        rng = random.Random(seed)
        while not done.is_set():
            rng.choice([j.pause, j.resume, lambda: j.step(rng.randint(1, 3))])()
            done.wait(rng.random() * 0.004)

    def read():
        while not done.is_set():
            s = j.snapshot()
            if not (s.epoch == len(s.history) and [h["epoch"] for h in s.history] == list(range(1, s.epoch + 1))
                    and 0 <= s.best_epoch <= s.epoch and (s.val_output is not None or s.epoch == 0)):
                bad.append(s)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)] + [threading.Thread(target=read)]
    for t in threads:
        t.start()
    done.wait(2.0)
    done.set()
    for t in threads:
        t.join(5)
    assert not bad, bad[:1]
    # After the storm, each command still works exactly once.
    j.pause()
    s = wait_for(lambda: (s := j.snapshot()).status == "paused" and s)
    j.step(2)
    s2 = wait_for(lambda: (x := j.snapshot()).status == "paused" and x.epoch >= s.epoch + 2 and x)
    assert s2.epoch == s.epoch + 2
    j.resume()
    wait_for(lambda: j.snapshot().epoch >= s2.epoch + 2)
    assert j.snapshot().status == "running"
    j.stop()
    j.join(10)
    assert not j.alive and j.snapshot().status == "stopped"
    assert j.scheduler.running == 0


def test_model_copy_is_the_last_epoch_not_the_live_model(jobs):
    """A page's copy is taken at an epoch boundary: equal to the weights the history
    describes, never the object the worker keeps training."""
    j = job(epochs=3)
    jobs.append(j)
    assert j.model_copy() is None                       # nothing to copy before it starts
    j.start()
    j.join(20)
    copy = j.model_copy()
    assert copy is not j.trainer.model and not copy.training
    for (name, a), b in zip(copy.state_dict().items(), j.trainer.model.state_dict().values()):
        assert torch.equal(a, b), name
    X = j.prepared.val.X
    with torch.no_grad():
        out = torch.sigmoid(copy(X)[:, 0]).numpy()
    assert np.allclose(out, j.snapshot().val_output, atol=1e-6)
