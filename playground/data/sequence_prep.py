"""Sequence data into tensors: windows of a series split by time, or sentences as padded
token ids. The result has the shape of prepare.Prepared (the Trainer, metrics and
pages read it the same way); it is its own class because prepare imports this module.

Series: the window's inputs are (n, window, 1) scaled values; the target is the next
value in its own units (the Trainer standardizes it as for any regression). The split
is by time, never shuffled: the first targets train, the next validate, the last test,
and the scaler sees only the values the training windows see. Each split's `index` is
the target's position in the series (its time: dataset.X["time"][index]).

Tokens: a stratified random split (each sentence is its own example), a vocabulary of
the training sentences' words (0: padding, 1: a word never seen in training), each
sentence left-padded to `window` ids (its last `window` words when longer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from ..errors import DataError
from .dataset import Dataset
from .registry import DATASETS, SeqInput, sequence_input

PAD, UNKNOWN = "", "<unk>"
SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}


@dataclass
class SeqSplit:
    X: torch.Tensor        # (n, window, 1) float32, or (n, window) int64 token ids
    y: torch.Tensor
    index: np.ndarray      # series: the target's position; tokens: the sentence's row


@dataclass
class SequencePrepared:
    dataset: Dataset
    train: SeqSplit
    val: SeqSplit
    test: SeqSplit
    feature_names: list[str]
    pipeline: list[dict]
    window: int
    input: SeqInput
    vocab: list[str] = field(default_factory=list)   # tokens: id -> word
    scaler: dict = field(default_factory=dict)      # series: {"how", "shift", "divide"} (x - shift) / divide
    y_mean: float = 0.0
    y_std: float = 1.0
    period: int = 1                                  # series: steps per season (12: monthly), seasonal naive's
    stratified: bool = False
    transformer: object | None = None
    image_shape = None

    @property
    def task(self) -> str:
        return self.dataset.task

    @property
    def is_tokens(self) -> bool:
        return self.input == SeqInput.TOKENS

    @property
    def n_features(self) -> int:
        """What one step carries: the vocabulary's size (embedded ids) or one number."""
        return len(self.vocab) if self.is_tokens else 1

    @property
    def n_outputs(self) -> int:
        return len(self.dataset.class_names) if self.task == "multiclass" else 1

    @property
    def class_names(self):
        return self.dataset.class_names

    def split(self, name: str) -> SeqSplit:
        return {"train": self.train, "val": self.val, "test": self.test}[name]

    def transform(self, X: pd.DataFrame) -> torch.Tensor:
        """Raw rows -> inputs: a `text` column, or one column per window step (t-12 ... t-1)."""
        if self.is_tokens:
            return encode_texts(X["text"], self.vocab, self.window)
        return scale_windows(X[self.feature_names].to_numpy(float), self.scaler)

    def words(self, split: str, i: int) -> list[str]:
        """The words under the columns of example i of a split (padding as '')."""
        if self.is_tokens:
            return [self.vocab[t] for t in self.split(split).X[i].tolist()]
        return [f"t-{self.window - k}" for k in range(self.window)]


def lag_names(window: int) -> list[str]:
    return [f"t-{window - k}" for k in range(window)]


def scale_windows(values: np.ndarray, scaler: dict) -> torch.Tensor:
    """(n, window) raw values -> (n, window, 1) float32 scaled as in training."""
    a = (np.asarray(values, float) - scaler["shift"]) / scaler["divide"]
    return torch.as_tensor(a[..., None], dtype=torch.float32)


def words_of(text) -> list[str]:
    """A sentence's words: split at spaces, punctuation a word of its own ("good." -> good .)."""
    return re.findall(r"\w+|[^\w\s]", str(text))


def encode_texts(texts, vocab: list[str], window: int) -> torch.Tensor:
    ids = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(texts), window), np.int64)
    for row, text in enumerate(texts):
        tokens = [ids.get(w, 1) for w in words_of(text)][-window:]
        if tokens:
            out[row, window - len(tokens):] = tokens
    return torch.as_tensor(out)


def _fit_scaler(how: str, values: np.ndarray) -> dict:
    """A scaler on one column as (x - shift) / divide."""
    if how == "none":
        return {"how": "none", "shift": 0.0, "divide": 1.0}
    s = SCALERS[how]().fit(values.reshape(-1, 1))
    if how == "minmax":   # x * scale_ + min_ = (x - (-min_ / scale_)) / (1 / scale_)
        return {"how": how, "shift": float(-s.min_[0] / s.scale_[0]), "divide": float(1 / s.scale_[0])}
    shift = s.mean_[0] if how == "standard" else s.center_[0]
    return {"how": how, "shift": float(shift), "divide": float(s.scale_[0])}


def time_split(n_targets: int, test_split: float, val_split: float) -> tuple[int, int]:
    """(train, val) counts of the first targets; the test takes the rest, the latest."""
    n_test = max(1, int(round(n_targets * test_split)))
    n_val = max(1, int(round((n_targets - n_test) * val_split)))
    return n_targets - n_test - n_val, n_val


