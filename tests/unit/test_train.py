"""train.py: determinism, learning, early stopping, divergence, units, callbacks."""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch
from unit_helpers import prepared_for, without_seconds

from playground.analysis import metrics
from playground.config import make_config
from playground.nn.callbacks import Callback, ProgressLog
from playground.nn.model import bare_optimizer_calls
from playground.nn.train import Trainer, train
from playground.status import FINISHED, Status


def fit(**values) -> Trainer:
    cfg, p = prepared_for(**values)
    trainer = Trainer(cfg, p)
    trainer.fit()
    return trainer


def accuracy(trainer: Trainer, split: str = "test") -> float:
    p = trainer.data
    y = p.split(split).y.numpy()
    return metrics.evaluate(p.task, y, trainer.predict(split), p.class_names)["accuracy"]


@pytest.mark.parametrize("values", [
    dict(dataset="moons", hidden="8,8", dropout=0.3, shuffle=True, epochs=4),
    dict(dataset="iris", hidden="8", batch_norm=True, optimizer="sgd", lr=0.1, epochs=4),
    dict(dataset="plane", hidden="4", optimizer="rmsprop", epochs=3),
])
def test_same_seed_same_history(values):
    a, b = fit(**values), fit(**values)
    assert without_seconds(a.history.epochs) == without_seconds(b.history.epochs)
    assert all(torch.equal(x, y) for x, y in zip(a.model.state_dict().values(), b.model.state_dict().values()))
    c = fit(**values, seed=1)
    assert without_seconds(a.history.epochs) != without_seconds(c.history.epochs)


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_the_bare_optimizer_calls_train_as_torchs_own_and_a_step_hook_still_fires(optimizer):
    """The Trainer steps without torch's per-call wrapper (model.bare_optimizer_calls): the
    same weights as opt.zero_grad / opt.step, which a step hook on the optimizer brings back."""
    values = dict(dataset="moons", hidden="8,8", optimizer=optimizer, epochs=3, shuffle=True)
    bare = fit(**values)
    cfg, p = prepared_for(**values)
    hooked, steps = Trainer(cfg, p), []
    hooked.optimizer.register_step_pre_hook(lambda opt, args, kwargs: steps.append(1))
    hooked.fit()
    assert len(steps) == 3 * math.ceil(len(p.train.y) / cfg.batch_size)    # every batch went through opt.step
    assert without_seconds(bare.history.epochs) == without_seconds(hooked.history.epochs)
    assert all(torch.equal(x, y) for x, y in zip(bare.model.state_dict().values(), hooked.model.state_dict().values()))
    # and the bare run took the bare calls: torch's wrapped step only where a hook asks for it
    assert bare_optimizer_calls(bare.optimizer)[1] != bare.optimizer.step
    assert bare_optimizer_calls(hooked.optimizer)[1] == hooked.optimizer.step


def test_shuffle_changes_the_run():
    a = fit(dataset="moons", epochs=3, shuffle=True)
    b = fit(dataset="moons", epochs=3, shuffle=False)
    assert without_seconds(a.history.epochs) != without_seconds(b.history.epochs)


def test_hidden_layer_is_needed_for_the_circle():
    linear = fit(dataset="circle", hidden="")
    deep = fit(dataset="circle", hidden="8", activation="relu")
    # the line learns nothing the class prior does not know: the run says so (issue 24)
    assert linear.status == "at_chance" and deep.status == "completed" and deep.epoch == deep.cfg.epochs
    assert accuracy(linear) < 0.7          # a line cannot separate a disc from a ring
    assert accuracy(deep) >= 0.95


