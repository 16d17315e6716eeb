"""Transfer learning on few examples: mnist-5-9-few (digits 5-9, 50 training images per class,
500 test images) trained three ways with the app's own Trainer, over a few seeds (each seed its own
split, initial weights and shuffling; one pretrained network for all):

  scratch   the CNN from random weights              (transfer=none)
  frozen    pretrained convolutions fixed, head trained (transfer=frozen)
  finetune  every layer trained from the pretrained weights (transfer=finetune)

Prints the test accuracy per seed and mean ± sd, the fine-tuned minus scratch difference (per seed:
the same split), epochs run, and the pretraining's time on one core.

    python bench/transfer.py [--seeds 5] [--set epochs=30 lr=0.003] [--finetune-lr 0.001]
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from playground.config import make_config  # noqa: E402
from playground.nn import pretrain  # noqa: E402
from playground.nn.train import train  # noqa: E402

MODES = ("none", "frozen", "finetune")
NAMES = {"none": "scratch", "frozen": "frozen", "finetune": "fine-tuned"}


def mean_sd(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.3f} ± {sd:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--set", nargs="*", default=[], help="config values for every run, e.g. epochs=20")
    ap.add_argument("--finetune-lr", type=float, default=None, help="the fine-tuned runs' own learning rate")
    ap.add_argument("--recipe", nargs="*", default=[], help="pretraining recipe values, e.g. copies=4 epochs=8")
    args = ap.parse_args()
    torch.set_num_threads(1)
    extra = dict(kv.split("=", 1) for kv in args.set)
    recipe = dict(kv.split("=", 1) for kv in args.recipe)
    pretrain.RECIPE = dataclasses.replace(pretrain.RECIPE, **{k: type(getattr(pretrain.RECIPE, k))(v)
                                                               for k, v in recipe.items()})
    base = make_config(dataset="mnist-5-9-few", **extra)
    t0 = time.perf_counter()
    pre = pretrain.train_pretrained(base, pretrain.RECIPE)   # timed alone: the cache would hide it
    print(f"pretraining on digits 0-4: {time.perf_counter() - t0:.1f} s on one core, "
          f"{pre['pretraining']['trained_on']:,} images x {pre['pretraining']['recipe']['epochs']} epochs, "
          f"test accuracy on held-out 0-4: {pre['pretraining']['test_accuracy']:.3f}")
    print(f"few-shot runs: epochs {base.epochs}, patience {base.patience}, lr {base.lr:g}"
          + (f" (fine-tuned: {args.finetune_lr:g})" if args.finetune_lr else ""))
    acc: dict[str, list[float]] = {m: [] for m in MODES}
    for seed in range(args.seeds):
        row = []
        for mode in MODES:
            lr = args.finetune_lr if mode == "finetune" and args.finetune_lr else base.lr
            t = time.perf_counter()
            trainer = train(base.replace(transfer=mode, seed=seed, lr=lr))
            a = trainer.evaluate("test")["accuracy"]
            acc[mode].append(a)
            row.append(f"{NAMES[mode]} {a:.3f} ({trainer.epoch} ep, {time.perf_counter() - t:.1f} s)")
        print(f"seed {seed}: " + ", ".join(row), flush=True)
    diffs = [f - s for f, s in zip(acc["finetune"], acc["none"])]
    print("test accuracy (mean ± sd over seeds):")
    for mode in MODES:
        print(f"  {NAMES[mode]:<11} {mean_sd(acc[mode])}")
    print(f"  fine-tuned - scratch: {mean_sd(diffs)} (smallest {min(diffs):+.3f}); "
          f"frozen - scratch: {mean_sd([f - s for f, s in zip(acc['frozen'], acc['none'])])}")


if __name__ == "__main__":
    main()
