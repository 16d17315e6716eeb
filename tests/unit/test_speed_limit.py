"""The speed limit (TrainingJob.set_speed: at most N epochs a second), timed on a fake clock.

The job reads time.perf_counter() and waits on its Condition until the next epoch may
start. Here its clock only moves when the job waits (by the time it asked to wait), so
epochs take no time at all: with the limit, epoch starts are exactly 1/N apart whatever
the machine's load; without it, they are all at the same instant."""
from __future__ import annotations

import threading
import types

import pytest

from playground.config import make_config
from playground.runs import training
from playground.runs.scheduler import Scheduler
from playground.runs.training import TrainingJob
from playground.status import Status
from unit_helpers import prepared_for


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def perf_counter(self) -> float:
        return self.now


class ClockCondition(threading.Condition):
    """A Condition whose timed wait moves the fake clock instead of sleeping (it still lets
    go of the lock for a moment, as a real wait does)."""

    def __init__(self, clock: FakeClock):
        super().__init__()
        self.clock = clock

    def wait(self, timeout=None):
        if timeout is not None:
            self.clock.now += max(timeout, 0.0)
            return super().wait(0)
        return super().wait()


def run_with_fake_clock(monkeypatch, speed, epochs: int = 6) -> tuple[TrainingJob, list[float]]:
    """A finished circle run at this speed and the fake-clock time each of its epochs started."""
    clock = FakeClock()
    monkeypatch.setattr(training, "time", types.SimpleNamespace(perf_counter=clock.perf_counter))
    _, prep = prepared_for(dataset="circle", n_samples=100)
    starts: list[float] = []

    def step_epoch(trainer, _original=training.Trainer.step_epoch):
        starts.append(clock.now)
        return _original(trainer)

    monkeypatch.setattr(training.Trainer, "step_epoch", step_epoch)
    job = TrainingJob(make_config(dataset="circle", n_samples=100, epochs=epochs), prep, scheduler=Scheduler(2))
    job._cond = ClockCondition(clock)       # before start: the thread only ever sees this one
    job.set_speed(speed)
    job.start()
    job.join(30)
    assert not job.alive and job.snapshot().status == Status.COMPLETED
    return job, starts


@pytest.mark.parametrize("speed", [4.0, 0.5])
def test_epochs_start_no_sooner_than_the_speed_allows(monkeypatch, speed):
    job, starts = run_with_fake_clock(monkeypatch, speed)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 6 and gaps == pytest.approx([1 / speed] * 5)   # the clock moves only by waits
    assert job.snapshot().speed == speed


def test_without_a_limit_epochs_do_not_wait(monkeypatch):
    _, starts = run_with_fake_clock(monkeypatch, None)
    assert len(starts) == 6 and starts[-1] == starts[0]        # no wait at all: the clock never moved
