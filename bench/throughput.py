"""Trainer overhead: the playground Trainer vs a minimal hand-written torch loop.

    python bench/throughput.py [--rounds 5] [--epochs 3] [--profile]

Both train an MLP 784-128-64-10 (ReLU, Adam lr 0.001, batch 32, one torch thread) on
the same prepared `mnist` tensors (3,200 training digits), in this process, alternating
A/B round by round so drifts in machine load hit both alike. Samples/s counts training
rows; the Trainer's epoch also includes what Trainer.step_epoch always does (the
validation pass, callbacks, bookkeeping), which is the overhead being measured.

Prints the median samples/s of each (over rounds), their ratio Trainer / hand loop, and
the median ratio of neighbouring epochs (the steadiest figure when other processes share
the cores), by wall clock and by this thread's CPU time, and the best epoch of each.
Target: >= 0.95.
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

from playground.config import make_config
from playground.data.loaders import load_dataset
from playground.data.prepare import prepare
from playground.nn.train import Trainer


def hand_model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


class HandLoop:
    """The baseline: randperm shuffle, contiguous slices, forward, loss, zero_grad, backward, step."""

    def __init__(self, X: torch.Tensor, y: torch.Tensor, batch_size: int, lr: float, seed: int):
        self.X, self.y, self.bs = X, y, batch_size
        self.model = hand_model(seed)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()
        self.gen = torch.Generator().manual_seed(seed)

    def epoch(self) -> None:
        n = len(self.X)
        perm = torch.randperm(n, generator=self.gen)
        X, y = self.X[perm], self.y[perm]
        self.model.train()
        for i in range(0, n, self.bs):
            loss = self.loss_fn(self.model(X[i:i + self.bs]), y[i:i + self.bs])
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()


def timed(fn) -> tuple[float, float]:
    """(wall seconds, this thread's CPU seconds) of one call."""
    w0, c0 = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - w0, time.thread_time() - c0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3, help="epochs per round and side")
    ap.add_argument("--profile", action="store_true", help="cProfile the Trainer's epochs afterwards")
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    cfg = make_config(dataset="mnist", model="mlp", hidden="128,64", activation="relu", optimizer="adam", lr=0.001,
                      batch_size=32, epochs=2000, patience=0, seed=0)
    prepared = prepare(load_dataset("mnist"), cfg)
    n = len(prepared.train.X)
    trainer = Trainer(cfg, prepared)
    hand = HandLoop(prepared.train.X, prepared.train.y, cfg.batch_size, cfg.lr, cfg.seed)
    assert sum(p.numel() for p in trainer.model.parameters()) == sum(p.numel() for p in hand.model.parameters())

    trainer.step_epoch()          # warm-up: allocator, lazy imports, first-step optimizer state
    hand.epoch()

    rows, pairs = [], []   # pairs: (trainer, hand) seconds of neighbouring epochs, wall and cpu
    for r in range(args.rounds):
        res = {"trainer": [0.0, 0.0], "hand": [0.0, 0.0]}
        for e in range(args.epochs):   # epoch by epoch A/B, B/A, ...: neither side always goes first
            order = [("trainer", trainer.step_epoch), ("hand", hand.epoch)]
            pair = {}
            for name, fn in (order if (r * args.epochs + e) % 2 == 0 else order[::-1]):
                pair[name] = timed(fn)
                res[name][0] += pair[name][0]
                res[name][1] += pair[name][1]
            pairs.append(pair)
        rows.append(res)
        t, h = res["trainer"], res["hand"]
        print(f"round {r + 1}: trainer {n * args.epochs / t[0]:8.0f} samples/s (cpu {n * args.epochs / t[1]:8.0f})"
              f" | hand {n * args.epochs / h[0]:8.0f} samples/s (cpu {n * args.epochs / h[1]:8.0f})"
              f" | ratio {h[0] / t[0]:.3f} (cpu {h[1] / t[1]:.3f})", flush=True)
    assert trainer.status == "running", trainer.status

    print(f"\nMLP 784-128-64-10, Adam lr {cfg.lr}, batch {cfg.batch_size}, {n} training rows, 1 thread, "
          f"{args.rounds} rounds x {args.epochs} epochs")
    for k, label in ((0, "wall"), (1, "cpu ")):
        t = statistics.median(n * args.epochs / row["trainer"][k] for row in rows)
        h = statistics.median(n * args.epochs / row["hand"][k] for row in rows)
        paired = statistics.median(p["hand"][k] / p["trainer"][k] for p in pairs)
        print(f"{label}: Trainer {t:7.0f} samples/s   hand loop {h:7.0f} samples/s   "
              f"ratio Trainer/hand {t / h:.3f}   median of {len(pairs)} epoch-pair ratios {paired:.3f}")
    # Other processes only ever add time: the fastest epoch of each side is its least disturbed one.
    bt = n / min(p["trainer"][1] for p in pairs)
    bh = n / min(p["hand"][1] for p in pairs)
    print(f"best epoch (cpu): Trainer {bt:7.0f} samples/s   hand loop {bh:7.0f} samples/s   ratio {bt / bh:.3f}")

    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.epochs):
            trainer.step_epoch()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
