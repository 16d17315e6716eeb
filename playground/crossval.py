"""Cross-validation of the current configuration: K-fold, stratified K-fold or
leave-one-out over the development rows (training + validation; the test set stays
aside). Each fold re-fits the preprocessing on its own training rows and trains a
fresh network with the Trainer, in a background thread like jobs.TrainingJob.
"""
from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.base import clone
from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold, train_test_split

from . import metrics
from .config import ConfigError, RunConfig
from .data import Prepared, Split
from .jobs import SCHEDULER, Scheduler
from .model import predict_output
from .train import Trainer

METHODS = ("kfold", "stratified", "loo")
K_MIN, K_MAX = 2, 10
# LOO trains one network per row: past a few hundred rows that is minutes of a shared server.
LOO_MAX_ROWS = 200
# Epochs per fold are capped so K trainings cannot run for hours.
MAX_EPOCHS = 100
FOLD_METRICS = {"regression": ("r2", "mae", "mse", "rmse"),
                "classification": ("accuracy", "precision", "recall", "f1", "roc_auc")}
# One held-out row has no R², AUC, or meaningful precision: LOO reports what one row can say.
LOO_METRICS = {"regression": ("mae", "mse"), "classification": ("accuracy",)}


def metric_keys(task: str, method: str) -> tuple:
    group = "regression" if task == "regression" else "classification"
    return (LOO_METRICS if method == "loo" else FOLD_METRICS)[group]


def development_rows(prepared: Prepared) -> np.ndarray:
    """Dataset rows cross-validation may use: training + validation, never the test set."""
    return np.sort(np.concatenate([prepared.train.index, prepared.val.index]))


def unavailable(method: str, task: str, y, k: int = 5) -> tuple[str, dict] | None:
    """Why this method cannot run here, as (i18n key, params); None when it can."""
    n = len(y)
    if method == "stratified" and task == "regression":
        return "eval.cv.why_strat_regression", {}
    if method == "loo":
        return ("eval.cv.why_loo_rows", {"n": n, "max": LOO_MAX_ROWS}) if n > LOO_MAX_ROWS else None
    if not K_MIN <= k <= K_MAX:
        return "eval.cv.why_k_range", {"lo": K_MIN, "hi": K_MAX}
    if k > n:
        return "eval.cv.why_k_rows", {"k": k, "n": n}
    if method == "stratified":
        smallest = int(np.bincount(np.asarray(y, int)).min())
        if k > smallest:   # sklearn only warns; a fold missing a class is not stratified
            return "eval.cv.why_k_class", {"k": k, "n": smallest}
    return None


def splitter(method: str, k: int, seed: int):
    if method == "loo":
        return LeaveOneOut()
    cls = StratifiedKFold if method == "stratified" else KFold
    return cls(n_splits=k, shuffle=True, random_state=seed)


def fold_indices(method: str, y, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit positions, held-out positions) into `y`, one pair per fold."""
    y = np.asarray(y)
    return list(splitter(method, k, seed).split(np.zeros((len(y), 1)), y))


def prepare_fold(base: Prepared, cfg: RunConfig, fit_rows: np.ndarray, test_rows: np.ndarray) -> Prepared:
    """A Prepared for one fold: the fold's fit rows are split into training / validation
    (cfg.val_split, stratified where possible) as a normal run does, the preprocessing is
    a fresh copy of the run's (same scaler, same columns) fitted on the training rows only,
    and the held-out rows are the fold's test set."""
    ds = base.dataset
    strat = ds.is_classification and np.bincount(ds.y[fit_rows]).min() >= 2
    try:
        tr, va = train_test_split(fit_rows, test_size=cfg.val_split, random_state=cfg.seed,
                                  stratify=ds.y[fit_rows] if strat else None)
    except ValueError:
        tr, va = train_test_split(fit_rows, test_size=cfg.val_split, random_state=cfg.seed)
    rows = (tr, va, test_rows)
    if ds.image_shape is not None:
        parts = [torch.as_tensor(np.asarray(ds.X[r], np.float32) / ds.pixel_max) for r in rows]
        ct = None
    else:
        ct = clone(base.transformer)          # unfitted, same recipe as data.prepare
        cat = dict((name, cols) for name, _, cols in ct.transformers)["cat"]
        X = ds.X.astype({c: object for c in cat})
        ct.fit(X.iloc[tr])
        parts = [torch.as_tensor(np.asarray(ct.transform(X.iloc[r]), np.float32)) for r in rows]
    dtype = torch.int64 if ds.task == "multiclass" else torch.float32
    splits = [Split(x, torch.as_tensor(ds.y[r]).to(dtype), np.asarray(r)) for x, r in zip(parts, rows)]
    prep = Prepared(ds, *splits, feature_names=base.feature_names, pipeline=base.pipeline, transformer=ct,
                    stratified=bool(strat))
    if ds.task == "regression":
        y_tr = splits[0].y
        prep.y_mean = float(y_tr.mean())
        prep.y_std = float(y_tr.std().clamp_min(1e-8)) if len(y_tr) > 1 else 1.0
    return prep


def fold_scores(task: str, y_true, output, class_names, keys) -> dict:
    """The fold's metrics; NaN where undefined (e.g. AUC with one class held out)."""
    m = metrics.evaluate(task, y_true, output, class_names)
    return {k: (float(m[k]) if m.get(k) is not None else float("nan")) for k in keys}


