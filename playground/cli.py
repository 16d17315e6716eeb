"""`python -m playground ...`: the engine without a browser.

    python -m playground datasets
    python -m playground lessons [--json] [--check]
    python -m playground train --dataset circle --hidden 8 --epochs 50 [--json] [--save model.pt]
    python -m playground train --dataset circle --features x1sq,x2sq --hidden ''
    python -m playground train --dataset iris --save m.pt --export-script run.py [--export-keras run_keras.py]
    python -m playground predict --model m.pt --csv rows.csv [--out predictions.csv]
    python -m playground class [--port 8501] [--teacher-key KEY]   # start a class: links, code, QR, server

Options are generated from config.FIELDS, so the flags are the config's field
names (and the URL's query parameters). Bad input: one line on stderr, exit 2.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from .config import FIELDS, default_text, format_number, make_config
from .data.registry import DATASETS
from .errors import ConfigError
from .i18n import t

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not the usage block
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"a whole number of 1 or more, not {text!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m playground", description="Neural Network Playground engine")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("datasets", help="list the datasets")
    ls = sub.add_parser("lessons", help="list the lessons, or train every lesson's reference setup (--check)")
    ls.add_argument("--json", action="store_true", help="a JSON list of {id, number, title: {ko, en}, dataset}")
    ls.add_argument("--check", action="store_true", help="train each reference setup; exit 1 if a goal is missed")
    ls.add_argument("--lang", choices=("en", "ko"), default="en", help="the titles' language (default: en)")
    ls.add_argument("--workers", type=_positive_int, default=None,
                    help="--check: processes training at once (default: one per core; 1: in this process, "
                         "the least CPU on a busy machine)")
    tr = sub.add_parser("train", help="train a network and report held-out metrics")
    for name, f in FIELDS.items():
        m = f.metadata
        flag = "--" + name.replace("_", "-")
        help_ = m["help"] + f" (default: {default_text(name)})"
        if m["choices"]:
            help_ += " {" + ",".join(m["choices"]) + "}"
        elif m["lo"] is not None:
            help_ += f" [{format_number(m['lo'])}..{format_number(m['hi'])}]"
        # strings here; make_config parses and validates with the config's own rules
        tr.add_argument(flag, dest=name, default=None, metavar=name.upper(), help=help_)
    tr.add_argument("--save", metavar="PATH", help="write the trained model (state dict + config)")
    tr.add_argument("--json", action="store_true", help="print one JSON object instead of the epoch log")
    tr.add_argument("--export-script", metavar="PATH", help="write a standalone PyTorch script reproducing the run")
    tr.add_argument("--export-keras", metavar="PATH", help="write the same model as a Keras 3 script")
    from .classroom.start import add_parser as add_class_parser
    add_class_parser(sub)
    pr = sub.add_parser("predict", help="score raw rows of a CSV with a saved model (--save)")
    pr.add_argument("--model", required=True, metavar="PATH", help="a model file written by train --save")
    pr.add_argument("--csv", required=True, metavar="PATH", help="rows with the training columns, as they come")
    pr.add_argument("--out", metavar="PATH", help="write the rows plus predictions here (default: stdout)")
    return p


def cmd_datasets() -> int:
    from .data.loaders import describe  # loading is heavy: only for the commands that need it
    rows = [describe(info) for info in DATASETS.values()]
    width = max(len(r["name"]) for r in rows) + 2
    print(f"{'name':<{width}}{'task':<12}{'rows':>7}{'features':>10}  source")
    for r in rows:
        print(f"{r['name']:<{width}}{r['task']:<12}{r['rows']:>7}{r['features']:>10}  {r['source']}")
    return 0


def check_save_path(path: str | None, flag: str = "save") -> None:
    """Refuse a path the model (or a script, `flag`) could not be written to before training, not after."""
    if path is None:
        return
    if not path.strip():
        raise ConfigError("err.save_empty" if flag == "save" else "err.write_empty", flag, flag=flag)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    why = ("is a folder" if target.is_dir() else "no such folder" if not folder.is_dir()
           else "not writable" if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK))
           else None)
    if why:
        raise ConfigError("err.save_path" if flag == "save" else "err.write_path", flag, path=path, why=why, flag=flag)


def run_train(args) -> dict:
    values = {k: getattr(args, k) for k in FIELDS if getattr(args, k) is not None}
    cfg = make_config(**values)   # a bad option is refused before torch and sklearn load (seconds)
    if cfg.epochs == 0:           # "until stopped" needs a Stop button: the app's
        raise ConfigError("err.endless_cli", "epochs")
    for flag in ("save", "export_script", "export_keras"):
        check_save_path(getattr(args, flag, None), flag)
    from .analysis import metrics
    from .nn.callbacks import ProgressLog
    from .nn.checkpoint import save_model
    from .nn.train import train

    t0 = time.perf_counter()
    trainer = train(cfg, callbacks=[] if args.json else [ProgressLog()])
    seconds = time.perf_counter() - t0
    prep = trainer.data
    if args.save:
        save_model(args.save, trainer.model, cfg, prep)
    if args.export_script or args.export_keras:
        from .export.files import write_scripts
        write_scripts(cfg, prep.dataset, args.export_script, args.export_keras)
    return {"config": cfg.to_dict(), "loss": trainer.loss_name,
            "sizes": {"train": len(prep.train.y), "val": len(prep.val.y), "test": len(prep.test.y)},
            "history": trainer.history.epochs,
            "val": {"loss": trainer.evaluate("val")["loss"], **split_metrics(trainer, "val", metrics)},
            "test": split_metrics(trainer, "test", metrics),
            "best_epoch": trainer.best_epoch, "weights_epoch": trainer.weights_epoch,
            "status": trainer.status, "seconds": round(seconds, 3)}


def split_metrics(trainer, split: str, metrics) -> dict:
    """The returned model's metrics on a split; {} after a diverged run (NaN outputs have none)."""
    prep = trainer.data
    output = trainer.predict(split)
    if not np.isfinite(output).all():
        return {}
    out = metrics.evaluate(prep.task, prep.split(split).y.numpy(), output, prep.class_names)
    out.pop("report", None)
    if prep.task == "multiclass":
        out.pop("roc_auc", None)   # AUC is reported for binary tasks only
    return out


