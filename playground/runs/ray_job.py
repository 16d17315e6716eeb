"""A training run as a Ray actor, for a school that trains on a cluster (PLAYGROUND_RAY_ADDRESS).

`RayTrainingJob` is a run handle like TrainingJob (runs/handle.py: start, snapshot,
heartbeat, step, pause, resume, change, stop, model_copy) and runs our own TrainingJob
inside the actor, unchanged: same loop, same seed, same history, same run records. Runs
take fair turns at the cluster's CPUs as they do in one process (runs.ray_turns: a turn
keeper actor; each run reserves a share of a CPU, so several start at once); past what
the cluster's CPUs can share, Ray's resource scheduler is the line (and a GPU when asked
for and the cluster has one), and the page sees its position, counted among the runs this
process submitted that Ray has not started yet.

A watcher thread per run follows the actor: it fetches the latest record (with the weights
only when they changed, so a lost run keeps what it learned), which `snapshot()` returns
without a round trip; it takes the final record when the run ends and gives the worker
back to the pool of warm workers (runs.ray_pool: a run starts in a worker that has already
imported torch; a finished run holds no CPU, only the idle worker's share). A stopped
run's actor that has not stopped after a short grace is killed;
an actor that dies (node lost, ray.kill) becomes a stopped run whose stop_reason is "lost"
(the page says so, in its language, and offers Train). Ray is imported lazily: the app and
the tests run without it.
"""
from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from dataclasses import replace
from pathlib import Path

from ..config import RunConfig
from ..data.prepare import Prepared
from ..status import Status
from . import ray_local, ray_pool, ray_turns, ray_worker
from .job import Watched
from .scheduler import _env_int  # a teacher's setting: unset when not a number
from .snapshot import Snapshot, model_from, validate_change

ADDRESS_ENV = "PLAYGROUND_RAY_ADDRESS"    # auto | ray://host:10001 | host:6379 | local
LOCAL = "local"                           # a Ray instance started in this process (tests, one machine)
STOP_GRACE_S = 5.0        # a stopped run's actor is killed this long after stop() if still there
POLL_S = 0.25             # the watcher's pace: how fresh a record is, how soon a finished run gives its CPU back
FIRST_POLL_S = 0.05       # its pace until the first curve point: the page polls too, and two 0.25 s paces in a
                          # row put the point ~0.15 s later on a page on Ray than in one process (1.23 vs 1.07 s)
FETCH_TIMEOUT_S = 5.0
_ROOT = Path(__file__).resolve().parents[2]   # the folder holding the `playground` package
LOST = "lost"             # stop_reason of a run whose actor died (locales: train.stopped_lost)


def enabled() -> bool:
    return bool(os.environ.get(ADDRESS_ENV, "").strip())


def wants_gpu() -> bool:
    """PLAYGROUND_RAY_GPU=1: runs ask for a GPU (granted only when the cluster has one)."""
    return os.environ.get("PLAYGROUND_RAY_GPU", "").strip() in ("1", "true", "yes")


_connect_lock = threading.Lock()


def connect(address: str | None = None, num_cpus: int | None = None):
    """Ray, initialised once per process. `local` starts an instance in this process with
    `num_cpus` (PLAYGROUND_RAY_CPUS, default the cores); any other address joins a cluster
    and ships the `playground` package to its workers (they need torch, numpy, sklearn)."""
    import ray
    with _connect_lock:
        if ray.is_initialized():
            return ray
        address = (address or os.environ.get(ADDRESS_ENV, "") or LOCAL).strip()
        if address == LOCAL:
            cpus = num_cpus or _env_int("PLAYGROUND_RAY_CPUS") or os.cpu_count() or 1
            store = _env_int("PLAYGROUND_RAY_STORE_MB") * 2**20 or None    # None: Ray's default
            old = os.environ.get("PYTHONPATH")   # Ray's processes start with it: workers find `playground`
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), old]))
            try:
                ray_local.start(ray, num_cpus=cpus, object_store_memory=store)
            finally:
                os.environ.pop("PYTHONPATH") if old is None else os.environ.update(PYTHONPATH=old)
        else:
            ray.init(address=address, configure_logging=False,
                     runtime_env={"py_modules": [str(_ROOT / "playground")]})
        return ray


