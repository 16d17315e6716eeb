"""A training run in a background thread, with pause / resume / step / stop and a
cheap consistent snapshot for a UI that polls it.

The thread never touches the UI. A process-wide Scheduler caps how many runs
train at once (2 cores: more runs at once only make each slower); the rest wait
in line and can see their position. A paused run gives its slot back.
"""
from __future__ import annotations

import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import torch

from .callbacks import Callback
from .config import ConfigError, RunConfig
from .data import Prepared, load_for_config, prepare
from .train import Trainer

ProbeFn = Callable[[Trainer], Any]


class Scheduler:
    def __init__(self, max_running: int | None = None):
        self.max_running = max_running or int(os.environ.get("PLAYGROUND_MAX_JOBS", 0)) or os.cpu_count() or 1
        self._cond = threading.Condition()
        self._running: set = set()
        self._waiting: list = []

    def acquire(self, job: "TrainingJob") -> bool:
        """Block until `job` may train; False if it was stopped while waiting."""
        with self._cond:
            self._waiting.append(job)
            try:
                while self._waiting[0] is not job or len(self._running) >= self.max_running:
                    if job.stop_requested:
                        return False
                    self._cond.wait(0.2)
                self._running.add(job)
                return True
            finally:
                self._waiting.remove(job)
                self._cond.notify_all()

    def release(self, job: "TrainingJob") -> None:
        with self._cond:
            self._running.discard(job)
            self._cond.notify_all()

    def position(self, job: "TrainingJob") -> int:
        """1-based place in the waiting line, 0 when not waiting."""
        with self._cond:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    @property
    def running(self) -> int:
        return len(self._running)


SCHEDULER = Scheduler()


@dataclass(frozen=True)
class Snapshot:
    status: str                # queued | loading | running | paused | completed | early_stopped | diverged | stopped | error
    epoch: int
    epochs: int
    history: tuple             # of per-epoch dicts (never mutated after append)
    best_epoch: int = 0
    stopped_epoch: int = 0
    samples_per_sec: float = 0.0
    eta_seconds: float | None = None
    queue_position: int = 0
    epoch_fraction: float = 0.0  # progress inside the running epoch
    error: str | None = None
    probes: dict = field(default_factory=dict)   # name -> (epoch, value)
    val_output: Any = None     # probabilities / predictions on the val set, last epoch
    elapsed: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "early_stopped", "diverged", "stopped", "error")

    @property
    def active(self) -> bool:
        return not self.finished


class _JobCallback(Callback):
    def __init__(self, job: "TrainingJob"):
        self.job = job

    def on_epoch_end(self, trainer, epoch, logs):
        self.job._on_epoch(trainer, epoch, logs)


