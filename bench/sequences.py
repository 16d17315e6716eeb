"""Sequence runs: the Trainer against a minimal hand-written torch loop for an LSTM, and the
first curve point of every default sequence setup.

    python bench/sequences.py [--rounds 5] [--epochs 3]

1. Both train the same LSTM (seq-memory's defaults: 32 units, 20 steps, an embedding of 16,
   Adam lr 0.003, batch 32, one torch thread) on the same prepared tensors, alternating A/B
   round by round; the Trainer's epoch also includes its validation pass and callbacks.
   Prints the median samples/s of each and their ratio (target >= 0.95).
2. For each sequence dataset at its defaults: the seconds from a TrainingJob's start (data
   prepared, in a warm process) to its first epoch in the run record (target <= 1 s).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from playground.config import make_config  # noqa: E402
from playground.data.loaders import load_for_config  # noqa: E402
from playground.data.prepare import prepare  # noqa: E402
from playground.data.registry import DATASETS  # noqa: E402
from playground.nn.model import build_model  # noqa: E402
from playground.nn.train import Trainer  # noqa: E402
from playground.runs.scheduler import Scheduler  # noqa: E402
from playground.runs.training import TrainingJob  # noqa: E402


def hand_epoch(model, opt, loss_fn, X, y, bs, gen) -> None:
    perm = torch.randperm(len(X), generator=gen)
    X, y = X[perm], y[perm]
    model.train()
    for i in range(0, len(X), bs):
        loss = loss_fn(model(X[i:i + bs]), y[i:i + bs])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


def throughput(rounds: int, epochs: int) -> None:
    cfg = make_config(dataset="seq-memory", epochs=2000, patience=0)
    prep = prepare(load_for_config(cfg), cfg)
    X, y, n = prep.train.X, prep.train.y, len(prep.train.y)
    trainer = Trainer(cfg, prep)
    model = build_model(cfg, prep.n_features, prep.n_outputs)
    opt, loss_fn, gen = torch.optim.Adam(model.parameters(), lr=cfg.lr), nn.CrossEntropyLoss(), torch.Generator()
    ours, hand = [], []
    for _ in range(rounds):
        for _ in range(epochs):
            t0 = time.perf_counter()
            trainer.step_epoch()
            ours.append(n / (time.perf_counter() - t0))
        for _ in range(epochs):
            t0 = time.perf_counter()
            hand_epoch(model, opt, loss_fn, X, y, cfg.batch_size, gen)
            hand.append(n / (time.perf_counter() - t0))
    a, b = statistics.median(ours), statistics.median(hand)
    print(f"LSTM 32 x 20 steps, batch 32: Trainer {a:,.0f} samples/s, hand loop {b:,.0f}; ratio {a / b:.3f}")


def first_points() -> None:
    for name, info in DATASETS.items():
        if not info.sequence:
            continue
        cfg = make_config(dataset=name)
        prep = prepare(load_for_config(cfg), cfg)
        t0 = time.perf_counter()
        job = TrainingJob(cfg, prep, scheduler=Scheduler(1)).start()
        while job.snapshot().epoch < 1 and not job.snapshot().status.finished:
            time.sleep(0.005)
        print(f"{name:15s} first point {time.perf_counter() - t0:.2f} s ({len(prep.train.y)} training examples, "
              f"window {cfg.window}, batch {cfg.batch_size})")
        job.stop()
        job.join(10)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    throughput(args.rounds, args.epochs)
    first_points()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
