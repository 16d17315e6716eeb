"""crossval.py: fold counts, stratification, LOO refused above its row limit, each fold's
preprocessing fitted on its own training rows, and the background job (slots, stop)."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from unit_helpers import prepared_for, wait_for

from playground.errors import ConfigError
from playground.runs import crossval
from playground.runs.training import Scheduler

SMALL = dict(hidden=(4,), epochs=2, batch_size=64)


def test_development_rows_are_train_plus_val_never_test():
    _, prep = prepared_for(dataset="iris")
    rows = crossval.development_rows(prep)
    assert len(rows) == len(prep.train.y) + len(prep.val.y)
    assert not set(rows) & set(prep.test.index)


@pytest.mark.parametrize("k", [2, 5, 10])
def test_kfold_partitions_the_rows(k):
    y = np.arange(103) % 3
    folds = crossval.fold_indices("kfold", y, k, seed=0)
    assert len(folds) == k
    held = np.concatenate([b for _, b in folds])
    assert sorted(held) == list(range(103))                 # every row held out exactly once
    for a, b in folds:
        assert not set(a) & set(b) and len(a) + len(b) == 103
        assert len(b) in (103 // k, 103 // k + 1)


def test_stratified_folds_keep_the_class_proportions():
    _, prep = prepared_for(dataset="titanic")
    y = prep.dataset.y[crossval.development_rows(prep)]
    k = 5
    overall = np.bincount(y)
    for _, held in crossval.fold_indices("stratified", y, k, seed=0):
        counts = np.bincount(y[held], minlength=len(overall))
        # each class split as evenly as possible: floor or ceil of its share
        assert all(np.floor(n / k) <= c <= np.ceil(n / k) for c, n in zip(counts, overall)), counts
    # plain K-fold on the same rows drifts further from the proportions
    kf = [np.bincount(y[h], minlength=2)[1] / len(h) for _, h in crossval.fold_indices("kfold", y, k, seed=0)]
    st = [np.bincount(y[h], minlength=2)[1] / len(h) for _, h in crossval.fold_indices("stratified", y, k, seed=0)]
    assert np.ptp(st) < np.ptp(kf)


def test_folds_depend_on_the_seed_only():
    y = np.arange(60) % 2
    a, b, c = (crossval.fold_indices("stratified", y, 4, s) for s in (1, 1, 2))
    assert all(np.array_equal(x[1], z[1]) for x, z in zip(a, b))
    assert not all(np.array_equal(x[1], z[1]) for x, z in zip(a, c))


def test_leave_one_out_and_its_limit():
    y = np.arange(12) % 2
    folds = crossval.fold_indices("loo", y, 5, seed=0)
    assert len(folds) == 12 and all(len(b) == 1 for _, b in folds)
    assert crossval.unavailable("loo", "binary", np.zeros(crossval.LOO_MAX_ROWS)) is None
    key, params = crossval.unavailable("loo", "binary", np.zeros(crossval.LOO_MAX_ROWS + 1))
    assert key == "eval.cv.why_loo_rows" and params == {"n": crossval.LOO_MAX_ROWS + 1, "max": crossval.LOO_MAX_ROWS}
    cfg, prep = prepared_for(dataset="titanic", **SMALL)        # 1,047 development rows
    with pytest.raises(ConfigError) as e:
        crossval.CrossValJob(cfg, prep, "loo")
    assert e.value.key == "eval.cv.why_loo_rows"
    assert "1047" in e.value.text("ko") and "1047" in str(e.value)


def test_refusals_have_reasons():
    assert crossval.unavailable("stratified", "regression", np.zeros(50))[0] == "eval.cv.why_strat_regression"
    assert crossval.unavailable("kfold", "regression", np.zeros(50), k=1)[0] == "eval.cv.why_k_range"
    assert crossval.unavailable("kfold", "regression", np.zeros(3), k=4)[0] == "eval.cv.why_k_rows"
    y = np.array([0] * 20 + [1] * 3)
    assert crossval.unavailable("stratified", "binary", y, k=4) == ("eval.cv.why_k_class", {"k": 4, "n": 3})
    assert crossval.unavailable("stratified", "binary", y, k=3) is None
    cfg, prep = prepared_for(dataset="auto-mpg", **SMALL)
    with pytest.raises(ConfigError):
        crossval.CrossValJob(cfg, prep, "stratified")
    with pytest.raises(ConfigError):
        crossval.CrossValJob(cfg, prep, "bootstrap")


def test_prepare_fold_fits_preprocessing_on_the_fold_training_rows_only():
    cfg, prep = prepared_for(dataset="auto-mpg", scaler="standard")
    rows = crossval.development_rows(prep)
    fit, held = (rows[i] for i in crossval.fold_indices("kfold", prep.dataset.y[rows], 4, 0)[0])
    fp = crossval.prepare_fold(prep, cfg, fit, held)
    tr, va = fp.train.index, fp.val.index
    assert sorted(np.concatenate([tr, va])) == sorted(fit) and np.array_equal(fp.test.index, held)
    assert len(va) == pytest.approx(cfg.val_split * len(fit), abs=1)
    # standardized numeric columns have mean 0 / std 1 on the fold's training rows, not elsewhere
    num = [i for i, n in enumerate(fp.feature_names) if n in ("cylinders", "displacement", "horsepower")]
    X = fp.train.X.numpy()[:, num]
    np.testing.assert_allclose(X.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(X.std(0), 1, atol=1e-2)
    assert fp.transformer is not prep.transformer
    assert fp.y_mean == pytest.approx(prep.dataset.y[tr].mean(), rel=1e-5)
    np.testing.assert_array_equal(fp.test.y.numpy(), prep.dataset.y[held].astype(np.float32))
    assert fp.n_features == prep.n_features


def test_fold_scores_and_summary_equal_sklearn_and_numpy():
    y = np.array([0, 1, 1, 0, 1, 0])
    p = np.array([0.2, 0.8, 0.4, 0.6, 0.9, 0.1])
    s = crossval.fold_scores("binary", y, p, ["a", "b"], crossval.metric_keys("binary", "kfold"))
    assert s["accuracy"] == pytest.approx(skm.accuracy_score(y, p >= 0.5))
    assert s["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p))
    assert np.isnan(crossval.fold_scores("binary", y[:1], p[:1], ["a", "b"], ("roc_auc",))["roc_auc"])
    folds = [{"accuracy": 0.5}, {"accuracy": 0.7}, {"accuracy": float("nan")}]
    mean, std = crossval.fold_summary(folds, ("accuracy",))["accuracy"]
    assert (mean, std) == pytest.approx((0.6, np.std([0.5, 0.7])))
    assert crossval.metric_keys("regression", "loo") == ("mae", "mse")


def test_job_runs_every_fold_and_is_reproducible():
    cfg, prep = prepared_for(dataset="iris", **SMALL)
    runs = []
    for _ in range(2):
        job = crossval.CrossValJob(cfg, prep, "stratified", 3).start()
        job.join(60)
        s = job.snapshot()
        assert s.status == "completed" and s.finished and s.progress == 1.0, s.error
        runs.append(s)
    s = runs[0]
    assert [f["fold"] for f in s.folds] == [1, 2, 3]
    assert sum(f["n_test"] for f in s.folds) == len(crossval.development_rows(prep))
    assert all(f["epochs"] == cfg.epochs for f in s.folds)
    assert s.keys == ("accuracy", "precision", "recall", "f1", "roc_auc")
    assert [f["accuracy"] for f in s.folds] == [f["accuracy"] for f in runs[1].folds]   # same seed, same scores
    assert set(s.pooled) == set(s.keys)


def test_epochs_are_capped():
    cfg, prep = prepared_for(dataset="iris", hidden=(4,), epochs=crossval.MAX_EPOCHS + 500)
    assert crossval.CrossValJob(cfg, prep, "kfold", 2).cfg.epochs == crossval.MAX_EPOCHS


def test_job_waits_for_its_turn_and_stops():
    cfg, prep = prepared_for(dataset="iris", hidden=(4,), epochs=crossval.MAX_EPOCHS, batch_size=8)
    sched = Scheduler(max_running=1)

    class Other:          # someone else's run holding the only slot
        stop_requested = False

    assert sched.acquire(Other())
    job = crossval.CrossValJob(cfg, prep, "kfold", 5, scheduler=sched).start()
    wait_for(lambda: job.snapshot().sharing == 2)       # the other run and this one
    assert job.snapshot().status == "queued" and job.snapshot().folds == () and job.snapshot().wait_s > 0
    sched.release(next(iter(sched._running)))
    wait_for(lambda: job.snapshot().status == "running" and job.snapshot().epoch >= 1)
    job.stop()
    job.join(30)
    s = job.snapshot()
    assert s.status == "stopped" and len(s.folds) < 5 and s.pooled is None
    assert sched.running == 0                     # the slot was given back


def test_an_abandoned_job_stops_itself():
    cfg, prep = prepared_for(dataset="iris", hidden=(4,), epochs=crossval.MAX_EPOCHS, batch_size=8)
    job = crossval.CrossValJob(cfg, prep, "kfold", 5, scheduler=Scheduler(1), idle_timeout=0.05).start()
    job.join(30)
    assert job.snapshot().status == "stopped"
