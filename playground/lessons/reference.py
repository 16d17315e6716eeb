"""`lessons --check`: train every lesson's reference setup and check its goal on the run.

Setups shared by several lessons train once; they train in worker processes (one torch
thread each, as the app's jobs), the slowest first, so the check takes about the longest
run's time plus the rest shared over the cores.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from . import Lesson, goals

# A setup's rough cost: the image sets' CNN runs dominate; start them first.
SLOW_FIRST = {"mnist": 0, "digits": 1}


@dataclass
class Result:
    lesson: Lesson
    checks: list
    status: str
    seconds: float

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def _train(cfg) -> dict:
    """In a worker: train and return plain facts (no model crosses processes)."""
    import torch

    from ..nn.train import train
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    trainer = train(cfg)
    return {"history": trainer.history.epochs, "status": str(trainer.status),
            "weights_epoch": trainer.weights_epoch, "seconds": time.perf_counter() - t0,
            "val": goals.val_metrics(trainer.data, trainer.last_val_output)}


def run(lessons, workers: int | None = None) -> list[Result]:
    configs = {}
    for lesson in lessons:
        cfg = lesson.reference_config()
        configs.setdefault(repr(cfg.to_dict()), cfg)
    order = sorted(configs, key=lambda k: SLOW_FIRST.get(configs[k].dataset, 9))
    workers = max(1, min(workers or os.cpu_count() or 1, len(order)))
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        done = dict(zip(order, pool.map(_train, [configs[k] for k in order])))
    results = []
    for lesson in lessons:
        cfg = lesson.reference_config()
        r = done[repr(cfg.to_dict())]
        facts = goals.RunFacts(cfg, r["history"], r["status"], r["weights_epoch"], r["val"])
        results.append(Result(lesson, goals.check(lesson.goal, facts, lesson.dataset), r["status"], r["seconds"]))
    return results
