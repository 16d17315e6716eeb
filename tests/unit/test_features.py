"""Input features of the 2-D sets (x1², x1x2, sin x1...): the config field, the feature
map inside the fitted pipeline, and what follows from it (parameter count, the plane views)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from playground.config import DEFAULT, format_value, from_query, make_config, parse_value, to_query, validate
from playground.data.features import FEATURES, LABELS, feature_map
from playground.data.loaders import load_for_config
from playground.data.prepare import prepare
from playground.errors import ConfigError
from playground.inspect import boundary
from playground.nn.model import count_params
from playground.nn.train import train

ALL = ",".join(FEATURES)


def test_feature_map_computes_each_feature_from_the_raw_coordinates():
    X = np.array([[2.0, -3.0], [0.5, 1.0]])
    out = feature_map(X, FEATURES)
    expected = np.c_[X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] * X[:, 1], np.sin(X[:, 0]), np.sin(X[:, 1])]
    assert np.allclose(out, expected)
    assert set(LABELS) == set(FEATURES)


def test_prepared_applies_the_map_fitted_on_training_rows_only():
    cfg = make_config(dataset="spiral", features=ALL, hidden="")
    prep = prepare(load_for_config(cfg), cfg)
    assert prep.feature_names == list(FEATURES) and prep.n_features == len(FEATURES)
    raw = prep.dataset.X.iloc[prep.train.index]
    assert np.allclose(prep.transform(raw).numpy(), prep.train.X.numpy(), atol=1e-5)   # raw x1, x2 in, features out
    # the scaler is fitted on the training rows: their features have mean 0, std 1
    assert np.allclose(prep.train.X.numpy().mean(0), 0, atol=1e-5)
    assert not np.allclose(prep.val.X.numpy().mean(0), 0, atol=1e-3)
    # the grid code passes raw (x1, x2) rows and gets one column per feature
    grid = boundary.grid_inputs(prep, np.array([[0.0, 0.0], [1.0, 2.0]]))
    assert grid.shape == (2, len(FEATURES))
    assert count_params(prep.n_features, prep.n_outputs, cfg) == len(FEATURES) + 1
    assert [s["outputs"] for s in prep.pipeline] == [["x1", "x1sq", "x1x2", "sinx1"], ["x2", "x2sq", "sinx2"]]


def test_default_features_keep_the_plain_pipeline():
    cfg = make_config(dataset="circle")
    prep = prepare(load_for_config(cfg), cfg)
    assert prep.feature_names == ["x1", "x2"] and prep.n_features == 2
    assert "features" not in prep.transformer.named_transformers_["num"].named_steps


def test_circle_with_squares_needs_no_hidden_layer():
    """x1² + x2² makes the circle linearly separable (TF Playground's first lesson)."""
    squares = train(make_config(dataset="circle", features="x1sq,x2sq", hidden="", epochs=100))
    plain = train(make_config(dataset="circle", features="x1,x2", hidden="", epochs=100))
    acc_sq, acc_plain = squares.evaluate("val")["accuracy"], plain.evaluate("val")["accuracy"]
    print(f"circle, no hidden layer: x1sq,x2sq val accuracy {acc_sq:.3f}; x1,x2 {acc_plain:.3f}")
    assert acc_sq >= 0.95
    assert acc_plain <= 0.65          # a line cannot cut a disc from a ring: about chance


def test_neuron_surfaces_show_one_input_map_per_feature():
    t = train(make_config(dataset="xor", features="x1x2,sinx1,sinx2", hidden="3", epochs=1))
    view = boundary.neuron_surfaces(t.model, t.data)
    assert view["input_names"] == ["x1x2", "sinx1", "sinx2"]
    name, maps, units = view["rows"][0]
    assert name == "input" and units == 3 and maps.shape == (3, boundary.THUMB_RES, boundary.THUMB_RES)
    plain = train(make_config(epochs=1))
    default = boundary.neuron_surfaces(plain.model, plain.data)
    assert default["input_names"] == ["x1", "x2"] and default["rows"][0][1].shape[0] == 2


@pytest.mark.parametrize("text, key", [
    ("", "err.features_empty"), ("x1,x3", "err.features_unknown"), ("x1,x1", "err.features_twice"),
])
def test_bad_features_are_refused(text, key):
    with pytest.raises(ConfigError) as ei:
        make_config(features=text)
    assert (ei.value.key, ei.value.field) == (key, "features")


@pytest.mark.parametrize("dataset", ["iris", "mnist", "my table.csv"])
def test_features_only_on_the_plane(dataset):
    with pytest.raises(ConfigError) as ei:
        make_config(dataset=dataset, features="x1sq")
    assert (ei.value.key, ei.value.field) == ("err.features_need_plane", "features")
    assert dataset in str(ei.value)


@pytest.mark.parametrize("dataset", ["circle", "plane", "paint", "paint-regression"])
def test_features_on_every_plane_dataset(dataset):
    assert make_config(dataset=dataset, features="sinx1,x2").features == ("sinx1", "x2")


def test_features_text_and_link_round_trip():
    assert parse_value("features", " X1SQ, x2sq ") == ("x1sq", "x2sq")
    assert parse_value("features", ["x1", "x1x2"]) == ("x1", "x1x2")
    assert format_value("features", ("x1sq", "x2sq")) == "x1sq,x2sq"
    cfg = make_config(dataset="circle", features="x1sq,x2sq", hidden="")
    assert to_query(cfg) == {"features": "x1sq,x2sq", "hidden": ""}
    assert from_query(to_query(cfg)) == (cfg, [])
    assert to_query(DEFAULT) == {}
    _, problems = from_query({"dataset": "iris", "features": "x1sq"})
    assert [p.key for p in problems] == ["err.features_need_plane"]


def test_features_survive_to_dict_and_back():
    cfg = make_config(features="x1sq,x2sq")
    assert cfg.to_dict()["features"] == ["x1sq", "x2sq"]
    assert make_config(**cfg.to_dict()) == cfg


def test_validate_refuses_a_features_list_that_is_not_a_tuple():
    with pytest.raises(ConfigError):
        validate(dataclasses.replace(DEFAULT, features=()))


def test_a_table_with_other_columns_cannot_take_features():
    from playground.data.dataset import Dataset
    from playground.data.prepare import prepare_rows
    ds = Dataset("t", "regression", pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0)}), np.arange(20.0), "y")
    with pytest.raises(ConfigError) as ei:
        prepare_rows(ds, "standard", (np.arange(10), np.arange(10, 15), np.arange(15, 20)), features=("x1sq",))
    assert ei.value.key == "err.features_not_plane"
