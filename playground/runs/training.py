"""A training run in a background thread, with pause / resume / step / stop and a cheap,
consistent snapshot for a UI that polls it.

Commands and the published state share one Condition: a command is never lost
(no unlocked check-then-act), and a snapshot never mixes two epochs (the epoch, its
history, its validation outputs and its weights are published together at the end of
an epoch). Pages read `model_copy()`, weights taken at an epoch boundary, never the
live model. A paused run gives its slot of the scheduler back.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import torch

from ..analysis.baselines import reference_scores
from ..analysis.coach import MIN_EPOCHS
from ..config import LIVE_FIELDS, RunConfig
from ..data.loaders import load_for_config
from ..data.prepare import Prepared, prepare
from ..nn.callbacks import Callback
from ..nn.model import cloned_state, copy_model
from ..nn.train import Trainer
from ..status import Status, StatusView
from .job import BackgroundJob
from .scheduler import SCHEDULER, Scheduler

ProbeFn = Callable[[Trainer], Any]


@dataclass(frozen=True)
class Snapshot(StatusView):
    status: Status
    epoch: int                 # epochs completed; always == len(history)
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
    val_output: Any = None     # probabilities / predictions on the val set, at `epoch`
    elapsed: float = 0.0
    grad_norms: tuple = ()     # per epoch: {'epoch', layer: norm}
    weights_epoch: int = 0     # the epoch whose weights model_copy() holds (the best one once restored)
    loss_name: str = ""        # bce | ce | mse | mae | huber
    chance: float | None = None          # the majority class's share of the validation set
    baseline_loss: float | None = None   # a linear / logistic model's validation loss (for the coach)
    constant_loss: float | None = None   # always predicting the prior / the mean, on validation
    partial: tuple | None = None         # (epoch + fraction, training loss so far) inside a long epoch
    stop_reason: str | None = None       # why a stopped run stopped when not by its user: budget | idle
    changes: tuple = ()        # settings changed mid-run: {'epoch': float, 'changes': {field: (old, new)}}
    speed: float | None = None           # at most this many epochs per second (None: as fast as it can)

    @property
    def endless(self) -> bool:
        return self.epochs == 0



# Inside an epoch longer than this, the page gets a curve point: the epoch's loss so far.
PARTIAL_EVERY_S = 1.5


class _Publish(Callback):
    def __init__(self, job: "TrainingJob"):
        self.job = job
        self.last = time.perf_counter()

    def on_epoch_begin(self, trainer, epoch):
        self.last = time.perf_counter()

    def on_after_backward(self, trainer, batch):
        now = time.perf_counter()
        if now - self.last >= PARTIAL_EVERY_S:   # a long epoch: a point now, not minutes from now
            self.last = now
            self.job._on_partial(trainer)
            if self.job.over_budget():
                self.job.stop("budget")

    def on_epoch_end(self, trainer, epoch, logs):
        self.job._on_epoch(trainer, logs)

    def on_train_end(self, trainer, status):
        self.job._on_end(trainer)   # early stopping may have put the best weights back


class TrainingJob(BackgroundJob):
    kind = "train"

    def __init__(self, cfg: RunConfig, prepared: Prepared | None = None, *, dataset=None,
                 scheduler: Scheduler = SCHEDULER, probes: dict[str, ProbeFn] | None = None,
                 probe_interval: float = 0.25, idle_timeout: float | None = None, model=None,
                 time_limit: float | None = None):
        super().__init__(cfg.dataset, scheduler=scheduler, idle_timeout=idle_timeout)
        self.time_limit = time_limit          # seconds of training this run may use (the server's budget)
        self.cfg = cfg
        self.prepared = prepared
        self._dataset = dataset
        self.probes: dict[str, ProbeFn] = dict(probes or {})
        self.probe_interval = probe_interval
        self.trainer: Trainer | None = None   # the worker's; pages use snapshot() and model_copy()
        self._model = model
        self._steps_left: int | None = None   # None: run freely; n: n more epochs may start, then pause
        self._speed: float | None = None      # epochs per second at most (a toy run slowed to be watched)
        self._next_epoch_at = 0.0
        self._changes: tuple = ()             # every change requested, in order (the page marks them at once)
        self._pending_changes: dict = {}      # changes made before the trainer exists
        # published at epoch boundaries, under self._cond
        self._epoch = 0
        self._history: tuple = ()
        self._best_epoch = 0
        self._stopped_epoch = 0
        self._val_output = None
        self._state: dict | None = None
        self._grad_norms: tuple = ()
        self._weights_epoch = 0
        self._partial: tuple | None = None
        self._reference: dict = {}
        self._probe_values: dict = {}
        self._train_seconds = 0.0
        self._epoch_t0: float | None = None
        self._samples = 0
        self._last_probe = 0.0

    # --- control (any thread) -----------------------------------------------------------------
    def start(self, paused: bool = False) -> "TrainingJob":
        if paused:
            with self._cond:
                self._steps_left = 0
        return super().start()

    def pause(self) -> None:
        with self._cond:
            self._steps_left = 0
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._steps_left = None
            self._cond.notify_all()

    def step(self, epochs: int = 1) -> None:
        """Run `epochs` more epochs (counted from the next one to start), then pause."""
        with self._cond:
            self._steps_left = epochs
            self._cond.notify_all()

    def set_speed(self, epochs_per_second: float | None) -> None:
        """At most this many epochs a second (None or 0: as fast as it can)."""
        with self._cond:
            self._speed = epochs_per_second or None
            self._next_epoch_at = min(self._next_epoch_at, time.perf_counter() + 1 / self._speed
                                      if self._speed else 0.0)
            self._cond.notify_all()

    def change(self, **values) -> RunConfig:
        """Apply settings a running run can take (config.LIVE_FIELDS) from its next batch on;
        returns the run's new config. Other fields need a new run: ValueError."""
        wrong = set(values) - set(LIVE_FIELDS)
        if wrong:
            raise ValueError(f"not changeable mid-run: {sorted(wrong)}")
        with self._cond:
            new = self.cfg.replace(**values)            # ConfigError: an invalid value changes nothing
            diff = {k: (getattr(self.cfg, k), getattr(new, k)) for k in values if getattr(self.cfg, k) != getattr(new, k)}
            if not diff:
                return self.cfg
            tr = self.trainer
            running = tr is not None and self._status == Status.RUNNING and self._epoch_t0 is not None
            frac = min(tr.samples_seen / max(len(tr.data.train.X), 1), 1.0) if running else 0.0
            self._changes = self._changes + ({"epoch": self._epoch + frac, "changes": diff},)
            self.cfg = new
            if tr is not None:
                tr.change(**{k: v for k, (_, v) in diff.items()})
            else:
                self._pending_changes.update({k: v for k, (_, v) in diff.items()})
            return self.cfg

    def _on_stop(self) -> None:
        if self.trainer:
            self.trainer.request_stop()

    def over_budget(self) -> bool:
        """Trained longer than the limit allows (the estimate before it started was off)."""
        return self.time_limit is not None and self._train_seconds + self._epoch_seconds() > self.time_limit

    def _epoch_seconds(self) -> float:
        return time.perf_counter() - self._epoch_t0 if self._epoch_t0 else 0.0

    def set_probe(self, name: str, fn: ProbeFn | None) -> None:
        with self._cond:
            if fn is None:
                self.probes.pop(name, None)
            else:
                self.probes[name] = fn

    def model_copy(self) -> torch.nn.Module | None:
        """A fresh eval-mode net with the weights of the last finished epoch (or the initial
        weights before the first); None before the model exists."""
        with self._cond:
            state = self._state
        if state is None:
            return None
        p = self.prepared
        return copy_model(None, self.cfg, p.n_features, p.n_outputs, p.image_shape, state=state)

    # --- the thread -------------------------------------------------------------------------------
    def _run(self) -> None:
        if not self._take_slot():
            self._set_status(Status.STOPPED)
            return
        self._set_status(Status.LOADING)
        if self.prepared is None:
            self.prepared = prepare(self._dataset or load_for_config(self.cfg), self.cfg)
        trainer = Trainer(self.cfg, self.prepared, [_Publish(self)], model=self._model)
        with self._cond:
            self.trainer = trainer
            if self._pending_changes:
                trainer.change(**self._pending_changes)
            if self.stop_requested:
                trainer.request_stop()
        self._mark_started()
        self._set_status(Status.RUNNING)
        trainer.begin()
        self._publish_state(trainer)
        # no probes yet: the first epoch's end runs them (a paused start, Reset, runs them as it
        # pauses); the first curve point comes sooner
        while not trainer.finished:
            if not self._may_start_epoch(trainer):
                break
            if self.over_budget():
                self.stop("budget")
            self._epoch_t0 = time.perf_counter()
            logs = trainer.step_epoch()
            with self._cond:                      # samples and seconds together: a true samples/s
                self._train_seconds += self._epoch_seconds()
                self._samples += trainer.samples_seen if logs else 0
                self._epoch_t0 = None
            if logs is None:
                break
        self._run_probes(force=True)
        self._set_status(trainer.status)

    def _may_start_epoch(self, trainer: Trainer) -> bool:
        """Consume one step, or pause (slot given back) until a command comes, then wait for
        a slot again. False when the run must end. The decision is taken under the lock; the
        slow parts (probes, the scheduler, ending the trainer) run outside it."""
        while True:
            with self._cond:
                if self.stop_requested:
                    break
                waiting = self._steps_left == 0
                if not waiting and self._holding and self._speed and time.perf_counter() < self._next_epoch_at:
                    self._cond.wait(self._next_epoch_at - time.perf_counter())   # slowed to be watched
                    continue
                if not waiting and self._holding:
                    if self._speed:
                        self._next_epoch_at = time.perf_counter() + 1 / self._speed
                    if self._steps_left is not None:
                        self._steps_left -= 1
                    if self.abandoned():
                        self.stop_requested, self.stop_reason = True, "idle"
                        break
                    self._status = Status.RUNNING
                    return True
                if waiting and self._status == Status.PAUSED:
                    self._cond.wait(0.5)
                    if self.abandoned():
                        self.stop_requested, self.stop_reason = True, "idle"
                    continue
            if waiting:          # pause: probes see the paused model, the slot goes to the next in line
                self._set_status(Status.PAUSED)
                self._run_probes(force=True)
                self._give_slot()
            elif not self._take_slot():   # resumed: queue again (a pause meanwhile is checked above)
                break
        trainer.end(Status.STOPPED)
        return False

    def _publish_state(self, trainer: Trainer) -> None:
        state = cloned_state(trainer.model)
        with self._cond:
            self._state = state

    def _on_epoch(self, trainer: Trainer, logs: dict) -> None:
        """In the worker at the end of an epoch (after early stopping's verdict and restore)."""
        state = cloned_state(trainer.model)
        with self._cond:
            self._epoch = trainer.epoch
            self._history = self._history + (dict(logs),)   # new tuple: readers never see a half-written list
            self._best_epoch, self._stopped_epoch = trainer.best_epoch, trainer.stopped_epoch
            self._weights_epoch = trainer.weights_epoch
            self._val_output = trainer.last_val_output
            self._grad_norms = tuple(trainer.grad_norms)
            self._state = state
            self._partial = None
        if trainer.epoch == MIN_EPOCHS - 1:    # the coach needs it from MIN_EPOCHS on; off the first point's path
            self._compute_reference(trainer)
        self._run_probes()

    def _on_partial(self, trainer: Trainer) -> None:
        loss = trainer.running_loss()
        n = len(trainer.data.train.X)
        if loss is not None and n:
            with self._cond:
                self._partial = (trainer.epoch + min(trainer.samples_seen / n, 1.0), loss)

    def _on_end(self, trainer: Trainer) -> None:
        if trainer.early_stopping.restored:     # the best epoch's weights (else: the last epoch's, published)
            self._publish_state(trainer)
        with self._cond:                        # first: the reference below may take seconds on a big set
            self._weights_epoch = trainer.weights_epoch
            self._val_output = trainer.last_val_output
            self._partial = None
        if not self._reference:
            self._compute_reference(trainer)
        trainer.release()                       # a finished run keeps no optimizer state or gradients

    def _compute_reference(self, trainer: Trainer) -> None:
        try:
            ref = reference_scores(trainer.data, trainer.loss_name, self.cfg.seed)
        except Exception:              # e.g. one class in the training rows: the coach does without
            ref = {"chance": None, "baseline_loss": None}
        ref["constant_loss"] = trainer.loss_on("val", constant=True)
        with self._cond:
            self._reference = ref

    def _run_probes(self, force: bool = False) -> None:
        now = time.perf_counter()
        trainer = self.trainer
        with self._cond:
            probes = dict(self.probes)
        if not probes or trainer is None or (not force and now - self._last_probe < self.probe_interval):
            return
        self._last_probe = now
        values = dict(self._probe_values)
        model = trainer.model
        was = model.training
        model.eval()
        try:
            with torch.no_grad():
                for name, fn in probes.items():
                    try:
                        values[name] = (trainer.epoch, fn(trainer))
                    except Exception as e:  # a broken view must not kill the run
                        values[name] = (trainer.epoch, e)
        finally:
            model.train(was)
        with self._cond:
            self._probe_values = values

    # --- the snapshot (any thread, cheap) ------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        self.touch()
        position = self.scheduler.position(self)
        with self._cond:
            tr, status, epoch, epochs = self.trainer, self._status, self._epoch, self.cfg.epochs
            sps = self._samples / self._train_seconds if self._train_seconds > 0 else 0.0
            eta, frac = None, 0.0
            if tr and sps > 0 and not status.finished:
                n = len(tr.data.train.X)
                frac = min(tr.samples_seen / n, 1.0) if status == Status.RUNNING else 0.0
                if epochs:          # an endless run has no end to estimate
                    eta = max(epochs - epoch - frac, 0) * n / sps
            return Snapshot(
                status=status, epoch=epoch, epochs=epochs, history=self._history,
                best_epoch=self._best_epoch, stopped_epoch=self._stopped_epoch,
                samples_per_sec=sps, eta_seconds=eta, queue_position=position,
                epoch_fraction=frac, error=self._error, probes=self._probe_values,
                val_output=self._val_output, elapsed=self.elapsed, grad_norms=self._grad_norms,
                weights_epoch=self._weights_epoch, loss_name=tr.loss_name if tr else "",
                chance=self._reference.get("chance"), baseline_loss=self._reference.get("baseline_loss"),
                constant_loss=self._reference.get("constant_loss"), partial=self._partial,
                stop_reason=self.stop_reason, changes=self._changes, speed=self._speed)
