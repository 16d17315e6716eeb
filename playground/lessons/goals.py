"""A lesson's goal: a few conditions that must all hold on one run of the student's.

In a lesson file:

    [goal]
    ko = "은닉층이 하나 이상인 신경망으로 검증 정확도 95% 이상"   # the goal in words
    en = "validation accuracy of at least 95% with one hidden layer or more"
    [[goal.all]]
    metric = "val_accuracy"   # what the run measured (below)
    op = ">="                 # >= > <= < == !=
    value = 0.95
    [[goal.all]]
    config = "layers"         # a config field, or `layers` (the number of hidden layers)
    op = ">="
    value = 1
    [[goal.all]]
    status = "early_stopped"  # how the run ended (op == or !=)

Metrics: the history's keys (loss, val_loss, accuracy, val_accuracy, mae, val_mae) read
`at` the epoch whose weights the model holds ("model", the default: the best epoch once
early stopping restored it), the last epoch ("last") or the best one ("best"); `epoch`,
the epochs run; and the model's metrics on the validation set (val_precision, val_recall,
val_f1, val_roc_auc, val_r2, val_mse, val_rmse), computed from its validation outputs.
The run must be on the lesson's dataset; a config value is compared as the config
parses it (`hidden = ""` is no hidden layer).
"""
from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import FIELDS, parse_value
from ..errors import ConfigError
from ..i18n import LANGS
from ..status import FINISHED, Status

OPS: dict[str, Callable[[Any, Any], bool]] = {">=": operator.ge, ">": operator.gt, "<=": operator.le,
                                              "<": operator.lt, "==": operator.eq, "!=": operator.ne}
HISTORY = ("loss", "val_loss", "accuracy", "val_accuracy", "mae", "val_mae")
COMPUTED = ("val_precision", "val_recall", "val_f1", "val_roc_auc", "val_r2", "val_mse", "val_rmse")
METRICS = (*HISTORY, "epoch", *COMPUTED)
HIGHER_IS_BETTER = ("accuracy", "val_accuracy")
AT = ("model", "last", "best")
DERIVED = ("layers",)          # config values computed from a field


@dataclass(frozen=True)
class Goal:
    text: dict                 # {ko, en}
    all: tuple                 # condition tables, as in the file


@dataclass
class RunFacts:
    """What a goal is checked on: a run's config, per-epoch history, status, the epoch its
    model's weights come from, and (lazily) its model's validation metrics."""
    cfg: Any
    history: list
    status: str
    weights_epoch: int = 0
    val_metrics: Callable[[], dict] | dict = field(default_factory=dict)

    def computed(self) -> dict:
        if callable(self.val_metrics):
            self.val_metrics = self.val_metrics() or {}
        return self.val_metrics


@dataclass(frozen=True)
class Check:
    cond: dict
    value: Any                 # what the run has (None: not measured yet)
    ok: bool

    @property
    def kind(self) -> str:
        return next(k for k in ("metric", "config", "status") if k in self.cond)


def parse(raw: dict) -> Goal:
    return Goal(text={lang: str(raw.get(lang, "")) for lang in LANGS},
                all=tuple(dict(c) for c in raw.get("all", []) if isinstance(c, dict)))


def problems(goal: Goal) -> list[str]:
    """A goal that could not be checked: unknown metrics, fields, operators or statuses."""
    out = [] if goal.all else ["no conditions"]
    for c in goal.all:
        kinds = [k for k in ("metric", "config", "status") if k in c]
        op = c.get("op", "==")
        if len(kinds) != 1:
            out.append(f"{c}: needs exactly one of metric, config, status")
            continue
        if op not in OPS:
            out.append(f"{c}: unknown op '{op}'")
        kind = kinds[0]
        if kind == "metric":
            if c["metric"] not in METRICS:
                out.append(f"{c}: unknown metric (one of {', '.join(METRICS)})")
            if not isinstance(c.get("value"), (int, float)) or isinstance(c.get("value"), bool):
                out.append(f"{c}: a metric needs a number value")
            if c.get("at", "model") not in AT or ("at" in c and c["metric"] not in HISTORY):
                out.append(f"{c}: `at` is one of {AT}, for history metrics")
        elif kind == "config":
            name = c["config"]
            if name not in FIELDS and name not in DERIVED:
                out.append(f"{c}: unknown config field")
            elif "value" not in c:
                out.append(f"{c}: no value")
            else:
                try:
                    _config_target(name, c["value"])
                except ConfigError as e:
                    out.append(f"{c}: {e}")
        else:
            if c["status"] not in {str(s) for s in FINISHED} or op not in ("==", "!="):
                out.append(f"{c}: a status is how a run ends ({', '.join(sorted(FINISHED))}), with == or !=")
        if set(c) - {"metric", "config", "status", "op", "value", "at"}:
            out.append(f"{c}: unknown keys {sorted(set(c) - {'metric', 'config', 'status', 'op', 'value', 'at'})}")
    return out


def _config_target(name: str, value):
    return int(value) if name in DERIVED else parse_value(name, value)


def config_value(cfg, name: str):
    return len(cfg.hidden) if name == "layers" else getattr(cfg, name)


def metric_value(facts: RunFacts, name: str, at: str = "model"):
    """The run's value of a metric (None: not measured, e.g. before the first epoch)."""
    h = facts.history
    if name == "epoch":
        return len(h)
    if name in HISTORY:
        values = [e[name] for e in h if e.get(name) is not None and math.isfinite(e[name])]
        if not h or not values:
            return None
        if at == "best":
            return max(values) if name in HIGHER_IS_BETTER else min(values)
        entry = h[-1] if at == "last" or not facts.weights_epoch else h[min(facts.weights_epoch, len(h)) - 1]
        v = entry.get(name)
        return v if v is not None and math.isfinite(v) else None
    v = facts.computed().get(name)
    return v if v is not None and math.isfinite(v) else None


def check(goal: Goal, facts: RunFacts, dataset: str | None = None) -> list[Check]:
    """Every condition of the goal on this run (and, with `dataset`, that it ran on it)."""
    out = []
    if dataset is not None:
        cond = {"config": "dataset", "op": "==", "value": dataset}
        out.append(Check(cond, facts.cfg.dataset, facts.cfg.dataset == dataset))
    for c in goal.all:
        op = OPS[c.get("op", "==")]
        if "metric" in c:
            v = metric_value(facts, c["metric"], c.get("at", "model"))
            out.append(Check(c, v, v is not None and op(v, c["value"])))
        elif "config" in c:
            v = config_value(facts.cfg, c["config"])
            out.append(Check(c, v, op(v, _config_target(c["config"], c["value"]))))
        else:
            out.append(Check(c, str(facts.status), Status(facts.status).finished and op(str(facts.status), c["status"])))
    return out


def met(goal: Goal, facts: RunFacts, dataset: str | None = None) -> bool:
    return all(c.ok for c in check(goal, facts, dataset))


def val_metrics(prepared, output) -> dict:
    """The model's metrics on the validation set from its validation outputs (sklearn's,
    as the Evaluate page reads them), as val_<name>; {} when there are none (a diverged
    run's outputs are not finite)."""
    import numpy as np

    from ..analysis import evaluation, metrics
    if output is None or not np.isfinite(np.asarray(output, float)).all():
        return {}
    pred = evaluation.from_output(prepared, "val", output)
    m = metrics.evaluate(pred.task, pred.y_true, pred.output, pred.class_names)
    return {f"val_{k}": float(v) for k, v in m.items() if isinstance(v, (int, float)) and v is not None}
