"""Early stopping watches what the run chooses (Keras' monitor, min_delta, patience): on
synthetic histories each epoch count is known by hand; the option is one field (CLI, URL,
validation against the task); the exported PyTorch script stops at the app's very epoch and
the Keras script passes the same monitor, mode and min_delta to keras.callbacks.EarlyStopping."""
from __future__ import annotations

import atexit
import importlib.util
import json
import shutil
import tempfile
from pathlib import Path

import pytest
import torch
from export_helpers import our_test_metrics
from unit_helpers import register, result

from playground import cli
from playground.config import from_query, make_config, to_query
from playground.errors import ConfigError
from playground.export import script_text
from playground.nn.callbacks import EarlyStopping
from playground.nn.train import train
from playground.status import Status

HAS_KERAS = importlib.util.find_spec("keras") is not None


class FakeTrainer:
    def __init__(self):
        self.model = torch.nn.Linear(1, 1)
        self.stop_status = None

    def evaluate(self, split):
        pass


def stopped_at(stopper: EarlyStopping, history: list[dict]) -> int | None:
    """The epoch the callback ends the run at (None: it runs to the end)."""
    trainer = FakeTrainer()
    for epoch, logs in enumerate(history, 1):
        stopper.on_epoch_end(trainer, epoch, logs)
        if trainer.stop_status == Status.EARLY_STOPPED:
            return epoch
    return None


# val_loss falls every epoch; val_accuracy rises until epoch 4, then stays at 0.9
HISTORY = [{"val_loss": 1.0 - 0.05 * e, "val_accuracy": acc}
           for e, acc in enumerate([0.6, 0.7, 0.8, 0.9] + [0.9] * 16)]


def test_val_loss_still_falling_never_stops():
    stopper = EarlyStopping(patience=3, monitor="val_loss")
    assert stopped_at(stopper, HISTORY) is None
    assert stopper.best_epoch == 20


def test_val_accuracy_stalled_stops_patience_epochs_after_its_best():
    stopper = EarlyStopping(patience=3, monitor="val_accuracy")   # higher is better: mode max
    assert stopped_at(stopper, HISTORY) == 4 + 3
    assert (stopper.best_epoch, stopper.best) == (4, pytest.approx(0.9))
    assert stopper.best_val_loss == pytest.approx(HISTORY[3]["val_loss"])


def test_min_delta_small_gains_do_not_count():
    """val_mae falls by 0.02 an epoch after a first big step: with min_delta 0.05 only the
    first two epochs improve (the next is measured against the best, 2.0, as Keras does: 1.94
    would count, but patience 2 ends the run at 1.96); with 0.01 every epoch does."""
    history = [{"val_loss": 9.0, "val_mae": v} for v in [3.0, 2.0] + [2.0 - 0.02 * i for i in range(1, 15)]]
    assert stopped_at(EarlyStopping(patience=2, monitor="val_mae", min_delta=0.05), history) == 2 + 2
    assert stopped_at(EarlyStopping(patience=2, monitor="val_mae", min_delta=0.01), history) is None
    # max mode: accuracy gaining 0.01 an epoch counts with min_delta 0.005, not with 0.02
    acc = [{"val_loss": 1.0, "val_accuracy": 0.5 + 0.01 * i} for i in range(10)]
    assert stopped_at(EarlyStopping(patience=2, monitor="val_accuracy", min_delta=0.005), acc) is None
    assert stopped_at(EarlyStopping(patience=2, monitor="val_accuracy", min_delta=0.02), acc) == 1 + 2


