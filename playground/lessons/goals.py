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
    config = "layers"         # a config field, `layers` (the number of hidden layers) or
                              # `shrinking` (true: 2+ hidden layers, each narrower than the last)
    op = ">="
    value = 1
    [[goal.all]]
    status = "early_stopped"  # how the run ended (op == or !=)
    [[goal.all]]
    crossval = "folds"        # a cross-validation on the lesson's data finished with this many folds
    op = ">="                 # (Evaluate page; optional method = "kfold" | "stratified" | "loo")
    value = 5
    [[goal.all]]
    compare = "optimizer"     # the learner's runs on the lesson's data (this one and the earlier ones
    values = ["sgd", "adam"]  # of the Compare page's list) used each of these values (default: two);
                              # a value may be a list of alternatives: [["auto", "mse"], "mae"];
                              # or count = 3: at least that many different values

Metrics: the history's keys (loss, val_loss, accuracy, val_accuracy, mae, val_mae) read
`at` the epoch whose weights the model holds ("model", the default: the best epoch once
early stopping restored it), the last epoch ("last") or the best one ("best"); `epoch`,
the epochs run; `params`, the model's parameter count; `threshold`, the learner's threshold
on the Evaluate page (0.5 until they move it); and the model's metrics on the validation
set (val_precision, val_recall, val_f1, val_tpr, val_fpr, val_roc_auc, val_r2, val_mse, val_rmse), computed
from its validation outputs at the learner's threshold, as the Evaluate page shows them.
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
COMPUTED = ("val_precision", "val_recall", "val_f1", "val_tpr", "val_fpr", "val_roc_auc", "val_r2", "val_mse",
            "val_rmse")
METRICS = (*HISTORY, "epoch", "params", "threshold", *COMPUTED)
KINDS = ("metric", "config", "status", "crossval", "compare")
CV_METHODS = ("kfold", "stratified", "loo")
KEYS = {"metric": {"op", "value", "at"}, "config": {"op", "value"}, "status": {"op"},
        "crossval": {"op", "value", "method"}, "compare": {"values", "count"}}
HIGHER_IS_BETTER = ("accuracy", "val_accuracy")
AT = ("model", "last", "best")
DERIVED = ("layers", "shrinking")   # config values computed from a field


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
    val_metrics: Callable[[float], dict] | dict = field(default_factory=dict)   # at a threshold
    threshold: float = 0.5     # the learner's, on the Evaluate page
    crossval: dict | None = None   # the last cross-validation: {dataset, method, folds, status}
    others: tuple = ()         # configs (dicts) of the learner's earlier runs (the Compare list)
    params: Callable[[], int] | int | None = None

    def computed(self) -> dict:
        if callable(self.val_metrics):
            self.val_metrics = self.val_metrics(self.threshold) or {}
        return self.val_metrics

    def n_params(self) -> int | None:
        if callable(self.params):
            self.params = self.params()
        return self.params


@dataclass(frozen=True)
class Check:
    cond: dict
    value: Any                 # what the run has (None: not measured yet)
    ok: bool

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if k in self.cond)

    @property
    def needs_run(self) -> bool:
        """A metric or a status: known only once a run trained (the rest is the learner's setup)."""
        return self.kind in ("metric", "status") and self.cond.get("metric") != "threshold"


def parse(raw: dict) -> Goal:
    return Goal(text={lang: str(raw.get(lang, "")) for lang in LANGS},
                all=tuple(dict(c) for c in raw.get("all", []) if isinstance(c, dict)))


