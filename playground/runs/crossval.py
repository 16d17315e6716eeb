"""Cross-validation of the current configuration: K-fold, stratified K-fold or
leave-one-out over the development rows (training + validation; the test set stays
aside); for a time series a split by time (each fold tests the stretch after its past) or,
to show the leak, a shuffled K-fold (data.sequence_folds). Each fold re-fits the
preprocessing on its own training rows and trains a fresh network with the Trainer, in a
background job that trains in turns at the scheduler's slots like any run (a turn ends
after a fraction of a second when another run waits).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold, train_test_split

from ..analysis import metric_names, metrics
from ..config import RunConfig
from ..data import sequence_folds as seq_folds
from ..data.prepare import Prepared, prepare_rows
from ..errors import ConfigError
from ..nn.callbacks import Callback
from ..nn.model import predict_output
from ..nn.train import Trainer
from ..status import Status, StatusView
from .job import BackgroundJob
from .scheduler import SCHEDULER, Scheduler

TABLE_METHODS = ("kfold", "stratified", "loo")      # tables, images, sentences
SERIES_METHODS = ("time", "shuffled")                # a time series: by time, or shuffled (leaks)
METHODS = TABLE_METHODS + SERIES_METHODS
K_MIN, K_MAX = 2, 10
# LOO trains one network per row: past a few hundred rows that is minutes of a shared server.
LOO_MAX_ROWS = 200
# Epochs per fold are capped so K trainings cannot run for hours.
MAX_EPOCHS = 100
FOLD_METRICS = metric_names.BY_GROUP
# One held-out row has no R², AUC, or meaningful precision: LOO reports what one row can say.
LOO_METRICS = {"regression": ("mae", "mse"), "classification": ("accuracy",)}


def metric_keys(task: str, method: str) -> tuple:
    group = "regression" if task == "regression" else "classification"
    return (LOO_METRICS if method == "loo" else FOLD_METRICS)[group]


def methods_for(prepared) -> tuple:
    return SERIES_METHODS if seq_folds.is_series_prep(prepared) else TABLE_METHODS


def default_method(prepared) -> str:
    if seq_folds.is_series_prep(prepared):
        return "time"
    return "kfold" if prepared.task == "regression" else "stratified"


def development_rows(prepared: Prepared) -> np.ndarray:
    """Dataset rows cross-validation may use: training + validation, never the test set."""
    return np.sort(np.concatenate([prepared.train.index, prepared.val.index]))


def unavailable(method: str, task: str, y, k: int = 5, series: bool = False) -> tuple[str, dict] | None:
    """Why this method cannot run here, as (i18n key, params); None when it can.
    `series`: the rows are a time series' targets in time order."""
    n = len(y)
    if method in SERIES_METHODS and not series:
        return "eval.cv.seq.why_series_only", {}
    if series and method not in SERIES_METHODS:
        return "eval.cv.seq.why_not_series", {}
    if method == "stratified" and task == "regression":
        return "eval.cv.why_strat_regression", {}
    if method == "loo":
        return ("eval.cv.why_loo_rows", {"n": n, "max": LOO_MAX_ROWS}) if n > LOO_MAX_ROWS else None
    if not K_MIN <= k <= K_MAX:
        return "eval.cv.why_k_range", {"lo": K_MIN, "hi": K_MAX}
    if k > n:
        return "eval.cv.why_k_rows", {"k": k, "n": n}
    if method == "time" and n < seq_folds.time_rows_needed(k):
        return "eval.cv.seq.why_time_rows", {"k": k, "n": n, "min": seq_folds.time_rows_needed(k)}
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
    """(fit positions, held-out positions) into `y`, one pair per fold ("time": `y` in time order)."""
    y = np.asarray(y)
    if method == "time":
        return seq_folds.time_folds(len(y), k)
    if method == "shuffled":
        method = "kfold"
    return list(splitter(method, k, seed).split(np.zeros((len(y), 1)), y))


