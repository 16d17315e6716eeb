"""The classic models the course lists beside networks (decision tree, random forest, SVM,
k-nearest neighbours), fitted as baselines.py fits its baseline: on the network's very
training rows, with its preprocessing, and read through the same Predictions and metrics;
the decision tree's rules as text with their impurity; k-means' elbow (SSE) and silhouette.
scikit-learn's defaults, seeded; one core."""
from __future__ import annotations

import numpy as np
from sklearn import metrics as skm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.cluster import KMeans
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from threadpoolctl import threadpool_limits

from ..data.prepare import Prepared
from ..data.sequence_prep import SequencePrepared
from . import clustering, evaluation
from .baselines import baseline_predictions

MODELS = ("tree", "forest", "svm", "knn")
# above this many training cells (rows x features) none is fitted on a page's request (an
# SVM on 56,000 MNIST rows takes minutes here); above SVM_CELLS all but the SVM, whose time
# grows fastest with the rows: mnist's 3,200 x 784 training pixels get the tree, the forest
# and k-NN in ~1.2 s on one core (the SVM would add ~3.7 s per run); digits' 1,150 x 64 all four
MAX_CELLS = 3_000_000
SVM_CELLS = 2_000_000
KMEANS_KS = tuple(range(2, 9))
KMEANS_ROWS = 1000          # silhouette is quadratic in the rows: the first 1,000 training rows
KMEANS_INIT = 4             # starts per k (circle's 320 rows, k 2-8: well under a second)


def estimator(kind: str, task: str, seed: int = 0):
    """The unfitted model (scikit-learn defaults; the SVM regressor on a standardized target,
    as the network trains, since its epsilon is in the target's units)."""
    regression = task == "regression"
    if kind == "tree":
        return (DecisionTreeRegressor if regression else DecisionTreeClassifier)(random_state=seed)
    if kind == "forest":
        return (RandomForestRegressor if regression else RandomForestClassifier)(random_state=seed, n_jobs=1)
    if kind == "svm":
        if regression:
            return TransformedTargetRegressor(regressor=SVR(), transformer=StandardScaler())
        # Platt's probabilities (ROC, the threshold rule) from a 5-fold split, as scikit-learn 1.9 advises
        return CalibratedClassifierCV(SVC(random_state=seed), ensemble=False)
    if kind == "knn":
        return KNeighborsRegressor() if regression else KNeighborsClassifier()
    raise ValueError(kind)


def applies(prepared: Prepared) -> bool:
    """Rows of numbers: not sequences (their reference models are sequence_baselines')."""
    return not isinstance(prepared, SequencePrepared)


def _cells(prepared: Prepared) -> int:
    return prepared.train.X.shape[0] * prepared.train.X.shape[1] if prepared.train.X.ndim == 2 else MAX_CELLS + 1


def fits(prepared: Prepared) -> bool:
    """Small enough to fit the models on a page's request."""
    return _cells(prepared) <= MAX_CELLS


def models_for(prepared: Prepared) -> tuple[str, ...]:
    """The models fitted for this training set: all four, or all but the SVM above SVM_CELLS."""
    return MODELS if _cells(prepared) <= SVM_CELLS else tuple(k for k in MODELS if k != "svm")


def fit(kind: str, prepared: Prepared, seed: int = 0):
    X, y = prepared.train.X.numpy(), prepared.train.y.numpy()
    est = estimator(kind, prepared.task, seed)
    return est.fit(X, y if prepared.task == "regression" else y.astype(int))


def fit_all(prepared: Prepared, seed: int = 0) -> dict:
    with threadpool_limits(1):   # one core per job, as training (OpenMP's spin-waits cost 200x on 2 cores)
        return {kind: fit(kind, prepared, seed) for kind in models_for(prepared)}


def predictions(est, prepared: Prepared, split: str = "test") -> evaluation.Predictions:
    """Outputs in the network's form: P(class 1), class probabilities, or predictions."""
    return baseline_predictions(est, prepared, split)


