"""Each dataset's default configuration against the classical model on the same split.

    python bench/defaults.py [--datasets circle,titanic,...]

For every embedded dataset: the defaults its kind starts from (config.KIND_DEFAULTS),
the network's test score after training with them, the classical baseline fitted on the
very same training rows and preprocessing (logistic regression, or linear regression,
or SGD logistic regression for images: analysis.baselines), and the training seconds
(one torch thread, wall clock: noisy on a shared machine). Accuracy for classification,
R² for regression. Prints a Markdown table for the README.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from playground.analysis import baselines, evaluation  # noqa: E402
from playground.config import KIND_DEFAULTS, data_kind, format_value, make_config  # noqa: E402
from playground.data.registry import DATASETS  # noqa: E402
from playground.nn.train import train  # noqa: E402


def score(dataset: str) -> dict:
    cfg = make_config(dataset=dataset)
    t0 = time.perf_counter()
    trainer = train(cfg)
    seconds = time.perf_counter() - t0
    key = "r2" if trainer.task == "regression" else "accuracy"
    net = evaluation.summary(evaluation.predictions(trainer.model, trainer.data, "test"))[key]
    kind, est = baselines.fit_baseline(trainer.data, cfg.seed)
    base = evaluation.summary(baselines.baseline_predictions(est, trainer.data, "test"))[key]
    return {"dataset": dataset, "kind": data_kind(dataset), "metric": key, "network": net, "baseline": base,
            "baseline_kind": kind, "seconds": seconds, "epochs": trainer.epoch, "status": str(trainer.status),
            "n_test": len(trainer.data.test.y)}


def describe(kind: str) -> str:
    d = {**{n: getattr(make_config(), n) for n in KIND_DEFAULTS["tabular"]}, **KIND_DEFAULTS[kind]}
    parts = [f"{d.get('model', 'mlp')} {format_value('hidden', d['hidden'])}", d["activation"], f"lr {d['lr']:g}",
             f"batch {d['batch_size']}", f"{d['epochs']} epochs"]
    if d.get("patience"):
        parts.append(f"patience {d['patience']}")
    if d.get("weight_decay"):
        parts.append(f"L2 {d['weight_decay']:g}")
    return ", ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=",".join(n for n, d in DATASETS.items() if not d.remote))
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    print("| dataset | defaults | network (test) | scikit-learn baseline (test) | epochs run | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in a.datasets.split(","):
        r = score(name)
        print(f"| {name} | {describe(r['kind'])} | {r['metric']} {r['network']:.3f} | "
              f"{r['baseline_kind'].replace('_', ' ')} {r['baseline']:.3f} | {r['epochs']} ({r['status']}) | "
              f"{r['seconds']:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
