"""`python -m playground ...`: the engine without a browser.

    python -m playground datasets
    python -m playground train --dataset circle --hidden 8 --epochs 50 [--json] [--save model.pt]

Options are generated from config.FIELDS, so the flags are the config's field
names (and the URL's query parameters). Bad input: one line on stderr, exit 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np

from .config import FIELDS, format_value, make_config
from .data.registry import DATASETS
from .errors import ConfigError
from .i18n import t

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not the usage block
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m playground", description="Neural Network Playground engine")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("datasets", help="list the datasets")
    tr = sub.add_parser("train", help="train a network and report held-out metrics")
    for name, f in FIELDS.items():
        m = f.metadata
        flag = "--" + name.replace("_", "-")
        help_ = m["help"] + f" (default: {format_value(name, f.default)!s})"
        if m["choices"]:
            help_ += " {" + ",".join(m["choices"]) + "}"
        elif m["lo"] is not None:
            help_ += f" [{m['lo']:g}..{m['hi']:g}]"
        # strings here; make_config parses and validates with the config's own rules
        tr.add_argument(flag, dest=name, default=None, metavar=name.upper(), help=help_)
    tr.add_argument("--save", metavar="PATH", help="write the trained model (state dict + config)")
    tr.add_argument("--json", action="store_true", help="print one JSON object instead of the epoch log")
    return p


def cmd_datasets() -> int:
    from .data.loaders import describe  # loading is heavy: only for the commands that need it
    rows = [describe(info) for info in DATASETS.values()]
    print(f"{'name':<15}{'task':<12}{'rows':>7}{'features':>10}  source")
    for r in rows:
        print(f"{r['name']:<15}{r['task']:<12}{r['rows']:>7}{r['features']:>10}  {r['source']}")
    return 0


def run_train(args) -> dict:
    values = {k: getattr(args, k) for k in FIELDS if getattr(args, k) is not None}
    cfg = make_config(**values)   # a bad option is refused before torch and sklearn load (seconds)
    from .analysis import metrics
    from .nn.callbacks import ProgressLog
    from .nn.checkpoint import save_model
    from .nn.train import train

    t0 = time.perf_counter()
    trainer = train(cfg, callbacks=[] if args.json else [ProgressLog()])
    seconds = time.perf_counter() - t0
    prep = trainer.data
    output = trainer.predict("test")
    test = {}   # a diverged run predicts NaN: no metric is defined (and sklearn would raise)
    if np.isfinite(output).all():
        test = metrics.evaluate(prep.task, prep.test.y.numpy(), output, prep.class_names)
        test.pop("report", None)
        if prep.task == "multiclass":
            test.pop("roc_auc", None)   # the issue asks for AUC on binary tasks only
    if args.save:
        save_model(args.save, trainer.model, cfg, prep)
    return {"config": cfg.to_dict(),
            "sizes": {"train": len(prep.train.y), "val": len(prep.val.y), "test": len(prep.test.y)},
            "history": trainer.history.epochs, "test": test, "best_epoch": trainer.best_epoch,
            "status": trainer.status, "seconds": round(seconds, 3)}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "datasets":
            return cmd_datasets()
        result = run_train(args)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print(f"error: {t('err.out_of_memory')}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(_finite(result), allow_nan=False, default=_jsonable))
    else:
        _print_summary(result)
    return 0


def _finite(v):
    """NaN / inf (a diverged run's losses) -> null: strict JSON has no NaN."""
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    return v


def _jsonable(v):
    return None if isinstance(v, float) else str(v)


def _print_summary(result: dict) -> None:
    test = {k: v for k, v in result["test"].items() if k != "confusion_matrix"}
    print("test: " + "  ".join(f"{k}={v:.4f}" for k, v in test.items() if isinstance(v, float)))
    if "confusion_matrix" in result["test"]:
        print("confusion matrix (rows: true, columns: predicted):")
        for row in result["test"]["confusion_matrix"]:
            print("  " + " ".join(f"{c:5d}" for c in row))


if __name__ == "__main__":
    raise SystemExit(main())
