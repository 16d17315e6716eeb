"""Where a recurrent network goes wrong on a sequence test set, next to the baselines
(sequence_baselines) on the very same targets. Plain data in (the forecasts or outputs
inspect/ computed), plain data out, every error from sklearn.metrics.

- series: RMSE, MAE and mean residual of the one-step forecast, the forecast rolled
  forward, and each baseline; the mean absolute error in the first and the second half of
  the test period and the residuals' trend (does the error grow with the series' trend?);
- words and symbols: each test sentence with the network's and the bag of words' answer,
  the groups a learner looks at (the network's mistakes, what only the bag of words gets
  wrong), accuracy with and without a negation, and the bag of words' answer after each
  word (its belief over a growing bag).
"""
from __future__ import annotations

import numpy as np
from sklearn import metrics as skm

from ..data.sequence_prep import raw_rows
from . import sequence_baselines
from .metrics import predicted_labels

NETWORK = ("one_step", "rolled")
NEGATIONS = ("not", "않")      # as inspect.sequence.NEGATIONS (analysis may not import inspect)
GROUPS = ("net_wrong", "bow_wrong", "net_right", "all")


# --- series -----------------------------------------------------------------------------------------

def errors(truth, pred) -> dict:
    """RMSE, MAE, mean residual (actual - predicted: > 0 the forecast stays below the truth),
    and the MAE of the first and the second half of the period."""
    truth, pred = np.asarray(truth, float), np.asarray(pred, float)
    half = len(truth) // 2
    out = {"rmse": float(skm.root_mean_squared_error(truth, pred)), "mae": float(skm.mean_absolute_error(truth, pred)),
           "bias": float(np.mean(truth - pred))}
    if half:
        out["mae_first"] = float(skm.mean_absolute_error(truth[:half], pred[:half]))
        out["mae_second"] = float(skm.mean_absolute_error(truth[half:], pred[half:]))
    return out


def trend(time, residual) -> float:
    """The residuals' least-squares slope per unit of time (0 with fewer than 2 points)."""
    time, residual = np.asarray(time, float), np.asarray(residual, float)
    return float(np.polyfit(time, residual, 1)[0]) if len(time) >= 2 and np.ptp(time) > 0 else 0.0


def series_report(prep, forecast: dict, seed: int = 0, split: str = "test", context: int | None = None) -> dict:
    """A split's period (the forecast of inspect.sequence_eval.series_forecast): the truth,
    the network's forecasts and the baselines', their errors and residual trends, and
    `context` values before it (default: two seasons or a window)."""
    truth, time = np.asarray(forecast["truth"], float), np.asarray(forecast["time"], float)
    preds = {"one_step": np.asarray(forecast["one_step"], float)}
    if forecast.get("rolled") is not None:
        preds["rolled"] = np.asarray(forecast["rolled"], float)
    for name in sequence_baselines.SERIES_BASELINES:
        preds[name] = np.asarray(sequence_baselines.outputs(prep, name, split, seed), float)
    errs = {name: errors(truth, p) for name, p in preds.items()}
    start = int(forecast["index"][0]) if len(truth) else 0
    # scattered targets (no time split) have no "before": their neighbours trained
    together = forecast.get("rolled") is not None
    n = 0 if not together else context if context is not None else max(prep.window, 2 * sequence_baselines.period(prep))
    before = slice(max(start - n, 0), start)
    baseline_names = [b for b in sequence_baselines.SERIES_BASELINES if b in errs]
    return {"time": time, "truth": truth, "preds": preds, "errors": errs, "contiguous": together,
            "trend": {name: trend(time, truth - preds[name]) for name in NETWORK if name in preds},
            "best_baseline": min(baseline_names, key=lambda b: errs[b]["rmse"]) if len(truth) else None,
            "context": {"time": prep.dataset.X["time"].to_numpy(float)[before],
                        "value": prep.dataset.X["value"].to_numpy(float)[before]},
            "target": prep.dataset.target_name}


# --- words and symbols -----------------------------------------------------------------------------

def _p_true(task: str, output, truth) -> np.ndarray:
    """The probability given to the true answer."""
    out, truth = np.asarray(output, float), np.asarray(truth, int)
    if task == "binary":
        return np.where(truth == 1, out, 1 - out)
    return out[np.arange(len(truth)), truth]