def prepare_fold(base: Prepared, cfg: RunConfig, fit_rows: np.ndarray, test_rows: np.ndarray,
                 by_time: bool = False) -> Prepared:
    """A Prepared for one fold: the fold's fit rows are split into training / validation
    (cfg.val_split, stratified where possible; `by_time`: the latest validate) as a normal
    run does, the preprocessing is the run's recipe fitted on the fold's training rows only,
    and the held-out rows are the fold's test set. Sequences: data.sequence_folds."""
    if seq_folds.is_sequence_prep(base):
        return seq_folds.prepare_sequence_fold(base, cfg, fit_rows, test_rows, by_time)
    ds = base.dataset
    strat = ds.is_classification and np.bincount(ds.y[fit_rows]).min() >= 2
    try:
        tr, va = train_test_split(fit_rows, test_size=cfg.val_split, random_state=cfg.seed,
                                  stratify=ds.y[fit_rows] if strat else None)
    except ValueError:
        tr, va = train_test_split(fit_rows, test_size=cfg.val_split, random_state=cfg.seed)
    return prepare_rows(ds, cfg.scaler, (tr, va, test_rows), stratified=bool(strat), features=cfg.features,
                        pixel_scale=cfg.pixel_scale)


def fold_scores(task: str, y_true, output, class_names, keys) -> dict:
    """The fold's metrics; NaN where undefined (e.g. AUC with one class held out)."""
    m = metrics.evaluate(task, y_true, output, class_names)
    return {k: (float(m[k]) if m.get(k) is not None else float("nan")) for k in keys}


def fold_summary(folds, keys) -> dict:
    """Mean and (population) standard deviation of each metric over the folds."""
    out = {}
    for k in keys:
        v = np.array([f[k] for f in folds], float)
        v = v[np.isfinite(v)]
        out[k] = (float(v.mean()), float(v.std())) if len(v) else (float("nan"), float("nan"))
    return out


@dataclass(frozen=True)
class CVSnapshot(StatusView):
    status: Status         # queued | running | completed | stopped | error
    method: str
    n_folds: int
    epochs: int            # per fold (capped)
    epoch: int             # of the fold in progress
    folds: tuple           # per-fold dicts: fold, n_train, n_test, epochs, metric keys...
    keys: tuple            # the metric keys of each fold
    pooled: dict | None = None   # metrics of all held-out predictions together (when finished)
    error: str | None = None
    sharing: int = 0       # runs training or waiting for their turn on this server (this one too)
    wait_s: float = 0.0    # expected seconds to its next turn
    elapsed: float = 0.0


    @property
    def progress(self) -> float:
        done = len(self.folds) + (self.epoch / self.epochs if self.status == Status.RUNNING and self.epochs else 0)
        return min(done / max(self.n_folds, 1), 1.0)


class _TakeTurns(Callback):
    """Between two batches: hand the slot on when the fold's turn is over."""

    def __init__(self, job: "CrossValJob"):
        self.job = job

    def on_after_backward(self, trainer, batch):
        if not self.job._end_turn_if_over():
            trainer.request_stop()        # stopped while waiting for its turn

    def on_epoch_end(self, trainer, epoch, logs):
        if not self.job._end_turn_if_over(epoch_end=True):
            trainer.request_stop()


