"""A saved model carries its preprocessing: `python -m playground predict` scores raw rows
(missing values, text columns, pixels) exactly as the app's model scored the same rows
after Prepared.transform; bad model files and tables are one line, exit 2."""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
import torch

from playground import cli
from playground.config import make_config
from playground.data.loaders import load_for_config
from playground.data.prepare import prepare
from playground.nn.checkpoint import RowEncoder, SavedModel, load_model, save_model
from playground.nn.model import predict_output
from playground.nn.train import train

CASES = {
    "titanic": dict(dataset="titanic", epochs=3),                       # text columns + missing ages
    "auto-mpg": dict(dataset="auto-mpg", epochs=3),                     # regression (target scaling)
    "iris": dict(dataset="iris", epochs=3, scaler="minmax"),
    "circle": dict(dataset="circle", features="x1sq,x2sq,x1x2", hidden="4", epochs=3, scaler="robust"),
    "digits": dict(dataset="digits", epochs=1),                         # pixels, the CNN
}


@functools.lru_cache(maxsize=None)
def trained(name: str):
    return train(make_config(**CASES[name]))


def raw_rows(prep, split="test") -> pd.DataFrame:
    ds = prep.dataset
    idx = prep.split(split).index
    if ds.image_shape is not None:
        return pd.DataFrame(np.asarray(ds.X)[idx], columns=ds.feature_names)
    return ds.X.iloc[idx].reset_index(drop=True)


def saved(tmp_path, name: str):
    trainer = trained(name)
    path = tmp_path / f"{name}.pt"
    save_model(path, trainer.model, trainer.cfg, trainer.data)
    return trainer, path


@pytest.mark.parametrize("name", list(CASES))
def test_predict_on_raw_rows_equals_the_apps_predictions(tmp_path, name, capsys):
    trainer, model_path = saved(tmp_path, name)
    prep = trainer.data
    rows = raw_rows(prep)
    if name == "titanic":
        assert rows["age"].isna().any()     # missing values really are there
    csv, out = tmp_path / "rows.csv", tmp_path / "preds.csv"
    rows.to_csv(csv, index=False)
    assert cli.main(["predict", "--model", str(model_path), "--csv", str(csv), "--out", str(out)]) == 0
    preds = pd.read_csv(out)
    app = trainer.predict("test")                                       # what the app showed
    again = predict_output(trainer.model, prep.transform(rows), prep.task, prep.y_mean, prep.y_std)
    np.testing.assert_allclose(again, app, rtol=1e-6, atol=1e-7)
    assert len(preds) == len(rows) and list(preds.columns[:rows.shape[1]]) == list(rows.columns)
    if prep.task == "regression":
        np.testing.assert_allclose(preds["prediction"], app, rtol=1e-5)
        return
    names = prep.class_names
    probs = np.c_[1 - app, app] if prep.task == "binary" else app
    for i, c in enumerate(names):
        np.testing.assert_allclose(preds[f"p_{c}"], probs[:, i], atol=1e-6)
    labels = (app >= 0.5).astype(int) if prep.task == "binary" else app.argmax(1)
    assert preds["prediction"].astype(str).tolist() == [names[i] for i in labels]


@pytest.mark.parametrize("name", ["titanic", "circle", "auto-mpg"])
def test_the_saved_preprocessing_is_the_pipeline(name):
    trainer = trained(name)
    prep = trainer.data
    from playground.nn.checkpoint import preprocessing_record
    enc = RowEncoder(preprocessing_record(prep))
    for split in ("train", "test"):
        rows = raw_rows(prep, split)
        assert torch.equal(enc.transform(rows), prep.split(split).X)


def test_the_file_loads_weights_only_with_plain_values(tmp_path):
    _, path = saved(tmp_path, "titanic")
    blob = torch.load(path, weights_only=True)
    meta = blob["meta"]
    assert blob["version"] == 2 and meta["class_names"] == ["died", "survived"]
    pre = meta["preprocess"]
    assert pre["columns"] == ["pclass", "sex", "age", "sibsp", "parch"]
    assert pre["numeric"]["scaler"] == "standard" and len(pre["numeric"]["median"]) == 3
    assert {c["column"]: c["categories"] for c in pre["categorical"]} == {
        "pclass": ["1st", "2nd", "3rd"], "sex": ["female", "male"]}
    _, reg_path = saved(tmp_path, "auto-mpg")
    meta = torch.load(reg_path, weights_only=True)["meta"]
    assert meta["y_std"] > 1 and 15 < meta["y_mean"] < 35
    _, img_path = saved(tmp_path, "digits")
    meta = torch.load(img_path, weights_only=True)["meta"]
    assert meta["image_shape"] == [8, 8] and meta["preprocess"] == {
        "kind": "image", "columns": [f"px{i}" for i in range(64)], "pixel_max": 16.0}
    meta = torch.load(saved(tmp_path, "circle")[1], weights_only=True)["meta"]
    assert meta["preprocess"]["numeric"]["features"] == ["x1sq", "x2sq", "x1x2"]


