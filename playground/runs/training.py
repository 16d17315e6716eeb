"""A training run in a background thread, with pause / resume / step / stop, published as
one immutable run record (a Snapshot) at every epoch and every change of status.

Commands and the published record share one Condition: a command is never lost (no
unlocked check-then-act), and a record never mixes two epochs: its epoch, history,
validation outputs and the weights of that same moment (`state`) are published together,
so `model_copy(record)` rebuilds exactly the network the record's curve belongs to.
`snapshot()` is a pure read that returns the latest record; only `heartbeat()` keeps a
run alive. A paused run gives its slot of the scheduler back.
"""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Callable

import torch

from ..analysis.baselines import reference_scores
from ..analysis.coach import MIN_EPOCHS
from ..config import RunConfig
from ..data.loaders import load_for_config
from ..data.prepare import Prepared, prepare
from ..nn.model import cloned_state
from ..nn.train import Trainer
from ..status import Status
from .job import BackgroundJob
from .publish import PARTIAL_EVERY_S, Publish
from .scheduler import SCHEDULER, Scheduler
from .snapshot import Snapshot, model_from, validate_change  # noqa: F401  (Snapshot: re-exported)

ProbeFn = Callable[[Trainer], Any]


class TrainingJob(BackgroundJob):
    kind = "train"

    def __init__(self, cfg: RunConfig, prepared: Prepared | None = None, *, dataset=None,
                 scheduler: Scheduler = SCHEDULER, probes: dict[str, ProbeFn] | None = None,
                 probe_interval: float = 0.25, idle_timeout: float | None = None, model=None,
                 time_limit: float | None = None):
        super().__init__(cfg.dataset, scheduler=scheduler, idle_timeout=idle_timeout)
        self.time_limit = time_limit          # seconds of training this run may use (the server's budget)
        self.cfg = cfg                        # the run's one config: changes replace it, the trainer follows
        self.prepared = prepared
        self._dataset = dataset
        self.probes: dict[str, ProbeFn] = dict(probes or {})
        self.probe_interval = probe_interval
        self.trainer: Trainer | None = None   # the worker's; pages use snapshot() and model_copy()
        self._model = model
        self._steps_left: int | None = None   # None: run freely; n: n more epochs may start, then pause
        self._speed: float | None = None      # epochs per second at most (a toy run slowed to be watched)
        self._next_epoch_at = 0.0
        self._pending_changes: dict = {}      # changes made before the trainer exists
        self._reference: dict = {}
        self._probe_values: dict = {}
        self._train_seconds = 0.0
        self._epoch_t0: float | None = None
        self._samples = 0
        self._samples_counted = 0             # of the epoch under way, already in _samples (turns)
        self._turn_epochs = 0                 # epochs started in this turn: an epoch's end ends a turn
        self._last_probe = 0.0
        self._record = Snapshot(status=Status.QUEUED, epoch=0, epochs=cfg.epochs, history=())   # what pages read

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
            self._publish(speed=self._speed)
            self._cond.notify_all()

    def change(self, **values) -> RunConfig:
        """Apply settings a running run can take (config.LIVE_FIELDS) from its next batch on;
        returns the run's new config. Other fields need a new run: ValueError. The job's
        log of changes is the run's one log; the trainer applies them before its next batch."""
        with self._cond:
            new, diff = validate_change(self.cfg, values)
            if not diff:
                return self.cfg
            tr = self.trainer
            running = tr is not None and self._status == Status.RUNNING and self._epoch_t0 is not None
            frac = min(tr.samples_seen / max(len(tr.data.train.X), 1), 1.0) if running else 0.0
            self.cfg = new
            values = {k: v for k, (_, v) in diff.items()}
            if tr is not None:
                tr.change(**values)
            else:
                self._pending_changes.update(values)
            rec = self._record
            self._publish(changes=rec.changes + ({"epoch": rec.epoch + frac, "changes": diff},),
                          epochs=new.epochs)
            return self.cfg

    def _on_stop(self) -> None:
        if self.trainer:
            self.trainer.request_stop()

    def over_budget(self) -> bool:
        """Trained longer than the limit allows (the estimate before it started was off)."""
        with self._cond:
            return self.time_limit is not None and self._train_seconds + self._epoch_seconds() > self.time_limit

    def _epoch_seconds(self) -> float:
        """Under the lock: the seconds the epoch under way has run so far."""
        return time.perf_counter() - self._epoch_t0 if self._epoch_t0 else 0.0

    def set_probe(self, name: str, fn: ProbeFn | None) -> None:
        with self._cond:
            if fn is None:
                self.probes.pop(name, None)
            else:
                self.probes[name] = fn

    def model_copy(self, record: Snapshot | None = None) -> torch.nn.Module | None:
        """A fresh eval-mode net with the weights `record` carries (by default the latest
        record's: the last finished epoch, or the initial weights before the first); None
        before the model exists. Pass the record a page drew, and the net is that epoch's."""
        if record is None:
            record = self.snapshot()
        return model_from(record, self.cfg, self.prepared)

    # --- the thread -------------------------------------------------------------------------------
    def _run(self) -> None:
        if not self._take_slot():
            self._set_status(Status.STOPPED)
            return
        self._set_status(Status.LOADING)
        if self.prepared is None:
            self.prepared = prepare(self._dataset or load_for_config(self.cfg), self.cfg)
        trainer = Trainer(self.cfg, self.prepared, [Publish(self)], model=self._model)
        with self._cond:
            self.trainer = trainer
            if self._pending_changes:
                trainer.change(**self._pending_changes)
            if self.stop_requested:
                trainer.request_stop()
            self._publish(loss_name=trainer.loss_name)
        self._mark_started()
        self._set_status(Status.RUNNING)
        trainer.begin()
        self._publish_weights(trainer)
        # no probes yet: the first epoch's end runs them (a paused start, Reset, runs them as it
        # pauses); the first curve point comes sooner
        while not trainer.finished:
            if not self._may_start_epoch(trainer):
                break
            if self.over_budget():
                self.stop("budget")
            with self._cond:
                self._epoch_t0 = time.perf_counter()
            logs = trainer.step_epoch()
            with self._cond:                      # samples and seconds together: a true samples/s
                self._count_training(trainer.samples_seen if logs else self._samples_counted)
                self._samples_counted = 0
                self._publish(epoch_fraction=0.0)
            if logs is None:
                break
        self._run_probes(force=True)
        self._set_status(trainer.status)

    def _may_start_epoch(self, trainer: Trainer) -> bool:
        """Consume one step, or pause (slot given back) until a command comes, then wait for
        a turn again. False when the run must end. The decision is taken under the lock; the
        slow parts (probes, the scheduler, ending the trainer) run outside it. A slowed run
        waits for its next epoch without a slot; at an epoch's end a run hands its slot to a
        run that waits (its turn is over)."""
        while True:
            with self._cond:
                if self.stop_requested:
                    break
                waiting = self._steps_left == 0
                now = time.perf_counter()
                slowed = not waiting and bool(self._speed) and now < self._next_epoch_at
                if slowed and not self._holding:
                    self._cond.wait(self._next_epoch_at - now)   # slowed to be watched
                    continue
                if waiting and self._status == Status.PAUSED:
                    self._cond.wait(0.5)
                    if self.abandoned():
                        self.stop_requested, self.stop_reason = True, "idle"
                    continue
                if not waiting and self._holding and not slowed:
                    if self.abandoned():
                        self.stop_requested, self.stop_reason = True, "idle"
                        break
                    if not (self._turn_epochs and self.scheduler.turn_over(self, epoch_end=True)):
                        self._turn_epochs += 1
                        if self._speed:
                            self._next_epoch_at = now + 1 / self._speed
                        if self._steps_left is not None:
                            self._steps_left -= 1
                        if self._status != Status.RUNNING:
                            self._status = Status.RUNNING
                            self._status_changed()
                        return True
                    action = "turn"
                else:
                    action = "pause" if waiting else "release" if slowed else "take"
                resumed = self._status == Status.PAUSED
            if action == "pause":     # probes see the paused model, the slot goes to a run that waits
                self._run_probes(force=True)
                self._give_slot()
                self._set_status(Status.PAUSED)     # a paused record holds no slot
            elif action == "release":
                self._give_slot()
            elif action == "turn":
                if self._next_turn() is None:
                    break
                self._turn_epochs = 0
            elif not self._take_slot(queued=resumed):   # resumed (or its speed allows the next epoch)
                break
            else:
                self._turn_epochs = 0
        trainer.end(Status.STOPPED)
        return False

    def _turn_ends_mid_epoch(self, trainer: Trainer) -> None:
        """In the worker, between two batches: another run waits and this one had its turn.
        The page gets a curve point for the epoch so far; the epoch's clock stops while the
        thread waits for its next turn (samples/s and the budget count training only)."""
        with self._cond:
            self._count_training(trainer.samples_seen)
        self._on_progress(trainer)
        self._on_partial(trainer)
        waited = self._next_turn()
        with self._cond:
            self._epoch_t0 = time.perf_counter()
        if waited is None:                       # stopped while waiting: the epoch ends here
            trainer.request_stop()
        else:
            trainer.waited += waited
            if self.over_budget():
                self.stop("budget")

    def _count_training(self, samples_seen: int) -> None:
        """Under the lock: the seconds and samples trained since the last count, together."""
        self._train_seconds += self._epoch_seconds()
        self._samples += samples_seen - self._samples_counted
        self._samples_counted = samples_seen
        self._epoch_t0 = None

    # --- publishing: one new record at a time, under the lock ---------------------------------------
    def _publish(self, **fields) -> None:
        """Under self._cond: the next record, from the last one and `fields`; the rates and the
        time left are recomputed from the counters of this same moment."""
        rec = self._record
        tr = self.trainer
        seconds, samples = self._train_seconds, self._samples
        if tr is not None and self._epoch_t0:   # and the epoch under way: the first epoch's record has a rate
            seconds, samples = seconds + self._epoch_seconds(), samples + tr.samples_seen - self._samples_counted
        sps = samples / seconds if seconds > 0 else 0.0
        status = fields.get("status", rec.status)
        eta = None
        if tr is not None and sps > 0 and not Status(status).finished and self.cfg.epochs:
            frac = fields.get("epoch_fraction", rec.epoch_fraction)
            epoch = fields.get("epoch", rec.epoch)
            per_epoch = len(tr.data.train.X) / sps
            if self._speed:            # slowed to be watched: an epoch takes at least 1 / speed
                per_epoch = max(per_epoch, 1 / self._speed)
            eta = max(self.cfg.epochs - epoch - frac, 0) * per_epoch   # endless: no end
        self._record = replace(rec, samples_per_sec=sps, eta_seconds=eta, elapsed=self.elapsed,
                               stop_reason=self.stop_reason, error=self._error,
                               version=rec.version + 1, **fields)
        self._cond.notify_all()       # wait_for_point (the job's own waits loop on their conditions)

    def _status_changed(self) -> None:
        self._publish(status=self._status, epoch_fraction=0.0 if self._status != Status.RUNNING
                      else self._record.epoch_fraction)

    def _publish_weights(self, trainer: Trainer) -> None:
        state = cloned_state(trainer.model)
        with self._cond:
            self._publish(state=state, weights_epoch=trainer.weights_epoch,
                          weights_version=self._record.weights_version + 1)

    def _on_epoch(self, trainer: Trainer, logs: dict) -> None:
        """In the worker at the end of an epoch (after early stopping's verdict and restore):
        the epoch's curve point and its weights in one record."""
        state = cloned_state(trainer.model)
        with self._cond:
            rec = self._record
            self._publish(epoch=trainer.epoch, history=rec.history + (dict(logs),),
                          best_epoch=trainer.best_epoch, stopped_epoch=trainer.stopped_epoch,
                          weights_epoch=trainer.weights_epoch, val_output=trainer.last_val_output,
                          grad_norms=tuple(trainer.grad_norms), state=state,
                          weights_version=rec.weights_version + 1, partial=None, epoch_fraction=0.0)
        if trainer.epoch == MIN_EPOCHS - 1:    # the coach needs it from MIN_EPOCHS on; off the first point's path
            self._compute_reference(trainer)
        self._run_probes()

    def _on_progress(self, trainer: Trainer) -> None:
        n = len(trainer.data.train.X)
        if n:
            with self._cond:
                self._publish(epoch_fraction=min(trainer.samples_seen / n, 1.0))

    def _on_partial(self, trainer: Trainer) -> None:
        loss = trainer.running_loss()
        n = len(trainer.data.train.X)
        if loss is not None and n:
            with self._cond:
                self._publish(partial=(trainer.epoch + min(trainer.samples_seen / n, 1.0), loss))

    def _on_end(self, trainer: Trainer) -> None:
        state = cloned_state(trainer.model) if trainer.early_stopping.restored else None
        with self._cond:                        # first: the reference below may take seconds on a big set
            rec = self._record
            weights = ({"state": state, "weights_version": rec.weights_version + 1} if state is not None
                       else {})                 # the best epoch's weights (else: the last epoch's, published)
            self._publish(weights_epoch=trainer.weights_epoch, val_output=trainer.last_val_output,
                          partial=None, **weights)
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
            self._publish(chance=ref.get("chance"), baseline_loss=ref.get("baseline_loss"),
                          constant_loss=ref.get("constant_loss"))

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
            self._publish(probes=values)

    @property
    def shown_point(self) -> bool:
        return self._record.has_point

    # --- reading (any thread): a pure read of the latest record ----------------------------------------
    def snapshot(self) -> Snapshot:
        """The latest run record, with how the server is shared right now (the scheduler's
        part, which moves without the run). Changes nothing: not the run, not its idle timeout."""
        with self._cond:
            rec = self._record
        if not rec.active or rec.status == Status.PAUSED:
            return replace(rec, sharing=0, next_point_s=None) if rec.sharing else rec
        sched = self.scheduler
        sharing = sched.sharing()
        crowd = max(sharing / sched.max_running, 1.0)        # the share of a core this run gets
        n = len(self.prepared.train.X) if self.prepared is not None else 0
        own = None        # seconds of its own training to its next point: the epoch's rest, or a turn
        if rec.samples_per_sec > 0 and n:
            own = (1 - rec.epoch_fraction) * n / rec.samples_per_sec
            own = min(own, sched.turn_s if crowd > 1 else PARTIAL_EVERY_S)
        nxt = sched.wait_estimate(self) + (own or 0.0)
        eta = rec.eta_seconds * crowd if rec.eta_seconds is not None else None
        return replace(rec, sharing=sharing, next_point_s=nxt, eta_seconds=eta)
