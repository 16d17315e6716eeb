"""Cross-validation folds of a sequence run, each prepared as sequence_prep prepares a run.

Series, by time (TimeSeriesSplit, an expanding window): the development targets in time
order are cut into K + 1 blocks; fold i fits on blocks 1..i, validates on the latest part of
them, and tests on block i + 1. The past predicts the next stretch, never the reverse.
Series, shuffled (K-fold on purpose, to show the leak): the fit targets are split at random.
Either way a fold's scaler sees only the values its training windows and targets cover.

Tokens: a fold's vocabulary is built from its own training sentences only, so a word seen
only in its held-out (or validation) sentences reads as unknown there, as in a real run.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import TimeSeriesSplit, train_test_split

from .sequence_prep import SeqSplit, SequencePrepared, _fit_scaler, build_vocab, encode_texts, scale_windows

# the first fit block of a time split needs 2 training targets + 1 to validate
MIN_BLOCK = 3


def is_sequence_prep(prepared) -> bool:
    return isinstance(prepared, SequencePrepared)


def is_series_prep(prepared) -> bool:
    return is_sequence_prep(prepared) and not prepared.is_tokens


def time_folds(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit positions, test positions) into n targets in time order, one pair per fold."""
    return list(TimeSeriesSplit(n_splits=k).split(np.zeros((n, 1))))


def time_rows_needed(k: int) -> int:
    """Targets a K-fold time split needs: K + 1 blocks of at least MIN_BLOCK."""
    return MIN_BLOCK * (k + 1)


def split_fit(fit: np.ndarray, y: np.ndarray, val_split: float, seed: int, by_time: bool,
              classification: bool) -> tuple[np.ndarray, np.ndarray, bool]:
    """A fold's fit rows into (training, validation, stratified). By time: the latest
    targets validate (as time_split does); otherwise at random, stratified when it can."""
    if by_time:
        fit = np.sort(fit)
        n_val = min(max(1, int(round(len(fit) * val_split))), len(fit) - 1)
        return fit[:-n_val], fit[-n_val:], False
    strat = classification and np.bincount(y[fit]).min() >= 2
    try:
        tr, va = train_test_split(fit, test_size=val_split, random_state=seed, stratify=y[fit] if strat else None)
    except ValueError:      # a class too small for a stratified split
        tr, va = train_test_split(fit, test_size=val_split, random_state=seed)
        strat = False
    return np.sort(tr), np.sort(va), bool(strat)


def series_fold(base: SequencePrepared, scaler_how: str, rows: tuple) -> SequencePrepared:
    """The run's windows at the fold's (train, val, test) target positions, scaled by a
    scaler fitted on the values the training windows and targets cover, each once (as
    prepare_series does)."""
    values = np.asarray(base.dataset.X["value"], float)
    w = base.window
    seen = np.unique((np.asarray(rows[0])[:, None] - np.arange(w + 1)[None, :]).ravel())
    scaler = _fit_scaler(scaler_how, values[seen])

    def split(pos):
        pos = np.asarray(pos, int)
        windows = values[pos[:, None] - w + np.arange(w)[None, :]] if len(pos) else np.zeros((0, w))
        return SeqSplit(scale_windows(windows, scaler), torch.as_tensor(values[pos], dtype=torch.float32), pos)

    train, val, test = (split(r) for r in rows)
    # targets scaled as the inputs are (as prepare_series)
    return dataclasses.replace(base, train=train, val=val, test=test, scaler=scaler,
                               y_mean=scaler["shift"], y_std=scaler["divide"])


def token_fold(base: SequencePrepared, rows: tuple, stratified: bool) -> SequencePrepared:
    """The fold's sentences as ids of a vocabulary of its training sentences only."""
    ds = base.dataset
    texts = ds.X["text"].to_numpy()
    vocab = build_vocab(texts[rows[0]])
    dtype = torch.int64 if ds.task == "multiclass" else torch.float32
    y_all = torch.as_tensor(np.asarray(ds.y), dtype=dtype)
    train, val, test = (SeqSplit(encode_texts(texts[i], vocab, base.window), y_all[i], np.asarray(i)) for i in rows)
    pipeline = [{**p, "steps": [{**s, "vocabulary": len(vocab)} if s.get("op") == "tokens" else s for s in p["steps"]]}
                for p in base.pipeline]
    return dataclasses.replace(base, train=train, val=val, test=test, vocab=vocab, pipeline=pipeline,
                               stratified=stratified)


def prepare_sequence_fold(base: SequencePrepared, cfg, fit: np.ndarray, test: np.ndarray,
                          by_time: bool) -> SequencePrepared:
    """A SequencePrepared for one fold: the fit rows split into training / validation (by time
    or at random), the preprocessing fitted on the training part, the held-out rows the test."""
    ds = base.dataset
    tr, va, strat = split_fit(np.asarray(fit), np.asarray(ds.y), cfg.val_split, cfg.seed, by_time,
                              ds.is_classification)
    test = np.sort(np.asarray(test))
    if base.is_tokens:
        return token_fold(base, (tr, va, test), strat)
    return series_fold(base, cfg.scaler, (tr, va, test))


# --- a fold's stretch of time, as a reader sees it ---------------------------------------------

def time_text(times, i: int) -> str:
    """The time at position i: 1957-03 for months (decimal years or dates), 1957-Q2 for
    quarters, a date for dates, a whole number as it is."""
    t = pd.Series(times)
    if pd.api.types.is_datetime64_any_dtype(t):
        days = float(t.diff().dt.total_seconds().median()) / 86400 if len(t) > 1 else 1.0
        return t.iloc[i].strftime("%Y-%m" if 27 <= days <= 32 else "%Y" if days > 360 else "%Y-%m-%d")
    a = t.to_numpy(float)
    step = float(np.median(np.diff(a))) if len(a) > 1 else 1.0
    v = float(a[i])
    for per_year, fmt in ((12, "{y}-{n:02d}"), (4, "{y}-Q{n}")):
        if abs(step * per_year - 1) < 0.02:
            year = int(np.floor(v + 0.5 / per_year))
            return fmt.format(y=year, n=int(round((v - year) * per_year)) + 1)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def period_text(prepared: SequencePrepared, positions) -> str:
    """First and last time of a series' targets: '1957-03 – 1958-10'."""
    pos = np.sort(np.asarray(positions, int))
    if not len(pos):
        return ""
    times = prepared.dataset.X["time"]
    first, last = time_text(times, int(pos[0])), time_text(times, int(pos[-1]))
    return first if first == last else f"{first} – {last}"
