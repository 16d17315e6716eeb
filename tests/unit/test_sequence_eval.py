"""The Evaluate page's sequence numbers and figures (inspect/sequence_eval.py ->
analysis/sequence_errors.py -> figures/sequence_eval.py): a series' one-step and
rolled-forward errors against sklearn and a hand roll, the baselines on the same targets,
the sentences a network gets wrong, and the figures' traces and titles in both languages."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error
from unit_helpers import prepared_for

from playground.analysis import sequence_baselines
from playground.analysis import sequence_errors as errs
from playground.data.sequence_prep import scale_windows
from playground.figures import sequence_eval as figs
from playground.i18n import Translator
from playground.inspect import sequence_eval as reading
from playground.nn.train import Trainer

EN, KO = Translator("en"), Translator("ko")
HANGUL = re.compile("[\uac00-\ud7a3]")


def trained(**values) -> Trainer:
    cfg, prep = prepared_for(**values)
    t = Trainer(cfg, prep)
    t.fit()
    return t


@pytest.fixture(scope="module")
def series():
    t = trained(dataset="air-passengers", model="lstm", epochs=3)
    return t, errs.series_report(t.data, reading.series_forecast(t.model, t.data), t.cfg.seed)


@pytest.fixture(scope="module")
def words():
    t = trained(dataset="seq-negation", model="gru", attention=True, epochs=1, n_samples=300)
    return t, t.predict("test")


def hand_roll(t: Trainer) -> np.ndarray:
    """The test period forecast from its first true window on, each forecast appended to the
    raw window (in the series' units) and scaled again, one step at a time."""
    prep = t.data
    values = np.asarray(prep.dataset.X["value"], float)
    idx = prep.test.index
    window = list(values[idx[0] - prep.window:idx[0]])
    out = []
    t.model.eval()
    with torch.no_grad():
        for _ in idx:
            y = float(t.model(scale_windows(np.array([window]), prep.scaler))[0, 0]) * prep.y_std + prep.y_mean
            out.append(y)
            window = window[1:] + [y]
    return np.array(out)


def test_series_errors_are_sklearns_on_the_trainers_test_predictions(series):
    t, rep = series
    y = t.data.test.y.numpy().astype(float)
    pred = t.predict("test")
    one = rep["errors"]["one_step"]
    assert one["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y, pred)), rel=1e-6)
    assert one["mae"] == pytest.approx(mean_absolute_error(y, pred), rel=1e-6)
    assert one["bias"] == pytest.approx(np.mean(y - pred), rel=1e-5, abs=1e-6)
    half = len(y) // 2
    assert one["mae_first"] == pytest.approx(mean_absolute_error(y[:half], pred[:half]), rel=1e-6)
    assert one["mae_second"] == pytest.approx(mean_absolute_error(y[half:], pred[half:]), rel=1e-6)
    assert rep["trend"]["one_step"] == pytest.approx(np.polyfit(rep["time"], y - pred, 1)[0], rel=1e-6)
    assert list(rep["time"]) == list(t.data.dataset.X["time"].to_numpy()[t.data.test.index])


def test_the_rolled_forward_error_is_a_hand_rolls(series):
    t, rep = series
    hand = hand_roll(t)
    np.testing.assert_allclose(rep["preds"]["rolled"], hand, rtol=1e-4)
    y = t.data.test.y.numpy().astype(float)
    assert rep["errors"]["rolled"]["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y, hand)), rel=1e-4)
    # the first rolled forecast reads only true values: it is the one-step forecast
    assert rep["preds"]["rolled"][0] == pytest.approx(rep["preds"]["one_step"][0], rel=1e-5)


def test_the_baselines_are_scored_on_the_same_targets(series):
    t, rep = series
    prep = t.data
    values = np.asarray(prep.dataset.X["value"], float)
    idx = prep.test.index
    assert rep["errors"]["last_value"]["rmse"] == pytest.approx(np.sqrt(mean_squared_error(values[idx], values[idx - 1])))
    assert rep["errors"]["seasonal_naive"]["mae"] == pytest.approx(mean_absolute_error(values[idx], values[idx - 12]))
    scores = sequence_baselines.scores(prep)
    for name in sequence_baselines.SERIES_BASELINES:
        assert rep["errors"][name]["rmse"] == pytest.approx(scores[name]["rmse"], rel=1e-9)
    assert rep["best_baseline"] == min(sequence_baselines.SERIES_BASELINES, key=lambda b: scores[b]["rmse"])
    # the values just before the test period, for context
    assert rep["context"]["value"][-1] == values[idx[0] - 1] and len(rep["context"]["value"]) == 24


def test_no_roll_forward_without_the_time_split():
    t = trained(dataset="seq-sine", epochs=1, time_split=False, n_samples=200)
    assert not reading.contiguous(t.data)
    fc = reading.series_forecast(t.model, t.data)
    rep = errs.series_report(t.data, fc)
    assert fc["rolled"] is None and set(rep["errors"]) == {"one_step", *sequence_baselines.SERIES_BASELINES}
    assert "rolled" not in rep["trend"] and not rep["contiguous"] and not len(rep["context"]["time"])
    fig = figs.period_forecast_figure(rep, EN)     # scattered targets: points, nothing "before"
    assert {tr.mode for tr in fig.data} == {"markers"} and EN("eval_seq.before_test") not in [tr.name for tr in fig.data]


@pytest.mark.parametrize("threshold", [0.5, 0.7])
def test_the_wrong_sentences_are_where_the_threshold_differs_from_the_label(words, threshold):
    t, out = words
    prep = t.data
    y = prep.test.y.numpy().astype(int)
    table = errs.sentence_table(prep, out, threshold, t.cfg.seed)
    wrong = np.flatnonzero((out >= threshold).astype(int) != y)
    assert len(wrong) and sorted(errs.group(table, "net_wrong")) == list(wrong)
    # the most confident mistakes first
    assert np.all(np.diff(table["net_p"][errs.group(table, "net_wrong")]) >= 0)
    bow = sequence_baselines.outputs(prep, "bag_of_words", "test", t.cfg.seed)
    bow_wrong = (bow >= threshold).astype(int) != y
    assert sorted(errs.group(table, "bow_wrong")) == list(np.flatnonzero(bow_wrong & ~np.isin(np.arange(len(y)), wrong)))
    assert errs.counts(table)["net_right"] + errs.counts(table)["net_wrong"] == len(y)
    texts = prep.dataset.X["text"].to_numpy()[prep.test.index]
    negated = np.array([("not" in s.split()) or ("않" in s.split()) for s in texts])
    rows = {r["part"]: r for r in errs.by_negation(table)}
    assert rows["with"]["n"] == negated.sum()
    assert rows["with"]["network"] == pytest.approx(accuracy_score(y[negated], (out[negated] >= threshold).astype(int)))
    assert rows["without"]["bag_of_words"] == pytest.approx(accuracy_score(y[~negated], (bow[~negated] >= threshold)))


def test_distinct_sentences_stand_for_their_repeats(words):
    t, out = words
    table = errs.sentence_table(t.data, out)
    pos = errs.group(table, "all")
    first, times = errs.distinct(table, pos)
    assert times.sum() == len(pos) and len({table["text"][p] for p in first}) == len(first)
    assert len(errs.distinct(table, pos, 5)[0]) == 5


def test_the_multiclass_mistakes_are_where_argmax_differs():
    t = trained(dataset="seq-memory", model="gru", epochs=1, n_samples=200)
    out = t.predict("test")
    table = errs.sentence_table(t.data, out)
    y = t.data.test.y.numpy()
    assert sorted(errs.group(table, "net_wrong")) == list(np.flatnonzero(out.argmax(1) != y))
    assert table["net_p"] == pytest.approx(out[np.arange(len(y)), y])


def test_test_sentences_read_word_by_word(words):
    t, out = words
    rows = errs.group(errs.sentence_table(t.data, out), "net_wrong")[:4]
    ex = reading.examples(t.model, t.data, rows, "test")
    assert ex["output"] == pytest.approx(out[rows], abs=1e-5)
    assert ex["steps"][:, -1] == pytest.approx(out[rows], abs=1e-5)
    assert ex["words"][0] == t.data.words("test", rows[0]) and ex["attention"].shape == (4, t.cfg.window)
    # the bag of words after the last word is its answer on the whole sentence
    texts = [t.data.dataset.X["text"].iloc[t.data.test.index[r]] for r in rows]
    read = [int((~ex["padding"][i]).sum()) for i in range(4)]
    curves = errs.bow_after_each_word(t.data, texts, read, t.cfg.seed)
    bow = sequence_baselines.outputs(t.data, "bag_of_words", "test", t.cfg.seed)[rows]
    assert [c[-1] for c in curves] == pytest.approx(bow) and [len(c) for c in curves] == read


@pytest.mark.parametrize("T", [EN, KO], ids=["en", "ko"])
def test_the_series_figures(series, T):
    _, rep = series
    fig = figs.period_forecast_figure(rep, T)
    names = [tr.name for tr in fig.data]
    assert names[:4] == [T("eval_seq.before_test"), T("eval_seq.actual"), T("eval_seq.method.one_step"),
                         T("eval_seq.method.rolled")]
    assert fig.layout.title.text == T("eval_seq.forecast_title") and fig.layout.yaxis.title.text == rep["target"]
    base = {tr.name: tr.visible for tr in fig.data[4:]}
    assert base[figs.method_name(rep["best_baseline"], T)] is True and list(base.values()).count("legendonly") == 2
    np.testing.assert_allclose(fig.data[1].y, rep["truth"])
    res = figs.residual_time_figure(rep, T)
    assert res.layout.title.text == T("eval_seq.residual_title")
    np.testing.assert_allclose(res.data[0].y, rep["truth"] - rep["preds"]["one_step"])
    assert [tr.name for tr in res.data] == [figs.method_name("one_step", T),
                                            T("eval_seq.trend_of", name=figs.method_name("one_step", T)),
                                            figs.method_name("rolled", T),
                                            T("eval_seq.trend_of", name=figs.method_name("rolled", T))]
    assert res.layout.xaxis.title.text == T("seq.time_axis")
    if T is KO:
        assert HANGUL.search(fig.layout.title.text) and HANGUL.search(res.layout.yaxis.title.text)


@pytest.mark.parametrize("T", [EN, KO], ids=["en", "ko"])
def test_the_sentence_figures(words, T):
    t, out = words
    strips = [{"label": "#1", "words": ["the", "movie", "is", "not", "good"], "p": np.linspace(0.2, 0.9, 5)},
              {"label": "#2 ×3", "words": ["영화", "가", "좋", "다"], "p": np.full(4, 0.4)}]
    fig = figs.belief_strips_figure(strips, T)
    heat = fig.data[0]
    assert heat.type == "heatmap" and fig.layout.yaxis.type == "category" and list(heat.y) == ["#1", "#2 ×3"]
    assert np.isnan(heat.z[1][4]) and heat.z[0][3] == pytest.approx(0.725) and heat.text[1][2] == "좋"
    assert fig.layout.title.text == T("eval_seq.strips_title")
    belief = figs.belief_figure(strips[0]["words"], strips[0]["p"], np.full(5, 0.5), np.full(5, 0.2), "negative",
                                0.5, T)
    assert [tr.name for tr in belief.data] == [T("eval_seq.network"), T("seq.baseline.bag_of_words"), T("seq.attention")]
    titles = [a.text for a in belief.layout.annotations]
    assert T("eval_seq.belief_title", name="negative") in titles and T("seq.attention_title") in titles
    assert T("eval_seq.decision_line") in titles and list(belief.layout.xaxis2.ticktext) == strips[0]["words"]
    plain = figs.belief_figure(["a"], [0.3], [0.4], None, "A", None, T)
    assert len(plain.data) == 2 and T("seq.attention_title") not in [a.text for a in plain.layout.annotations]
    if T is KO:
        assert HANGUL.search(belief.layout.yaxis.title.text)
