"""Training events, Keras style: the Trainer calls these hooks with plain Python numbers.

The history, early stopping (with best weights), the divergence check and gradient norms
are callbacks the Trainer always installs; the CLI's progress log and a background job
are observers added after them. A callback that wants the run to end sets
`trainer.stop_status` (Keras' `stop_training`); it never raises.
"""
from __future__ import annotations

import math
import sys
import time

import torch

from ..config import MONITOR_MODES
from ..status import Status
from .model import cloned_state


class Callback:
    """Hooks and the `logs` each receives (see keras/src/callbacks/callback.py):
    on_epoch_end gets {'epoch', 'loss', 'accuracy'|'mae', 'val_loss', 'val_...', 'seconds'}."""

    def on_train_begin(self, trainer) -> None: ...
    def on_epoch_begin(self, trainer, epoch: int) -> None: ...
    def on_after_backward(self, trainer, batch: int) -> None: ...   # gradients exist, step not taken
    def on_epoch_end(self, trainer, epoch: int, logs: dict) -> None: ...
    def on_train_end(self, trainer, status: str) -> None: ...


class History(Callback):
    """Per-epoch dicts: {'epoch', 'loss', 'val_loss', 'accuracy'|'mae', 'val_...', 'seconds'}."""

    def __init__(self):
        self.epochs: list[dict] = []

    def on_epoch_end(self, trainer, epoch, logs):
        self.epochs.append(dict(logs))

    def series(self, key: str) -> list[float]:
        return [e[key] for e in self.epochs]


# An epoch's training loss this many times the reference (the worse of the untrained
# network's loss and a constant predictor's) is an explosion even while still finite
# (BCE with exploding logits never reaches inf). Adaptive optimizers with a high rate can
# spend a few epochs at 100-600x and recover (measured on the tables): hence 1000. One
# exploded epoch is no verdict either: auto-mpg with adam, lr 3, tanh starts at 1,260x and
# reaches R² 0.89 by epoch 37 (measured). EXPLOSION_EPOCHS in a row, not falling below
# RECOVERING x where they began, are; a run that ends exploded is judged at its end.
EXPLOSION_FACTOR = 1000.0
EXPLOSION_EPOCHS = 3
# Above BLOWUP_FACTOR x the reference, with a validation score no better than the constant
# predictor's, for BLOWUP_EPOCHS epochs in a row without falling below RECOVERING x where
# the streak began: the steps made things worse and stay there (a learning rate too high).
# A run that ends inside such a streak is judged at its end.
BLOWUP_FACTOR = 1.2
BLOWUP_EPOCHS = 10
BLOWUP_EPOCHS_AT_END = 3  # a run that ends sooner is judged on its last 3 epochs (one bad epoch is noise)
RECOVERING = 0.5
CHANCE_MARGIN = 0.02     # validation accuracy within this of the majority class's share
# A run that ends by itself with a model no better than chance ends AT_CHANCE: its kept
# epoch's val_loss not below the constant predictor's, and its val accuracy within this
# many standard errors of a coin weighted like the majority class (80 validation points
# at 50%: 0.5 +- 0.11, where 2 points would call noise learning; spiral, sgd lr 3, measured).
CHANCE_SE = 2.0
AT_CHANCE_EPOCHS = 10    # a shorter run is too short to call (the coach: "too early")
INITIAL_ROWS = 1024      # rows that give the untrained network's loss (cheap, once)


