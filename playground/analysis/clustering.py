"""What k-means' clusters look like and how they compare with the truth: the rows on a
plane (a 2-D set as it is, a table's first two principal components), one k's clusters
out of classic.kmeans_curves, and their agreement with the true classes (sklearn's
adjusted Rand index)."""
from __future__ import annotations

import numpy as np
from sklearn import metrics as skm
from sklearn.decomposition import PCA


def on_plane(X: np.ndarray, seed: int = 0) -> tuple[np.ndarray, list[float] | None]:
    """(rows, 2) to draw: the inputs themselves when there are two or fewer; otherwise the
    projection on the first two principal components and the share of the variance each
    keeps (None for the inputs themselves)."""
    X = np.asarray(X, float)
    if X.shape[1] == 1:          # one input column: its values along a line
        return np.column_stack([X[:, 0], np.zeros(len(X))]), None
    if X.shape[1] <= 2:
        return X, None
    pca = PCA(n_components=2, random_state=seed).fit(X)
    return pca.transform(X), [float(v) for v in pca.explained_variance_ratio_]


def at_k(curves: dict, k: int) -> dict:
    """The curves with k's clusters and silhouettes as the ones shown."""
    return {**curves, "shown_k": k, "labels": curves["labels_by_k"][k], "samples": curves["samples_by_k"][k]}


def agreement(curves: dict, k: int) -> float | None:
    """Adjusted Rand index of k's clusters against the true classes: 1 = the same grouping
    (whatever the clusters' numbers), about 0 = no better than chance; None for regression."""
    if curves.get("task") == "regression":
        return None
    return float(skm.adjusted_rand_score(curves["truth"], curves["labels_by_k"][k]))
