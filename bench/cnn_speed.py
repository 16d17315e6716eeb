"""The CNN's (and the MLP's) training speed on MNIST against hand-written torch loops (issue 28):
`python bench/cnn_speed.py [--rounds 5] [--model cnn|mlp]`.

On the same prepared tensors (3,200 training digits, batch 32, Adam lr 0.001, one torch
thread as a job has), in this process, alternating round by round so drifts in machine
load hit each alike, one epoch (training + the validation pass) of:
  trainer   our Trainer (nn/train.py), as the app runs it;
  naive     a tutorial's loop: NCHW images, Adam's default (for-each) update, a loss.item()
            per batch, evaluation under no_grad — what the Trainer was before issue 28;
  best      the best CPU loop found: channels-last images and filters, ReLU after the
            pooling (the same numbers), fused Adam, no per-batch sync, evaluation under
            inference_mode.
Prints the median samples/s of each and the ratios trainer/naive (target >= 1.5 for the
CNN) and trainer/best (target >= 1.0).
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
from playground.nn.train import Trainer  # noqa: E402


class ChannelsLast(nn.Module):
    def forward(self, x):
        return x.contiguous(memory_format=torch.channels_last)


def hand_model(kind: str, fast: bool, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    def tail():      # ReLU after the pooling gives the same numbers on a quarter of the values
        return [nn.MaxPool2d(2), nn.ReLU()] if fast else [nn.ReLU(), nn.MaxPool2d(2)]
    layers = [nn.Unflatten(1, (1, 28, 28)), *([ChannelsLast()] if fast else []),
              nn.Conv2d(1, 8, 3, padding=1), *tail(), nn.Conv2d(8, 16, 3, padding=1), *tail(), nn.Flatten(),
              nn.Linear(16 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10)]
    model = nn.Sequential(*layers)
    return model.to(memory_format=torch.channels_last) if fast else model


def hand_epoch(kind: str, fast: bool, prepared, batch: int) -> float:
    """Seconds for one epoch of a hand loop (a fresh model each time, as the Trainer's)."""
    model = hand_model(kind, fast)
    opt = torch.optim.Adam(model.parameters(), lr=0.001, fused=fast or None)
    loss_fn = nn.CrossEntropyLoss()
    X, y = prepared.train.X, prepared.train.y.long()
    t0 = time.perf_counter()
    perm = torch.randperm(len(X))
    X, y = X[perm], y[perm]
    model.train()
    total = 0.0
    for i in range(0, len(X), batch):
        loss = loss_fn(model(X[i:i + batch]), y[i:i + batch])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if not fast:
            total += loss.item()          # the tutorial's running loss: a sync every batch
    model.eval()
    with torch.inference_mode() if fast else torch.no_grad():
        val = loss_fn(model(prepared.val.X), prepared.val.y.long()).item()
    assert val == val and total == total
    return time.perf_counter() - t0


def trainer_epoch(cfg, prepared) -> float:
    t = Trainer(cfg, prepared)
    t0 = time.perf_counter()
    t.train_epoch()
    t.evaluate("val")
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--model", choices=("cnn", "mlp"), default="cnn")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    hidden = "64" if args.model == "cnn" else "128,64"
    cfg = make_config(dataset="mnist", model=args.model, hidden=hidden, batch_size=32, lr=0.001, optimizer="adam")
    prepared = prepare(load_for_config(cfg), cfg)
    n = len(prepared.train.X)
    runs = {"trainer": lambda: trainer_epoch(cfg, prepared),
            "naive": lambda: hand_epoch(args.model, False, prepared, 32),
            "best": lambda: hand_epoch(args.model, True, prepared, 32)}
    for fn in runs.values():
        fn()                                              # warm-up: first calls, allocator
    seconds = {k: [] for k in runs}
    for r in range(args.rounds):
        for k, fn in runs.items():
            seconds[k].append(fn())
        print(f"round {r + 1}: " + "  ".join(f"{k} {n / seconds[k][-1]:,.0f}/s" for k in runs), flush=True)
    sps = {k: n / statistics.median(v) for k, v in seconds.items()}
    print(f"\n{args.model.upper()} on MNIST, samples/s (median of {args.rounds}): "
          + ", ".join(f"{k} {v:,.0f}" for k, v in sps.items()))
    print(f"trainer / naive = {sps['trainer'] / sps['naive']:.2f}x (target >= 1.5 for the CNN); "
          f"trainer / best = {sps['trainer'] / sps['best']:.2f}x (target >= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
