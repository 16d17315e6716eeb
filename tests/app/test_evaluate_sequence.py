"""The Evaluate page after a sequence run, in AppTest: a series (air-passengers, LSTM) shows
its test period over time with the one-step and rolled-forward errors and the baselines';
a word task (seq-negation, GRU with attention) shows the test sentences it got wrong, word
by word, next to the bag of words."""
from __future__ import annotations

from apptest import figure_titled, figures, open_expanders, texts, trace_names, trained

from playground.analysis import evaluation
from playground.analysis import sequence_errors as errs
from playground.i18n import Translator
from ui.session import Key
from views.evaluate_cv import fmt

EN, KO = Translator("en"), Translator("ko")


def test_a_series_run_shows_its_test_period_over_time(no_exceptions):
    at, job = trained({"dataset": "air-passengers", "model": "lstm", "epochs": "2"})
    no_exceptions(at)
    assert EN("eval_seq.series_title", split=EN("eval.split.test")) in [h.value for h in at.subheader]
    pred = evaluation.predictions(job.model_copy(), job.prepared, "test")
    rmse = evaluation.regression_view(pred)["rmse"]
    tiles = {m.label: m for m in at.metric}
    assert tiles[EN("eval_seq.m.rmse_one_step")].value == fmt(rmse) == tiles[EN("eval.m.rmse")].value
    assert EN("eval_seq.m.rmse_rolled") in tiles and EN("eval_seq.m.rmse_best") in tiles
    forecast = figure_titled(at, EN("eval_seq.forecast_title"))
    assert {EN("eval_seq.actual"), EN("eval_seq.method.one_step"), EN("eval_seq.method.rolled")} <= set(trace_names(forecast))
    figure_titled(at, EN("eval_seq.residual_title"))
    table = next(d.value for d in at.dataframe if EN("eval_seq.col.method") in d.value.columns)
    assert len(table) == 5 and abs(table[EN("eval.m.rmse")].iloc[0] - rmse) < 1e-9
    # the usual regression views and the baseline section are still there
    assert EN("eval.baseline.title") in [h.value for h in at.subheader]
    # on the validation set: its own period
    at.segmented_control(key=Key.EVAL_SPLIT).set_value("val").run()
    no_exceptions(at)
    assert EN("eval_seq.series_title", split=EN("eval.split.val")) in [h.value for h in at.subheader]


def test_a_word_run_shows_its_wrong_sentences_word_by_word_in_korean(no_exceptions):
    at, job = trained({"dataset": "seq-negation", "model": "gru", "attention": "true", "epochs": "1",
                       "n_samples": "300", "lang": "ko"})
    no_exceptions(at)
    assert KO("eval_seq.tokens_title", split=KO("eval.split.test")) in [h.value for h in at.subheader]
    pred = evaluation.predictions(job.model_copy(), job.prepared, "test")
    wrong = int((pred.labels() != pred.y_true).sum())
    group = at.radio(key=Key.EVAL_SEQ_GROUP)
    assert wrong and group.value == "net_wrong" and group.options[0] == KO("eval_seq.group.net_wrong", n=wrong)
    table = errs.sentence_table(job.prepared, pred.output, 0.5, job.cfg.seed)
    first, _ = errs.distinct(table, errs.group(table, "net_wrong"), 12)
    sentences = next(d.value for d in at.dataframe if KO("eval_seq.col.sentence") in d.value.columns)
    assert list(sentences[KO("eval_seq.col.sentence")]) == [table["text"][p] for p in first]
    strips = figure_titled(at, KO("eval_seq.strips_title"))
    assert strips["data"][0]["type"] == "heatmap"
    belief = figure_titled(at, KO("eval_seq.belief_title", name=pred.class_names[table["truth"][first[0]]]))
    assert trace_names(belief) == [KO("eval_seq.network"), KO("seq.baseline.bag_of_words"), KO("seq.attention")]
    # the lab's memory figure, folded below: built only once its expander is opened
    assert not [f for f in figures(at) if any(t.startswith(KO("seq.belief_title")) for t in texts(f))]
    open_expanders(at, Key.EVAL_SEQ_STATE)
    no_exceptions(at)
    figure_titled(at, KO("seq.belief_title"))
    negation = next(d.value for d in at.dataframe if KO("eval_seq.col.bow_acc") in d.value.columns)
    assert list(negation[KO("eval_seq.col.part")]) == [KO(f"eval_seq.part.{p}") for p in ("with", "without", "all")]
    # every sentence, and another one to follow
    at.radio(key=Key.EVAL_SEQ_GROUP).set_value("all").run()
    no_exceptions(at)
    at.selectbox(key=Key.EVAL_SEQ_SENTENCE).set_value(1).run()
    no_exceptions(at)
    assert at.selectbox(key=Key.EVAL_SEQ_SENTENCE).value == 1