def test_missing_text_values_take_the_most_frequent_one(tmp_path):
    trainer, path = saved(tmp_path, "titanic")
    rows = raw_rows(trainer.data).head(6).copy()
    rows.loc[0, "sex"] = np.nan
    rows.loc[1, "pclass"] = np.nan
    rows.loc[2, "age"] = np.nan
    expected = predict_output(trainer.model, trainer.data.transform(rows), "binary")
    np.testing.assert_allclose(SavedModel.load(path).outputs(rows), expected, atol=1e-7)


def test_rare_and_unknown_categories_share_the_grouped_column(tmp_path, capsys):
    """A text column of 60 levels keeps 50 one-hot columns; a value never seen in training
    joins the grouped rare ones, as the training pipeline does."""
    rng = np.random.RandomState(0)
    n = 400
    level = rng.randint(0, 60, n)
    df = pd.DataFrame({"x": rng.normal(size=n), "shop": [f"s{v}" for v in level],
                       "y": np.where(level % 2 == 0, "a", "b")})
    data = tmp_path / "shops.csv"
    df.to_csv(data, index=False)
    cfg = make_config(dataset=str(data), epochs=2)
    trainer = train(cfg, prepare(load_for_config(cfg), cfg))
    path = tmp_path / "shops.pt"
    save_model(path, trainer.model, cfg, trainer.data)
    rows = df.drop(columns=["y"]).head(5).copy()
    rows.loc[0, "shop"] = "never-seen"
    model = SavedModel.load(path)
    grouped = [c for c in model.meta["preprocess"]["categorical"] if c["column"] == "shop"][0]
    assert len(grouped["categories"]) < 60 and grouped["rare"]
    expected = predict_output(trainer.model, trainer.data.transform(rows), "binary")
    np.testing.assert_allclose(model.outputs(rows), expected, atol=1e-7)


def _one_line_exit_2(argv, capsys) -> str:
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), err
    return lines[0]


def test_bad_model_files_and_tables(tmp_path, capsys):
    _, model_path = saved(tmp_path, "titanic")
    rows = tmp_path / "rows.csv"
    raw_rows(trained("titanic").data).head(3).to_csv(rows, index=False)
    text = tmp_path / "notes.pt"
    text.write_text("not a model")
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, foreign)
    assert "cannot read" in _one_line_exit_2(["predict", "--model", str(text), "--csv", str(rows)], capsys)
    assert "not a model saved by this app" in _one_line_exit_2(
        ["predict", "--model", str(foreign), "--csv", str(rows)], capsys)
    assert "not found" in _one_line_exit_2(["predict", "--model", str(tmp_path / "none.pt"), "--csv", str(rows)],
                                            capsys)
    wrong = tmp_path / "wrong.csv"
    pd.DataFrame({"age": [3, 4], "fare": [1, 2]}).to_csv(wrong, index=False)
    line = _one_line_exit_2(["predict", "--model", str(model_path), "--csv", str(wrong)], capsys)
    assert "pclass, sex, sibsp, parch" in line and "training columns" in line
    unknown = tmp_path / "unknown.csv"
    bad = raw_rows(trained("titanic").data).head(3)
    bad.loc[1, "sex"] = "robot"
    bad.to_csv(unknown, index=False)
    line = _one_line_exit_2(["predict", "--model", str(model_path), "--csv", str(unknown)], capsys)
    assert "'sex'" in line and "'robot'" in line and "female, male" in line
    text_age = tmp_path / "text_age.csv"
    bad = raw_rows(trained("titanic").data).head(3)
    bad["age"] = ["ten", "3", ""]
    bad.to_csv(text_age, index=False)
    assert "'ten'" in _one_line_exit_2(["predict", "--model", str(model_path), "--csv", str(text_age)], capsys)
    assert "--out" in " ".join(cli.build_parser()._subparsers._group_actions[0].choices["predict"].format_help().split())