def test_history_keys_are_keras_style():
    cls = fit(dataset="moons", epochs=2)
    reg = fit(dataset="plane", epochs=2)
    assert set(cls.history.epochs[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"}
    assert set(reg.history.epochs[0]) == {"epoch", "loss", "mae", "val_loss", "val_mae", "seconds"}
    assert [e["epoch"] for e in cls.history.epochs] == [1, 2]
    assert cls.history.series("val_loss") == [e["val_loss"] for e in cls.history.epochs]
    for e in cls.history.epochs + reg.history.epochs:
        assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in e.values())
    assert all(0 <= e["accuracy"] <= 1 and 0 <= e["val_accuracy"] <= 1 for e in cls.history.epochs)


def test_val_metrics_match_sklearn_on_the_predictions():
    t = fit(dataset="breast-cancer", hidden="8", epochs=5)
    last = t.history.epochs[-1]
    assert last["val_accuracy"] == pytest.approx(accuracy(t, "val"), abs=1e-9)
    assert np.array_equal(t.last_val_output, t.predict("val"))


def test_regression_is_reported_in_target_units():
    t = fit(dataset="auto-mpg", hidden="16", epochs=50)
    last = t.history.epochs[-1]
    p = t.data
    assert p.y_std > 5                       # mpg: so standardized units would look very different
    m = metrics.regression(p.val.y.numpy(), t.predict("val"))
    assert last["val_mae"] == pytest.approx(m["mae"], rel=1e-4)
    assert last["val_loss"] == pytest.approx(m["mse"], rel=1e-3)
    assert last["val_mae"] < 5 and last["mae"] < 5
    test = metrics.regression(p.test.y.numpy(), t.predict("test"))
    assert test["mae"] < 5 and test["r2"] > 0.6


def test_early_stopping_restores_the_best_weights():
    t = fit(dataset="moons", n_samples=100, hidden="64,64", lr=0.05, patience=5, epochs=300)
    assert t.status == "early_stopped"
    assert t.epoch < 300 and t.stopped_epoch == t.epoch == len(t.history.epochs)
    assert t.best_epoch == t.epoch - 5
    # the live views' validation outputs describe the restored model, not the last epoch's
    np.testing.assert_allclose(t.last_val_output, t.predict("val"), atol=1e-6)
    best = t.history.epochs[t.best_epoch - 1]
    assert best["val_loss"] == min(t.history.series("val_loss")) == t.best_val_loss
    assert t.evaluate("val")["loss"] == pytest.approx(best["val_loss"], abs=1e-5)
    assert t.evaluate("val")["loss"] != pytest.approx(t.history.epochs[-1]["val_loss"], abs=1e-5)


def test_early_stopping_without_restore_keeps_the_last_weights():
    t = fit(dataset="moons", n_samples=100, hidden="64,64", lr=0.05, patience=5, epochs=300, restore_best=False)
    assert t.status == "early_stopped"
    assert t.evaluate("val")["loss"] == pytest.approx(t.history.epochs[-1]["val_loss"], abs=1e-5)


def test_best_epoch_is_tracked_without_early_stopping():
    t = fit(dataset="moons", n_samples=100, hidden="64,64", lr=0.05, epochs=30)
    assert t.status == "completed" and t.epoch == 30
    assert t.history.series("val_loss")[t.best_epoch - 1] == min(t.history.series("val_loss"))


@pytest.mark.parametrize("values", [
    dict(dataset="plane", optimizer="sgd", lr=10.0),
    dict(dataset="breast-cancer", optimizer="sgd", lr=10.0, hidden="64,64"),
    dict(dataset="iris", optimizer="sgd", lr=10.0, hidden="8,8"),
])
def test_huge_learning_rate_diverges_without_an_exception(values):
    t = fit(**values)
    assert t.status == "diverged" and t.epoch < 50
    assert t.finished and t.step_epoch() is None


def test_callbacks_see_every_event_with_plain_numbers():
    events = []

    class Spy(Callback):
        def on_train_begin(self, trainer):
            events.append("begin")

        def on_epoch_begin(self, trainer, epoch):
            events.append(("epoch_begin", epoch))

        def on_epoch_end(self, trainer, epoch, logs):
            assert all(type(v) in (int, float) for v in logs.values())
            events.append(("epoch_end", epoch))

        def on_train_end(self, trainer, status):
            events.append(("end", status))

    cfg, p = prepared_for(dataset="xor", epochs=2)
    Trainer(cfg, p, [Spy()]).fit()
    assert events == ["begin", ("epoch_begin", 1), ("epoch_end", 1), ("epoch_begin", 2), ("epoch_end", 2),
                      ("end", "completed")]


def test_request_stop_ends_between_epochs_without_a_partial_epoch():
    class StopAt(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            if epoch == 3:
                trainer.request_stop()

    cfg, p = prepared_for(dataset="xor", epochs=50)
    t = Trainer(cfg, p, [StopAt()])
    t.fit()
    assert t.status == "stopped" and t.epoch == 3 and len(t.history.epochs) == 3


def test_request_stop_mid_epoch_logs_nothing_for_it():
    cfg, p = prepared_for(dataset="xor", epochs=50, batch_size=1)
    t = Trainer(cfg, p)
    t.step_epoch()

    class Stopper(torch.nn.Module):           # asks to stop from inside the batch loop
        def __init__(self, inner):
            super().__init__()
            self.inner, self.calls = inner, 0

        def forward(self, x):
            self.calls += 1
            if self.calls == 5:
                t.request_stop()
            return self.inner(x)

    t.model = Stopper(t.model)
    t.step_epoch()
    assert t.status == "stopped" and t.epoch == 1 and len(t.history.epochs) == 1


def test_step_epoch_runs_one_epoch_at_a_time():
    cfg, p = prepared_for(dataset="xor", epochs=2)
    t = Trainer(cfg, p)
    assert t.status == "ready"
    logs = t.step_epoch()
    assert logs["epoch"] == 1 and t.epoch == 1 and t.status == "running"
    t.step_epoch()
    assert t.status == "completed" and t.step_epoch() is None and t.epoch == 2


def test_batch_norm_with_a_single_row_last_batch():
    cfg, p = prepared_for(dataset="circle", batch_norm=True, epochs=2)
    n = len(p.train.X)
    t = Trainer(cfg.replace(batch_size=n - 1), p)     # last batch: one row
    t.fit()
    assert t.status == "completed"


def test_train_helper_and_progress_log():
    out = io.StringIO()
    t = train(make_config(dataset="gauss", epochs=3, n_samples=100), callbacks=[ProgressLog(out)])
    assert t.status in FINISHED - {Status.ERROR} and torch.get_num_threads() == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 4 and lines[0].startswith("Epoch 1/3") and "val_loss" in lines[0]
    assert lines[-1].startswith("completed after 3 epochs")
