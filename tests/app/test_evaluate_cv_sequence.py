"""Evaluate's cross-validation on sequence runs in AppTest: a series offers the split by time
(the default) and a shuffled K-fold with its leak warning, runs without exceptions, and the
folds' table and figures show the stretch of time each fold tests, in English and Korean."""
from __future__ import annotations

import numpy as np
from apptest import figure_titled, tables, trained

from playground.data.sequence_folds import time_text
from playground.i18n import Translator
from playground.status import Status
from ui.session import Key

EN, KO = Translator("en"), Translator("ko")


def run_button(at, T):
    return next(b for b in at.button if b.label == T("eval.cv.run"))


def _run_three_folds(at, no_exceptions):
    """K = 3, Run, wait for the job, redraw: the finished cross-validation job."""
    at.slider(key=Key.CV_K).set_value(3).run()
    run_button(at, EN).click().run()
    cv = at.session_state[Key.CV_JOB]
    cv.join(60)
    at.run()
    no_exceptions(at)
    return cv


def test_time_series_cross_validation_shows_the_time_ranges(no_exceptions):
    at, job = trained({"dataset": "air-passengers", "epochs": "2"})
    no_exceptions(at)
    radio = at.radio(key=Key.CV_METHOD)
    assert radio.options == [EN("eval.cv.method.time"), EN("eval.cv.method.shuffled")]
    assert radio.value == "time" and EN("eval.cv.seq.lesson") in [c.value for c in at.caption]
    radio.set_value("shuffled").run()
    assert EN("eval.cv.seq.leak") in [w.value for w in at.warning] and not run_button(at, EN).disabled
    at.radio(key=Key.CV_METHOD).set_value("time").run()
    cv = _run_three_folds(at, no_exceptions)
    s = cv.snapshot()
    assert s.status == Status.COMPLETED and len(s.folds) == 3
    times = job.prepared.dataset.X["time"].to_numpy()
    expected = [f"{time_text(times, int(t[0]))} – {time_text(times, int(t[-1]))}" for _, t in cv.folds]
    table = next(t for t in tables(at) if EN("eval.cv.fold") in t.columns)
    n_test = [len(t) for _, t in cv.folds]
    assert list(table[EN("eval.cv.seq.test_period")]) == [f"{e} ({n})" for e, n in zip(expected, n_test)]
    assert [int(c.rsplit("(", 1)[1][:-1]) for c in table[EN("eval.cv.seq.train_period")]] == \
        [f["n_train"] for f in s.folds]
    assert expected[0].startswith("19") and expected[0] < expected[1] < expected[2]
    bars = figure_titled(at, EN("eval.plot.folds_title", metric=EN("eval.m.r2")))
    assert [t.split("<br>")[1] for t in bars["layout"]["xaxis"]["ticktext"]] == expected
    timeline = figure_titled(at, EN("eval.cv.seq.timeline_title"))
    names = [tr["name"] for tr in timeline["data"]]
    assert names == [EN(f"eval.cv.seq.block.{b}") for b in ("train", "val", "test", "aside")]
    test_block = timeline["data"][2]["x"]
    assert np.isclose(test_block[0], times[cv.folds[0][1][0]])        # fold 1 tests from its first target
    # in Korean: the same ranges under Korean headers
    at.segmented_control(key=Key.W_LANG).set_value("ko").run()
    no_exceptions(at)
    table = next(t for t in tables(at) if KO("eval.cv.fold") in t.columns)
    assert list(table[KO("eval.cv.seq.test_period")]) == [f"{e} ({n})" for e, n in zip(expected, n_test)]
    assert at.radio(key=Key.CV_METHOD).options[0] == KO("eval.cv.method.time")


def test_sentences_cross_validate_like_tables_with_a_vocabulary_per_fold(no_exceptions):
    at, _ = trained({"dataset": "seq-negation", "n_samples": "120", "epochs": "2"})
    radio = at.radio(key=Key.CV_METHOD)
    assert radio.value == "stratified" and EN("eval.cv.method.time") not in radio.options
    assert EN("eval.cv.seq.vocab_note") in [c.value for c in at.caption]
    cv = _run_three_folds(at, no_exceptions)
    table = next(t for t in tables(at) if EN("eval.cv.fold") in t.columns)
    assert list(table[EN("eval.cv.seq.vocab")]) == [f["vocab"] for f in cv.snapshot().folds]
    assert EN("eval.cv.seq.test_period") not in table.columns
