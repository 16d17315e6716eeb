"""An isolation forest looking for outliers we planted ourselves, so its flags can be
checked against the truth: the network's (preprocessed) training rows plus a seeded 5 %
of made-up rows. On a 2-D set the planted points are scattered over the plane around the
data, away from every real point; in a table each planted row is a real row whose numeric
columns are drawn at random over, and past, each column's range (its categories stay
real). scikit-learn's IsolationForest with its defaults (contamination 'auto': a row is
flagged when its anomaly score is above 0.5), seeded; precision, recall and average
precision of the flags against the planted truth are sklearn.metrics'."""
from __future__ import annotations

import numpy as np
from sklearn import metrics as skm
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from ..data.prepare import Prepared
from . import metrics

ROWS = 2000          # training rows looked at (the forest sub-samples 256 per tree anyway)
SHARE = 0.05         # planted rows, as a share of the real ones (at least MIN_PLANTED)
MIN_PLANTED = 5
REACH = 0.5          # planted values go this share of a column's range past each end
GAP = 0.1            # 2-D: a planted point is at least this share of the data's diagonal from any real one
GRID = 60            # 2-D: the score map's cells per side
TOP = 15             # tables: the most anomalous rows listed


def on_plane(prepared: Prepared) -> bool:
    """A 2-D set whose inputs are x1, x2 themselves: drawn as a score map on the plane."""
    return list(prepared.feature_names) == ["x1", "x2"]


def numeric_columns(prepared: Prepared) -> list[int]:
    """The inputs that come from numeric columns (not one-hot categories); all of them if none do."""
    outputs = {name for entry in prepared.pipeline if entry.get("kind") == "numeric" for name in entry.get("outputs", [])}
    cols = [i for i, name in enumerate(prepared.feature_names) if name in outputs]
    return cols or list(range(len(prepared.feature_names)))


def _plant_on_plane(X: np.ndarray, n: int, rng: np.random.RandomState) -> np.ndarray:
    lo, hi = X.min(0), X.max(0)
    span = hi - lo
    gap = GAP * float(np.linalg.norm(span))
    near = NearestNeighbors(n_neighbors=1).fit(X)
    found = np.empty((0, 2))
    while len(found) < n:   # ~half of each draw lands clear of the data
        draw = rng.uniform(lo - REACH * span, hi + REACH * span, (4 * n, 2))
        found = np.r_[found, draw[near.kneighbors(draw)[0][:, 0] > gap]]
    return found[:n]


def _plant_in_table(X: np.ndarray, n: int, cols: list[int], rng: np.random.RandomState) -> np.ndarray:
    rows = X[rng.randint(0, len(X), n)].copy()
    lo, hi = X[:, cols].min(0), X[:, cols].max(0)
    span = hi - lo
    rows[:, cols] = rng.uniform(lo - REACH * span, hi + REACH * span, (n, len(cols)))
    return rows


def planted_set(prepared: Prepared, seed: int = 0) -> dict:
    """The training rows (the first ROWS) with SHARE planted rows shuffled in:
    {"X", "planted" (bool per row), "source" (the training row's index in the dataset, or -1)}."""
    X = prepared.train.X.numpy()[:ROWS].astype(float)
    rng = np.random.RandomState(seed)
    n = max(MIN_PLANTED, int(round(SHARE * len(X))))
    fake = _plant_on_plane(X, n, rng) if on_plane(prepared) else _plant_in_table(X, n, numeric_columns(prepared), rng)
    order = rng.permutation(len(X) + n)
    source = np.r_[np.asarray(prepared.train.index)[:len(X)], np.full(n, -1)]
    return {"X": np.r_[X, fake][order], "planted": np.r_[np.zeros(len(X), bool), np.ones(n, bool)][order],
            "source": source[order]}


def isolation(prepared: Prepared, seed: int = 0) -> dict:
    """The forest's anomaly score per row (scikit-learn's score_samples negated: about 0.5 for
    ordinary rows, towards 1 for rows a few random splits isolate), its flags, and how the
    flags and the score read the planted truth. 2-D sets add the score over a grid."""
    data = planted_set(prepared, seed)
    X, truth = data["X"], data["planted"]
    with threadpool_limits(1):
        forest = IsolationForest(random_state=seed, n_jobs=1).fit(X)
        score = -forest.score_samples(X)
        flagged = forest.predict(X) == -1
        out = {"score": score.tolist(), "flagged": flagged.tolist(), "planted": truth.tolist(),
               "source": data["source"].tolist(), "n": int(len(X)), "n_planted": int(truth.sum()),
               "n_flagged": int(flagged.sum()), "features": list(prepared.feature_names),
               "precision": float(skm.precision_score(truth, flagged, zero_division=0)),
               "recall": float(skm.recall_score(truth, flagged, zero_division=0)),
               "pr": metrics.pr_curve(truth.astype(int), score),
               "point": _point(truth, flagged)}
        if on_plane(prepared):
            out.update(X=X.tolist(), **_grid(forest, X))
        else:
            out["top"] = _top(X, score, flagged, truth, data["source"])
    return out


def _point(truth, flagged) -> dict:
    """The flags as an operating point on the precision-recall curve (score > 0.5)."""
    cm = skm.confusion_matrix(truth, flagged, labels=[False, True])
    tn, fp, fn, tp = (int(v) for v in cm.ravel())
    return {"threshold": 0.5, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0}


def _grid(forest, X: np.ndarray) -> dict:
    lo, hi = X.min(0), X.max(0)
    pad = 0.05 * (hi - lo)
    gx, gy = (np.linspace(lo[i] - pad[i], hi[i] + pad[i], GRID) for i in (0, 1))
    xx, yy = np.meshgrid(gx, gy)
    z = -forest.score_samples(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    return {"grid_x": gx.tolist(), "grid_y": gy.tolist(), "grid_score": z.tolist()}


def _top(X, score, flagged, truth, source) -> list[dict]:
    """The TOP most anomalous rows: rank, score, flagged, planted, the dataset row (-1: planted)
    and the inputs the forest saw."""
    order = np.argsort(-score, kind="stable")[:TOP]
    return [{"score": float(score[i]), "flagged": bool(flagged[i]), "planted": bool(truth[i]),
             "source": int(source[i]), "values": X[i].tolist()} for i in order]