class DivergenceCheck(Callback):
    """Ends the run as `diverged` when its loss is not finite, stays exploded, or blows up
    and stays no better than a constant predictor (the class prior, the target's mean); a
    run that ends by itself with a model no better than that ends `at_chance`.
    Runs after EarlyStopping: a run that early stopping ends inside such a streak diverged."""

    def __init__(self, explosion: float = EXPLOSION_FACTOR, blowup: float = BLOWUP_FACTOR,
                 epochs: int = BLOWUP_EPOCHS):
        self.explosion, self.blowup, self.epochs = explosion, blowup, epochs
        self.reference = self.val_constant = None
        self.chance = None        # the majority class's share of the validation set
        self.chance_band = 0.0    # how far above `chance` a validation accuracy is still chance
        self.streak: list[float] = []     # losses of the consecutive blown-up, useless epochs
        self.exploded: list[float] = []   # losses of the consecutive exploded epochs
        self.beat: list[bool] = []        # per epoch: beat chance on validation

    def on_train_begin(self, trainer):
        initial = trainer.loss_on("train", INITIAL_ROWS)
        constant = trainer.loss_on("train", constant=True)
        self.reference = max(v for v in (initial, constant, 1e-6) if math.isfinite(v))
        self.val_constant = trainer.loss_on("val", constant=True)
        y_val = trainer.data.val.y
        if trainer.task != "regression" and len(y_val):
            self.chance = float(torch.bincount(y_val.long()).max()) / len(y_val)
            se = math.sqrt(self.chance * (1 - self.chance) / len(y_val))
            self.chance_band = max(CHANCE_MARGIN, CHANCE_SE * se)

    def useless(self, logs: dict) -> bool:
        """No better on validation than predicting the prior / the mean for every row."""
        if logs["val_loss"] < self.val_constant:
            return False
        return self.chance is None or logs["val_accuracy"] <= self.chance + CHANCE_MARGIN

    def beats_chance(self, logs: dict) -> bool:
        """Better on validation than the constant predictor by more than noise."""
        if logs["val_loss"] < self.val_constant:
            return True
        return self.chance is not None and logs["val_accuracy"] > self.chance + self.chance_band

    def on_epoch_end(self, trainer, epoch, logs):
        loss, val_loss = logs["loss"], logs["val_loss"]
        if not math.isfinite(loss) or not math.isfinite(val_loss):
            trainer.stop_status = Status.DIVERGED
            return
        self.beat.append(self.beats_chance(logs))
        # e.g. early stopping, or the last epoch (an endless run, epochs 0, has none)
        ending = trainer.stop_status is not None or 0 < trainer.cfg.epochs <= epoch
        self.exploded = self.exploded + [loss] if loss > self.explosion * self.reference else []
        if self.exploded and (ending or _stays(self.exploded, EXPLOSION_EPOCHS, EXPLOSION_EPOCHS)):
            trainer.stop_status = Status.DIVERGED
            return
        blown = loss > self.blowup * self.reference and self.useless(logs)
        self.streak = self.streak + [loss] if blown else []
        if _stays(self.streak, self.epochs, self.epochs) or (
                ending and _stays(self.streak, min(BLOWUP_EPOCHS_AT_END, epoch), self.epochs)):
            trainer.stop_status = Status.DIVERGED
        elif ending and epoch >= AT_CHANCE_EPOCHS and not self.beat[self._kept(trainer, epoch) - 1]:
            trainer.stop_status = Status.AT_CHANCE

    @staticmethod
    def _kept(trainer, epoch: int) -> int:
        """The epoch whose weights the run will end with."""
        return trainer.early_stopping.best_epoch if trainer.early_stopping.keeps_best else epoch


def _stays(streak: list[float], n: int, window: int) -> bool:
    """At least n epochs in a row, the last not below RECOVERING x the first of the last
    `window` (a streak that keeps falling is a recovery)."""
    recent = streak[-window:]
    return len(recent) >= max(n, 1) and recent[-1] > RECOVERING * recent[0]