def scores(models: dict, prepared: Prepared, split: str = "test") -> dict:
    """{kind: the evaluation summary (accuracy, precision, recall, f1, roc_auc, confusion
    matrix | r2, mae, mse, rmse)} on one split."""
    return {kind: evaluation.summary(predictions(est, prepared, split)) for kind, est in models.items()}


def impurity_name(est) -> str:
    """The tree's split criterion: gini, entropy, log_loss, squared_error, ..."""
    return est.criterion


def tree_lines(est, feature_names, class_names=None, max_depth: int = 3) -> list[str]:
    """export_text's layout with each node's impurity and samples; deeper nodes folded."""
    t = est.tree_
    crit = est.criterion
    out: list[str] = []

    def leaf_text(node: int) -> str:
        value = t.value[node][0]
        if class_names is not None:
            guess = class_names[int(np.argmax(value))]
            return f"class: {guess}"
        return f"value: {value[0]:.3g}"

    def walk(node: int, depth: int) -> None:
        pad = "|   " * depth + "|--- "
        stats = f"({crit} {t.impurity[node]:.3f}, {int(t.n_node_samples[node])} samples)"
        if t.children_left[node] == -1:
            out.append(f"{pad}{leaf_text(node)} {stats}")
            return
        if depth >= max_depth:
            out.append(f"{pad}… {stats} {leaf_text(node)}")
            return
        name, thr = feature_names[t.feature[node]], t.threshold[node]
        out.append(f"{pad}{name} <= {thr:.3f} {stats}")
        walk(t.children_left[node], depth + 1)
        out.append(f"{pad}{name} >  {thr:.3f}")
        walk(t.children_right[node], depth + 1)

    walk(0, 0)
    return out


def tree_size(est) -> dict:
    return {"depth": int(est.get_depth()), "leaves": int(est.get_n_leaves())}


def kmeans_curves(prepared: Prepared, seed: int = 0, ks=KMEANS_KS) -> dict:
    """Per k: SSE (inertia, the elbow) and the mean silhouette, on the training rows; each k's
    clusters and per-row silhouettes (the silhouette plot), "labels" / "samples" those of the
    k with the best mean; the rows on a plane ("X": a 2-D set's own inputs, or a table's first
    two principal components, "explained" their shares of the variance) and their classes or
    targets ("truth"), to set beside the clusters."""
    X = prepared.train.X.numpy()[:KMEANS_ROWS]
    ks = tuple(k for k in ks if k < len(X)) or (min(2, len(X)),)   # a user's tiny table: fewer clusters than rows
    sse, sil, labels, samples = [], [], {}, {}
    with threadpool_limits(1):   # 320 rows, k 2-8: 7.2 s with OpenMP's threads on 2 busy cores, 0.03 s on one
        for k in ks:
            km = KMeans(n_clusters=k, n_init=KMEANS_INIT, random_state=seed).fit(X)
            sse.append(float(km.inertia_))
            samples[k] = skm.silhouette_samples(X, km.labels_)
            sil.append(float(samples[k].mean()))    # silhouette_score is this mean
            labels[k] = km.labels_
        plane, explained = clustering.on_plane(X, seed)
    best = ks[int(np.argmax(sil))]
    names = list(prepared.feature_names[:2]) if explained is None else []
    return {"k": list(ks), "sse": sse, "silhouette": sil, "best_k": best, "labels": labels[best].tolist(),
            "samples": samples[best].tolist(), "X": plane.tolist(), "features": names, "explained": explained,
            "labels_by_k": {k: v.tolist() for k, v in labels.items()},
            "samples_by_k": {k: v.tolist() for k, v in samples.items()},
            "truth": prepared.train.y.numpy()[:KMEANS_ROWS].tolist(), "task": prepared.task,
            "class_names": prepared.class_names}
