"""The classic models (decision tree, random forest, SVM, k-nearest neighbours) on the
network's split: each score equals scikit-learn's own, computed here on a model fitted
directly on the same prepared rows; the tree's rules name its impurity; k-means' SSE and
silhouette are sklearn's."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.cluster import KMeans
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text
from unit_helpers import prepared_for

from playground.analysis import classic

DIRECT = {   # what a reader of the course would write, per task
    "classification": {"tree": lambda: DecisionTreeClassifier(random_state=0),
                       "forest": lambda: RandomForestClassifier(random_state=0),
                       "svm": lambda: CalibratedClassifierCV(SVC(random_state=0), ensemble=False),
                       "knn": lambda: KNeighborsClassifier()},
    "regression": {"tree": lambda: DecisionTreeRegressor(random_state=0),
                   "forest": lambda: RandomForestRegressor(random_state=0),
                   "svm": lambda: TransformedTargetRegressor(regressor=SVR(), transformer=StandardScaler()),
                   "knn": lambda: KNeighborsRegressor()},
}


def split(prep, name):
    s = prep.split(name)
    y = prep.dataset.y[np.asarray(s.index)]
    return s.X.numpy(), y


@pytest.mark.parametrize("dataset", ["titanic", "iris", "auto-mpg"])
def test_each_models_scores_are_sklearns_on_the_same_split(dataset):
    prep = prepared_for(dataset=dataset)[1]
    models = classic.fit_all(prep, seed=0)
    ours = classic.scores(models, prep, "test")
    X_train, y_train = prep.train.X.numpy(), prep.train.y.numpy()
    X_test, y_test = split(prep, "test")
    regression = prep.task == "regression"
    for kind, make in DIRECT["regression" if regression else "classification"].items():
        est = make().fit(X_train, y_train if regression else y_train.astype(int))
        got = ours[kind]
        if regression:
            pred = est.predict(X_test)
            assert got["r2"] == pytest.approx(skm.r2_score(y_test, pred), abs=1e-12), kind
            assert got["mae"] == pytest.approx(skm.mean_absolute_error(y_test, pred), abs=1e-12), kind
            assert got["rmse"] == pytest.approx(skm.root_mean_squared_error(y_test, pred), abs=1e-12), kind
            if kind != "svm":
                assert got["r2"] == pytest.approx(est.score(X_test, y_test), abs=1e-12)
            continue
        proba = est.predict_proba(X_test)
        y_test = y_test.astype(int)
        if prep.task == "binary":   # the network's rule: P(class 1) >= 0.5
            labels, auc = (proba[:, 1] >= 0.5).astype(int), skm.roc_auc_score(y_test, proba[:, 1])
        else:
            labels, auc = proba.argmax(1), skm.roc_auc_score(y_test, proba, multi_class="ovr")
        assert got["accuracy"] == pytest.approx(skm.accuracy_score(y_test, labels), abs=1e-12), kind
        assert got["roc_auc"] == pytest.approx(auc, abs=1e-12), kind
        assert got["confusion_matrix"] == skm.confusion_matrix(y_test, labels).tolist(), kind
        # sklearn's predict is the argmax of these probabilities, so its own score agrees, but
        # where a binary tree leaf is split 50/50: our rule says class 1, argmax class 0
        # (titanic's tree: 0.779 by the rule, 0.771 by predict)
        if kind == "knn" or kind == "tree" and prep.task != "binary":
            assert got["accuracy"] == pytest.approx(est.score(X_test, y_test), abs=1e-12), kind


def test_the_trees_rules_name_its_impurity_and_follow_export_text():
    prep = prepared_for(dataset="titanic")[1]
    tree = classic.fit("tree", prep)
    assert classic.impurity_name(tree) == "gini"
    lines = classic.tree_lines(tree, prep.feature_names, prep.class_names, max_depth=2)
    assert lines[0].startswith("|--- sex_male <= 0.500 (gini 0.472, 837 samples)")
    # the same splits as sklearn's export_text, in its order
    theirs = [line.split(" <= ")[0] for line in export_text(tree, feature_names=prep.feature_names, max_depth=2)
              .splitlines() if " <= " in line and line.count("|   ") < 2]
    ours = [line.split(" <= ")[0] for line in lines if " <= " in line]
    assert ours == theirs and len(ours) == 3
    t = tree.tree_
    assert f"gini {t.impurity[0]:.3f}" in lines[0] and f"{t.n_node_samples[0]} samples" in lines[0]



def test_the_tree_is_drawn_with_the_same_nodes_as_its_rules():
    from playground.figures.tree import tree_figure
    from playground.i18n import Translator
    prep = prepared_for(dataset="titanic")[1]
    tree = classic.fit("tree", prep)
    T = Translator("en")
    fig = tree_figure(tree, prep.feature_names, prep.class_names, T, max_depth=2)
    boxes = [a.text for a in fig.layout.annotations if a.bordercolor]
    assert len(boxes) == 1 + 2 + 4                          # a full tree's first three rows
    assert boxes[0].startswith("<b>sex_male ≤ 0.5</b><br>gini 0.472 · n=837")
    lines = classic.tree_lines(tree, prep.feature_names, prep.class_names, max_depth=2)
    answers = [line.split("class: ")[1].split()[0] for line in lines if "class: " in line]
    assert [b.split("→ ")[1].split("<")[0] for b in boxes if "→" in b] == answers   # left to right, as the rules
    assert fig.layout.title.text == T("classic.tree.title", depth=2)

def test_kmeans_sse_and_silhouette_are_sklearns():
    prep = prepared_for(dataset="circle")[1]
    curves = classic.kmeans_curves(prep, seed=0)
    X = prep.train.X.numpy()
    assert curves["k"] == list(range(2, 9))
    for k, sse, sil in zip(curves["k"], curves["sse"], curves["silhouette"], strict=True):
        km = KMeans(n_clusters=k, n_init=classic.KMEANS_INIT, random_state=0).fit(X)
        # float32 rows: OpenMP's thread count changes the sums' order in the 7th digit
        assert sse == pytest.approx(km.inertia_, rel=1e-5)
        assert sil == pytest.approx(skm.silhouette_score(X, km.labels_), rel=1e-5)
    assert all(a > b for a, b in zip(curves["sse"], curves["sse"][1:]))   # SSE falls as k grows
    assert curves["best_k"] == curves["k"][int(np.argmax(curves["silhouette"]))]
    assert len(curves["samples"]) == len(X) and curves["features"] == ["x1", "x2"]


def test_large_sets_and_sequences_are_left_out():
    assert classic.fits(prepared_for(dataset="digits")[1])
    seq = prepared_for(dataset="seq-negation")[1]
    assert not classic.applies(seq)
