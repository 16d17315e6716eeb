"""Evaluate's classic models section after a real run (AppTest): the table's scores are the
engine's (themselves sklearn's, tests/unit/test_classic.py) beside the network's, a model's
views switch (a binary model's ROC and PR curves with sklearn's AUC and AP), the tree's rules,
k-means and the isolation forest show on a 2-D set and on a table; regression and Korean too."""
from __future__ import annotations

import pytest
from apptest import figure_titled, open_expanders, texts, trace_names, trained
from sklearn import metrics as skm

from playground.analysis import classic, evaluation, outliers
from playground.i18n import Translator
from ui.session import Key

EN, KO = Translator("en"), Translator("ko")


def table(at, T):
    return next(d.value for d in at.dataframe if T("classic.col_model") in d.value.columns)


def test_a_2d_set_shows_every_model_the_tree_and_kmeans(no_exceptions):
    at, job = trained({"lang": "en", "dataset": "circle", "epochs": "5"})
    no_exceptions(at)
    # closed, the lazy expanders hold nothing: no rules, no k-means fits, no isolation forest
    labels = [e.label for e in at.expander]
    assert {EN("classic.tree.rules"), EN("classic.kmeans.title"), EN("outliers.title")} <= set(labels)
    assert not any("gini" in c.value for c in at.code)
    assert not any(m.label == EN("outliers.m.recall") for m in at.metric)
    open_expanders(at, Key.EVAL_TREE_RULES, Key.EVAL_KMEANS, Key.EVAL_OUTLIERS)
    no_exceptions(at)
    assert EN("classic.title") in [h.value for h in at.subheader]
    df = table(at, EN)
    names = [EN("classic.col_network")] + [EN(f"classic.model.{k}") for k in classic.MODELS]
    assert list(df[EN("classic.col_model")]) == names
    prep = job.prepared
    expected = classic.scores(classic.fit_all(prep, job.cfg.seed), prep, "test")
    for kind in classic.MODELS:
        row = df[df[EN("classic.col_model")] == EN(f"classic.model.{kind}")].iloc[0]
        assert row[EN("eval.m.accuracy")] == pytest.approx(expected[kind]["accuracy"])
        assert row[EN("eval.m.roc_auc")] == pytest.approx(expected[kind]["roc_auc"])
    net = evaluation.summary(evaluation.predictions(job.model_copy(job.snapshot()), prep, "test"))
    assert df.iloc[0][EN("eval.m.accuracy")] == pytest.approx(net["accuracy"])
    code = "\n".join(c.value for c in at.code)
    assert "gini" in code and "samples" in code                           # the tree's rules, impurity named
    assert any("Gini impurity" in m.value for m in at.markdown)
    assert EN("classic.kmeans.title") in [e.label for e in at.expander]
    at.segmented_control(key=Key.EVAL_CLASSIC).set_value("knn").run()
    no_exceptions(at)
    assert not any("gini" in c.value for c in at.code)                   # the tree's rules go with the tree
    # the network's binary views for the chosen model: its PR curve's AP is sklearn's on its predict_proba
    knn = classic.fit("knn", prep)
    p1 = knn.predict_proba(prep.test.X.numpy())[:, 1]
    y = prep.dataset.y[prep.test.index].astype(int)
    pr = figure_titled(at, f"{EN('eval.plot.pr_title')} · {EN('classic.model.knn')}")
    assert f"AP = {skm.average_precision_score(y, p1):.3f}" in trace_names(pr)[1]
    roc = figure_titled(at, f"{EN('eval.plot.roc_title')} · {EN('classic.model.knn')}")
    assert f"AUC = {skm.roc_auc_score(y, p1):.3f}" in trace_names(roc)[1]
    figure_titled(at, f"{EN('classic.plot.prob_title')} · {EN('classic.model.knn')}")
    # the isolation forest on the plane: its map, and its flags' precision / recall as the engine's
    assert EN("outliers.title") in [e.label for e in at.expander]
    res = outliers.isolation(prep, job.cfg.seed)
    figure_titled(at, EN("outliers.plot.map_title"))
    shown = {m.label: m.value for m in at.metric}
    assert shown[EN("outliers.m.precision")] == f"{res['precision']:.3f}" and shown[EN("outliers.m.recall")] == "1.000"


def test_regression_in_korean(no_exceptions):
    at, _ = trained({"lang": "ko", "dataset": "auto-mpg", "epochs": "3"})
    open_expanders(at, Key.EVAL_KMEANS, Key.EVAL_OUTLIERS)
    no_exceptions(at)
    assert KO("classic.title") in [h.value for h in at.subheader]
    df = table(at, KO)
    assert KO("eval.m.r2") in df.columns and KO("eval.m.mae") in df.columns and len(df) == 5
    assert any("제곱 오차" in m.value for m in at.markdown)
    # k-means and the isolation forest on a table: principal components beside the target; the top rows
    labels = [e.label for e in at.expander]
    assert KO("classic.kmeans.title") in labels and KO("outliers.title") in labels
    knife = figure_titled(at, KO("classic.plot.knife", k=2).split(",")[0])
    assert KO("classic.plot.truth", target="mpg") in texts(knife)
    assert knife["layout"]["xaxis2"]["title"]["text"].startswith("주성분 1")
    top = next(d.value for d in at.dataframe if KO("outliers.col.planted") in d.value.columns)
    assert len(top) == 15 and top[KO("outliers.col.planted")].iloc[0]      # the most anomalous row was planted