def prepare_series(ds: Dataset, cfg) -> SequencePrepared:
    values = np.asarray(ds.X["value"], float)
    w = cfg.window
    n_targets = len(values) - w
    n_train, n_val = time_split(max(n_targets, 0), cfg.test_split, cfg.val_split)
    if n_train < 2:
        raise DataError("err.window_too_long", "window", window=w, n=len(values))
    pos = np.arange(w, len(values))                               # each target's position
    windows = np.lib.stride_tricks.sliding_window_view(values, w)[:n_targets]
    order = np.arange(n_targets)
    if not getattr(cfg, "time_split", True):   # the leak, on purpose: neighbours of test windows train
        order = np.random.RandomState(cfg.seed).permutation(n_targets)
    cuts = [np.sort(order[c]) for c in (slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, None))]
    # the scaler sees only the values the training windows and targets cover, each once (with
    # the time split: the first w + n_train values)
    seen = np.unique((pos[cuts[0]][:, None] - np.arange(w + 1)[None, :]).ravel())
    scaler = _fit_scaler(cfg.scaler, values[seen])
    X = scale_windows(windows, scaler)
    y = torch.as_tensor(values[pos], dtype=torch.float32)
    splits = [SeqSplit(X[c], y[c], pos[c]) for c in cuts]
    names = lag_names(w)
    pipeline = [{"column": "value", "kind": "numeric", "missing": 0, "outputs": names,
                 "steps": [{"op": "window", "size": w}, {"op": "scale", "how": cfg.scaler} if cfg.scaler != "none"
                           else {"op": "keep"}]}]
    prep = SequencePrepared(ds, *splits, feature_names=names, pipeline=pipeline, window=w,
                            input=SeqInput.SERIES, scaler=scaler)
    # targets scaled as the inputs are, so the network's answer can be a change from the last input
    prep.y_mean, prep.y_std = scaler["shift"], scaler["divide"]
    return prep


def build_vocab(texts) -> list[str]:
    """Padding, unknown, then the words by frequency (ties alphabetical): the same every time."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in words_of(text):
            counts[word] = counts.get(word, 0) + 1
    return [PAD, UNKNOWN, *sorted(counts, key=lambda w: (-counts[w], w))]


def prepare_tokens(ds: Dataset, cfg) -> SequencePrepared:
    idx = np.arange(ds.n_rows)
    strat = np.bincount(ds.y).min() >= 3
    try:
        rest, test = train_test_split(idx, test_size=cfg.test_split, random_state=cfg.seed,
                                      stratify=ds.y if strat else None)
        train, val = train_test_split(rest, test_size=cfg.val_split, random_state=cfg.seed,
                                      stratify=ds.y[rest] if strat else None)
    except ValueError as e:
        raise DataError("err.split_small", "val_split") from e
    texts = ds.X["text"].to_numpy()
    vocab = build_vocab(texts[train])
    y_all = torch.as_tensor(np.asarray(ds.y), dtype=torch.int64 if ds.task == "multiclass" else torch.float32)
    splits = [SeqSplit(encode_texts(texts[i], vocab, cfg.window), y_all[i], i) for i in (train, val, test)]
    pipeline = [{"column": "text", "kind": "text", "missing": 0, "outputs": ["text"],
                 "steps": [{"op": "tokens", "vocabulary": len(vocab), "length": cfg.window}]}]
    return SequencePrepared(ds, *splits, feature_names=["text"], pipeline=pipeline, window=cfg.window,
                            input=SeqInput.TOKENS, vocab=vocab, stratified=bool(strat))


def prepare_sequence(ds: Dataset, cfg) -> SequencePrepared:
    if sequence_input(cfg) == SeqInput.TOKENS:
        return prepare_tokens(ds, cfg)
    prep = prepare_series(ds, cfg)
    info = DATASETS.get(cfg.dataset)
    prep.period = info.period if info is not None else ds.period   # a CSV's: from its time step
    return prep


# --- raw rows and a saved model's preprocessing (nn.checkpoint) -----------------------------------

def raw_rows(prep: SequencePrepared, split: str) -> pd.DataFrame:
    """A split's examples as a user would give them: the window's raw values as columns
    t-12 ... t-1, or the sentence in a column `text`."""
    idx = prep.split(split).index
    if prep.is_tokens:
        return pd.DataFrame({"text": prep.dataset.X["text"].to_numpy()[idx]})
    values = np.asarray(prep.dataset.X["value"], float)
    windows = np.stack([values[i - prep.window:i] for i in idx]) if len(idx) else np.zeros((0, prep.window))
    return pd.DataFrame(windows, columns=prep.feature_names)


def sequence_record(prep: SequencePrepared) -> dict:
    """What transform does, as plain values (a model file stores it)."""
    if prep.is_tokens:   # a user's table keeps its own column's name for predict
        source = next((n["column"] for n in prep.dataset.notes if n.get("note") == "text_column"), "text")
        return {"kind": "tokens", "columns": [source], "vocab": list(prep.vocab), "window": prep.window}
    return {"kind": "series", "columns": list(prep.feature_names), "window": prep.window, **prep.scaler}


def encode_record(record: dict, df: pd.DataFrame) -> torch.Tensor:
    """Raw rows -> inputs from a sequence_record (the same numbers as transform)."""
    missing = [c for c in record["columns"] if c not in df.columns]
    if missing:
        raise DataError("err.predict_columns", "csv", missing=", ".join(missing), needed=", ".join(record["columns"]))
    if record["kind"] == "tokens":
        return encode_texts(df[record["columns"][0]].fillna(""), record["vocab"], record["window"])
    block = df[record["columns"]].apply(pd.to_numeric, errors="coerce")
    if block.isna().any().any():
        col = block.isna().any().idxmax()
        raise DataError("err.predict_not_number", "csv", column=col, value=str(df[col][block[col].isna()].iloc[0])[:40])
    return scale_windows(block.to_numpy(float), record)
