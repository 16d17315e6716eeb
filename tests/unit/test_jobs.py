"""runs/: a run in a background thread, its controls, the scheduler's line, probes.

A run that shows `paused` has stopped at an epoch boundary and can start no epoch
without a command, so the tests assert on it at once instead of sleeping."""
from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from unit_helpers import prepared_for, stop_all, wait_for

from playground.config import make_config
from playground.nn.model import build_model
from playground.runs.training import Scheduler, Snapshot, TrainingJob

LONG = 2000   # epochs (the maximum): with the pacing probe below, a run that ends only when told to


def pace(trainer):
    """A probe that sleeps: epochs take >= 20 ms without burning CPU."""
    time.sleep(0.02)


def slow_pace(trainer):
    time.sleep(0.1)


def job(epochs=LONG, scheduler=None, **kw) -> TrainingJob:
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=epochs)
    kw.setdefault("probes", {"pace": pace})
    kw.setdefault("probe_interval", 0.0)
    return TrainingJob(cfg, p, scheduler=scheduler or Scheduler(max_running=2), **kw)


@pytest.fixture
def jobs():
    """Collects the jobs a test makes and stops them, so no thread outlives its test."""
    made = []
    yield made
    stop_all(made, 10)


def status(j, *wanted):
    return lambda: j.snapshot().status in wanted


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


def test_two_runs_on_one_slot_take_turns_and_both_learn(jobs):
    sched = Scheduler(max_running=1, turn_s=0.05)
    j1, j2 = job(scheduler=sched), job(scheduler=sched)
    jobs += [j1, j2]
    j1.start()
    wait_for(lambda: j1.snapshot().epoch >= 1)
    j2.start()
    wait_for(lambda: j2.snapshot().epoch >= 1)          # the second run does not wait for the first to end
    e1 = j1.snapshot().epoch
    wait_for(lambda: j1.snapshot().epoch > e1 and j2.snapshot().epoch > 3)     # both go on, in turns
    s1, s2 = j1.snapshot(), j2.snapshot()
    assert s1.status == s2.status == "running" and s1.sharing == s2.sharing == 2
    assert s2.next_point_s is not None and s2.next_point_s >= 0
    j1.stop()
    j1.join(10)
    wait_for(lambda: j2.snapshot().sharing == 1)         # alone again
    assert j1.snapshot().sharing == 0


def test_turns_do_not_change_what_a_run_learns(jobs):
    """A run that trained in turns with another has the same history as one alone (turns are
    only waits between batches), and its samples/s counts training time only."""
    alone = job(epochs=6, probes={})
    jobs.append(alone)
    alone.start().join(20)
    sched = Scheduler(max_running=1, turn_s=0.0)        # a turn is one batch: as many turn ends as batches
    # the other run's epochs end in a 0.1 s sleep inside its turn: the shared run waits >= 0.1 s
    # for each of them, however busy the machine (a sleep is never shorter)
    shared, other = job(epochs=6, scheduler=sched, probes={}), job(scheduler=sched, probes={"pace": slow_pace})
    jobs += [shared, other]
    other.start()
    wait_for(lambda: other.snapshot().epoch >= 1)
    e0 = other.snapshot().epoch
    shared.start().join(30)
    waited = 0.1 * (other.snapshot().epoch - e0 - 1)       # the other's epochs that ended meanwhile
    a, b = alone.snapshot(), shared.snapshot()
    assert b.status == "completed"
    assert [h["loss"] for h in a.history] == [h["loss"] for h in b.history]
    assert [h["val_loss"] for h in a.history] == [h["val_loss"] for h in b.history]
    # per-epoch seconds exclude the waits (~0.02 s of training against >= 0.3 s of waiting)
    assert waited >= 0.3
    assert sum(h["seconds"] for h in b.history) < waited / 2


def test_a_paused_job_gives_its_slot_back(jobs):
    sched = Scheduler(max_running=1, turn_s=60.0)        # turns end only at an epoch's end
    j1, j2 = job(scheduler=sched), job(scheduler=sched)
    jobs += [j1, j2]
    j1.start()
    wait_for(lambda: j1.snapshot().epoch >= 1)
    j2.start()
    wait_for(lambda: j2.snapshot().epoch >= 1)
    j1.pause()
    wait_for(status(j1, "paused"))
    assert j1.snapshot().sharing == 0 and not sched.holds(j1)
    wait_for(lambda: j2.snapshot().sharing == 1)          # j2 trains alone while j1 is paused
    e2 = j2.snapshot().epoch
    wait_for(lambda: j2.snapshot().epoch >= e2 + 3)
    j1.resume()
    wait_for(lambda: j1.snapshot().sharing == 2 and j1.snapshot().status == "running")
    e1 = j1.snapshot().epoch
    wait_for(lambda: j1.snapshot().epoch > e1)


def test_a_slowed_run_holds_no_slot_between_its_epochs(jobs):
    sched = Scheduler(max_running=1, turn_s=60.0)
    slow = job(scheduler=sched, probes={})
    jobs.append(slow)
    slow.set_speed(2.0)                                     # one epoch every half second
    slow.start()
    wait_for(lambda: slow.snapshot().epoch >= 1)
    # between its epochs (a few ms of work, then ~0.5 s of waiting) it holds nothing
    held = sum(sched.holds(slow) for _ in range(50) if not time.sleep(0.01))
    assert held <= 10, held
    fast = job(scheduler=sched)
    jobs.append(fast)
    fast.start()
    wait_for(lambda: fast.snapshot().epoch >= 5)            # the free slot trains another run meanwhile
    assert slow.snapshot().status == "running"


def test_a_slowed_runs_time_left_counts_its_speed(jobs):
    """At 2 epochs a second, 100 epochs take ~50 s whatever the machine's speed (it said
    "1 s left": the time left came from the samples per second alone)."""
    # a probe of 0.3 s runs after the first epoch's record is out: a poll sees that record
    slow = job(epochs=100, probes={"view": lambda tr: time.sleep(0.3)})
    jobs.append(slow)
    slow.set_speed(2.0)
    slow.start()
    s = wait_for(lambda: (lambda s: s if s.epoch >= 1 else None)(slow.snapshot()))
    assert s.eta_seconds is not None and s.samples_per_sec > 0     # the first epoch's record already has them
    assert s.eta_seconds >= (100 - s.epoch - 1) / 2.0, (s.epoch, s.eta_seconds)


def test_stop_while_waiting_for_a_turn(jobs):
    sched = Scheduler(max_running=1, turn_s=60.0)
    j1 = job(scheduler=sched, probes={"pace": lambda tr: time.sleep(1.0)})   # epochs of a second
    j2 = job(scheduler=sched)
    jobs += [j1, j2]
    j1.start()
    wait_for(status(j1, "running"))
    j2.start()
    wait_for(lambda: j2.snapshot().sharing == 2 and j2.snapshot().status == "queued")
    assert j2.snapshot().next_point_s > 0
    j2.stop()
    j2.join(10)
    assert j2.snapshot().status == "stopped" and j2.trainer is None


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