# --- this process's line: runs submitted to Ray that have not started -------------------------------

_pending, _pending_lock = [], threading.Lock()
_free = [0.0, 0.0]     # (monotonic time read, CPUs free then)


def _free_cpus() -> float:
    now = time.monotonic()
    if now - _free[0] > 0.5:
        import ray
        _free[:] = [now, ray.available_resources().get("CPU", 0.0)]
    return _free[1]


def _line(job) -> tuple[Status, int]:
    """QUEUED with a 1-based position while Ray has no CPU free; LOADING (its worker is
    starting) when one is free, since Ray then has scheduled it already, or when its worker
    came from the pool (it holds its CPU share already)."""
    with _pending_lock:
        waiting = [j for j in _pending if not j._started]
        position = waiting.index(job) + 1 if job in waiting else 0
    if not position or job._warm or _free_cpus() >= 1 / ray_turns.runs_per_cpu():    # a pooled worker: no line
        return Status.LOADING, 0
    return Status.QUEUED, position


# --- the page's side --------------------------------------------------------------------------------

class RayTrainingJob(Watched):
    kind = "train"

    def __init__(self, cfg: RunConfig, prepared: Prepared, *, dataset=None, probes=None,
                 probe_interval: float = 0.25, idle_timeout: float | None = None, model=None,
                 time_limit: float | None = None, gpu: bool = False, stop_grace: float = STOP_GRACE_S,
                 poll: float = POLL_S):
        self.cfg = cfg
        self.prepared = prepared     # sent to the actor once (`dataset`: only TrainingJob's signature)
        self.probes: dict = dict(probes or {})
        self.probe_interval = probe_interval
        self.idle_timeout = idle_timeout
        self.time_limit = time_limit
        self.gpu = gpu
        self.stop_grace, self.poll = stop_grace, poll
        self._model = model
        self.stop_requested = False
        self.stop_reason: str | None = None
        self._lock = threading.Condition()
        self._actor = None
        self._turns = None          # (the turn keeper, this run's key, the cluster's slots) once started
        self._ready_ref = None
        self._shape: tuple = ()         # the actor's reservation (runs.ray_pool keeps workers by it)
        self._warm = False              # the worker came from the pool
        self._paused = False
        self._early: list = []          # commands sent before the worker started (a retry sends them again)
        self._clean = False             # the final record was fetched: the worker can serve another run
        self._started = False
        self._stop_at: float | None = None
        self._last: Snapshot | None = None      # the latest record the watcher fetched (with its weights)
        self._final: Snapshot | None = None     # set once the run is over; the actor is gone then
        self._speed: float | None = None
        self._last_seen = time.monotonic()
        self._thread = threading.Thread(target=self._watch, daemon=True, name=f"ray-{cfg.dataset}")

    # --- control -------------------------------------------------------------------------------
    def start(self, paused: bool = False) -> "RayTrainingJob":
        ray = connect()
        slots = ray_turns.cluster_slots(ray)      # the keeper: looked up by name (a restarted Ray has a new one)
        self._turns = (ray_turns.keeper(ray, slots), secrets.token_hex(8), slots)
        self._shape = ray_worker.shape(ray, self.gpu)
        self._actor, self._warm = ray_pool.take(ray, self._shape, lambda: ray_worker.new_actor(self._shape))
        self._begin(ray, paused)
        with _pending_lock:
            _pending.append(self)
        self._thread.start()
        return self

    def _begin(self, ray, paused: bool) -> None:
        self._ready_ref = self._actor.begin.remote(
            self.cfg, ray.put(self.prepared), self.probes, self.probe_interval, self.time_limit, self._model,
            self._turns)
        self._actor.do.remote("start", paused=paused)
        self._paused = paused

    def _retry_fresh(self, ray) -> None:
        """The pooled worker died while idle: the run starts over in a fresh one, with the
        commands the page has sent so far, once."""
        self._warm = False
        self._actor = ray_worker.new_actor(self._shape)
        self._begin(ray, self._paused)
        for command, args, kw in self._early:
            self._actor.do.remote(command, *args, **kw)

    def _send(self, command: str, *args, **kw) -> None:
        """A command, in order, without waiting (a queued actor runs it once it starts)."""
        if self._actor is not None and self._final is None:
            if not self._started:
                self._early.append((command, args, kw))
            self._actor.do.remote(command, *args, **kw)

    def pause(self) -> None:
        self._send("pause")

    def resume(self) -> None:
        self._send("resume")

    def step(self, epochs: int = 1) -> None:
        self._send("step", epochs)

    def set_speed(self, epochs_per_second: float | None) -> None:
        self._speed = epochs_per_second or None
        self._send("set_speed", epochs_per_second)

    def change(self, **values) -> RunConfig:
        """As TrainingJob.change: checked here by the same rules (ConfigError, ValueError), applied there."""
        with self._lock:
            new, diff = validate_change(self.cfg, values)
            if diff:
                self.cfg = new
                self._send("change", **{k: v for k, (_, v) in diff.items()})
            return self.cfg

    def set_probe(self, name: str, fn) -> None:
        if fn is None:
            self.probes.pop(name, None)
        else:
            self.probes[name] = fn
        self._send("set_probe", name, fn)

    def stop(self, reason: str | None = None) -> None:
        with self._lock:
            if not self.stop_requested:
                self.stop_reason = reason
                self._stop_at = time.monotonic()
            self.stop_requested = True
            self._lock.notify_all()
        self._send("stop", reason)

    def heartbeat(self) -> None:
        super().heartbeat()
        if self._actor is not None and self._final is None:
            self._actor.heartbeat.remote()

    # --- reading -------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The latest record the watcher fetched (no round trip); a pure read."""
        with self._lock:
            final, last, started, actor = self._final, self._last, self._started, self._actor
        if final is not None:
            return final
        if not started:
            status, position = _line(self) if actor is not None else (Status.QUEUED, 0)
            return self._bare(status, queue_position=position)
        return last or self._bare(Status.LOADING)

    def wait_for_point(self, timeout: float) -> None:
        """As TrainingJob's: up to `timeout` s, until the watcher has fetched the run's first curve
        point, or the run is paused or over. Changes nothing."""
        def seen() -> bool:
            rec = self._last
            return self._final is not None or (rec is not None and (rec.has_point or rec.status == Status.PAUSED))
        with self._lock:
            self._lock.wait_for(seen, timeout)

    def model_copy(self, record: Snapshot | None = None):
        """A fresh eval-mode net with the weights `record` carries (default: the latest record's)."""
        return model_from(record or self.snapshot(), self.cfg, self.prepared)

    def _bare(self, status: Status, **kw) -> Snapshot:
        return Snapshot(status=status, epoch=0, epochs=self.cfg.epochs, history=(), speed=self._speed,
                        stop_reason=self.stop_reason, **kw)

    # --- the watcher -------------------------------------------------------------------------------
    def _watch(self) -> None:
        import ray
        try:
            if self._wait_for_cpu(ray):
                self._follow(ray)
        except ray.exceptions.RayActorError:
            self._lose()
        except Exception as e:      # the page must see a message, never a run stuck "running"
            self._end(replace(self._last or self._bare(Status.ERROR), status=Status.ERROR,
                              error=f"{type(e).__name__}: {e}"))
        finally:
            with _pending_lock:
                if self in _pending:
                    _pending.remove(self)
            self._release(ray)

    def _wait_for_cpu(self, ray) -> bool:
        """Until Ray starts the actor. False when stopped while waiting (never started)."""
        while True:
            if self.abandoned():
                self.stop("idle")
            if self.stop_requested:
                self._end(self._bare(Status.STOPPED))
                return False
            ready, _ = ray.wait([self._ready_ref], timeout=self.poll)
            if ready:
                try:
                    ray.get(self._ready_ref)          # raises when the actor died instead
                except ray.exceptions.RayActorError:
                    if not self._warm:
                        raise
                    self._retry_fresh(ray)
                    continue
                self._started = True
                with _pending_lock:
                    _pending.remove(self)
                return True

    def _follow(self, ray) -> None:
        while True:
            if self.abandoned():
                self.stop("idle")
            if self._stop_at is not None and time.monotonic() - self._stop_at > self.stop_grace:
                self._end(self._stopped(self.stop_reason))   # did not stop in time: killed below
                return
            with self._lock:
                last = self._last
            have = last.weights_version if last is not None else None
            try:
                rec = ray.get(self._actor.snapshot.remote(have), timeout=FETCH_TIMEOUT_S)
            except (ray.exceptions.GetTimeoutError, ray.exceptions.ActorUnavailableError):
                continue
            if rec.state is None and last is not None and rec.weights_version == have:
                rec = replace(rec, state=last.state)          # the weights it had: unchanged
            if rec.finished:
                self._end(ray.get(self._actor.final.remote(), timeout=60))
                self._clean = True
                return
            with self._lock:
                if self._final is None:
                    self._last = rec
                    self._lock.notify_all()             # wait_for_point
                soon = not rec.has_point and rec.status != Status.PAUSED      # its first point is coming
                self._lock.wait(min(self.poll, FIRST_POLL_S) if soon else self.poll)   # a stop() wakes it at once

    def _stopped(self, reason: str | None) -> Snapshot:
        """The last record as a stopped run, with the weights it carries (its actor is gone)."""
        s = self._last or self._bare(Status.STOPPED)
        return replace(s, status=Status.STOPPED, stop_reason=reason, sharing=0, next_point_s=None, queue_position=0,
                       eta_seconds=None,
                       epoch_fraction=0.0, partial=None)

    def _lose(self) -> None:
        """The actor died (node lost, killed from outside): a stopped run with what it had."""
        self._end(self._stopped(LOST))

    def _end(self, snap: Snapshot) -> None:
        with self._lock:
            first = self._final is None
            if first:
                self._final = replace(snap, sharing=0, next_point_s=None, queue_position=0)
                self._last = None
            self._lock.notify_all()
        if first and self._turns is not None:       # a killed actor's slot and place go back too
            self._turns[0].forget.remote(self._turns[1])

    def _release(self, ray) -> None:
        """A worker whose run ended cleanly goes back to the pool (or is killed when the pool
        is full, or when runs wait in Ray's line: its CPU share is theirs); any other is
        killed at once: a run over holds no CPU."""
        if self._actor is None:
            return
        with _pending_lock:
            line = any(not j._started for j in _pending)
        if self._clean and not line:
            ray_pool.give_back(ray, self._shape, self._actor, ray_pool.size(self._turns[2]))
        else:
            ray_pool.kill(ray, self._actor)


def warm_pool(gpu: bool | None = None) -> int:
    """Connect to Ray and start the pool's idle workers (PLAYGROUND_RAY_POOL, default a CPU
    each), so the first runs find theirs warm; returns how many were started."""
    ray = connect()
    shape = ray_worker.shape(ray, wants_gpu() if gpu is None else gpu)
    slots = ray_turns.cluster_slots(ray)
    ray_turns.keeper(ray, slots).info.remote("")      # the turn keeper's worker started now, not at the first Train
    return ray_pool.fill(ray, shape, lambda: ray_worker.new_actor(shape), ray_pool.size(slots))


def warm_pool_in_background() -> threading.Thread:
    """warm_pool in a daemon thread (a server's first page must not wait for Ray); a cluster
    that cannot be reached is logged here, and the first Train says so on its page."""
    def warm():
        try:
            warm_pool()
        except Exception:
            logging.getLogger(__name__).exception("could not start the pool of Ray workers")
    thread = threading.Thread(target=warm, daemon=True, name="ray-pool")
    thread.start()
    return thread
