"""eval_plots.py: the figures carry the data they claim (equal to sklearn's curves), the
operating point, class names, and every text in the chosen language."""
from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn import metrics as skm

from playground.analysis import evaluation, metrics
from playground.figures import evaluation as eval_figs
from playground.i18n import Translator

EN, KO = Translator("en"), Translator("ko")
HANGUL = re.compile("[\uac00-\ud7a3]")
RNG = np.random.default_rng(3)
Y = RNG.integers(0, 2, 120)
P = np.clip(0.4 * Y + RNG.uniform(0, 0.6, 120), 0, 1)


def texts(fig) -> list[str]:
    """Title, axis titles and trace names of a figure."""
    lay = fig.layout
    out = [lay.title.text, lay.xaxis.title.text, lay.yaxis.title.text]
    return [t for t in out + [tr.name for tr in fig.data if tr.name] if t]


def test_confusion_figure_counts_and_row_normalized():
    cm = [[5, 1, 0], [2, 7, 1], [0, 0, 0]]
    names = ["cat", "dog", "eel"]
    fig = eval_figs.confusion_figure(cm, names, EN)
    hm = fig.data[0]
    assert list(hm.x) == names and list(hm.y) == names
    np.testing.assert_array_equal(hm.z, cm)
    assert hm.text[1][0] == "2"
    assert fig.layout.xaxis.title.text == "Predicted" and fig.layout.yaxis.title.text == "Actual"
    norm = eval_figs.confusion_figure(cm, names, KO, normalize=True, highlight=(1, 2))
    z = np.asarray(norm.data[0].z)
    np.testing.assert_allclose(z.sum(1), [1, 1, 0])          # rows of shares; an empty row stays 0
    np.testing.assert_allclose(z[1], [0.2, 0.7, 0.1])
    assert norm.data[0].text[1][1] == "70%<br>(7)"
    assert norm.layout.xaxis.title.text == KO("eval.plot.predicted") != EN("eval.plot.predicted")
    (shape,) = norm.layout.shapes
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (1.5, 2.5, 0.5, 1.5)


def test_roc_figure_is_sklearns_curve_with_auc_and_operating_point():
    curves = metrics.roc_curves(Y, P, "binary", 2)
    point = evaluation.at_threshold(Y, P, 0.6)
    fig = eval_figs.roc_figure(curves, EN, point=point)
    fpr, tpr, _ = skm.roc_curve(Y, P)
    chance, roc, dot = fig.data
    np.testing.assert_allclose(roc.x, fpr)
    np.testing.assert_allclose(roc.y, tpr)
    assert f"AUC = {skm.roc_auc_score(Y, P):.3f}" in roc.name
    assert (dot.x[0], dot.y[0]) == pytest.approx((point["fpr"], point["tpr"]))
    assert "0.60" in dot.name
    assert list(chance.x) == [0, 1] and list(chance.y) == [0, 1]


def test_one_vs_rest_roc_has_a_curve_per_class_named():
    y = RNG.integers(0, 3, 90)
    p = RNG.dirichlet([1, 1, 1], 90)
    p[np.arange(90), y] += 1
    p /= p.sum(1, keepdims=True)
    fig = eval_figs.roc_figure(metrics.roc_curves(y, p, "multiclass", 3), KO, class_names=["a", "b", "c"])
    curves = fig.data[1:]
    assert len(curves) == 3
    for k, tr in enumerate(curves):
        assert tr.name.startswith("abc"[k]) and f"{skm.roc_auc_score(y == k, p[:, k]):.3f}" in tr.name
    assert HANGUL.search(fig.layout.title.text)


def test_pr_figure_has_ap_point_and_chance_level():
    pr = metrics.pr_curve(Y, P)
    point = evaluation.at_threshold(Y, P, 0.5)
    fig = eval_figs.pr_figure(pr, EN, point=point, prevalence=float(Y.mean()))
    chance, curve, dot = fig.data
    prec, rec, _ = skm.precision_recall_curve(Y, P)
    np.testing.assert_allclose(curve.x, rec)
    np.testing.assert_allclose(curve.y, prec)
    assert f"AP = {skm.average_precision_score(Y, P):.3f}" in curve.name
    assert (dot.x[0], dot.y[0]) == pytest.approx((point["recall"], point["precision"]))
    assert chance.y[0] == pytest.approx(Y.mean())


def test_probability_figure_splits_by_true_class_with_the_threshold_line():
    fig = eval_figs.probability_figure(Y, P, 0.7, ["died", "survived"], EN)
    a, b = fig.data
    np.testing.assert_allclose(a.x, P[Y == 0])
    np.testing.assert_allclose(b.x, P[Y == 1])
    assert "died" in a.name and "survived" in b.name
    assert any(s.x0 == 0.7 for s in fig.layout.shapes)
    assert "survived" in fig.layout.xaxis.title.text


def test_regression_figures():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    yhat = np.array([1.5, 1.5, 3.5, 3.0])
    fig = eval_figs.pred_actual_figure(y, yhat, EN, "mpg")
    line, pts = fig.data
    assert list(line.x) == list(line.y)                       # the y = x line
    np.testing.assert_allclose(pts.x, y)
    np.testing.assert_allclose(pts.y, yhat)
    assert "mpg" in fig.layout.xaxis.title.text
    res = eval_figs.residual_figure(yhat, y - yhat, KO)
    np.testing.assert_allclose(res.data[0].y, [-0.5, 0.5, -0.5, 1.0])
    assert any(s.y0 == 0 and s.y1 == 0 for s in res.layout.shapes)   # the zero line
    assert all(HANGUL.search(t) for t in texts(res))


def test_folds_figure_bars_and_mean():
    folds = [{"fold": i + 1, "accuracy": v} for i, v in enumerate([0.8, 0.9, 0.7])]
    fig = eval_figs.folds_figure(folds, "accuracy", KO)
    np.testing.assert_allclose(fig.data[0].y, [0.8, 0.9, 0.7])
    assert list(fig.data[0].x) == [1, 2, 3]
    means = [s for s in fig.layout.shapes if s.y0 == s.y1]
    assert means and means[0].y0 == pytest.approx(0.8)
    note = fig.layout.annotations[0].text
    assert "0.800" in note and f"{np.std([0.8, 0.9, 0.7]):.3f}" in note
    assert HANGUL.search(fig.layout.title.text) and HANGUL.search(fig.layout.xaxis.title.text)


@pytest.mark.parametrize("T", [EN, KO])
def test_every_figure_text_is_translated(T):
    curves = metrics.roc_curves(Y, P, "binary", 2)
    figs = [eval_figs.confusion_figure([[1, 2], [3, 4]], ["a", "b"], T), eval_figs.roc_figure(curves, T),
            eval_figs.pr_figure(metrics.pr_curve(Y, P), T, prevalence=0.5),
            eval_figs.probability_figure(Y, P, 0.5, ["a", "b"], T), eval_figs.pred_actual_figure([1, 2], [1, 2], T),
            eval_figs.residual_figure([1, 2], [0, 0], T), eval_figs.folds_figure([{"fold": 1, "mae": 1.0}], "mae", T)]
    for fig in figs:
        for t in texts(fig):
            assert not t.startswith("eval."), t                # no missing key shown raw
        if T is KO:
            assert HANGUL.search(fig.layout.title.text), fig.layout.title.text
