"""The pretrained CNN of transfer learning (nn/pretrain.py), trained in a queued background task
(runs.task.TaskJob: one of the scheduler's slots, like any run) when a page needs it: a class's
30 clicks share one task and wait for it with its progress.

The task holds its slot to the end (it does not hand it over mid-way): whoever else needs the
same pretrained network waits on its lock, and a lock holder that waited for a slot could wait
for ever while the slots' holders wait for it."""
from __future__ import annotations

import threading
from typing import Callable

from ..config import RunConfig
from ..nn import pretrain
from ..status import Status
from .task import TaskJob

_JOBS: dict[str, TaskJob] = {}
_LOCK = threading.Lock()


def shared(cfg: RunConfig) -> TaskJob:
    """The task pretraining the network `cfg` transfers from (started, or the one under way)."""
    k = pretrain.key(cfg)
    with _LOCK:
        job = _JOBS.get(k)
        if job is None or (not job.alive and job.status != Status.COMPLETED):   # a failed one is retried
            job = _JOBS[k] = TaskJob(f"pretrain-{k}", lambda _report: pretrain.pretrained(cfg)).start()
    return job


def wait(cfg: RunConfig, on_progress: Callable[[float, bool], None] | None = None, poll: float = 0.2):
    """Block until the pretrained network is there, calling on_progress(fraction done, queued)
    while it waits; returns it (or raises the task's error)."""
    if (hit := pretrain.cached(cfg)) is not None:
        return hit
    job = shared(cfg)
    while job.alive:
        if on_progress:
            on_progress(pretrain.progress(cfg) or 0.0, job.status == Status.QUEUED)
        job.join(poll)
    return job.wait()
