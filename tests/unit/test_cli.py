"""cli.py: `python -m playground` in real subprocesses (exit codes, stdout / stderr),
plus a few in-process checks through cli.main for the cheaper paths.

Each subprocess pays the torch + sklearn imports (~5 s of CPU), so only a few go through a
real interpreter (the entry point, an argparse error, a config error); they are registered
here and start with the first unit test, and the tests reading them are marked `late`. The
other bad inputs run through the same cli.main in process."""
from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
import torch
from unit_helpers import register, result

from playground import cli
from playground.config import FIELDS
from playground.data.loaders import DATASETS

BAD = {
    "unknown_dataset": ["train", "--dataset", "nope"],
    "lr_text": ["train", "--lr", "abc"],
    "lr_huge": ["train", "--lr", "1e9"],
    "hidden_text": ["train", "--hidden", "1,x"],
    "unknown_flag": ["train", "--frobnicate", "3"],
    "cnn_on_iris": ["train", "--model", "cnn", "--dataset", "iris"],
    "huge_network": ["train", "--hidden", "4096,4096,4096,4096"],
    "endless": ["train", "--epochs", "0"],
    "features_on_iris": ["train", "--dataset", "iris", "--features", "x1sq"],
    "few_points": ["train", "--dataset", "paint", "--points", "1,1,0;2,2,1"],
    "no_workers": ["lessons", "--check", "--workers", "0"],
}
SAVE_DIR = Path(tempfile.mkdtemp(prefix="playground-cli-test-"))
atexit.register(shutil.rmtree, SAVE_DIR, True)   # not a fixture: the process may outlive this module's tests
MODEL = SAVE_DIR / "m.pt"
COMMANDS = {
    "datasets": ["datasets"],
    "train": ["train", "--dataset", "circle", "--epochs", "3", "--json", "--save", str(MODEL)],
    "no_hidden": ["train", "--dataset", "circle", "--epochs", "2", "--hidden", "", "--json"],
    **BAD,
}
SUBPROCESS = ("train", "unknown_dataset", "unknown_flag")     # `python -m playground` itself, both error paths
for _name in SUBPROCESS:
    register(f"cli:{_name}", ["-m", "playground", *COMMANDS[_name]])