def problems(goal: Goal) -> list[str]:
    """A goal that could not be checked: unknown metrics, fields, operators or statuses."""
    out = [] if goal.all else ["no conditions"]
    for c in goal.all:
        kinds = [k for k in KINDS if k in c]
        op = c.get("op", "==")
        if len(kinds) != 1:
            out.append(f"{c}: needs exactly one of {', '.join(KINDS)}")
            continue
        if op not in OPS:
            out.append(f"{c}: unknown op '{op}'")
        kind = kinds[0]
        number = isinstance(c.get("value"), (int, float)) and not isinstance(c.get("value"), bool)
        if kind == "metric":
            if c["metric"] not in METRICS:
                out.append(f"{c}: unknown metric (one of {', '.join(METRICS)})")
            if not number:
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
        elif kind == "status":
            if c["status"] not in {str(s) for s in FINISHED} or op not in ("==", "!="):
                out.append(f"{c}: a status is how a run ends ({', '.join(sorted(FINISHED))}), with == or !=")
        elif kind == "crossval":
            if c["crossval"] != "folds" or not number or c.get("method", "kfold") not in CV_METHODS:
                out.append(f"{c}: crossval = 'folds' with a number value and a method of {CV_METHODS}")
        else:
            values = c.get("values", [])
            if c["compare"] not in FIELDS or not isinstance(values, list) or not isinstance(c.get("count", 2), int):
                out.append(f"{c}: compare names a config field, values a list of its values")
            else:
                for v in (x for alt in values for x in (alt if isinstance(alt, list) else [alt])):
                    choices = FIELDS[c["compare"]].metadata["choices"]
                    try:
                        if choices and parse_value(c["compare"], v) not in choices:
                            out.append(f"{c}: {v!r} is not one of {choices}")
                        parse_value(c["compare"], v)
                    except ConfigError as e:
                        out.append(f"{c}: {e}")
        extra = set(c) - {kind} - KEYS[kind]
        if extra:
            out.append(f"{c}: unknown keys {sorted(extra)}")
    return out


def _config_target(name: str, value):
    if name == "shrinking":
        return bool(value)
    return int(value) if name in DERIVED else parse_value(name, value)


def config_value(cfg, name: str):
    if name == "shrinking":
        return len(cfg.hidden) >= 2 and all(a > b for a, b in zip(cfg.hidden, cfg.hidden[1:]))
    return len(cfg.hidden) if name == "layers" else getattr(cfg, name)


def metric_value(facts: RunFacts, name: str, at: str = "model"):
    """The run's value of a metric (None: not measured, e.g. before the first epoch)."""
    h = facts.history
    if name == "epoch":
        return len(h)
    if name == "threshold":
        return facts.threshold
    if name == "params":
        return facts.n_params()
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


def crossval_value(facts: RunFacts, c: dict, dataset: str | None):
    """The folds of the learner's last finished cross-validation (0: none that counts)."""
    cv = facts.crossval or {}
    ok = (cv.get("status") == "completed" and (dataset is None or cv.get("dataset") == dataset)
          and ("method" not in c or cv.get("method") == c["method"]))
    return int(cv.get("folds", 0)) if ok else 0


def compare_value(facts: RunFacts, c: dict) -> tuple:
    """The values of a field among this run and the learner's earlier runs on its dataset."""
    name = c["compare"]
    seen = [config_value(facts.cfg, name)]
    for other in facts.others:
        if other.get("dataset") == facts.cfg.dataset and name in other:
            try:
                seen.append(parse_value(name, other[name]))
            except ConfigError:
                continue
    return tuple(dict.fromkeys(seen))


def _compare_ok(c: dict, seen: tuple) -> bool:
    """Each wanted value (or one of a list of alternatives, e.g. ["auto", "mse"]) was used."""
    wanted = [[parse_value(c["compare"], x) for x in (v if isinstance(v, list) else [v])] for v in c.get("values", [])]
    return all(any(x in seen for x in alts) for alts in wanted) and len(seen) >= c.get("count", 2 if not wanted else 1)


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
        elif "crossval" in c:
            v = crossval_value(facts, c, dataset)
            out.append(Check(c, v, bool(v) and op(v, c["value"])))
        elif "compare" in c:
            seen = compare_value(facts, c)
            out.append(Check(c, seen, _compare_ok(c, seen)))
        else:
            out.append(Check(c, str(facts.status), Status(facts.status).finished and op(str(facts.status), c["status"])))
    return out


def met(goal: Goal, facts: RunFacts, dataset: str | None = None) -> bool:
    return all(c.ok for c in check(goal, facts, dataset))


def val_metrics(prepared, output, threshold: float = 0.5) -> dict:
    """The model's metrics on the validation set from its validation outputs (sklearn's,
    as the Evaluate page reads them at this threshold), as val_<name>; {} when there are
    none (a diverged run's outputs are not finite)."""
    import numpy as np

    from ..analysis import evaluation, metrics
    if output is None or not np.isfinite(np.asarray(output, float)).all():
        return {}
    pred = evaluation.from_output(prepared, "val", output)
    m = metrics.evaluate(pred.task, pred.y_true, pred.output, pred.class_names, threshold)
    if pred.task == "binary":       # the operating point on the ROC curve
        point = evaluation.at_threshold(pred.y_true, pred.output, threshold)
        m.update(tpr=point["tpr"], fpr=point["fpr"])
    return {f"val_{k}": float(v) for k, v in m.items() if isinstance(v, (int, float)) and v is not None}
