"""Sequence datasets (data/sequences.py, data/sequence_prep.py): every one loads; a series
is split by time and scaled on its training part only; the generated tasks follow their
rules and are a function of (length, noise, seed)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from unit_helpers import prepared_for

from playground.config import make_config
from playground.data import sequences
from playground.data.loaders import load_dataset, load_for_config
from playground.data.prepare import prepare
from playground.data.registry import DATASETS, DataKind, SeqInput

SEQUENCE_SETS = [n for n, i in DATASETS.items() if i.kind == DataKind.SEQUENCE]
SERIES = [n for n in SEQUENCE_SETS if DATASETS[n].sequence == SeqInput.SERIES]
LENGTHS = {"air-passengers": 144, "sunspots": 3177, "nottem": 240, "ldeaths": 72, "co2": 360}


def test_the_issue_asks_for_these_sets():
    assert {"air-passengers", "sunspots", "nottem", "ldeaths", "co2", "seq-sine", "seq-negation",
            "seq-memory", "seq-parity"} <= set(SEQUENCE_SETS)


@pytest.mark.parametrize("name", SEQUENCE_SETS)
def test_every_sequence_set_loads_and_prepares(name):
    cfg, prep = prepared_for(dataset=name)
    sizes = [len(prep.split(s).y) for s in ("train", "val", "test")]
    assert min(sizes) > 0 and sum(sizes) > 40
    X = prep.train.X
    if DATASETS[name].sequence == SeqInput.TOKENS:
        assert X.dtype.is_floating_point is False and X.shape[1] == cfg.window
        assert int(X.max()) < prep.n_features            # ids inside the vocabulary
    else:
        assert X.shape[1:] == (cfg.window, 1) and prep.n_features == 1
    if name in LENGTHS:
        assert load_dataset(name).n_rows == LENGTHS[name]


@pytest.mark.parametrize("name", SERIES)
def test_a_series_is_split_by_time_never_shuffled(name):
    cfg, prep = prepared_for(dataset=name)
    idx = [prep.split(s).index for s in ("train", "val", "test")]
    whole = np.concatenate(idx)
    # every target once, in time order: train first, then validation, then the latest for the test
    assert (np.diff(whole) == 1).all() and whole[0] == cfg.window
    assert whole[-1] == load_for_config(cfg).n_rows - 1
    times = load_for_config(cfg).X["time"].to_numpy()
    assert times[idx[0]].max() < times[idx[1]].min() and times[idx[1]].max() < times[idx[2]].min()
    # a window holds the `window` raw values before its target (numpy, not our code)
    values = load_for_config(cfg).X["value"].to_numpy()
    raw = prep.test.X[:, :, 0].double().numpy() * prep.scaler["divide"] + prep.scaler["shift"]
    expected = np.stack([values[i - cfg.window:i] for i in idx[2]])
    assert raw == pytest.approx(expected, rel=1e-5, abs=1e-4)
    assert prep.test.y.numpy() == pytest.approx(values[idx[2]], rel=1e-6)


def test_the_scaler_sees_only_what_the_training_windows_see():
    cfg, prep = prepared_for(dataset="air-passengers")
    ds = load_for_config(cfg)
    n_seen = cfg.window + len(prep.train.y)
    values = ds.X["value"].to_numpy()
    assert prep.scaler["shift"] == pytest.approx(values[:n_seen].mean())
    assert prep.scaler["divide"] == pytest.approx(values[:n_seen].std())
    # the future changed beyond recognition: the training tensors stay the same
    future = ds.X.copy()
    future.loc[n_seen:, "value"] = 1e6
    other = prepare(dataclasses.replace(ds, X=future, y=future["value"].to_numpy()), cfg)
    assert (other.train.X == prep.train.X).all() and other.scaler == prep.scaler


def test_generated_tasks_follow_their_rules():
    mem = sequences.memory(200, 0.0, 3, 20)
    assert [t.split()[0] for t in mem.X["text"]] == [mem.class_names[i] for i in mem.y]
    assert all(len(t.split()) == 20 for t in mem.X["text"])
    par = sequences.parity(200, 0.0, 3, 9)
    assert list(par.y) == [sum(map(int, t.split())) % 2 for t in par.X["text"]]
    neg = sequences.negation(400, 0.0, 3, 10)
    for text, label in zip(neg.X["text"], neg.y):
        words = text.split()
        if "," in words or "고" in words:       # "good , not bad": the first adjective decides
            continue
        positive = any(w in words for w in sequences.EN[1] + sequences.KO[1])
        negated = "not" in words or "않" in words
        assert label == int(positive != negated), text


def test_the_negation_task_has_the_same_bag_of_words_with_opposite_labels():
    neg = sequences.negation(1000, 0.0, 0, 10)
    by_bag: dict = {}
    for text, label in zip(neg.X["text"], neg.y):
        by_bag.setdefault(tuple(sorted(text.split())), set()).add(int(label))
    assert sum(len(labels) == 2 for labels in by_bag.values()) >= 10
    assert {"not", "않"} <= {w for t in neg.X["text"] for w in t.split()}   # English and Korean


def test_generated_sets_are_a_function_of_length_noise_and_seed():
    a = load_dataset("seq-memory", 300, 0.0, 1, length=15)
    assert a is load_dataset("seq-memory", 300, 0.0, 1, length=15)   # cached
    assert a.X["text"].str.split().str.len().eq(15).all()
    assert not a.X.equals(load_dataset("seq-memory", 300, 0.0, 2, length=15).X)
    noisy = load_dataset("seq-memory", 300, 0.5, 1, length=15)
    assert noisy.X.equals(a.X) and 0.25 < (noisy.y != a.y).mean() < 0.5   # half redrawn, a quarter stay
    cfg = make_config(dataset="seq-parity", window=6, n_samples=200)
    assert load_for_config(cfg).X["text"].str.split().str.len().eq(6).all()


def test_the_token_vocabulary_comes_from_the_training_sentences():
    _, prep = prepared_for(dataset="seq-negation")
    train_words = {w for t in prep.dataset.X["text"].to_numpy()[prep.train.index] for w in t.split()}
    assert set(prep.vocab[2:]) == train_words and prep.vocab[:2] == ["", "<unk>"]
    assert prep.words("train", 0)[-1] == prep.dataset.X["text"][prep.train.index[0]].split()[-1]
    ids = prep.transform(prep.dataset.X.iloc[prep.test.index])
    assert (ids == prep.test.X).all()


def test_a_shuffled_split_leaks_the_future_into_training():
    """time_split off (on purpose, to show why not): the test windows' neighbours train, and
    even the linear autoregression's test error drops (18.59 by time, 13.79 shuffled)."""
    from playground.analysis import sequence_baselines
    _, by_time = prepared_for(dataset="air-passengers")
    _, shuffled = prepared_for(dataset="air-passengers", time_split=False)
    assert [len(shuffled.split(s).y) for s in ("train", "val", "test")] == [len(by_time.split(s).y)
                                                                           for s in ("train", "val", "test")]
    assert shuffled.train.index.max() > shuffled.test.index.min()        # interleaved in time
    assert (np.diff(shuffled.test.index) > 0).all()                      # each split in time order
    ar = {name: sequence_baselines.scores(p)["linear_ar"]["rmse"] for name, p in
          (("time", by_time), ("shuffled", shuffled))}
    assert ar["shuffled"] < ar["time"] - 3, ar