def _in_process(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli.main(argv)
        except SystemExit as e:          # argparse errors exit from inside parse_args
            rc = e.code
    return rc, out.getvalue(), err.getvalue()


@functools.cache
def run(name: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a command: a real interpreter for SUBPROCESS, else cli.main."""
    return result(f"cli:{name}") if name in SUBPROCESS else _in_process(COMMANDS[name])


@pytest.mark.late
def test_datasets_lists_every_name():
    rc, out, err = run("datasets")
    assert rc == 0, err
    names = [line.split()[0] for line in out.splitlines()[1:]]
    assert names == list(DATASETS)


@pytest.mark.late
def test_train_json():
    rc, out, err = run("train")
    assert rc == 0, err
    res = json.loads(out)
    assert set(res) >= {"config", "sizes", "history", "test", "best_epoch", "status", "seconds"}
    assert res["config"]["dataset"] == "circle" and res["config"]["epochs"] == 3
    assert res["config"]["hidden"] == [8, 8]
    assert sum(res["sizes"].values()) == 500 and res["sizes"]["test"] == 100
    assert [e["epoch"] for e in res["history"]] == [1, 2, 3]
    assert set(res["history"][0]) >= {"loss", "val_loss", "accuracy", "val_accuracy"}
    assert res["status"] == "completed" and 1 <= res["best_epoch"] <= 3 and res["seconds"] > 0
    test = res["test"]
    assert 0 <= test["accuracy"] <= 1 and 0 <= test["roc_auc"] <= 1
    assert sum(map(sum, test["confusion_matrix"])) == 100
    assert "Traceback" not in err


@pytest.mark.late
def test_save_writes_a_weights_only_file():
    assert run("train")[0] == 0
    blob = torch.load(MODEL, weights_only=True)
    assert blob["config"]["epochs"] == 3 and blob["meta"]["task"] == "binary"
    assert set(blob["state_dict"]) >= {"output.weight", "output.bias", "hidden1.0.weight"}


@pytest.mark.late
def test_empty_hidden_means_no_hidden_layer():
    rc, out, err = run("no_hidden")
    assert rc == 0, err
    assert json.loads(out)["config"]["hidden"] == []


@pytest.mark.late
@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_exits_2_with_one_line(name):
    rc, out, err = run(name)
    assert rc == 2, (name, rc, err)
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err


@pytest.mark.late
def test_bad_input_messages_say_what_to_change():
    assert "nope" in run("unknown_dataset")[2]
    assert "'abc' is not a number" in run("lr_text")[2]
    assert "lr: must be between" in run("lr_huge")[2]
    assert "1,x" in run("hidden_text")[2]
    assert "--frobnicate" in run("unknown_flag")[2]
    assert "mlp" in run("cnn_on_iris")[2]
    assert "weights" in run("huge_network")[2]
    assert "--epochs 0" in run("endless")[2] and "app" in run("endless")[2]
    assert "2-D" in run("features_on_iris")[2]
    assert "at least 10 points" in run("few_points")[2]


# --- in process (cheap): the same entry point without a new interpreter ------------------

def test_main_progress_log_and_summary(capsys):
    assert cli.main(["train", "--dataset", "iris", "--epochs", "2", "--hidden", "4"]) == 0
    out, err = capsys.readouterr()
    assert "Epoch 1/2" in err and "completed after 2 epochs" in err
    assert out.startswith("loss: cross-entropy (softmax output); completed; weights of epoch 2\n")
    assert "\nval: loss=" in out and "\ntest: accuracy=" in out and "confusion matrix" in out


def test_main_regression_json(capsys):
    assert cli.main(["train", "--dataset", "plane", "--epochs", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["test"]) == {"mae", "mse", "rmse", "r2"}
    assert set(out["history"][0]) >= {"mae", "val_mae"}


def test_main_diverged_run_is_strict_json(capsys):
    assert cli.main(["train", "--dataset", "plane", "--optimizer", "sgd", "--lr", "10", "--json"]) == 0
    text = capsys.readouterr().out
    out = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in strict JSON"))
    assert out["status"] == "diverged"


def test_nan_and_infinity_become_null_in_json():
    """A run whose loss became NaN (sklearn would refuse its metrics, strict JSON its numbers)."""
    blob = {"history": [{"loss": float("nan")}, {"loss": float("inf")}], "test": {}, "x": (1.0, -float("inf"))}
    assert cli._finite(blob) == {"history": [{"loss": None}, {"loss": None}], "test": {}, "x": [1.0, None]}


@pytest.mark.parametrize("argv", [
    ["train", "--epochs", "0"], ["train", "--shuffle", "maybe"], ["train", "--dataset", "missing.csv"],
    ["train", "--val-split", "0.5", "--test-split", "0.5"], [], ["nonsense"],
])
def test_main_bad_input_in_process(capsys, argv):
    try:
        rc = cli.main(argv)
    except SystemExit as e:          # argparse errors exit from inside parse_args
        rc = e.code
    assert rc == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:")


def test_every_field_is_a_flag():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["train"]
    flags = {s for a in sub._actions for s in a.option_strings}
    assert {"--" + n.replace("_", "-") for n in FIELDS} <= flags


def test_main_cnn_on_a_csv_table_is_one_line(capsys, tmp_path):
    # validate() cannot know a CSV has no images; the model builder must say so, not crash
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "".join(f"{i},{i % 3},{'yes' if i % 2 else 'no'}\n" for i in range(40)))
    assert cli.main(["train", "--dataset", str(path), "--model", "cnn", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "mlp" in err


def test_main_csv_with_text_labels_trains(capsys, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "".join(f"{i},{i % 3},{'yes' if i % 2 else 'no'}\n" for i in range(40)))
    assert cli.main(["train", "--dataset", str(path), "--epochs", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "completed" and "roc_auc" in out["test"]     # a binary task, from text labels


def test_main_features_and_points(capsys):
    assert cli.main(["train", "--dataset", "circle", "--features", "x1sq,x2sq", "--hidden", "", "--epochs", "3",
                     "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["features"] == ["x1sq", "x2sq"] and out["config"]["hidden"] == []
    points = ";".join(f"{x / 2},{x / 2},{int(x > 0)}" for x in range(-6, 6))
    assert cli.main(["train", "--dataset", "paint", "--points", points, "--epochs", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sum(out["sizes"].values()) == 12 and out["config"]["points"] == points


def test_help_names_the_new_options():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["train"]
    text = sub.format_help()
    for words in ("x1sq", "until paused or stopped", "L1 regularization", "[0..2000]"):
        assert words in " ".join(text.split()), words