def test_the_monitor_is_one_option_checked_against_the_task():
    cfg = make_config(dataset="iris", monitor="val_accuracy", min_delta="0.01", patience=4)
    assert from_query(to_query(cfg))[0] == cfg
    assert to_query(cfg)["monitor"] == "val_accuracy"
    for values, other in ((dict(dataset="auto-mpg", monitor="val_accuracy"), "val_mae"),
                          (dict(dataset="iris", monitor="val_mae"), "val_accuracy")):
        with pytest.raises(ConfigError) as e:
            make_config(**values)
        assert e.value.field == "monitor" and other in e.value.text("en") and other in e.value.text("ko")
    with pytest.raises(ConfigError):
        make_config(dataset="iris", monitor="accuracy")
    args = cli.build_parser().parse_args(["train", "--dataset", "iris", "--monitor", "val_accuracy",
                                          "--min-delta", "0.02"])
    assert (args.monitor, args.min_delta) == ("val_accuracy", "0.02")


RUNS = {   # name: config; each stops early, at another epoch than with val_loss
    "circle_acc": dict(dataset="circle", hidden="6,4", lr=0.05, epochs=60, patience=5, batch_size=16,
                       monitor="val_accuracy"),
    "mpg_mae_delta": dict(dataset="auto-mpg", epochs=80, lr=0.001, patience=3, monitor="val_mae", min_delta=0.1),
}


FOLDER = Path(tempfile.mkdtemp(prefix="playground-monitor-"))
atexit.register(shutil.rmtree, FOLDER, True)
for _name, _values in RUNS.items():     # run in the background, in unit_helpers' batches
    (FOLDER / f"{_name}.py").write_text(script_text(make_config(**_values)), encoding="utf-8")
    register(f"monitor:{_name}", [str(FOLDER / f"{_name}.py")], batch="pytorch")
if HAS_KERAS:
    (FOLDER / "k.py").write_text(script_text(make_config(**RUNS["mpg_mae_delta"]), "keras"), encoding="utf-8")
    register("monitor:keras", [str(FOLDER / "k.py")], batch="keras")


def _script(name: str) -> dict:
    rc, out, err = result(name)
    assert rc == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.late
def test_the_script_stops_at_the_apps_epoch():
    """circle on val_accuracy: 9 epochs, the 4th's weights (val_loss: 20); auto-mpg on val_mae
    with min_delta 0.1: 11 epochs, the 8th's (min_delta 0: 17) — measured, in both."""
    ours = {name: our_test_metrics(values) for name, values in RUNS.items()}
    results = {name: _script(f"monitor:{name}") for name in RUNS}
    for name, (metrics, trainer) in ours.items():
        assert trainer.status == Status.EARLY_STOPPED
        assert (results[name]["epochs_run"], results[name]["weights_epoch"]) == (trainer.epoch, trainer.weights_epoch)
        assert results[name]["test"] == pytest.approx(metrics, rel=1e-6, abs=1e-9), name
    assert ours["circle_acc"][1].epoch < train(make_config(**{**RUNS["circle_acc"], "monitor": "val_loss"})).epoch


def test_the_keras_script_passes_monitor_mode_and_min_delta():
    text = script_text(make_config(**RUNS["mpg_mae_delta"]), "keras")
    assert "MONITOR = 'val_mae'" in text and "MODE = 'min'" in text and "MIN_DELTA = 0.1" in text
    assert "EarlyStopping(monitor=MONITOR, mode=MODE, min_delta=MIN_DELTA / scale" in text
    compile(text, "keras_script", "exec")
    text = script_text(make_config(dataset="iris", monitor="val_accuracy", patience=3), "keras")
    assert "MONITOR = 'val_accuracy'" in text and "MODE = 'max'" in text


@pytest.mark.late
def test_the_keras_script_stops_early_on_val_mae():
    """Keras initialises and shuffles its own way: it stops near our epoch, not at it
    (measured: 10 epochs against our 11, test R² 0.871)."""
    if not HAS_KERAS:
        pytest.skip("keras is not installed (requirements-dev.txt installs Keras 3)")
    result = _script("monitor:keras")
    assert 4 <= result["epochs_run"] < 40 and result["test"]["r2"] > 0.8, result
