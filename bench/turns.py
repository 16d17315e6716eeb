"""Turns at the slots: what a class's toy-set runs lose to handing their slot on.

    python bench/turns.py [--runs 20] [--epochs 150] [--rounds 3]

`--runs` TrainingJobs (circle, xor, moons, spiral in turn; their defaults, epochs of ~1-5 ms)
start together on one Scheduler of 2 slots, in this process, without pages. Each
configuration runs in turn, round by round (a busy neighbour slows both alike):
- "an epoch is a turn": a turn may end at every epoch's end (EPOCH_TURN_S = 0, the rule until
  2026-12-06): a hand-over every few ms, each waking every waiting thread;
- "now": a turn that ends at an epoch's end has lasted EPOCH_TURN_S at least.
Prints the wall time until every run finished and the process's CPU seconds, median of the
rounds, and the ratio.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.config import make_config  # noqa: E402
from playground.runs import scheduler  # noqa: E402
from playground.runs.training import TrainingJob  # noqa: E402

DATASETS = ("circle", "xor", "moons", "spiral")


def one_class(epoch_turn_s: float, runs: int, epochs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) until `runs` runs sharing 2 slots have all finished."""
    scheduler.EPOCH_TURN_S = epoch_turn_s
    sched = scheduler.Scheduler(max_running=2)
    cfgs = [make_config(dataset=DATASETS[i % len(DATASETS)], epochs=epochs) for i in range(runs)]
    t0, c0 = time.perf_counter(), time.process_time()
    jobs = [TrainingJob(cfg, scheduler=sched).start() for cfg in cfgs]
    for job in jobs:
        job.join()
    assert all(job.snapshot().epoch == epochs for job in jobs)
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--epochs", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    now = scheduler.EPOCH_TURN_S
    configs = {"an epoch is a turn": 0.0, f"now (EPOCH_TURN_S = {now} s)": now}
    one_class(now, args.runs, 5)                     # warm-up: imports, the datasets' caches
    results: dict[str, list] = {name: [] for name in configs}
    for _ in range(args.rounds):
        for name, value in configs.items():
            results[name].append(one_class(value, args.runs, args.epochs))
    scheduler.EPOCH_TURN_S = now
    print(f"{args.runs} runs of {args.epochs} epochs on 2 slots, {args.rounds} rounds")
    walls = {}
    for name, values in results.items():
        walls[name] = statistics.median(w for w, _ in values)
        print(f"{name:28s} wall {walls[name]:6.2f} s ({', '.join(f'{w:.2f}' for w, _ in values)}), "
              f"CPU {statistics.median(c for _, c in values):6.2f} s")
    old, new = walls.values()
    print(f"now / an epoch is a turn: {new / old:.2f}x the wall time")


if __name__ == "__main__":
    main()
