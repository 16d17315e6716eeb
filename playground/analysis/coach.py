"""Reads the learning curves and names the case in plain words (an i18n key + values).

Rules follow what introductory courses teach for diagnosing learning curves, checked in
this order: diverged; an exploding first epoch, chance-level accuracy or a wildly
oscillating loss -> a learning rate too high; a loss creeping down in a straight line,
far from where it can go -> a learning rate too small; val_loss rising while loss falls ->
overfitting; mildly jagged curves -> smaller learning rate / larger batch; still falling ->
train longer; flat above what a linear model reaches -> underfitting.
"""
from __future__ import annotations

import numpy as np

from ..nn.callbacks import CHANCE_MARGIN   # one margin for "at chance": the coach and divergence
from ..status import Status

MIN_EPOCHS = 5
EXPLODED_START = 5.0     # first epoch's loss this many times a constant predictor's
LEARNABLE = 0.9          # a linear model's loss below this share of the constant's: there is signal
JAGGED = 0.08            # epoch-to-epoch wiggles, relative to the curve's range...
NOISY_JUMP = 0.02        # ... and a typical jump at least this share of the loss itself
WILD_JUMP = 0.25         # a typical epoch-to-epoch jump this share of the loss: oscillating
PLATEAU = -0.01          # relative fall over the last third of the run, at most
ABOVE_BASELINE = 1.05    # best val_loss this far above the linear model's
LOST_MARGIN = 0.1        # val accuracy once this far above chance, now at chance: knocked off by big steps
STEADY = 0.9             # too small a learning rate: loss and val_loss fall in at least this share of epochs,
SLOW_PACE = 0.005        # ... by less than this share of the loss per epoch (over the last third),
SLOW_PROGRESS = 0.5      # ... having come less than this part of the way to the floor,
SLOW_BEND = 0.3          # ... and not levelling off: the last third falls at least this share of the first's


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


def _jump(values: np.ndarray) -> float:
    """A typical epoch-to-epoch change over the last half, as a share of the loss itself."""
    tail = values[len(values) // 2:]
    return float(np.median(np.abs(np.diff(tail))) / max(np.median(np.abs(tail)), 1e-12)) if len(tail) > 1 else 0.0


def _ratio(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def _steady(loss: np.ndarray, val: np.ndarray) -> bool:
    """Both curves fall epoch after epoch (a learning rate too high wiggles instead)."""
    return bool(np.mean(np.r_[np.diff(loss) < 0, np.diff(val) < 0]) >= STEADY)


def _too_slow(loss: np.ndarray, val: np.ndarray, floor: float) -> bool:
    """A learning rate too small: both curves fall steadily, each step a sliver of the loss,
    in a near-straight line (not levelling off at a plateau), still far from the floor (a
    linear model's loss where it learns, else 0). A healthy start falls faster; a plateau
    bends; a loss stuck by too big a learning rate wiggles instead of falling."""
    k = max(len(loss) // 3, 1)
    first, last = loss[0] - loss[k], loss[-1 - k] - loss[-1]
    pace = last / k / max(abs(loss[-1]), 1e-12)
    progress = (loss[0] - loss[-1]) / max(loss[0] - floor, 1e-12)
    return bool(_steady(loss, val) and first > 0 and last >= SLOW_BEND * first and pace < SLOW_PACE
                and progress < SLOW_PROGRESS)


def diagnose(history, status: str, task: str, chance: float | None = None, baseline_loss: float | None = None,
             constant_loss: float | None = None) -> tuple[str, dict]:
    """Return (case, values) where case is one of: waiting, diverged, exploded_start,
    too_early, too_slow, chance, oscillating, overfitting, noisy, at_chance, early_stopped, still_improving,
    underfitting_baseline, underfitting, good. On the validation set: `chance`, the majority
    class's share; `baseline_loss`, a linear / logistic model's loss on the same split;
    `constant_loss`, the loss of always predicting the class prior / the mean."""
    if status == Status.DIVERGED:
        return "diverged", {}
    if not history:
        return "waiting", {}
    loss = np.array([h["loss"] for h in history], float)
    val = np.array([h["val_loss"] for h in history], float)
    if constant_loss and len(loss) > 1 and loss[0] > EXPLODED_START * constant_loss:
        # the message's number: the first epoch's loss over the best later one, as the curve shows
        return "exploded_start", {"x": _ratio(loss[0] / loss[1:].min())}
    if len(history) < MIN_EPOCHS:
        return "too_early", {"n": MIN_EPOCHS}
    learnable = baseline_loss is None or not constant_loss or baseline_loss < LEARNABLE * constant_loss
    floor = baseline_loss if baseline_loss is not None and constant_loss and learnable else 0.0
    if _too_slow(loss, val, floor):
        return "too_slow", {"n": len(loss), "first": f"{loss[0]:.4g}", "last": f"{loss[-1]:.4g}"}
    if task != "regression" and chance is not None:
        accuracy = [h["val_accuracy"] for h in history]
        # a linear model learns here (or the network did, earlier), the network now nothing, and
        # its loss is not on its way down (a steady fall reaches better than chance in time)
        if (max(accuracy[-3:]) <= chance + CHANCE_MARGIN and (learnable or max(accuracy) > chance + LOST_MARGIN)
                and not _steady(loss, val)):
            return "chance", {"acc": f"{accuracy[-1]:.0%}", "chance": f"{chance:.0%}"}
    jagged = max(_jaggedness(val), _jaggedness(loss))
    jump = max(_jump(loss), _jump(val))
    if jagged > JAGGED and jump > WILD_JUMP:
        return "oscillating", {}
    best = int(val.argmin())
    rise = val[-1] - val[best]
    # relative to the best value AND to how far the curve has come: 0.0025 -> 0.0029 after
    # falling from 0.7 is a wiggle at the floor, not overfitting; and only while loss falls,
    # below where it was at the best epoch (a loss knocked back up by big steps is no overfit)
    if (best < len(val) - 3 and rise > 0.1 * abs(val[best]) and rise > 0.02 * np.ptp(val) and _trend(loss) < 0
            and loss[-1] < loss[best]):
        return "overfitting", {"best": best + 1}
    if jagged > JAGGED and jump > NOISY_JUMP:
        return "noisy", {}
    if status == Status.AT_CHANCE:        # the run's own verdict: never "good" or "train longer"
        return "at_chance", {}
    if status == Status.EARLY_STOPPED:
        return "early_stopped", {"best": best + 1}
    if _trend(val) < -0.05:
        return "still_improving", {}
    flat = _trend(loss) > PLATEAU and _trend(val) > PLATEAU
    if flat and baseline_loss is not None and val.min() > ABOVE_BASELINE * baseline_loss:
        return "underfitting_baseline", {"loss": f"{val.min():.4g}", "base": f"{baseline_loss:.4g}"}
    if flat and task != "regression" and history[-1]["val_accuracy"] < 0.7:
        return "underfitting", {"acc": f"{history[-1]['val_accuracy']:.0%}"}
    return "good", {}
