"""Training events, Keras / Lightning style: the Trainer calls these hooks with
plain Python numbers; the history, the progress bar and the live UI are observers."""
from __future__ import annotations

import sys
import time


class Callback:
    def on_train_begin(self, trainer) -> None: ...
    def on_epoch_begin(self, trainer, epoch: int) -> None: ...
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
