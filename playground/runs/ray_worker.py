"""Inside a Ray actor: the worker that trains run after run for runs.ray_job (one
TrainingJob per run, started by `begin`), kept warm between runs by runs.ray_pool."""
from __future__ import annotations

import gc
import os
from dataclasses import replace

from ..config import RunConfig
from . import ray_turns
from .scheduler import Scheduler
from .snapshot import Snapshot
from .training import TrainingJob


class Worker:
    """The actor's body: a TrainingJob per run with a line of its own (Ray already gave it
    its CPU share), in a worker warmed once and reused for run after run (runs.ray_pool).
    Single-threaded actor: commands run in the order the page sent them; the training runs
    in the job's own thread."""

    def __init__(self):
        from .warmup import warm_up
        warm_up()           # torch's and sklearn's first-call costs, paid before any run
        self.job: TrainingJob | None = None

    def ready(self) -> int:
        """Answers once the worker is warm (the pool waits on it; bench/scale)."""
        return os.getpid()

    def begin(self, cfg: RunConfig, prepared, probes, probe_interval, time_limit, model, turns=None) -> int:
        """A run in this worker; returns its pid. turns: (the keeper, this run's key, the
        cluster's slots); without it, a line of its own."""
        scheduler = ray_turns.RemoteScheduler(turns[0], turns[1], slots=turns[2]) if turns else Scheduler(1)
        self.job = TrainingJob(cfg, prepared, scheduler=scheduler,
                               probes=probes, probe_interval=probe_interval, time_limit=time_limit, model=model)
        return os.getpid()

    def reset(self) -> None:
        """The run is over (its final record fetched): the worker waits for the next one."""
        self.job = None
        gc.collect()

    def do(self, command: str, *args, **kw) -> None:
        """start, pause, resume, step, stop, set_speed, change, set_probe: the job's own."""
        getattr(self.job, command)(*args, **kw)

    def heartbeat(self) -> None:
        """The owning page is open: the run and its probes (a live view's) keep working."""
        if self.job is None:
            return
        self.job.heartbeat()
        for fn in list(self.job.probes.values()):
            touch = getattr(fn, "touch", None)
            if callable(touch):
                touch()

    def snapshot(self, weights_version: int | None = None) -> Snapshot:
        """The latest record; its weights only when they are newer than `weights_version`
        (the page side keeps the ones it has), so a poll ships a few numbers, not the network."""
        rec = self.job.snapshot()
        return replace(rec, state=None) if rec.weights_version == weights_version else rec

    def final(self) -> Snapshot:
        self.job.join()
        return self.job.snapshot()


_ACTOR = None


def actor_class():
    global _ACTOR
    if _ACTOR is None:
        import ray
        _ACTOR = ray.remote(max_restarts=0)(Worker)
    return _ACTOR



def shape(ray, gpu: bool) -> tuple[float, int]:
    """The reservation of a run's actor: a share of a CPU (runs take turns at the CPUs), and a
    GPU when asked for and the cluster has one."""
    gpus = 1 if gpu and ray.cluster_resources().get("GPU", 0) >= 1 else 0
    return 1 / ray_turns.runs_per_cpu(), gpus


def new_actor(shape: tuple[float, int]):
    cpus, gpus = shape
    return actor_class().options(num_cpus=cpus, **({"num_gpus": gpus} if gpus else {})).remote()