class CrossValJob(BackgroundJob):
    """K trainings one after another in a thread, in turns at the global Scheduler's slots
    like everyone's runs (a slot per fold, handed on between turns)."""
    kind = "cv"

    def __init__(self, cfg: RunConfig, prepared: Prepared, method: str = "kfold", k: int = 5, *,
                 scheduler: Scheduler = SCHEDULER, idle_timeout: float | None = None):
        rows = development_rows(prepared)
        y = prepared.dataset.y[rows]
        why = ("eval.cv.why_method", {"method": method}) if method not in METHODS \
            else unavailable(method, prepared.task, y, k, series=seq_folds.is_series_prep(prepared))
        if why:
            raise ConfigError(why[0], "cv", **why[1])
        super().__init__(cfg.dataset, scheduler=scheduler, idle_timeout=idle_timeout)
        self.cfg = cfg.replace(epochs=min(cfg.epochs, MAX_EPOCHS))
        self.prepared, self.method = prepared, method
        self.folds = [(rows[a], rows[b]) for a, b in fold_indices(method, y, k, cfg.seed)]
        self.keys = metric_keys(prepared.task, method)
        self._results: tuple = ()
        self._out_of_fold: list = []
        self._pooled = None
        self._trainer: Trainer | None = None

    @property
    def shown_point(self) -> bool:
        return bool(self._results)

    def _on_stop(self) -> None:
        if self._trainer:
            self._trainer.request_stop()

    # --- the thread ----------------------------------------------------------------------------------
    def _run(self) -> None:
        self._mark_started()
        for i, (fit_rows, test_rows) in enumerate(self.folds, 1):
            if self.stop_requested or not self._take_slot():
                break
            try:
                self._set_status(Status.RUNNING)
                result = self._fold(i, fit_rows, test_rows)
            finally:
                self._give_slot()
            if result is None:
                break
            with self._cond:
                self._results = self._results + (result,)   # new tuple: readers never see half a list
        pooled = self._pool() if self._out_of_fold and not self.stop_requested else None
        with self._cond:
            self._pooled = pooled
            self._status = Status.STOPPED if self.stop_requested else Status.COMPLETED

    def _fold(self, i: int, fit_rows, test_rows) -> dict | None:
        prep = prepare_fold(self.prepared, self.cfg, fit_rows, test_rows, by_time=self.method == "time")
        trainer = Trainer(self.cfg, prep, [_TakeTurns(self)])
        with self._cond:
            self._trainer = trainer
            if self.stop_requested:
                trainer.request_stop()
        while not trainer.finished:
            if self.stop_requested or self.abandoned():
                self.stop("idle" if not self.stop_requested else None)
                return None
            trainer.step_epoch()
        if trainer.status == Status.STOPPED:
            return None
        out = predict_output(trainer.model, prep.test.X, prep.task, prep.y_mean, prep.y_std)
        y_true = prep.test.y.numpy()
        self._out_of_fold.append((y_true, out))
        scores = fold_scores(prep.task, y_true, out, prep.class_names, self.keys) \
            if np.isfinite(out).all() else {k: float("nan") for k in self.keys}
        return {"fold": i, "n_train": len(prep.train.y), "n_test": len(test_rows), "epochs": trainer.epoch,
                "status": str(trainer.status), **self._fold_data(prep), **scores}

    def _fold_data(self, prep) -> dict:
        """What a sequence fold read: the stretches of time it trained and tested on (a time
        split), or the size of its own vocabulary (sentences)."""
        if self.method == "time":   # positions of the first and last target of each block
            idx = {s: prep.split(s).index for s in ("train", "val", "test")}
            spans = {s: (int(min(i)), int(max(i))) for s, i in idx.items()}
            return {"train_period": seq_folds.period_text(prep, idx["train"]),
                    "test_period": seq_folds.period_text(prep, idx["test"]), "spans": spans}
        return {"vocab": len(prep.vocab)} if seq_folds.is_sequence_prep(prep) and prep.is_tokens else {}

    def _pool(self) -> dict | None:
        y = np.concatenate([a for a, _ in self._out_of_fold])
        out = np.concatenate([b for _, b in self._out_of_fold])
        if not np.isfinite(out).all():
            return None
        keys = FOLD_METRICS["regression" if self.prepared.task == "regression" else "classification"]
        return fold_scores(self.prepared.task, y, out, self.prepared.class_names, keys)

    # --- the snapshot (any thread, cheap) -------------------------------------------------------------
    def snapshot(self) -> CVSnapshot:
        """A pure read (the Evaluate page's poll heartbeats the job itself)."""
        sharing, wait = self.scheduler.sharing(), self.scheduler.wait_estimate(self)
        with self._cond:
            tr, status = self._trainer, self._status
            return CVSnapshot(status=status, method=self.method, n_folds=len(self.folds), epochs=self.cfg.epochs,
                              epoch=tr.epoch if tr and status == Status.RUNNING else 0, folds=self._results,
                              keys=self.keys, pooled=self._pooled, error=self._error,
                              sharing=sharing, wait_s=wait, elapsed=self.elapsed)