def test_an_older_file_without_preprocessing_loads_and_says_so(tmp_path, capsys):
    _, path = saved(tmp_path, "iris")
    blob = torch.load(path, weights_only=True)
    old = {"state_dict": blob["state_dict"], "config": blob["config"],
           "meta": {k: v for k, v in blob["meta"].items() if k not in ("preprocess", "target_name")}}
    old_path = tmp_path / "old.pt"
    torch.save(old, old_path)
    model, cfg, meta = load_model(old_path)        # still loads
    assert cfg.dataset == "iris" and "preprocess" not in meta
    rows = tmp_path / "rows.csv"
    raw_rows(trained("iris").data).to_csv(rows, index=False)
    assert "older version" in _one_line_exit_2(["predict", "--model", str(old_path), "--csv", str(rows)], capsys)


def test_predict_writes_csv_to_stdout(tmp_path, capsys):
    _, path = saved(tmp_path, "iris")
    rows = tmp_path / "rows.csv"
    raw_rows(trained("iris").data).head(4).to_csv(rows, index=False)
    assert cli.main(["predict", "--model", str(path), "--csv", str(rows)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5 and out[0].endswith("prediction,p_setosa,p_versicolor,p_virginica")


def test_check_fits_refuses_other_data(tmp_path):
    from playground.errors import DataError
    _, path = saved(tmp_path, "titanic")
    model = SavedModel.load(path)
    model.check_fits(trained("titanic").data.dataset)
    with pytest.raises(DataError, match="task"):
        model.check_fits(trained("auto-mpg").data.dataset)
    with pytest.raises(DataError, match="pclass"):
        model.check_fits(trained("circle").data.dataset.__class__(
            "t", "binary", pd.DataFrame({"x1": [1.0]}), np.array([0]), "y", ["died", "survived"]))
    out = model.split_outputs(trained("titanic").data, "test")
    np.testing.assert_allclose(out, trained("titanic").predict("test"), atol=1e-7)


def test_the_csvs_columns_are_checked_against_the_model(tmp_path, capsys):
    """A digits model given MNIST's 784 pixels scored pixels 0..63 without a word; a header
    without rows was a traceback; a 0-byte file asked for a target the model predicts."""
    _, digits = saved(tmp_path, "digits")
    pixels = raw_rows(trained("digits").data).head(3)
    big = tmp_path / "mnist.csv"
    pd.DataFrame(np.zeros((3, 784)), columns=[f"px{i}" for i in range(784)]).to_csv(big, index=False)
    line = _one_line_exit_2(["predict", "--model", str(digits), "--csv", str(big)], capsys)
    assert "64 pixels" in line and "extra: px64" in line and "px783" in line and "missing: -" in line
    short = tmp_path / "short.csv"
    pixels.drop(columns=["px63"]).to_csv(short, index=False)
    assert "missing: px63; extra: -" in _one_line_exit_2(["predict", "--model", str(digits), "--csv", str(short)],
                                                         capsys)
    _, iris = saved(tmp_path, "iris")
    rows = raw_rows(trained("iris").data).head(3)
    header = tmp_path / "header.csv"
    rows.head(0).to_csv(header, index=False)
    assert "has a header but no rows" in _one_line_exit_2(["predict", "--model", str(iris), "--csv", str(header)],
                                                          capsys)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    line = _one_line_exit_2(["predict", "--model", str(iris), "--csv", str(empty)], capsys)
    assert "is empty" in line and "petal width (cm)" in line and "target" not in line
    extra = tmp_path / "extra.csv"
    rows.assign(row_id=[7, 8, 9], species="?").to_csv(extra, index=False)
    assert cli.main(["predict", "--model", str(iris), "--csv", str(extra)]) == 0
    out, err = capsys.readouterr()
    assert err.strip() == "note: the model does not use these columns (they are kept in the output): row_id, species"
    assert out.splitlines()[0].endswith("row_id,species,prediction,p_setosa,p_versicolor,p_virginica")


@pytest.mark.parametrize("names", [["a", "b"], None, ["setosa", "setosa", "x"], [1, 2, 3], "abc"])
def test_a_model_file_with_edited_class_names_is_refused(tmp_path, capsys, names):
    _, path = saved(tmp_path, "iris")
    blob = torch.load(path, weights_only=True)
    blob["meta"]["class_names"] = names
    edited = tmp_path / "edited.pt"
    torch.save(blob, edited)
    rows = tmp_path / "rows.csv"
    raw_rows(trained("iris").data).head(2).to_csv(rows, index=False)
    line = _one_line_exit_2(["predict", "--model", str(edited), "--csv", str(rows)], capsys)
    assert "cannot read" in line and "class_names" in line
