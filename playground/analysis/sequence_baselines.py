"""What a recurrent network should beat on a sequence, on the very same split:

- series: the last value (tomorrow = today), seasonal naive (the value one season
  ago: 12 months; falls back to the last value where the series is not that long yet),
  and a linear autoregression (sklearn LinearRegression on the same raw window);
- words and symbols: a bag of words (counts of each word, order thrown away) into a
  logistic regression: it cannot tell "good , not bad" from "bad , not good".

Each gives outputs in predict_output's form (target values, P(class 1) or class
probabilities), scored with the same metrics as the network.
"""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LinearRegression, LogisticRegression

from ..data.sequence_prep import SequencePrepared, raw_rows, words_of
from . import metrics

SERIES_BASELINES = ("last_value", "seasonal_naive", "linear_ar")
TEXT_BASELINES = ("bag_of_words",)


def names(prep: SequencePrepared) -> tuple[str, ...]:
    return TEXT_BASELINES if prep.is_tokens else SERIES_BASELINES


def period(prep: SequencePrepared) -> int:
    return prep.period or 1


def _series_outputs(prep: SequencePrepared, name: str, split: str) -> np.ndarray:
    values = np.asarray(prep.dataset.X["value"], float)
    idx = prep.split(split).index
    if name == "last_value":
        return values[idx - 1]
    if name == "seasonal_naive":
        back = idx - period(prep)
        return np.where(back >= 0, values[np.maximum(back, 0)], values[idx - 1])
    est = LinearRegression().fit(raw_rows(prep, "train").to_numpy(), prep.train.y.numpy())
    rows = raw_rows(prep, split).to_numpy()
    return est.predict(rows) if len(rows) else np.zeros(0)


def bag_of_words_model(prep: SequencePrepared, seed: int):
    # the network's words (Korean parts, 'not', ',', single symbols and bits)
    vec = CountVectorizer(analyzer=words_of)
    X = vec.fit_transform(raw_rows(prep, "train")["text"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = LogisticRegression(max_iter=2000, random_state=seed).fit(X, prep.train.y.numpy().astype(int))
    return vec, est


def _text_outputs(prep: SequencePrepared, split: str, seed: int) -> np.ndarray:
    vec, est = bag_of_words_model(prep, seed)
    texts = raw_rows(prep, split)["text"]
    k = prep.n_outputs if prep.task == "multiclass" else 2
    proba = np.zeros((len(texts), k))
    if len(texts):
        proba[:, est.classes_] = est.predict_proba(vec.transform(texts))
    return proba[:, 1] if prep.task == "binary" else proba


def outputs(prep: SequencePrepared, name: str, split: str = "test", seed: int = 0) -> np.ndarray:
    """A baseline's outputs on a split, in the network's terms."""
    if name == "bag_of_words":
        return _text_outputs(prep, split, seed)
    return _series_outputs(prep, name, split)


def reference_name(prep: SequencePrepared) -> str:
    """The one the coach and the Evaluate page compare a run with."""
    return "bag_of_words" if prep.is_tokens else "linear_ar"


def reference_output(prep: SequencePrepared, split: str = "val", seed: int = 0) -> np.ndarray:
    """The linear autoregression's, or the bag of words' outputs on a split."""
    return outputs(prep, reference_name(prep), split, seed)


class Fitted:
    """A baseline for baselines.fit_baseline's callers: `outputs(split)` on the raw data."""

    def __init__(self, prep: SequencePrepared, name: str, seed: int = 0):
        self.prep, self.name, self.seed = prep, name, seed

    def outputs(self, split: str) -> np.ndarray:
        return outputs(self.prep, self.name, split, self.seed)


def scores(prep: SequencePrepared, split: str = "test", seed: int = 0) -> dict[str, dict]:
    """{baseline: its metrics on the split} (sklearn.metrics, as the network's)."""
    y = prep.split(split).y.numpy()
    out = {}
    for name in names(prep):
        m = metrics.evaluate(prep.task, y, outputs(prep, name, split, seed), prep.class_names)
        out[name] = {k: v for k, v in m.items() if isinstance(v, float)}
    return out