def summary(folds, keys) -> dict:
    """Mean and (population) standard deviation of each metric over the folds."""
    out = {}
    for k in keys:
        v = np.array([f[k] for f in folds], float)
        v = v[np.isfinite(v)]
        out[k] = (float(v.mean()), float(v.std())) if len(v) else (float("nan"), float("nan"))
    return out


@dataclass(frozen=True)
class CVSnapshot:
    status: str            # queued | running | completed | stopped | error
    method: str
    n_folds: int
    epochs: int            # per fold (capped)
    epoch: int             # of the fold in progress
    folds: tuple           # per-fold dicts: fold, n_train, n_test, epochs, metric keys...
    keys: tuple            # the metric keys of each fold
    pooled: dict | None = None   # metrics of all held-out predictions together (when finished)
    error: str | None = None
    queue_position: int = 0
    elapsed: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "stopped", "error")

    @property
    def active(self) -> bool:
        return not self.finished

    @property
    def progress(self) -> float:
        done = len(self.folds) + (self.epoch / self.epochs if self.status == "running" and self.epochs else 0)
        return min(done / max(self.n_folds, 1), 1.0)


class CrossValJob:
    """K trainings one after another in a thread; each fold takes a slot of the global
    Scheduler, so cross-validation queues behind (and between) other people's runs."""

    def __init__(self, cfg: RunConfig, prepared: Prepared, method: str = "kfold", k: int = 5, *,
                 scheduler: Scheduler = SCHEDULER, idle_timeout: float | None = None):
        rows = development_rows(prepared)
        y = prepared.dataset.y[rows]
        why = ("eval.cv.why_method", {"method": method}) if method not in METHODS \
            else unavailable(method, prepared.task, y, k)
        if why:
            raise ConfigError(why[0], "cv", **why[1])
        self.cfg = cfg.replace(epochs=min(cfg.epochs, MAX_EPOCHS))
        self.prepared, self.method, self.scheduler, self.idle_timeout = prepared, method, scheduler, idle_timeout
        self.folds = [(rows[a], rows[b]) for a, b in fold_indices(method, y, k, cfg.seed)]
        self.keys = metric_keys(prepared.task, method)
        self.stop_requested = False
        self._status, self._error = "queued", None
        self._results: tuple = ()
        self._out_of_fold: list = []
        self._pooled = None
        self._trainer: Trainer | None = None
        self._t0 = None
        self._last_seen = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"cv-{cfg.dataset}")

    def start(self) -> "CrossValJob":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_requested = True
        if self._trainer:
            self._trainer.request_stop()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    # --- the thread ----------------------------------------------------------------------------------
    def _run(self) -> None:
        torch.set_num_threads(1)   # as jobs.TrainingJob: small nets are faster on one thread
        self._t0 = time.perf_counter()
        try:
            for i, (fit_rows, test_rows) in enumerate(self.folds, 1):
                self._status = "queued"
                if self.stop_requested or not self.scheduler.acquire(self):
                    break
                try:
                    self._status = "running"
                    result = self._fold(i, fit_rows, test_rows)
                finally:
                    self.scheduler.release(self)
                if result is None:
                    break
                self._results = self._results + (result,)   # new tuple: readers never see half a list
            self._status = "stopped" if self.stop_requested else "completed"
            if self._out_of_fold and not self.stop_requested:
                self._pooled = self._pool()
        except ConfigError as e:
            self._error, self._status = str(e), "error"
        except Exception as e:   # a UI must see a message, not a dead thread
            self._error, self._status = f"{type(e).__name__}: {e}", "error"
            traceback.print_exc()

    def _fold(self, i: int, fit_rows, test_rows) -> dict | None:
        prep = prepare_fold(self.prepared, self.cfg, fit_rows, test_rows)
        trainer = self._trainer = Trainer(self.cfg, prep)
        while not trainer.finished:
            if self.stop_requested or self._abandoned():
                self.stop_requested = True
                return None
            trainer.step_epoch()
        if trainer.status == "stopped":
            return None
        out = predict_output(trainer.model, prep.test.X, prep.task, prep.y_mean, prep.y_std)
        y_true = prep.test.y.numpy()
        self._out_of_fold.append((y_true, out))
        scores = fold_scores(prep.task, y_true, out, prep.class_names, self.keys) \
            if np.isfinite(out).all() else {k: float("nan") for k in self.keys}
        return {"fold": i, "n_train": len(prep.train.y), "n_test": len(test_rows), "epochs": trainer.epoch,
                "status": trainer.status, **scores}

    def _pool(self) -> dict | None:
        y = np.concatenate([a for a, _ in self._out_of_fold])
        out = np.concatenate([b for _, b in self._out_of_fold])
        if not np.isfinite(out).all():
            return None
        keys = FOLD_METRICS["regression" if self.prepared.task == "regression" else "classification"]
        return fold_scores(self.prepared.task, y, out, self.prepared.class_names, keys)

    def _abandoned(self) -> bool:
        return self.idle_timeout is not None and time.monotonic() - self._last_seen > self.idle_timeout

    # --- the snapshot (any thread, cheap) -------------------------------------------------------------
    def snapshot(self) -> CVSnapshot:
        self._last_seen = time.monotonic()
        tr = self._trainer
        return CVSnapshot(status=self._status, method=self.method, n_folds=len(self.folds), epochs=self.cfg.epochs,
                          epoch=tr.epoch if tr and self._status == "running" else 0, folds=self._results,
                          keys=self.keys, pooled=self._pooled, error=self._error,
                          queue_position=self.scheduler.position(self),
                          elapsed=(time.perf_counter() - self._t0) if self._t0 else 0.0)