class EarlyStopping(Callback):
    """Tracks the best epoch by the monitored value (val_loss, val_accuracy or val_mae: lower
    is better for losses and errors, higher for accuracy); with `patience` > 0 stops after that
    many epochs without an improvement of more than `min_delta` and, with `restore_best`, puts
    the best epoch's weights back (keras.callbacks.EarlyStopping(monitor, min_delta, patience,
    restore_best_weights), whose comparison this is)."""

    def __init__(self, patience: int = 0, restore_best: bool = True, monitor: str = "val_loss",
                 min_delta: float = 0.0):
        self.patience, self.restore_best, self.min_delta = patience, restore_best, min_delta
        self.monitor, self.mode = monitor, MONITOR_MODES[monitor]
        self.best_epoch = 0
        self.best = math.inf if self.mode == "min" else -math.inf   # the monitored value at the best epoch
        self.best_val_loss = math.inf
        self.stopped_epoch = 0
        self.restored = False           # the model holds the best epoch's weights, not the last's
        self._wait = 0
        self._best_state = None

    def improved(self, current: float) -> bool:
        """Keras' rule: better than the best by more than min_delta."""
        if self.mode == "min":
            return current + self.min_delta < self.best
        return current - self.min_delta > self.best

    def on_epoch_end(self, trainer, epoch, logs):
        current = logs[self.monitor]
        if self.improved(current):
            self.best, self.best_val_loss, self.best_epoch, self._wait = current, logs["val_loss"], epoch, 0
            if self.patience and self.restore_best:
                self._best_state = cloned_state(trainer.model)
            return
        self._wait += 1
        if self.patience and self._wait >= self.patience:
            self.stopped_epoch = epoch
            self._restore(trainer)
            trainer.stop_status = Status.EARLY_STOPPED

    @property
    def keeps_best(self) -> bool:
        """The run ends (or ended) with the best epoch's weights, not the last's."""
        return self.restored or (bool(self.patience) and self.restore_best and self._best_state is not None)

    def on_train_end(self, trainer, status):
        # also when the epoch limit (or the user) ends the run before patience runs out
        if status in (Status.COMPLETED, Status.STOPPED, Status.AT_CHANCE):
            self._restore(trainer)

    def _restore(self, trainer) -> None:
        if self.restore_best and self._best_state is not None and not self.restored:
            trainer.model.load_state_dict(self._best_state)
            trainer.evaluate("val")   # last_val_output must describe the restored model
            self.restored = True


def layer_grad_norms(model: torch.nn.Module) -> dict[str, float]:
    """L2 norm of each named block's parameter gradients (weights and biases together)."""
    out = {}
    for name, block in model.named_children():
        grads = [p.grad.detach().reshape(-1) for p in block.parameters() if p.grad is not None]
        if grads:
            out[name] = float(torch.linalg.vector_norm(torch.cat(grads)))
    return out


class GradNorms(Callback):
    """Per epoch, each block's gradient norm on the epoch's first batch (enough to see
    vanishing gradients, and nearly free): [{'epoch', layer name: norm}]."""

    def __init__(self):
        self.epochs: list[dict] = []

    def on_after_backward(self, trainer, batch):
        if batch == 0:
            self.epochs.append({"epoch": trainer.epoch + 1, **layer_grad_norms(trainer.model)})


class ProgressLog(Callback):
    """A Keras-like epoch log with a progress bar, for the command line."""

    def __init__(self, stream=None, width: int = 24):
        self.stream = stream or sys.stderr
        self.width = width

    def on_train_begin(self, trainer):
        self.t0 = time.perf_counter()

    def on_epoch_end(self, trainer, epoch, logs):
        n = trainer.cfg.epochs
        done = int(self.width * epoch / n)
        bar = "=" * max(done - 1, 0) + (">" if done < self.width else "=") + "." * (self.width - done)
        parts = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items() if k not in ("epoch", "seconds"))
        print(f"Epoch {epoch}/{n} [{bar}] {logs['seconds']:.2f}s - {parts}", file=self.stream, flush=True)

    def on_train_end(self, trainer, status):
        msg = f"{status} after {trainer.epoch} epochs in {time.perf_counter() - self.t0:.1f}s"
        if trainer.best_epoch:
            es = trainer.early_stopping
            msg += f"; best epoch {trainer.best_epoch} ({es.monitor} {es.best:.4f})"
        print(msg, file=self.stream, flush=True)
