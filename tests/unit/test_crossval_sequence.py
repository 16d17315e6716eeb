"""Cross-validation of sequence runs (data/sequence_folds.py + runs/crossval.py): a series is
split by time (expanding window, never shuffled), each fold's scaler fitted on its training
windows only; a token fold's vocabulary comes from its own training sentences; the jobs
finish and their fold metrics are sklearn's on the fold's predictions."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from unit_helpers import prepared_for

from playground.data import sequence_folds
from playground.data.dataset import classification_dataset
from playground.data.sequence_prep import PAD, UNKNOWN, build_vocab, prepare_tokens
from playground.errors import ConfigError
from playground.runs import crossval

SERIES = dict(dataset="air-passengers", epochs=2)
SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


def time_fold_preps(k=4, **values):
    cfg, prep = prepared_for(**{**SERIES, **values})
    rows = crossval.development_rows(prep)
    folds = [(rows[a], rows[b]) for a, b in crossval.fold_indices("time", prep.dataset.y[rows], k, cfg.seed)]
    return cfg, prep, folds, [crossval.prepare_fold(prep, cfg, f, t, by_time=True) for f, t in folds]


def test_series_offers_the_time_split_by_default_and_refuses_the_table_methods():
    cfg, prep = prepared_for(**SERIES)
    assert crossval.methods_for(prep) == ("time", "shuffled") and crossval.default_method(prep) == "time"
    y = prep.dataset.y[crossval.development_rows(prep)]
    assert crossval.unavailable("time", "regression", y, 5, series=True) is None
    assert crossval.unavailable("kfold", "regression", y, 5, series=True)[0] == "eval.cv.seq.why_not_series"
    assert crossval.unavailable("time", "regression", y, 5)[0] == "eval.cv.seq.why_series_only"
    assert crossval.unavailable("time", "regression", np.zeros(11), 3, series=True) == \
        ("eval.cv.seq.why_time_rows", {"k": 3, "n": 11, "min": 12})
    with pytest.raises(ConfigError) as e:
        crossval.CrossValJob(cfg, prep, "kfold", 3)
    assert e.value.key == "eval.cv.seq.why_not_series"
    _, tokens = prepared_for(dataset="seq-negation", n_samples=120)
    assert crossval.methods_for(tokens) == crossval.TABLE_METHODS and crossval.default_method(tokens) == "stratified"


def test_time_folds_train_on_the_past_validate_on_its_end_and_test_on_what_follows():
    cfg, prep, folds, preps = time_fold_preps(k=4)
    rows = crossval.development_rows(prep)
    # the same folds whatever the seed: time is never shuffled
    other = crossval.fold_indices("time", prep.dataset.y[rows], 4, cfg.seed + 1)
    assert all(np.array_equal(rows[b], t) for (_, b), (_, t) in zip(other, folds))
    held = []
    for i, (fp, (fit, test)) in enumerate(zip(preps, folds)):
        tr, va, te = fp.train.index, fp.val.index, fp.test.index
        assert tr.max() < va.min() and va.max() < te.min()                 # every train < val < test target
        assert np.array_equal(np.sort(np.concatenate([tr, va])), fit) and np.array_equal(te, test)
        assert len(va) == max(1, round(cfg.val_split * len(fit)))
        assert not set(te) & set(prep.test.index)                          # the run's test set stays aside
        if i:   # an expanding window: the fit block is the last fold's fit block plus its test block
            assert np.array_equal(fit, np.concatenate(folds[i - 1]))
        held.append(te)
    flat = np.concatenate(held)
    assert len(set(flat)) == len(flat) and np.all(np.diff(flat) > 0)       # each target tested once, in order
    assert flat[-1] == rows[-1]


@pytest.mark.parametrize("how", ["standard", "minmax", "robust"])
def test_a_time_fold_scaler_is_fitted_on_exactly_its_training_windows(how):
    cfg, prep, _, preps = time_fold_preps(k=3, scaler=how)
    values = np.asarray(prep.dataset.X["value"], float)
    w = prep.window
    for fp in preps:
        tr = fp.train.index
        seen = values[tr.min() - w: tr.max() + 1]        # the first window's inputs ... the last target
        ref = SCALERS[how]().fit(seen.reshape(-1, 1))
        windows = np.stack([values[p - w:p] for p in fp.test.index])
        np.testing.assert_allclose(fp.test.X.numpy()[..., 0], ref.transform(windows.reshape(-1, 1)).reshape(windows.shape),
                                   rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(fp.train.y.numpy(), values[tr], rtol=1e-6)
        # targets standardized with the inputs' scaler (as prepare_series)
        assert (fp.y_mean, fp.y_std) == (fp.scaler["shift"], fp.scaler["divide"])
    assert len({(fp.scaler["shift"], fp.scaler["divide"]) for fp in preps}) == len(preps)   # each fold its own


def test_a_shuffled_fold_scaler_sees_the_values_its_training_windows_cover():
    cfg, prep = prepared_for(**SERIES, scaler="standard")
    rows = crossval.development_rows(prep)
    fit, test = (rows[i] for i in crossval.fold_indices("shuffled", prep.dataset.y[rows], 3, cfg.seed)[0])
    fp = crossval.prepare_fold(prep, cfg, fit, test)
    assert not np.all(np.diff(np.concatenate([fp.train.index, fp.val.index, fp.test.index])) > 0)   # shuffled
    values = np.asarray(prep.dataset.X["value"], float)
    seen = sorted({q for p in fp.train.index for q in range(p - prep.window, p + 1)})
    assert fp.scaler["shift"] == pytest.approx(values[seen].mean())
    assert fp.scaler["divide"] == pytest.approx(values[seen].std())


def test_a_token_fold_vocabulary_has_no_word_only_its_held_out_sentences_use():
    # each sentence has a word of its own: whatever a fold holds out, its words are new
    n = 60
    texts = [f"w{i} is {'good' if i % 2 else 'bad'}" for i in range(n)]
    ds = classification_dataset("t", pd.DataFrame({"text": texts}), np.arange(n) % 2, "y", "test", ["neg", "pos"])
    cfg = SimpleNamespace(test_split=0.2, val_split=0.25, seed=0, window=4, scaler="none")
    base = prepare_tokens(ds, cfg)
    rows = crossval.development_rows(base)
    for fit, test in crossval.fold_indices("stratified", ds.y[rows], 3, 0):
        fp = crossval.prepare_fold(base, cfg, rows[fit], rows[test])
        trained = set(build_vocab(np.array(texts)[fp.train.index])[2:])
        held = set(build_vocab(np.array(texts)[np.concatenate([fp.val.index, fp.test.index])])[2:])
        assert held - trained and not (held - trained) & set(fp.vocab)
        assert set(fp.vocab) == trained | {PAD, UNKNOWN}
        assert (fp.test.X[:, -3] == fp.vocab.index(UNKNOWN)).all()    # the own word of each: unknown
        assert fp.pipeline[0]["steps"][0]["vocabulary"] == len(fp.vocab)
        assert set(fp.train.index) | set(fp.val.index) == set(rows[fit]) and np.array_equal(fp.test.index, np.sort(rows[test]))


def test_time_texts():
    months = np.arange(1949, 1951, 1 / 12)
    assert sequence_folds.time_text(months, 0) == "1949-01" and sequence_folds.time_text(months, 23) == "1950-12"
    quarters = np.arange(2000, 2002, 0.25)
    assert sequence_folds.time_text(quarters, 5) == "2001-Q2"
    assert sequence_folds.time_text(np.arange(100.0), 42) == "42"
    dates = pd.Series(pd.date_range("2020-01-01", periods=30, freq="MS"))
    assert sequence_folds.time_text(dates, 14) == "2021-03"
    days = pd.Series(pd.date_range("2020-01-01", periods=30, freq="D"))
    assert sequence_folds.time_text(days, 3) == "2020-01-04"


def run_job(cfg, prep, method, k):
    job = crossval.CrossValJob(cfg, prep, method, k)
    job.start().join(60)
    s = job.snapshot()
    assert s.status == "completed" and len(s.folds) == k, s.error
    return job, s


def test_a_time_cv_job_on_a_series_finishes_with_sklearn_metrics_and_time_ranges():
    cfg, prep = prepared_for(**SERIES)
    job, s = run_job(cfg, prep, "time", 3)
    times = prep.dataset.X["time"].to_numpy()
    for f, (fit, test), (y_true, out) in zip(s.folds, job.folds, job._out_of_fold):
        np.testing.assert_allclose(y_true, prep.dataset.y[test], rtol=1e-6)
        assert f["mae"] == pytest.approx(skm.mean_absolute_error(y_true, out), rel=1e-5)
        assert f["mse"] == pytest.approx(skm.mean_squared_error(y_true, out), rel=1e-5)
        assert f["r2"] == pytest.approx(skm.r2_score(y_true, out), rel=1e-4, abs=1e-6)
        first, last = (sequence_folds.time_text(times, int(p)) for p in (test[0], test[-1]))
        assert f["test_period"] == f"{first} – {last}" and f["spans"]["test"] == (test[0], test[-1])
    assert s.folds[0]["test_period"] < s.folds[1]["test_period"] < s.folds[2]["test_period"]


def test_a_cv_job_on_a_small_token_set_finishes_with_sklearn_metrics():
    cfg, prep = prepared_for(dataset="seq-negation", n_samples=120, epochs=2)
    job, s = run_job(cfg, prep, "stratified", 3)
    for f, (y_true, out) in zip(s.folds, job._out_of_fold):
        assert f["accuracy"] == pytest.approx(skm.accuracy_score(y_true, out >= 0.5))
        assert f["f1"] == pytest.approx(skm.f1_score(y_true, out >= 0.5, zero_division=0))
        assert f["roc_auc"] == pytest.approx(skm.roc_auc_score(y_true, out))
        assert 2 < f["vocab"] <= len(prep.vocab) + 5