def has_negation(text: str) -> bool:
    return any(w in NEGATIONS for w in str(text).split())


def sentence_table(prep, output, threshold: float = 0.5, seed: int = 0, split: str = "test") -> dict:
    """Every sentence of the split (in the split's order): text, truth, the network's and the
    bag of words' label (threshold or argmax) and probability of the true answer, negated."""
    idx = np.asarray(prep.split(split).index)
    truth = np.asarray(prep.dataset.y, int)[idx]
    bow = sequence_baselines.outputs(prep, "bag_of_words", split, seed)
    texts = raw_rows(prep, split)["text"].astype(str).tolist()
    return {"text": texts, "row": idx, "truth": truth, "task": prep.task,
            "net_label": predicted_labels(prep.task, output, threshold), "net_p": _p_true(prep.task, output, truth),
            "bow_label": predicted_labels(prep.task, bow, threshold), "bow_p": _p_true(prep.task, bow, truth),
            "negated": np.array([has_negation(t) for t in texts], bool)}


def group(table: dict, name: str, limit: int | None = None) -> np.ndarray:
    """Positions of a group's sentences: the network's mistakes (the most confident first),
    the bag of words' mistakes the network got right, the network's right answers, or all;
    the last three with negated sentences first."""
    net_ok = table["net_label"] == table["truth"]
    bow_ok = table["bow_label"] == table["truth"]
    mask = {"net_wrong": ~net_ok, "bow_wrong": net_ok & ~bow_ok, "net_right": net_ok,
            "all": np.ones(len(net_ok), bool)}[name]
    pos = np.flatnonzero(mask)
    key = table["net_p"][pos] if name == "net_wrong" else ~table["negated"][pos]
    return pos[np.argsort(key, kind="stable")][:limit]


def distinct(table: dict, pos, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first of each different sentence among positions `pos` (generated sets repeat
    sentences), in their order, and how many of `pos` each stands for."""
    first: dict[str, int] = {}
    times: dict[str, int] = {}
    for p in pos:
        text = table["text"][p]
        first.setdefault(text, int(p))
        times[text] = times.get(text, 0) + 1
    keep = list(first)[:limit]
    return np.array([first[t] for t in keep], int), np.array([times[t] for t in keep], int)


def counts(table: dict) -> dict[str, int]:
    return {name: len(group(table, name)) for name in GROUPS}


def by_negation(table: dict) -> list[dict]:
    """Accuracy of the network and of the bag of words on sentences with a negation
    ('not' / '않'), without one, and on all (empty groups left out)."""
    rows = []
    for part, mask in (("with", table["negated"]), ("without", ~table["negated"]),
                       ("all", np.ones(len(table["truth"]), bool))):
        if mask.any():
            y = table["truth"][mask]
            rows.append({"part": part, "n": int(mask.sum()),
                         "network": float(skm.accuracy_score(y, table["net_label"][mask])),
                         "bag_of_words": float(skm.accuracy_score(y, table["bow_label"][mask]))})
    return rows


def bow_after_each_word(prep, texts: list[str], read: list[int], seed: int = 0) -> list[np.ndarray]:
    """For each sentence, the bag of words' output after each of the last `read` words (the
    ones the network read, its window), each from all the words up to there."""
    vec, est = sequence_baselines.bag_of_words_model(prep, seed)
    k = prep.n_outputs if prep.task == "multiclass" else 2
    out = []
    for text, n in zip(texts, read):
        words = str(text).split()
        prefixes = [" ".join(words[:len(words) - n + j + 1]) for j in range(n)]
        proba = np.zeros((len(prefixes), k))
        if prefixes:
            proba[:, est.classes_] = est.predict_proba(vec.transform(prefixes))
        out.append(proba[:, 1] if prep.task == "binary" else proba)
    return out


def p_true_steps(task: str, steps, truth: int) -> np.ndarray:
    """An answer-after-each-step curve ((T,) P(class 1) or (T, K)) as P(true answer)."""
    steps = np.asarray(steps, float)
    if task == "binary":
        return steps if truth == 1 else 1 - steps
    return steps[:, int(truth)]
