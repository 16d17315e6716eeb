"""How long a run will take, estimated before it starts, and the limits a shared server
sets (a teacher can change them: PLAYGROUND_MAX_RUN_SECONDS, PLAYGROUND_MAX_STEP_SECONDS).

The estimate counts the real module's parameters and multiply-adds (built on the `meta`
device, nothing allocated) and prices them with constants measured on this 2-core
machine, one torch thread: per step a fixed overhead plus the weights' memory traffic
(forward, backward, optimizer), per sample the multiply-adds (convolutions cost more per
multiply-add than dense layers). Measured against real steps it errs on the slow side by
up to ~3x for small dense nets and is within ~30% for the large ones it exists to stop
(an MLP 784-4096x3-10: 0.30 s per step at batch 1 estimated, 0.28-0.33 s measured).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
from torch import nn

from ..config import RunConfig
from ..errors import ConfigError
from ..nn.model import assemble

STEP_OVERHEAD_S = 5e-4      # autograd + optimizer bookkeeping of one step
PARAM_S = 8e-9              # per parameter per step: read, gradient, optimizer state
DENSE_MAC_S = 0.25e-9       # per multiply-add per sample, dense layers (forward + backward)
CONV_MAC_S = 1.0e-9         # per multiply-add per sample, convolutions


@dataclass(frozen=True)
class Limits:
    run_seconds: float = 900.0     # the whole run's training time
    step_seconds: float = 2.0      # one mini-batch: progress must keep moving

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(float(os.environ.get("PLAYGROUND_MAX_RUN_SECONDS", cls.run_seconds)),
                   float(os.environ.get("PLAYGROUND_MAX_STEP_SECONDS", cls.step_seconds)))


@dataclass(frozen=True)
class Estimate:
    params: int
    step_seconds: float
    steps_per_epoch: int
    epoch_seconds: float
    run_seconds: float


def _macs(cfg: RunConfig, n_features: int, n_outputs: int, image_shape) -> tuple[int, int, int]:
    """(parameters, dense multiply-adds, conv multiply-adds) per sample, from the real module."""
    with torch.device("meta"):
        net = assemble(cfg, n_features, n_outputs, image_shape)
    params = sum(p.numel() for p in net.parameters())
    dense = sum(m.in_features * m.out_features for m in net.modules() if isinstance(m, nn.Linear))
    # a recurrent layer multiplies all its weights at every step of the window
    dense += sum(p.numel() * cfg.window for m in net.modules() if isinstance(m, nn.RNNBase) for p in m.parameters())
    conv, size = 0, image_shape
    for m in net.modules():
        if isinstance(m, nn.Conv2d):      # 'same' padding, then a 2x2 max-pool halves the size
            conv += size[0] * size[1] * m.in_channels * m.out_channels * m.kernel_size[0] * m.kernel_size[1]
            size = (size[0] // 2, size[1] // 2)
    return params, dense, conv


def estimate(cfg: RunConfig, n_train: int, n_features: int, n_outputs: int, image_shape=None) -> Estimate:
    params, dense, conv = _macs(cfg, n_features, n_outputs, image_shape)
    batch = min(cfg.batch_size, max(n_train, 1))
    step = STEP_OVERHEAD_S + PARAM_S * params + batch * (DENSE_MAC_S * dense + CONV_MAC_S * conv)
    steps = -(-n_train // batch)
    return Estimate(params, step, steps, step * steps, step * steps * cfg.epochs)


def check(cfg: RunConfig, prepared, limits: Limits | None = None, trainings: int = 1) -> Estimate:
    """Refuse, before it starts, a run a shared server cannot afford, saying what to change.
    `trainings`: how many times it trains (the folds of a cross-validation)."""
    limits = limits or Limits.from_env()
    one = estimate(cfg, len(prepared.train.y), prepared.n_features, prepared.n_outputs, prepared.image_shape)
    est = Estimate(one.params, one.step_seconds, one.steps_per_epoch, one.epoch_seconds * trainings,
                   one.run_seconds * trainings)
    if est.step_seconds > limits.step_seconds:
        raise ConfigError("err.budget_step", "hidden", step=_seconds(est.step_seconds),
                          max=_seconds(limits.step_seconds), params=f"{est.params:,}")
    if est.epoch_seconds > limits.run_seconds:
        raise ConfigError("err.budget_epoch", "batch_size", epoch=_seconds(est.epoch_seconds),
                          max=_seconds(limits.run_seconds))
    if est.run_seconds > limits.run_seconds:
        raise ConfigError("err.budget_run", "epochs", total=_seconds(est.run_seconds),
                          epoch=_seconds(est.epoch_seconds), max=_seconds(limits.run_seconds),
                          epochs=max(1, int(limits.run_seconds // max(est.epoch_seconds, 1e-9))))
    return est


def _seconds(s: float) -> str:
    if s < 90:
        return f"{s:.1f} s" if s < 10 else f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.0f} days"
