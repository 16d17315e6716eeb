"""Mid-run change latency (issue 13): run with `python bench/live_change.py`.

A learning-rate change made while a run trains must reach the training thread before its
next batch. A run (mnist, MLP 784-128-64-10, batch 32) trains; at random moments the
learning rate changes through the job, as the lab does. A hook in the training thread
logs each batch's time and rate; for each change we count the batches that still used
the old rate after the request: at most 1 (the batch already running) is the target.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.analysis.coach import MIN_EPOCHS  # noqa: E402
from playground.config import make_config  # noqa: E402
from playground.runs.training import TrainingJob  # noqa: E402


class BatchLog:
    """(time, rate) of every batch, written by the training thread after its backward."""

    def __init__(self):
        self.rows = []

    def on_after_backward(self, trainer, batch):
        self.rows.append((time.perf_counter(), trainer.optimizer.param_groups[0]["lr"]))


def main(changes: int = 40) -> None:
    cfg = make_config(dataset="mnist", model="mlp", hidden="128,64", activation="relu", lr=0.001, batch_size=32,
                      epochs=0, patience=0)
    job = TrainingJob(cfg).start()
    while job.trainer is None:
        time.sleep(0.01)
    log = BatchLog()
    job.trainer._backward_hooks.append(log)
    while job.snapshot().epoch < MIN_EPOCHS + 1:     # after the coach's one-off baseline fit (epoch 4)
        time.sleep(0.05)
    requests = []
    for i in range(changes):
        time.sleep(random.uniform(0.02, 0.2))
        new = (0.0005, 0.001)[i % 2]
        requests.append((time.perf_counter(), new))
        job.change(lr=new)
    time.sleep(0.3)
    job.stop()
    job.join(10)
    late, waits = [], []
    for t0, new in requests:
        after = [(t, lr) for t, lr in log.rows if t > t0]
        first_new = next(t for t, lr in after if lr == new)
        late.append(sum(1 for t, lr in after if t < first_new))   # batches after the request on the old rate
        waits.append(first_new - t0)
    gaps = [b[0] - a[0] for a, b in zip(log.rows, log.rows[1:])]
    print(f"one batch takes {statistics.median(gaps) * 1e3:.2f} ms (median; {len(log.rows):,} batches logged)")
    print(f"batches trained on the old rate after a change was asked: max {max(late)} over {changes} changes "
          f"(target <= 1: only the batch already running)")
    print(f"time until the first batch on the new rate ended: median {statistics.median(waits) * 1e3:.2f} ms, "
          f"max {max(waits) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
