"""A small run for the jobs' tests (test_jobs.py, test_job_turns.py): xor, 100 points, paced by a
probe that sleeps, so a run goes on until told to stop without burning a core."""
from __future__ import annotations

import time

from unit_helpers import prepared_for

from playground.runs.training import Scheduler, TrainingJob

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


def status(j, *wanted):
    return lambda: j.snapshot().status in wanted
