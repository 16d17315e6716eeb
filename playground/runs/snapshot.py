"""The run record: one immutable Snapshot a run publishes at every epoch and change of
status (its weights included), and the two rules every run handle shares: how a mid-run
change is checked, and how a record's weights become a network again."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from ..config import LIVE_FIELDS, RunConfig
from ..data.prepare import Prepared
from ..nn.model import copy_model
from ..status import Status, StatusView


@dataclass(frozen=True)
class Snapshot(StatusView):
    status: Status
    epoch: int                 # epochs completed; always == len(history)
    epochs: int
    history: tuple             # of per-epoch dicts (never mutated after append)
    best_epoch: int = 0
    stopped_epoch: int = 0
    samples_per_sec: float = 0.0
    eta_seconds: float | None = None
    sharing: int = 0           # runs training or waiting for their turn on this server (this one too)
    next_point_s: float | None = None    # expected seconds to its next curve point (turns included)
    queue_position: int = 0    # on a full Ray cluster: its place in Ray's line (1-based; 0: not in it)
    epoch_fraction: float = 0.0  # progress inside the running epoch
    error: str | None = None
    probes: dict = field(default_factory=dict)   # name -> (epoch, value)
    val_output: Any = None     # probabilities / predictions on the val set, at `epoch`
    elapsed: float = 0.0
    grad_norms: tuple = ()     # per epoch: {'epoch', layer: norm}
    weights_epoch: int = 0     # the epoch whose weights model_copy() holds (the best one once restored)
    loss_name: str = ""        # bce | ce | mse | mae | huber
    chance: float | None = None          # the majority class's share of the validation set
    baseline_loss: float | None = None   # a linear / logistic model's validation loss (for the coach)
    constant_loss: float | None = None   # always predicting the prior / the mean, on validation
    partial: tuple | None = None         # (epoch + fraction, training loss so far) inside a long epoch
    stop_reason: str | None = None       # why a stopped run stopped when not by its user: budget | idle
    changes: tuple = ()        # settings changed mid-run: {'epoch': float, 'changes': {field: (old, new)}}
    speed: float | None = None           # at most this many epochs per second (None: as fast as it can)
    version: int = 0           # one more for every record the run publishes
    weights_version: int = 0   # one more whenever `state` changes (Ray ships weights only then)
    state: Any = field(default=None, repr=False, compare=False)   # the weights of `weights_epoch`, now

    @property
    def endless(self) -> bool:
        return self.epochs == 0

    @property
    def has_point(self) -> bool:
        """Its curve has a point: an epoch's, or a long first epoch's partial one."""
        return bool(self.history) or self.partial is not None

    @property
    def restored(self) -> bool:
        """A finished run that holds an earlier epoch's weights (restore-best) than its last."""
        return self.finished and 0 < self.weights_epoch < len(self.history)

    @property
    def kept_scores(self) -> dict:
        """The history row of the weights the run holds: the restored best epoch's once
        restored, else the last epoch's ({} before the first epoch)."""
        if not self.history:
            return {}
        return self.history[self.weights_epoch - 1] if self.restored else self.history[-1]




def validate_change(cfg: RunConfig, values: dict) -> tuple[RunConfig, dict]:
    """A mid-run change checked against a run's config: (the new config, {field: (old, new)}
    for the fields that really change). Fields a running run cannot take (config.LIVE_FIELDS)
    raise ValueError; an invalid value raises ConfigError and changes nothing. Every run
    handle, in process or on Ray, checks changes here."""
    wrong = set(values) - set(LIVE_FIELDS)
    if wrong:
        raise ValueError(f"not changeable mid-run: {sorted(wrong)}")
    new = cfg.replace(**values)
    return new, {k: (getattr(cfg, k), getattr(new, k)) for k in values if getattr(cfg, k) != getattr(new, k)}


def model_from(record: Snapshot, cfg: RunConfig, prepared: Prepared) -> torch.nn.Module | None:
    """A fresh eval-mode network with the weights a record carries (None before the model exists)."""
    if record.state is None:
        return None
    p = prepared
    return copy_model(None, cfg, p.n_features, p.n_outputs, p.image_shape, state=record.state)
