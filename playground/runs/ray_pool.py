"""Warm Ray actors, reused across runs: a run on Ray starts in an actor whose worker has
already imported torch and trained one tiny epoch (the first-call costs, ~4 s and 0.4 GB
for a fresh worker), and gives it back when its run ends cleanly.

PLAYGROUND_RAY_POOL sets how many idle actors are kept (default: the cluster's slots, a CPU
each; 0: every run starts a fresh actor that is killed when it ends). The pool is started
once Ray is connected (`fill`), so the first class's runs find their workers ready. An
idle actor holds only its reservation (a share of a CPU, as a run does), never compute; a
run that needs a different reservation (PLAYGROUND_RAY_RUNS_PER_CPU changed, a GPU) has
the idle actors of other shapes killed first, so that they never keep a CPU from it.
Actors that stopped late, died or errored are killed, never reused. Each run's work lives
in the actor's `_Runner.begin`: the same TrainingJob, seed and history in a reused actor
as in a fresh one (tests/unit/test_ray_job.py).
"""
from __future__ import annotations

import os
import threading

POOL_ENV = "PLAYGROUND_RAY_POOL"

_lock = threading.Lock()
_idle: list[tuple[tuple, object]] = []     # (shape, actor handle), oldest first
_session: list = [None]                   # the Ray job the handles belong to (a restarted Ray: none of them)


def size(slots: int) -> int:
    """Idle actors kept: the setting when set (0 is allowed), else a slot each."""
    try:
        return max(int(os.environ[POOL_ENV]), 0)
    except (KeyError, ValueError):     # unset, or not a whole number: the default
        return slots


def _current(ray) -> None:
    """Forget handles from an earlier Ray (a test's, a restarted cluster's)."""
    job = ray.get_runtime_context().get_job_id()
    if _session[0] != job:
        _idle.clear()
        _session[0] = job


def take(ray, shape: tuple, make):
    """An idle actor of this shape, or a fresh one from `make()` (the other shapes' idle
    actors killed first: their CPU shares would keep it in Ray's line). Returns (actor, warm)."""
    with _lock:
        _current(ray)
        for i, (s, actor) in enumerate(_idle):
            if s == shape:
                del _idle[i]
                return actor, True
        others = [a for s, a in _idle if s != shape]
        _idle[:] = [(s, a) for s, a in _idle if s == shape]
    for actor in others:
        kill(ray, actor)
    return make(), False


def give_back(ray, shape: tuple, actor, limit: int) -> bool:
    """A clean actor back to the pool; killed when the pool is full. True when kept."""
    with _lock:
        _current(ray)
        keep = sum(s == shape for s, _ in _idle) < limit
        if keep:
            actor.reset.remote()          # before any new run's begin: calls run in order
            _idle.append((shape, actor))
    if not keep:
        kill(ray, actor)
    return keep


def fill(ray, shape: tuple, make, limit: int) -> int:
    """Start idle actors until the pool holds `limit` of this shape; returns how many were
    started (their workers warm up in the background: nothing here waits for them)."""
    with _lock:
        _current(ray)
        missing = max(limit - sum(s == shape for s, _ in _idle), 0)
        fresh = [make() for _ in range(missing)]
        _idle.extend((shape, a) for a in fresh)
    return len(fresh)


def wait_warm(ray, timeout: float | None = None) -> list[int]:
    """Wait until every idle worker is warm; their pids."""
    with _lock:
        actors = [a for _, a in _idle]
    return ray.get([a.ready.remote() for a in actors], timeout=timeout)


def idle() -> int:
    with _lock:
        return len(_idle)


def drain(ray) -> None:
    """Kill every idle actor (a teacher lowering the pool, tests)."""
    with _lock:
        actors = [a for _, a in _idle]
        _idle.clear()
    for actor in actors:
        kill(ray, actor)


def kill(ray, actor) -> None:
    try:
        ray.kill(actor, no_restart=True)
    except Exception:          # already gone, or Ray shut down: nothing holds a CPU
        pass
