"""What a recurrent network does while it reads, as plain arrays for figures/sequences.py:
for a few validation examples the words (or steps), the last layer's hidden state at every
step (units x steps), the answer after each step and the attention weights; for a series
the one-step forecast of every target, with where training, validation and test begin.
Called from the training thread as a probe (at most once a second), so it stays small."""
from __future__ import annotations

import numpy as np
import torch

from ..nn.model import user_output

EXAMPLES = 6            # validation examples a learner can pick from
NEGATIONS = ("not", "않")


def example_rows(prep, k: int = EXAMPLES) -> list[int]:
    """Which validation examples to show: for words, sentences with a negation first (the
    point of reading in order), then the others; for series the latest windows."""
    n = len(prep.val.y)
    if not prep.is_tokens:
        return list(range(max(n - k, 0), n))
    texts = prep.dataset.X["text"].to_numpy()[prep.val.index]
    first = [i for i in range(n) if any(w in str(texts[i]).split() for w in NEGATIONS)]
    rest = [i for i in range(n) if i not in set(first)]
    return (first[:k // 2] + rest)[:k] if first else rest[:k]


def _user(out: torch.Tensor, prep) -> np.ndarray:
    """(..., K) raw outputs -> P(class 1) (binary), class probabilities, or target values."""
    flat = out.reshape(-1, out.shape[-1])
    u = user_output(flat if prep.task == "multiclass" else flat[:, 0], prep.task, prep.y_mean, prep.y_std)
    return u.reshape(*out.shape[:-1], *([out.shape[-1]] if prep.task == "multiclass" else []))


def examples(model, prep, rows: list[int] | None = None) -> dict:
    rows = example_rows(prep) if rows is None else rows
    x = prep.val.X[rows]
    tr = model.trace(x)
    words = [prep.words("val", i) for i in rows]
    truth = prep.val.y[rows].numpy()
    read = None
    if not prep.is_tokens:     # a series: the values read, and the next one after each step
        raw = x[..., 0].double().numpy() * prep.scaler["divide"] + prep.scaler["shift"]
        read = np.concatenate([raw[:, 1:], truth[:, None]], axis=1)
    return {
        "rows": rows, "words": words, "task": prep.task, "class_names": prep.class_names,
        "layer": model.hidden_names[-1], "cell": model.cell,
        "states": tr["states"][-1].numpy(),                          # (k, T, units)
        "steps": _user(tr["steps"], prep),                           # (k, T) or (k, T, K)
        "output": _user(tr["output"], prep),                         # (k,) or (k, K)
        "attention": None if tr["attention"] is None else tr["attention"].numpy(),
        "gradients": step_gradients(model, prep, x, prep.val.y[rows]),
        "truth": truth, "next_values": read,
        "times": None if prep.is_tokens else prep.dataset.X["time"].to_numpy()[prep.val.index[rows]],
        "padding": (x == 0).numpy() if prep.is_tokens else np.zeros(x.shape[:2], bool),
    }


def step_gradients(model, prep, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """(k, T): the size of the loss's gradient with respect to each step's input (the word's
    embedding, the value read): how much the answer can still learn from that step. A plain
    RNN's fades going back in time (vanishing gradient); an LSTM / GRU keeps it."""
    with torch.enable_grad():
        inputs = (model.embed(x) if model.tokens else x).detach().requires_grad_(True)
        h = inputs
        for name in model.layer_names:
            h, _ = getattr(model, name)(h)
        pooled, _ = model.pool(h, x)
        out = model._from_last(model.output(pooled), x if model.tokens else inputs)
        if prep.task == "multiclass":
            loss = torch.nn.functional.cross_entropy(out, y.long(), reduction="sum")
        elif prep.task == "binary":
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out[:, 0], y.float(), reduction="sum")
        else:
            loss = (((out[:, 0] - (y - prep.y_mean) / prep.y_std)) ** 2).sum()
        (grad,) = torch.autograd.grad(loss, inputs)
    return grad.norm(dim=-1).numpy()


def rolled_forward(model, prep, split: str = "test") -> dict:
    """From the split's start on, the network's own forecasts fed back as its inputs: what it
    predicts k steps ahead knowing only the past (the one-step forecast reads the truth)."""
    s = prep.split(split)
    if not len(s.index):
        return {"time": np.zeros(0), "pred": np.zeros(0)}
    window = s.X[:1].clone()                                   # (1, window, 1): the true past
    preds = []
    with torch.no_grad():
        for _ in range(len(s.index)):
            out = model(window)                                # scaled like the inputs
            preds.append(float(out[0, 0]))
            window = torch.cat([window[:, 1:], out[:, None, :1]], dim=1)
    pred = np.asarray(preds) * prep.y_std + prep.y_mean
    return {"time": prep.dataset.X["time"].to_numpy()[s.index], "pred": pred}


def forecast(model, prep) -> dict:
    """One-step forecasts of every target (train, validation, test) against the series."""
    ds = prep.dataset
    # a shuffled split (time_split off) interleaves the splits in time: no regions, no roll forward
    shuffled = bool(len(prep.val.index) and len(prep.test.index) and prep.train.index.max() > prep.test.index.min())
    parts = {}
    for split in ("train", "val", "test"):
        s = prep.split(split)
        with torch.no_grad():
            out = model(s.X) if len(s.X) else torch.zeros((0, 1))
        parts[split] = {"time": ds.X["time"].to_numpy()[s.index], "pred": _user(out, prep)}
    return {"time": ds.X["time"].to_numpy(), "value": ds.X["value"].to_numpy(), "target": ds.target_name,
            "rolled": None if shuffled else rolled_forward(model, prep), "shuffled": shuffled,
            "parts": parts,
            "val_start": float(parts["val"]["time"][0]) if len(parts["val"]["time"]) and not shuffled else None,
            "test_start": float(parts["test"]["time"][0]) if len(parts["test"]["time"]) and not shuffled else None,
            "window": prep.window}


def record(model, prep) -> dict:
    """The lab's probe: the examples, and for a series its forecast."""
    out = {"examples": examples(model, prep)}
    if not prep.is_tokens:
        out["forecast"] = forecast(model, prep)
    return out