def _attach_negative_values(argv: list[str]) -> list[str]:
    """`--points -1,2,0;...` as `--points=-1,2,0;...`: argparse takes a value starting with
    a minus (a painted point left of the axis) for a flag."""
    flags = {"--" + n.replace("_", "-") for n in FIELDS}
    out, i = [], 0
    while i < len(argv):
        if argv[i] in flags and i + 1 < len(argv) and argv[i + 1][:2].lstrip("-")[:1] in set("0123456789."):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(_attach_negative_values(argv))
    try:
        if args.command == "datasets":
            return cmd_datasets()
        if args.command == "lessons":
            from .lessons.command import main as lessons_main  # light unless --check trains
            return lessons_main(args)
        if args.command == "class":
            from .classroom.start import main as class_main
            return class_main(args)
        if args.command == "predict":
            from .export.predict import run_predict
            return run_predict(args.model, args.csv, args.out)
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
    weights = f"weights of epoch {result['weights_epoch']}"
    if result["weights_epoch"] != len(result["history"]):
        weights += " (the best validation loss, restored)"
    print(f"loss: {t('loss.' + result['loss'])}; {result['status']}; {weights}")
    for split in ("val", "test"):
        scores = {k: v for k, v in result[split].items() if isinstance(v, float)}
        print(f"{split}: " + "  ".join(f"{k}={v:.4f}" for k, v in scores.items()))
    if "confusion_matrix" in result["test"]:
        print("confusion matrix (rows: true, columns: predicted):")
        for row in result["test"]["confusion_matrix"]:
            print("  " + " ".join(f"{c:5d}" for c in row))


if __name__ == "__main__":
    raise SystemExit(main())