class TrainingJob:
    def __init__(self, cfg: RunConfig, prepared: Prepared | None = None, *, dataset=None,
                 scheduler: Scheduler = SCHEDULER, probes: dict[str, ProbeFn] | None = None,
                 probe_interval: float = 0.25, idle_timeout: float | None = None, model=None):
        self.cfg = cfg
        self.prepared = prepared
        self._dataset = dataset
        self.scheduler = scheduler
        self.probes: dict[str, ProbeFn] = dict(probes or {})
        self.probe_interval = probe_interval
        self.idle_timeout = idle_timeout  # stop if nobody asked for a snapshot this long
        self.trainer: Trainer | None = None
        self._model = model
        self._lock = threading.Lock()
        self._resume = threading.Event()
        self._resume.set()
        self._steps_left: int | None = None   # None = run freely; n = pause after n epochs
        self.stop_requested = False
        self._status = "queued"
        self._history: tuple = ()
        self._probe_values: dict = {}
        self._error = None
        self._t_start = None
        self._train_seconds = 0.0
        self._samples = 0
        self._last_probe = 0.0
        self._last_seen = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"train-{cfg.dataset}")

    # --- control (any thread) -----------------------------------------------------------------
    def start(self, paused: bool = False) -> "TrainingJob":
        if paused:
            self._steps_left = 0
            self._resume.clear()
        self._thread.start()
        return self

    def pause(self) -> None:
        self._steps_left = 0
        self._resume.clear()

    def resume(self) -> None:
        self._steps_left = None
        self._resume.set()

    def step(self, epochs: int = 1) -> None:
        """Run `epochs` more epochs, then pause."""
        self._steps_left = epochs
        self._resume.set()

    def stop(self) -> None:
        self.stop_requested = True
        if self.trainer:
            self.trainer.request_stop()
        self._resume.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def set_probe(self, name: str, fn: ProbeFn | None) -> None:
        with self._lock:
            if fn is None:
                self.probes.pop(name, None)
            else:
                self.probes[name] = fn

    @property
    def model(self):
        return self.trainer.model if self.trainer else None

    # --- the thread -------------------------------------------------------------------------------
    def _run(self) -> None:
        torch.set_num_threads(1)   # intra-op threads are per OS thread; small nets gain nothing from more
        holding = False
        try:
            if not self.scheduler.acquire(self):
                self._status = "stopped"
                return
            holding = True
            self._status = "loading"
            if self.prepared is None:
                ds = self._dataset or load_for_config(self.cfg)
                self.prepared = prepare(ds, self.cfg)
            self.trainer = Trainer(self.cfg, self.prepared, [_JobCallback(self)], model=self._model)
            if self.stop_requested:
                self.trainer.request_stop()
            self._t_start = time.perf_counter()
            self._status = "running"
            self.trainer.begin()
            self._run_probes(force=True)
            while not self.trainer.finished:
                if not self._resume.is_set():
                    self._status = "paused"
                    self._run_probes(force=True)
                    self.scheduler.release(self)
                    holding = False
                    while not self._resume.wait(0.5):
                        if self._abandoned():
                            self.stop()
                    if self.stop_requested:
                        self.trainer.end("stopped")
                        break
                    self._status = "queued"
                    if not self.scheduler.acquire(self):
                        self.trainer.end("stopped")
                        break
                    holding = True
                    self._status = "running"
                if self._abandoned():
                    self.stop()
                t0 = time.perf_counter()
                logs = self.trainer.step_epoch()
                self._train_seconds += time.perf_counter() - t0
                if logs is None:
                    break
                if self._steps_left is not None:
                    self._steps_left -= 1
                    if self._steps_left <= 0:
                        self._resume.clear()
            self._run_probes(force=True)
            self._status = self.trainer.status
        except ConfigError as e:
            self._error, self._status = str(e), "error"
        except Exception as e:   # a UI must see a message, not a dead thread
            self._error = f"{type(e).__name__}: {e}"
            self._status = "error"
            traceback.print_exc()
        finally:
            if holding:
                self.scheduler.release(self)

    def _abandoned(self) -> bool:
        return self.idle_timeout is not None and time.monotonic() - self._last_seen > self.idle_timeout

    def _on_epoch(self, trainer: Trainer, epoch: int, logs: dict) -> None:
        self._samples += len(trainer.data.train.X)
        self._history = self._history + (logs,)   # new tuple: readers never see a half-written list
        self._run_probes()

    def _run_probes(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not self.probes or self.trainer is None or (not force and now - self._last_probe < self.probe_interval):
            return
        self._last_probe = now
        with self._lock:
            probes = dict(self.probes)
        values = dict(self._probe_values)
        model = self.trainer.model
        was = model.training
        model.eval()
        try:
            with torch.no_grad():
                for name, fn in probes.items():
                    try:
                        values[name] = (self.trainer.epoch, fn(self.trainer))
                    except Exception as e:  # a broken view must not kill the run
                        values[name] = (self.trainer.epoch, e)
        finally:
            model.train(was)
        self._probe_values = values

    # --- the snapshot (any thread, cheap) ------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        self._last_seen = time.monotonic()
        tr = self.trainer
        epochs = self.cfg.epochs
        epoch = tr.epoch if tr else 0
        sps = self._samples / self._train_seconds if self._train_seconds > 0 else 0.0
        eta = None
        frac = 0.0
        if tr and sps > 0 and not tr.finished:
            n = len(tr.data.train.X)
            frac = min(tr.samples_seen / n, 1.0) if self._status == "running" else 0.0
            eta = max(epochs - epoch - frac, 0) * n / sps
        return Snapshot(
            status=self._status, epoch=epoch, epochs=epochs, history=self._history,
            best_epoch=tr.best_epoch if tr else 0, stopped_epoch=tr.stopped_epoch if tr else 0,
            samples_per_sec=sps, eta_seconds=eta, queue_position=self.scheduler.position(self),
            epoch_fraction=frac, error=self._error, probes=self._probe_values,
            val_output=tr.last_val_output if tr else None,
            elapsed=(time.perf_counter() - self._t_start) if self._t_start else 0.0)
