"""Fair turns on a Ray cluster: the same rules as in one process (runs.scheduler), for runs
that live in separate actors.

One named actor per cluster, the turn keeper, holds a Scheduler with a slot per CPU of the
cluster; each run's actor asks it for turns through a `RemoteScheduler`, which a
TrainingJob uses like the local one. A run's actor reserves only a share of a CPU from
Ray (1 / PLAYGROUND_RAY_RUNS_PER_CPU, default 4 runs per CPU), so that many runs start at
once and take turns instead of waiting in Ray's line; past that, Ray's own line holds the
rest (their memory: each actor is a process). Calls to the keeper are few: a waiting job
waits inside the keeper, answered when a slot frees (or after POLL_S, to look at its stop
flag), and asks whether another run waits at most once a turn.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time

from .scheduler import EPOCH_TURN_S, POLL_S, TURN_S, Scheduler, _env_int

NAME, NAMESPACE = "playground-turns-2", "playground"   # -2: waits inside (wait_turn); a cluster keeps an older keeper alive
ASK_EVERY_S = 0.1           # how stale "does another run wait?" may be (one keeper call at most)


def runs_per_cpu() -> int:
    return _env_int("PLAYGROUND_RAY_RUNS_PER_CPU") or 4


class Keeper:
    """The actor's body: a Scheduler over keys (the runs' ids). An asyncio actor: a run
    waiting for its turn waits in here (`wait_turn`) and is answered the moment a slot
    frees, so a slot handed on costs one call's latency, not a poll's."""

    def __init__(self, slots: int, turn_s: float = TURN_S):
        self.scheduler = Scheduler(max_running=max(slots, 1), turn_s=turn_s, fair=True)
        self.jobs: dict[str, _Key] = {}
        self._changed: asyncio.Condition | None = None      # made in the actor's event loop

    def _job(self, key: str, shown_point: bool = False) -> "_Key":
        job = self.jobs.setdefault(key, _Key())
        job.shown_point = job.shown_point or shown_point
        return job

    def _cond(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def _notify(self) -> None:
        async with self._cond():
            self._cond().notify_all()

    async def wait_turn(self, key: str, shown_point: bool, timeout: float) -> bool:
        """Join the line and wait up to `timeout` s for a slot; True once this run holds one."""
        cond = self._cond()
        async with cond:
            try:
                await asyncio.wait_for(
                    cond.wait_for(lambda: self.scheduler.try_acquire(self._job(key, shown_point))), timeout)
            except asyncio.TimeoutError:
                return False
        await self._notify()         # the line moved: the next in it may be admissible now
        return True

    async def release(self, key: str) -> None:
        self.scheduler.release(self._job(key))
        await self._notify()

    async def leave(self, key: str) -> None:
        self.scheduler.leave(self.jobs.pop(key, _Key()))
        await self._notify()

    async def forget(self, key: str) -> None:
        """The run ended: out of the line and off its slot."""
        job = self.jobs.pop(key, None)
        if job is not None:
            self.scheduler.leave(job)
            self.scheduler.release(job)
        await self._notify()

    async def others_waiting(self) -> bool:
        return self.scheduler.sharing() > self.scheduler.running

    async def info(self, key: str) -> tuple[int, float, int]:
        """(runs sharing the cluster, seconds until this run's next turn, slots)."""
        job = self.jobs.get(key)
        wait = self.scheduler.wait_estimate(job) if job is not None else 0.0
        return self.scheduler.sharing(), wait, self.scheduler.max_running


class _Key:
    """A run as the keeper knows it (hashable by identity, like a job)."""
    stop_requested = False
    shown_point = False


_keeper_lock = threading.Lock()


def keeper(ray, slots: int):
    """The cluster's turn keeper (started by the first run that needs it). One caller at a
    time: when two threads create the named actor at once (the pool's warm-up and the first
    Train), Ray 2.60 fails one creation with AlreadyExists and its handle is a dead actor."""
    cls = ray.remote(num_cpus=0, max_restarts=-1)(Keeper)
    with _keeper_lock:
        return cls.options(name=NAME, namespace=NAMESPACE, get_if_exists=True, lifetime="detached").remote(slots)


class RemoteScheduler:
    """In a run's actor: the Scheduler interface a TrainingJob uses, answered by the keeper."""

    def __init__(self, keeper_handle, key: str, turn_s: float = TURN_S, slots: int = 1):
        self.keeper, self.key, self.turn_s = keeper_handle, key, turn_s
        self.max_running = slots
        self._since: float | None = None            # when this run's turn began (None: not holding)
        self._asked = (0.0, False)                  # (when, whether another run waited)
        self._info = (0.0, (0, 0.0, slots))
        self._lock = threading.Lock()

    def _get(self, ref):
        import ray
        return ray.get(ref)

    def acquire(self, job) -> bool:
        shown = bool(getattr(job, "shown_point", False))
        while not self._get(self.keeper.wait_turn.remote(self.key, shown, POLL_S)):
            if job.stop_requested:
                self.keeper.leave.remote(self.key)
                return False
        self._since = time.monotonic()
        return True

    def release(self, job) -> None:
        if self._since is not None:
            self._since = None
            self._get(self.keeper.release.remote(self.key))

    def next_turn(self, job) -> bool:
        self.release(job)
        return self.acquire(job)

    def turn_over(self, job, epoch_end: bool = False) -> bool:
        """As Scheduler.turn_over (a turn that ends at an epoch's end lasts EPOCH_TURN_S at
        least: here handing a slot on takes two calls to the keeper), asking the keeper
        whether another run waits at most every ASK_EVERY_S."""
        since = self._since
        if since is None or time.monotonic() - since < (EPOCH_TURN_S if epoch_end else self.turn_s):
            return False
        when, waiting = self._asked
        if time.monotonic() - when > ASK_EVERY_S:
            waiting = bool(self._get(self.keeper.others_waiting.remote()))
            self._asked = (time.monotonic(), waiting)
        return waiting

    def holds(self, job) -> bool:
        return self._since is not None

    def _read(self) -> tuple[int, float, int]:
        with self._lock:
            when, info = self._info
            if time.monotonic() - when > 0.5:       # the run's snapshot asks 4 times a second
                info = tuple(self._get(self.keeper.info.remote(self.key)))
                self._info = (time.monotonic(), info)
                self.max_running = info[2]
            return info

    def sharing(self) -> int:
        return self._read()[0]

    def wait_estimate(self, job) -> float:
        return 0.0 if self._since is not None else self._read()[1]

    @property
    def running(self) -> int:
        return 1 if self._since is not None else 0


def cluster_slots(ray) -> int:
    """A slot per CPU of the cluster (PLAYGROUND_MAX_JOBS caps it)."""
    cpus = int(ray.cluster_resources().get("CPU", 0) or os.cpu_count() or 1)
    cap = _env_int("PLAYGROUND_MAX_JOBS")
    return min(cpus, cap) if cap else cpus
