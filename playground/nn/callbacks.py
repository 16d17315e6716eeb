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

from ..status import Status


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


# A loss this many times the first epoch's is a divergence even while still finite
# (e.g. BCE with exploding logits never reaches inf).
DIVERGENCE_FACTOR = 1e4


class DivergenceCheck(Callback):
    """Ends the run as `diverged` on a non-finite loss or one far above the first epoch's."""

    def __init__(self, factor: float = DIVERGENCE_FACTOR):
        self.factor = factor
        self.first_loss: float | None = None

    def on_epoch_end(self, trainer, epoch, logs):
        loss, val_loss = logs["loss"], logs["val_loss"]
        if self.first_loss is None:
            self.first_loss = max(loss, 1e-3) if math.isfinite(loss) else 1e-3
        if not math.isfinite(loss) or not math.isfinite(val_loss) or loss > self.factor * self.first_loss:
            trainer.stop_status = Status.DIVERGED


class EarlyStopping(Callback):
    """Tracks the best epoch by val_loss; with `patience` > 0 stops after that many epochs
    without improvement and, with `restore_best`, puts the best epoch's weights back
    (keras.callbacks.EarlyStopping with monitor='val_loss', restore_best_weights)."""

    def __init__(self, patience: int = 0, restore_best: bool = True):
        self.patience, self.restore_best = patience, restore_best
        self.best_epoch = 0
        self.best_val_loss = math.inf
        self.stopped_epoch = 0
        self._wait = 0
        self._best_state = None

    def on_epoch_end(self, trainer, epoch, logs):
        if trainer.stop_status:          # diverged: nothing to compare
            return
        val_loss = logs["val_loss"]
        if val_loss < self.best_val_loss:
            self.best_val_loss, self.best_epoch, self._wait = val_loss, epoch, 0
            if self.patience and self.restore_best:
                self._best_state = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
            return
        self._wait += 1
        if self.patience and self._wait >= self.patience:
            self.stopped_epoch = epoch
            if self.restore_best and self._best_state is not None:
                trainer.model.load_state_dict(self._best_state)
                trainer.evaluate("val")   # last_val_output must describe the restored model
            trainer.stop_status = Status.EARLY_STOPPED


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
            msg += f"; best epoch {trainer.best_epoch} (val_loss {trainer.best_val_loss:.4f})"
        print(msg, file=self.stream, flush=True)
