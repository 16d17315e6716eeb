"""`lessons --check`: train every lesson's reference setup and its untouched preset, and
check the goal on both: the reference must reach it, the preset must not (a goal the
preset already meets teaches nothing). The reference learner's threshold, cross-validation
and earlier runs come from the lesson's `[reference_also]`; the preset is the learner who
changed nothing (threshold 0.5, no cross-validation, no earlier runs). The `[claims]` the
texts make about either run are checked on the same runs.

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
    checks: list          # the goal on the reference run (the dataset first)
    status: str
    seconds: float
    preset_checks: list = ()   # the goal on the untouched preset's run
    claims: list = ()          # (run, Check) for each claim

    @property
    def reference_ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def preset_ok(self) -> bool:
        """The preset alone does NOT meet the goal."""
        return not all(c.ok for c in self.preset_checks)

    @property
    def ok(self) -> bool:
        return self.reference_ok and self.preset_ok and all(c.ok for _, c in self.claims)


def _train(job) -> dict:
    """In a worker: train and return plain facts (no model crosses processes)."""
    import torch

    from ..nn.train import train
    cfg, thresholds = job
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    trainer = train(cfg)
    params = sum(p.numel() for p in trainer.model.parameters())
    return {"history": trainer.history.epochs, "status": str(trainer.status),
            "weights_epoch": trainer.weights_epoch, "seconds": time.perf_counter() - t0, "params": params,
            "val": {t: goals.val_metrics(trainer.data, trainer.last_val_output, t) for t in thresholds}}


def _facts(cfg, r: dict, threshold: float = 0.5, crossval=None, others=()) -> goals.RunFacts:
    return goals.RunFacts(cfg, r["history"], r["status"], r["weights_epoch"], r["val"][threshold],
                          threshold=threshold, crossval=crossval, others=tuple(others), params=r["params"])


def reference_facts(lesson: Lesson, r: dict) -> goals.RunFacts:
    also = lesson.also or {}
    cv = also.get("crossval")
    crossval = {"dataset": lesson.dataset, "method": cv["method"], "folds": cv["k"], "status": "completed"} \
        if cv else None
    return _facts(lesson.reference_config(), r, float(also.get("threshold", 0.5)), crossval,
                  lesson.earlier_configs())


def _key(cfg) -> str:
    return repr(cfg.to_dict())


def run(lessons, workers: int | None = None) -> list[Result]:
    configs, thresholds = {}, {}
    for lesson in lessons:
        for cfg, thr in ((lesson.config(), 0.5),
                         (lesson.reference_config(), float((lesson.also or {}).get("threshold", 0.5)))):
            configs.setdefault(_key(cfg), cfg)
            thresholds.setdefault(_key(cfg), {0.5}).add(thr)
    order = sorted(configs, key=lambda k: SLOW_FIRST.get(configs[k].dataset, 9))
    workers = max(1, min(workers or os.cpu_count() or 1, len(order)))
    jobs = [(configs[k], tuple(sorted(thresholds[k]))) for k in order]
    if workers == 1:            # one at a time in this process: no worker's torch import (~7 CPU-s less)
        done = dict(zip(order, map(_train, jobs)))
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            done = dict(zip(order, pool.map(_train, jobs)))
    results = []
    for lesson in lessons:
        ref, pre = lesson.reference_config(), lesson.config()
        r, p = done[_key(ref)], done[_key(pre)]
        ref_facts, pre_facts = reference_facts(lesson, r), _facts(pre, p)
        claims = [(run, c) for run, facts in (("preset", pre_facts), ("reference", ref_facts))
                  for c in goals.check(goals.Goal({}, tuple((lesson.claims or {}).get(run, ()))), facts)]
        results.append(Result(lesson, goals.check(lesson.goal, ref_facts, lesson.dataset), r["status"],
                              r["seconds"] + p["seconds"], goals.check(lesson.goal, pre_facts, lesson.dataset),
                              claims))
    return results
