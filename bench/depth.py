"""Depth: what 20 layers cost and what skip connections give back, on the spiral (fixed seed).

    python bench/depth.py [--epochs 200] [--rounds 5] [--seed 0]

1. Plain vs residual, 20 hidden layers of 8 (tanh, Adam lr 0.01, batch 32, the spiral's
   500 points): the final validation accuracy, the best one, and the first hidden layer's
   gradient norm (first mini-batch of the first and the last epoch) beside the output layer's.
2. Seconds per epoch at 2, 5, 10 and 20 hidden layers (plain) and 20 with skip connections,
   as ratios to 2 layers: all the Trainers in one process, one torch thread, epochs taken in
   turns round by round (so a busy neighbour slows every depth alike); the median epoch of each.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from playground.config import make_config  # noqa: E402
from playground.data.loaders import load_for_config  # noqa: E402
from playground.data.prepare import prepare  # noqa: E402
from playground.nn.train import Trainer, train  # noqa: E402

DATASET = "spiral"
BASE = dict(dataset=DATASET, activation="tanh", lr=0.01)


def deep(n: int, residual: bool = False, **kw):
    return make_config(**BASE, hidden=",".join(["8"] * n), residual=residual, **kw)


def learning(epochs: int, seed: int) -> None:
    print(f"{DATASET}, 20 hidden layers of 8, tanh, Adam lr 0.01, {epochs} epochs, seed {seed}:")
    for residual in (False, True):
        t = train(deep(20, residual, epochs=epochs, seed=seed))
        h, g = t.history.epochs, t.grad_norms
        print(f"  {'residual' if residual else 'plain   '}  val_accuracy last {h[-1]['val_accuracy']:.3f} "
              f"best {max(e['val_accuracy'] for e in h):.3f} · first hidden layer's gradient "
              f"{g[0]['hidden1']:.1e} (epoch 1) {g[-1]['hidden1']:.1e} (epoch {epochs}), "
              f"output layer's {g[-1]['output']:.1e}")


def epoch_seconds(rounds: int, seed: int) -> None:
    setups = {f"{n} layers": deep(n, seed=seed, epochs=2000) for n in (2, 5, 10, 20)}
    setups["20 + skips"] = deep(20, True, seed=seed, epochs=2000)
    prep = prepare(load_for_config(setups["2 layers"]), setups["2 layers"])   # the same data for all
    trainers = {name: Trainer(cfg, prep) for name, cfg in setups.items()}
    times: dict[str, list[float]] = {name: [] for name in trainers}
    for _ in range(rounds):
        for name, trainer in trainers.items():
            for _ in range(3):
                t0 = time.perf_counter()
                trainer.step_epoch()
                times[name].append(time.perf_counter() - t0)
    base = statistics.median(times["2 layers"])
    print(f"seconds per epoch ({len(prep.train.y)} training rows, batch 32; median of {3 * rounds} epochs each):")
    for name, ts in times.items():
        s = statistics.median(ts)
        print(f"  {name:10s} {s * 1000:6.1f} ms  {s / base:4.2f}x of 2 layers")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(1)
    learning(args.epochs, args.seed)
    epoch_seconds(args.rounds, args.seed)


if __name__ == "__main__":
    main()
