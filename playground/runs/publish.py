"""The training job's callback in the worker thread: it turns the trainer's events into
run records, and hands the slot on when the run's turn is over."""
from __future__ import annotations

import time

from ..nn.callbacks import Callback

# Inside an epoch longer than this, the page gets a curve point: the epoch's loss so far.
PARTIAL_EVERY_S = 1.5
# ... and its progress bar moves this often (a new record; the pages poll at most 4 times a second).
PROGRESS_EVERY_S = 0.25


class Publish(Callback):
    """In the worker, between batches and at an epoch's end: what the page sees of a run
    (progress, a point inside a long epoch, the epoch's record), and where a turn at the
    scheduler's slots ends mid-epoch."""

    def __init__(self, job):              # the TrainingJob (runs.training imports this module)
        self.job = job
        self.last = self.last_progress = time.perf_counter()

    def on_epoch_begin(self, trainer, epoch):
        self.last = self.last_progress = time.perf_counter()

    def on_after_backward(self, trainer, batch):
        if self.job.scheduler.turn_over(self.job):    # another run waits: its turn now, ours after
            self.job._turn_ends_mid_epoch(trainer)
            self.last = self.last_progress = time.perf_counter()
            return
        now = time.perf_counter()
        if now - self.last_progress >= PROGRESS_EVERY_S:     # the progress bar inside an epoch
            self.last_progress = now
            self.job._on_progress(trainer)
        if now - self.last >= PARTIAL_EVERY_S:   # a long epoch: a point now, not minutes from now
            self.last = now
            self.job._on_partial(trainer)
            if self.job.over_budget():
                self.job.stop("budget")

    def on_epoch_end(self, trainer, epoch, logs):
        self.job._on_epoch(trainer, logs)

    def on_train_end(self, trainer, status):
        self.job._on_end(trainer)   # early stopping may have put the best weights back
