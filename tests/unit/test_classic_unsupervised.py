"""The classic models' evaluation views and the label-free ones: each classic model's ROC AUC
and average precision are sklearn.metrics' on its own predict_proba; k-means on a table is
drawn on sklearn's PCA and set against the true classes (adjusted Rand index); the isolation
forest's scores, flags, precision and recall against the planted outliers are sklearn's."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from unit_helpers import prepared_for

from playground.analysis import classic, clustering, evaluation, outliers
from playground.figures import classic as classic_figs
from playground.figures import outliers as outlier_figs
from playground.i18n import Translator

T = Translator("en")


def test_each_classic_models_pr_and_roc_are_sklearns_on_its_predict_proba():
    prep = prepared_for(dataset="titanic")[1]
    X, y = prep.test.X.numpy(), prep.dataset.y[prep.test.index].astype(int)
    for kind, est in classic.fit_all(prep, seed=0).items():
        cur = evaluation.curves(classic.predictions(est, prep, "test"))
        p1 = est.predict_proba(X)[:, 1]
        assert cur["pr"]["average_precision"] == pytest.approx(skm.average_precision_score(y, p1), abs=1e-12), kind
        assert cur["roc"][0]["auc"] == pytest.approx(skm.roc_auc_score(y, p1), abs=1e-12), kind
        prec, rec, _ = skm.precision_recall_curve(y, p1)
        assert np.allclose(cur["pr"]["precision"], prec) and np.allclose(cur["pr"]["recall"], rec), kind


def test_kmeans_on_a_table_is_drawn_on_its_principal_components_beside_the_classes():
    prep = prepared_for(dataset="wine")[1]
    curves = classic.kmeans_curves(prep, seed=0)
    X = prep.train.X.numpy()[:classic.KMEANS_ROWS]
    pca = PCA(n_components=2, random_state=0).fit(X)
    # float32 rows: an SVD on one thread or on several differs by ~1e-6 (seen on an AVX-512 CPU)
    assert np.allclose(curves["X"], pca.transform(X), atol=1e-4)
    assert curves["explained"] == pytest.approx(list(pca.explained_variance_ratio_), rel=1e-4)
    assert curves["features"] == [] and curves["truth"] == prep.train.y.numpy().tolist()
    for k, sil in zip(curves["k"], curves["silhouette"], strict=True):
        assert sil == pytest.approx(skm.silhouette_score(X, curves["labels_by_k"][k]), abs=1e-9)
    shown = clustering.at_k(curves, 3)
    assert shown["labels"] == curves["labels_by_k"][3] and shown["shown_k"] == 3
    ari = clustering.agreement(curves, 3)
    assert ari == pytest.approx(skm.adjusted_rand_score(prep.train.y.numpy(), curves["labels_by_k"][3]))
    assert ari > 0.8          # wine's three cultivars are nearly k-means' three clusters (measured 0.84)
    fig = classic_figs.silhouette_figure(shown, T, "cultivar")
    titles = [a.text for a in fig.layout.annotations]
    assert titles[-1] == T("classic.plot.truth", target="cultivar")
    assert [t.name for t in fig.data if t.xaxis == "x3"] == prep.class_names       # one trace per class
    assert fig.layout.xaxis2.title.text.startswith("PC1 (") and fig.layout.xaxis3.title.text == fig.layout.xaxis2.title.text
    assert clustering.agreement(classic.kmeans_curves(prepared_for(dataset="auto-mpg")[1]), 2) is None   # regression


def _same_forest(res_set, seed=0):
    forest = IsolationForest(random_state=seed).fit(res_set["X"])
    return -forest.score_samples(res_set["X"]), forest.predict(res_set["X"]) == -1


@pytest.mark.parametrize("dataset", ["circle", "titanic"])
def test_the_isolation_forests_flags_against_the_planted_outliers_are_sklearns(dataset):
    prep = prepared_for(dataset=dataset)[1]
    res = outliers.isolation(prep, seed=0)
    data = outliers.planted_set(prep, seed=0)
    n_real = min(len(prep.train.y), outliers.ROWS)
    assert res["n_planted"] == int(np.sum(data["planted"])) == max(5, round(0.05 * n_real))
    assert res["n"] == n_real + res["n_planted"]
    score, flagged = _same_forest(data)
    truth = data["planted"]
    assert np.allclose(res["score"], score) and res["flagged"] == flagged.tolist()
    assert res["precision"] == pytest.approx(skm.precision_score(truth, flagged))
    assert res["recall"] == pytest.approx(skm.recall_score(truth, flagged))
    assert res["pr"]["average_precision"] == pytest.approx(skm.average_precision_score(truth, score))
    assert flagged.tolist() == (score > 0.5).tolist()            # contamination 'auto': flagged above 0.5
    assert res["recall"] == 1.0 and res["pr"]["average_precision"] > 0.85   # measured: 1.0 / 1.0 and 1.0 / 0.864
    X = data["X"]
    real = X[~truth]
    if dataset == "circle":               # planted on the plane, clear of every real point
        gap = outliers.GAP * np.linalg.norm(real.max(0) - real.min(0))
        nearest = np.min(np.linalg.norm(X[truth][:, None] - real[None], axis=2), axis=1)
        assert (nearest > gap).all()
        assert len(res["grid_score"]) == outliers.GRID and "top" not in res
    else:                                 # a table: the one-hot categories stay a real row's
        cat = [j for j in range(X.shape[1]) if j not in outliers.numeric_columns(prep)]
        assert cat and {tuple(r) for r in X[truth][:, cat]} <= {tuple(r) for r in real[:, cat]}
        top = res["top"]
        assert [r["score"] for r in top] == sorted(score, reverse=True)[:outliers.TOP]
        assert all((r["source"] < 0) == r["planted"] for r in top)
    assert outliers.isolation(prep, seed=0) == res                 # seeded


def test_the_score_map_draws_every_point_once_by_what_it_is_and_what_was_flagged():
    res = outliers.isolation(prepared_for(dataset="moons")[1], seed=0)
    fig = outlier_figs.score_map_figure(res, T)
    points = [t for t in fig.data if t.type == "scatter"]
    assert sum(len(t.x) for t in points) == res["n"]
    caught = next(t for t in points if t.name.startswith(T("outliers.kind.caught")))
    planted, flagged = np.asarray(res["planted"]), np.asarray(res["flagged"])
    assert len(caught.x) == int((planted & flagged).sum()) == res["point"]["tp"]
    assert res["point"]["tp"] / res["n_planted"] == res["recall"]


def test_one_input_column_is_drawn_along_a_line():
    """A table cut to one column (config `columns`) still gets its k-means panels."""
    from playground.analysis.clustering import on_plane
    X = np.arange(6.0)[:, None]
    plane, explained = on_plane(X)
    assert plane.shape == (6, 2) and explained is None
    np.testing.assert_array_equal(plane[:, 0], X[:, 0])
