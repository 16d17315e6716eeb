"""runs/: runs at the scheduler's slots: they take turns (and learn what they would alone), a
paused or slowed run holds no slot, a slowed run's time left counts its speed, and a run
stopped while waiting for its turn ends cleanly."""
from __future__ import annotations

import time

import pytest
from job_helpers import job, slow_pace, status
from unit_helpers import wait_for

from playground.runs import scheduler
from playground.runs.training import Scheduler

pytestmark = pytest.mark.waits      # on its threads' timing: first in the browser lane (tests/conftest.py)


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


def test_turns_do_not_change_what_a_run_learns(jobs, monkeypatch):
    """A run that trained in turns with another has the same history as one alone (turns are
    only waits between batches), and its samples/s counts training time only."""
    alone = job(epochs=6, probes={})
    jobs.append(alone)
    alone.start().join(20)
    monkeypatch.setattr(scheduler, "EPOCH_TURN_S", 0.0)   # every epoch's end ends a turn too
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
