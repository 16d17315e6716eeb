"""Evaluate's classic models section after a real run (AppTest): the table's scores are the
engine's (themselves sklearn's, tests/unit/test_classic.py) beside the network's, a model's
views switch, the tree's rules and k-means show on a 2-D set; regression and Korean too."""
from __future__ import annotations

import pytest
from apptest import trained

from playground.analysis import classic, evaluation
from playground.i18n import Translator
from ui.session import Key

EN, KO = Translator("en"), Translator("ko")


def table(at, T):
    return next(d.value for d in at.dataframe if T("classic.col_model") in d.value.columns)


def test_a_2d_set_shows_every_model_the_tree_and_kmeans(no_exceptions):
    at, job = trained({"lang": "en", "dataset": "circle", "epochs": "5"})
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


def test_regression_in_korean(no_exceptions):
    at, _ = trained({"lang": "ko", "dataset": "auto-mpg", "epochs": "3"})
    no_exceptions(at)
    assert KO("classic.title") in [h.value for h in at.subheader]
    df = table(at, KO)
    assert KO("eval.m.r2") in df.columns and KO("eval.m.mae") in df.columns and len(df) == 5
    assert KO("classic.kmeans.title") not in [e.label for e in at.expander]   # k-means: the 2-D sets
    assert any("제곱 오차" in m.value for m in at.markdown)
