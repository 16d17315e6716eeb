"""The Trainer: epochs over in-memory tensors, reporting to callbacks.

Mini-batches are slices of a tensor shuffled once per epoch: no DataLoader (it
costs ~12% on small MLPs here, measured). Per-batch bookkeeping stays in tensors
so there is one host sync per epoch, not one per batch.
"""
from __future__ import annotations

import dataclasses
import math
import time

import torch

from ..config import RunConfig, check_labels, check_monitor
from ..data.loaders import load_for_config
from ..data.prepare import Prepared, prepare
from ..status import Status
from . import transfer
from .callbacks import Callback, DivergenceCheck, EarlyStopping, GradNorms, History
from .model import (
    SeededDropout,
    bare_optimizer_calls,
    build_model,
    loss_function,
    loss_name,
    loss_power,
    make_optimizer,
    predict_output,
    user_output,
)

# optimizer hyperparameters a running run can change, by config field
OPTIMIZER_KEYS = {"lr": "lr", "momentum": "momentum", "weight_decay": "weight_decay"}


def metric_name(task: str) -> str:
    return "mae" if task == "regression" else "accuracy"


class Trainer:
    def __init__(self, cfg: RunConfig, prepared: Prepared, callbacks: list[Callback] = (), model=None):
        self.cfg = cfg
        self.data = prepared
        self.task = prepared.task
        self.model = model if model is not None else build_model(cfg, prepared.n_features, prepared.n_outputs, prepared.image_shape)
        transfer.apply(self.model, cfg, prepared, fresh=model is None)   # config.transfer: pretrained weights
        self.loss_name = loss_name(self.task, cfg.loss)
        self.loss_fn = loss_function(self.task, cfg.loss)
        self.optimizer = make_optimizer(cfg, self.model.parameters())
        self.history = History()
        check_monitor(cfg.monitor, self.task)   # a CSV's task is known only now
        check_labels(cfg.labels, self.task)
        self.early_stopping = EarlyStopping(cfg.patience, cfg.restore_best, cfg.monitor, cfg.min_delta)
        self._grad_norms = GradNorms()
        # built-in observers first: a job's callback sees the epoch after their verdict
        self.callbacks = [self.history, self.early_stopping, DivergenceCheck(), self._grad_norms, *callbacks]
        self._backward_hooks = [cb for cb in self.callbacks
                                if type(cb).on_after_backward is not Callback.on_after_backward]
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.epoch = 0                      # epochs completed
        self.status = Status.READY
        self.stop_status: Status | None = None   # set by a callback to end the run after this epoch
        self.samples_seen = 0               # within the current epoch, for progress bars
        self._epoch_losses: list = []       # this epoch's batch losses so far (detached), for running_loss
        self.last_val_output = None         # probabilities / predictions on the val set
        self._stop = False
        self.waited = 0.0           # seconds the epoch under way waited for its turn (runs.scheduler)
        self._pending: dict | None = None   # settings changed mid-run, applied before the next batch
        self._l1_params = [p for p in self.model.parameters() if p.dim() > 1]   # weights, not biases / BN
        # Regression is trained on a standardized target; losses are reported in its units.
        self._y_scale = prepared.y_std if self.task == "regression" else 1.0
        self._loss_scale = self._y_scale ** loss_power(self.loss_name)
        self._y_train = self._target(prepared.train.y)
        self._y_val = self._target(prepared.val.y)

    def _target(self, y):
        """What the loss compares the outputs with: a standardized regression target; a class
        index, or its one-hot vector (config.labels; CrossEntropyLoss takes either: the same numbers)."""
        if self.task == "regression":
            return (y - self.data.y_mean) / self.data.y_std
        if self.task == "multiclass" and self.cfg.labels == "onehot":
            return torch.nn.functional.one_hot(y, self.data.n_outputs).float()
        return y

    # --- control -------------------------------------------------------------------------
    def request_stop(self) -> None:
        self._stop = True

    def change(self, **values) -> None:
        """Change settings a running run can take (config.LIVE_FIELDS): applied by the
        training thread before its next batch, at this one point. Any thread. The run's log
        of changes is its job's (runs/training.py), which validated them."""
        merged = dict(self._pending or {})
        merged.update(values)
        self._pending = merged          # one reference swap: the training thread takes it whole

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, None
        diff = {k: (getattr(self.cfg, k), v) for k, v in pending.items() if getattr(self.cfg, k) != v}
        if not diff:
            return
        self.cfg = dataclasses.replace(self.cfg, **{k: new for k, (_, new) in diff.items()})
        for group in self.optimizer.param_groups:
            for field, key in OPTIMIZER_KEYS.items():
                if field in diff and key in group:   # Adam has no momentum: nothing to set
                    group[key] = getattr(self.cfg, field)
        if "dropout" in diff:
            for m in self.model.modules():
                if isinstance(m, SeededDropout):
                    m.p = self.cfg.dropout
        self.early_stopping.patience = self.cfg.patience
        self.early_stopping.restore_best = self.cfg.restore_best
        self.early_stopping.min_delta = self.cfg.min_delta

    @property
    def finished(self) -> bool:
        return self.status.finished

    @property
    def best_epoch(self) -> int:
        return self.early_stopping.best_epoch

    @property
    def best_val_loss(self) -> float:
        return self.early_stopping.best_val_loss

    @property
    def weights_epoch(self) -> int:
        """The epoch whose weights the model holds: the best one once restored, else the last."""
        return self.best_epoch if self.early_stopping.restored else self.epoch

    @property
    def stopped_epoch(self) -> int:
        """The epoch early stopping fired at (0: it did not)."""
        return self.early_stopping.stopped_epoch

    @property
    def grad_norms(self) -> list[dict]:
        """Per epoch: {'epoch', layer name: gradient L2 norm on its first batch}."""
        return self._grad_norms.epochs

    # --- one epoch ----------------------------------------------------------------------------
    def _outputs(self, out):
        return out if self.task == "multiclass" else out[:, 0]   # (n, K) or (n,)

    def train_epoch(self) -> dict:
        self.samples_seen = 0                 # a change applied at the first batch is marked at this epoch's start
        model, opt, loss_fn = self.model, self.optimizer, self.loss_fn
        X, y = self.data.train.X, self._y_train
        n = len(X)
        if self.cfg.shuffle:
            perm = torch.randperm(n, generator=self.gen)
            X, y = X[perm], y[perm]
        model.train()
        # Detached per-batch losses and outputs, reduced once per epoch: a few tiny ops per
        # batch cost 1-3% of a small MLP's epoch (measured); a list append costs nothing.
        losses, outs = [], []
        self._epoch_losses = losses
        hooks = self._backward_hooks
        clear_grads, step = bare_optimizer_calls(opt)
        seen = batch = 0
        self.samples_seen = 0
        while seen < n:
            if self._stop:
                break
            if self._pending is not None:     # a setting changed mid-run: from this batch on
                self._apply_pending()
            cfg = self.cfg
            xb, yb = X[seen:seen + cfg.batch_size], y[seen:seen + cfg.batch_size]
            if len(xb) == 1 and cfg.batch_norm:   # BatchNorm cannot train on a single row
                break
            out = self._outputs(model(xb))
            loss = loss_fn(out, yb)
            clear_grads()
            # L1 joins the gradient, not the reported loss: train and val losses stay comparable
            (loss + cfg.l1 * sum(p.abs().sum() for p in self._l1_params) if cfg.l1 else loss).backward()
            for cb in hooks:
                cb.on_after_backward(self, batch)
            step()
            losses.append(loss.detach())
            outs.append(out.detach())
            seen += len(yb)
            batch += 1
            self.samples_seen = seen
        loss_sum = hits = 0.0
        if outs:   # the batches trained are contiguous slices: rows 0..seen of the shuffled y
            sizes = torch.tensor([len(o) for o in outs], dtype=torch.float64)
            loss_sum = float(torch.stack(losses).double() @ sizes)
            hits = float(self._hits(torch.cat(outs), y[:seen]))
        seen = max(seen, 1)
        logs = {"loss": loss_sum / seen * self._loss_scale}
        m = metric_name(self.task)
        logs[m] = float(hits) / seen * (self._y_scale if self.task == "regression" else 1.0)
        return logs

    def running_loss(self) -> float | None:
        """The current epoch's mean batch loss so far, in the target's units (None before its
        first batch): a curve point inside a long epoch. Call it from the training thread."""
        losses = list(self._epoch_losses)
        if not losses:
            return None
        return float(torch.stack(losses).mean()) * self._loss_scale

    def _hits(self, out, y):
        """Per-batch sum of correct predictions (classification) or absolute errors (regression)."""
        if self.task == "multiclass":
            return (out.argmax(1) == (y.argmax(1) if y.dim() == 2 else y)).sum()   # one-hot: its class
        if self.task == "binary":   # the rule metrics.predicted_labels applies: P(class 1) >= 0.5
            return ((torch.sigmoid(out) >= 0.5).float() == y).sum()
        return (out - y).abs().sum()

    @torch.no_grad()
    def evaluate(self, split: str = "val") -> dict:
        """Loss and metric on a split (eval mode, no grad), in the target's units."""
        s = self.data.split(split)
        if len(s.X) == 0:
            return {"loss": math.nan, metric_name(self.task): math.nan}
        self.model.eval()
        y = self._target(s.y)
        out = self._outputs(self.model(s.X))
        loss = float(self.loss_fn(out, y)) * self._loss_scale
        metric = float(self._hits(out, y)) / len(y) * (self._y_scale if self.task == "regression" else 1.0)
        if split == "val":   # what predict_output gives, from this forward pass (a second one cost ~2%)
            self.last_val_output = user_output(out, self.task, self.data.y_mean, self.data.y_std)
        return {"loss": loss, metric_name(self.task): metric}

    @torch.no_grad()
    def loss_on(self, split: str = "train", rows: int | None = None, constant: bool = False) -> float:
        """The loss on (the first `rows` of) a split, in the target's units: of the model as it
        is, or with `constant` of the best constant prediction learned from the training
        targets (the class prior, the target's mean or median): what a network that learned
        nothing from the features scores."""
        s = self.data.split(split)
        X, y = s.X[:rows], self._target(s.y)[:rows]
        if len(y) == 0:
            return math.nan
        if not constant:
            self.model.eval()
            return float(self.loss_fn(self._outputs(self.model(X)), y)) * self._loss_scale
        yt = self._y_train
        if self.task == "multiclass":
            yt = self.data.train.y                    # class indices, whatever the label format
            prior = torch.bincount(yt, minlength=self.data.n_outputs).double() / len(yt)
            out = prior.clamp_min(1e-12).log().float().expand(len(y), -1)
        elif self.task == "binary":
            p = yt.double().mean().clamp(1e-6, 1 - 1e-6)
            out = torch.full((len(y),), float(torch.log(p / (1 - p))))
        else:
            out = torch.full((len(y),), float(yt.mean() if self.loss_name == "mse" else yt.median()))
        return float(self.loss_fn(out, y)) * self._loss_scale

    # --- the loop -------------------------------------------------------------------------------
    def begin(self) -> None:
        if self.status == Status.READY:
            self.status = Status.RUNNING
            for cb in self.callbacks:
                cb.on_train_begin(self)

    def step_epoch(self) -> dict | None:
        """Run one epoch and its callbacks; returns its logs (None once finished)."""
        self.begin()
        if self.finished:
            return None
        if self._stop:
            return self.end(Status.STOPPED)
        epoch = self.epoch + 1
        for cb in self.callbacks:
            cb.on_epoch_begin(self, epoch)
        t0 = time.perf_counter()
        self.waited = 0.0
        train_logs = self.train_epoch()
        if self._stop:  # interrupted mid-epoch: do not log a partial epoch
            return self.end(Status.STOPPED)
        val = self.evaluate("val")
        logs = {"epoch": epoch, **train_logs, **{f"val_{k}": v for k, v in val.items()},
                "seconds": time.perf_counter() - t0 - self.waited}
        self.epoch = epoch
        for cb in self.callbacks:
            cb.on_epoch_end(self, epoch, logs)
        if self.stop_status:
            self.end(self.stop_status)
        elif self.cfg.epochs and epoch >= self.cfg.epochs:   # epochs 0: until paused or stopped
            self.end(Status.COMPLETED)
        return logs

    def end(self, status: Status):
        if not self.finished:
            self.status = status
            self.model.eval()
            for cb in self.callbacks:
                cb.on_train_end(self, status)
        return None

    def release(self) -> None:
        """Let go of what only training needs (optimizer state, gradients): a finished run's
        memory is its weights."""
        self.optimizer.state.clear()
        for p in self.model.parameters():
            p.grad = None
        self._epoch_losses = []

    def fit(self) -> History:
        while not self.finished:
            self.step_epoch()
        return self.history

    # --- results --------------------------------------------------------------------------------
    def predict(self, split: str = "test"):
        s = self.data.split(split)
        return predict_output(self.model, s.X, self.task, self.data.y_mean, self.data.y_std)


def train(cfg: RunConfig, prepared: Prepared | None = None, callbacks=()) -> Trainer:
    """Load, prepare, build and fit in one call (the CLI and tests use this)."""
    torch.set_num_threads(1)
    prepared = prepared or prepare(load_for_config(cfg), cfg)
    trainer = Trainer(cfg, prepared, list(callbacks))
    trainer.fit()
    return trainer
