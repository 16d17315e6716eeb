"""Reads the learning curves and names the case in plain words (an i18n key + values).

Rules follow what introductory courses teach for diagnosing learning curves:
diverged -> lower the learning rate; val_loss rising while loss falls -> overfitting;
jagged curves -> smaller learning rate / larger batch; still falling -> train longer.
"""
from __future__ import annotations

import numpy as np

MIN_EPOCHS = 5


def _trend(values: np.ndarray) -> float:
    """Relative change over the last third of the run (negative = falling)."""
    k = max(len(values) // 3, 2)
    tail = values[-k:]
    scale = max(abs(values).max(), 1e-12)
    return float(np.polyfit(np.arange(k), tail, 1)[0] * (k - 1) / scale)


def _jaggedness(values: np.ndarray) -> float:
    """Size of epoch-to-epoch wiggles relative to the curve's range, over the last half."""
    tail = values[len(values) // 2:]
    if len(tail) < 4:
        return 0.0
    d = np.diff(tail)
    flips = np.mean(np.sign(d[1:]) != np.sign(d[:-1]))
    rng = max(np.ptp(values), 1e-12)
    return float(flips * np.abs(d).mean() / rng)


def diagnose(history, status: str, task: str) -> tuple[str, dict]:
    """Return (case, values) where case is one of: waiting, diverged, too_early,
    overfitting, noisy, still_improving, underfitting, good, early_stopped."""
    if status == "diverged":
        return "diverged", {}
    if len(history) < MIN_EPOCHS:
        return ("too_early", {"n": MIN_EPOCHS}) if history else ("waiting", {})
    loss = np.array([h["loss"] for h in history], float)
    val = np.array([h["val_loss"] for h in history], float)
    best = int(val.argmin())
    rise = val[-1] - val[best]
    # relative to the best value AND to how far the curve has come: 0.0025 -> 0.0029 after
    # falling from 0.7 is a wiggle at the floor, not overfitting
    if best < len(val) - 3 and rise > 0.1 * abs(val[best]) and rise > 0.02 * np.ptp(val) and _trend(loss) < 0:
        return "overfitting", {"best": best + 1}
    if _jaggedness(val) > 0.08 or _jaggedness(loss) > 0.08:
        return "noisy", {}
    if status == "early_stopped":
        return "early_stopped", {"best": best + 1}
    if _trend(val) < -0.05:
        return "still_improving", {}
    metric = "val_accuracy" if task != "regression" else None
    if metric and history[-1][metric] < 0.7 and _trend(loss) > -0.01:
        return "underfitting", {"acc": f"{history[-1][metric]:.0%}"}
    return "good", {}
