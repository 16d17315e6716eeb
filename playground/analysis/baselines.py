"""The classical model a network should beat, fitted on the very same split and
preprocessing: linear regression, logistic regression, or (for images) logistic
regression by SGD; and the side-by-side comparison of their metrics."""
from __future__ import annotations

import threading
import warnings
import weakref

import numpy as np
from cachetools import LRUCache
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, SGDClassifier

from ..data.prepare import Prepared
from ..data.sequence_prep import SequencePrepared
from . import metric_names, sequence_baselines
from .evaluation import Predictions, from_output

# higher is better for these; lower for the errors
COMPARE = metric_names.BY_GROUP
LOWER_IS_BETTER = {"mae", "mse", "rmse"}


def baseline_kind(prepared: Prepared) -> str:
    if isinstance(prepared, SequencePrepared):
        return sequence_baselines.reference_name(prepared)
    if prepared.task == "regression":
        return "linear"
    # lbfgs on hundreds of pixel columns is slow; SGD does one cheap pass per epoch
    return "sgd_logistic" if prepared.image_shape is not None else "logistic"


def fit_baseline(prepared: Prepared, seed: int = 0):
    """The classical model for this task, fitted on the network's training rows with the
    network's preprocessing. Deterministic for a seed."""
    kind = baseline_kind(prepared)
    if isinstance(prepared, SequencePrepared):   # fitted per split on the raw windows / sentences
        return kind, sequence_baselines.Fitted(prepared, kind, seed)
    X, y = prepared.train.X.numpy(), prepared.train.y.numpy()
    if kind == "linear":
        est = LinearRegression()
    elif kind == "logistic":
        est = LogisticRegression(max_iter=2000, random_state=seed)
    else:
        # 10 passes: on MNIST test accuracy is flat from 5 passes on (0.864), and 50 cost 4 s here
        est = SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=10, tol=1e-3, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # a capped baseline is still a baseline
        est.fit(X, y.astype(int) if kind != "linear" else y)
    return kind, est


def baseline_predictions(est, prepared: Prepared, split: str = "test") -> Predictions:
    """The baseline's outputs in the same form as the network's (predict_output)."""
    if isinstance(est, sequence_baselines.Fitted):
        return from_output(prepared, split, est.outputs(split))
    X = prepared.split(split).X.numpy()
    if prepared.task == "regression":
        out = est.predict(X)
    else:
        proba = np.zeros((len(X), prepared.n_outputs if prepared.task == "multiclass" else 2))
        if len(X):
            proba[:, est.classes_] = est.predict_proba(X)   # classes absent from train get 0
        out = proba[:, 1] if prepared.task == "binary" else proba
    return from_output(prepared, split, out)


def comparison(task: str, network: dict, baseline: dict) -> list[dict]:
    """Rows of 'baseline vs your network' with the same metrics; `better` names the winner."""
    rows = []
    for key in COMPARE["regression" if task == "regression" else "classification"]:
        b, n = baseline.get(key), network.get(key)
        better = None
        if b is not None and n is not None and b != n:
            net_wins = n < b if key in LOWER_IS_BETTER else n > b
            better = "network" if net_wins else "baseline"
        rows.append({"metric": key, "baseline": b, "network": n, "better": better})
    return rows


# A class's runs on one dataset share its Prepared (ui.data caches it for every session): the
# reference is fitted once per split, not at the end of each run (MNIST's SGD model takes
# ~0.6 s of the training thread). Keyed by identity, checked through a weak reference.
_references: LRUCache = LRUCache(maxsize=32)
_references_lock = threading.Lock()      # cachetools' caches are not thread-safe


def reference_scores(prepared: Prepared, loss: str, seed: int = 0) -> dict:
    """What the coach compares a run with, on the validation set: `chance`, the majority
    class's share (classification), and `baseline_loss`, the classical model's loss in the
    network's own loss (`loss`: bce, ce, mse, mae or huber). Computed once per split."""
    key = (id(prepared), loss, seed)
    with _references_lock:
        kept = _references.get(key)
    if kept is not None and kept[0]() is prepared:
        return dict(kept[1])
    ref = _reference_scores(prepared, loss, seed)
    with _references_lock:
        _references[key] = (weakref.ref(prepared), dict(ref))
    return ref


def _reference_scores(prepared: Prepared, loss: str, seed: int) -> dict:
    y = np.asarray(prepared.val.y.numpy())
    if len(y) == 0:
        return {"chance": None, "baseline_loss": None}
    if isinstance(prepared, SequencePrepared):   # a linear autoregression, a bag of words
        out = sequence_baselines.reference_output(prepared, "val", seed)
    else:
        _, est = fit_baseline(prepared, seed)
        out = baseline_predictions(est, prepared, "val").output
    if prepared.task == "regression":
        y = y.astype(float)
        r = np.abs(y - out)
        delta = prepared.y_std                 # the network's Huber delta: one standard deviation
        per_row = {"mse": r ** 2, "mae": r, "huber": np.where(r <= delta, 0.5 * r ** 2, delta * (r - 0.5 * delta))}
        return {"chance": None, "baseline_loss": float(per_row[loss].mean())}
    y = y.astype(int)
    proba = np.c_[1 - out, out] if prepared.task == "binary" else out
    p_true = np.clip(proba[np.arange(len(y)), y], 1e-7, 1.0)
    return {"chance": float(np.bincount(y).max() / len(y)), "baseline_loss": float(-np.log(p_true).mean())}
