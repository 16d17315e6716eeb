"""config.py: the one option table, text <-> value, validation, URL query params."""
from __future__ import annotations

import dataclasses
import math
import re

import pytest

from playground import config
from playground.config import (
    DEFAULT,
    FIELDS,
    RunConfig,
    format_value,
    from_query,
    make_config,
    parse_value,
    to_query,
    validate,
)
from playground.errors import ConfigError

HANGUL = re.compile("[\uac00-\ud7a3]")

# A valid, non-default value for every field (the table must not grow a field without one).
SAMPLES = {
    "dataset": "table.csv", "n_samples": 1234, "noise": 0.35, "features": ("x1sq", "x2sq"),
    "points": "1,1,0;" * 5 + "-1,-1,1;" * 5, "target": "label", "task": "regression",
    "scaler": "robust", "val_split": 0.1, "test_split": 0.25, "model": "mlp", "hidden": (16, 4, 2),
    "activation": "relu", "dropout": 0.5, "batch_norm": True, "loss": "mae", "optimizer": "rmsprop", "lr": 0.003,
    "momentum": 0.5, "batch_size": 64, "epochs": 7, "shuffle": False, "weight_decay": 1e-4, "l1": 1e-3,
    "patience": 5, "restore_best": False, "monitor": "val_mae", "min_delta": 0.01, "seed": 42, "window": 24, "embedding": 8, "attention": True,
    "time_split": False, "read_as": "series",
    "columns": ("horsepower", "weight"),   # a CSV's are checked once read; auto-mpg (the link test) has both
    "pixel_scale": False, "labels": "onehot",   # IMAGE_BOUND
    "residual": True,   # skips where widths match; (16, 4, 2) on a 16-column table would skip around the first
    "transfer": "finetune",   # TRANSFER_BOUND: a 28x28 digit set's cnn (tests/unit/test_transfer.py)
}
NON_DEFAULT = {k: v for k, v in SAMPLES.items() if v != getattr(DEFAULT, k)}
# options that need a dataset of their own (cnn: images; features: the plane; points: a painted set),
# tested with one below and in test_features.py / test_paint.py
DATASET_BOUND = ("features", "points")
SEQUENCE_BOUND = ("window", "embedding", "attention", "time_split", "read_as")   # a sequence set's (tests/unit/test_sequences_cli.py)
IMAGE_BOUND = ("pixel_scale", "labels")   # raw pixels: an image set's; one-hot labels: a multi-class set's (digits)
TRANSFER_BOUND = ("transfer",)   # a few-shot digit set's cnn (mnist-5-9-few)
CSV_SAMPLES = {k: v for k, v in SAMPLES.items() if k not in DATASET_BOUND + SEQUENCE_BOUND + IMAGE_BOUND + TRANSFER_BOUND}


def test_samples_cover_every_field():
    assert set(SAMPLES) == set(FIELDS)
    assert set(NON_DEFAULT) == set(FIELDS) - {"model"}   # cnn needs an image set; tested below


@pytest.mark.parametrize("name", list(FIELDS))
def test_parse_format_roundtrip(name):
    for value in (SAMPLES[name], getattr(DEFAULT, name)):
        text = format_value(name, value)
        assert isinstance(text, str)
        back = parse_value(name, text)
        assert back == value and type(back) is type(value), (name, value, text, back)


def test_parse_typed_values_pass_through():
    assert parse_value("hidden", [3, 2]) == (3, 2)
    assert parse_value("batch_norm", True) is True
    assert parse_value("lr", 0.5) == 0.5
    assert parse_value("epochs", 3.0) == 3 and isinstance(parse_value("epochs", 3.0), int)


@pytest.mark.parametrize("text, expected", [
    ("", ()), ("  ", ()), ("8", (8,)), ("16, 8", (16, 8)), ("[4,2]", (4, 2)), ("(3,)", (3,)), ("8,", (8,)),
])
def test_parse_hidden(text, expected):
    assert parse_value("hidden", text) == expected


@pytest.mark.parametrize("name, text, key", [
    ("hidden", "1,x", "err.hidden_format"), ("hidden", "1.5", "err.hidden_format"),
    ("hidden", ",", "err.hidden_format"), ("hidden", "8,,8", "err.hidden_format"), ("hidden", ",8", "err.hidden_format"),
    ("hidden", "8,,", "err.hidden_format"),
    ("lr", "abc", "err.not_number"), ("epochs", "2.5", "err.not_whole"), ("epochs", "nan", "err.not_whole"),
    ("shuffle", "maybe", "err.not_bool"), ("nonsense", "1", "err.unknown_option"),
])
def test_parse_errors(name, text, key):
    with pytest.raises(ConfigError) as ei:
        parse_value(name, text)
    assert ei.value.key == key and ei.value.field == name


@pytest.mark.parametrize("text, value", [("1", True), ("yes", True), ("ON", True), ("0", False), ("false", False)])
def test_parse_bool_spellings(text, value):
    assert parse_value("shuffle", text) is value


def test_make_config_from_strings():
    cfg = make_config(dataset="xor", hidden="16,8", lr="0.1", epochs="3", shuffle="false", batch_norm="true")
    assert cfg.hidden == (16, 8) and cfg.lr == 0.1 and cfg.epochs == 3
    assert cfg.shuffle is False and cfg.batch_norm is True


def test_make_config_all_samples():
    cfg = make_config(**{k: format_value(k, v) for k, v in CSV_SAMPLES.items()})
    assert cfg == RunConfig(**CSV_SAMPLES)
    plane = {k: SAMPLES[k] for k in DATASET_BOUND} | {"dataset": "paint"}
    assert make_config(**{k: format_value(k, v) for k, v in plane.items()}) == RunConfig(**plane)
    digits = {k: SAMPLES[k] for k in IMAGE_BOUND}
    assert make_config(dataset="digits", **{k: format_value(k, v) for k, v in digits.items()}) == dataclasses.replace(
        config.defaults_for("digits"), **digits)
    few = {k: SAMPLES[k] for k in TRANSFER_BOUND}
    assert make_config(dataset="mnist-5-9-few", **few) == dataclasses.replace(config.defaults_for("mnist-5-9-few"), **few)
    assert make_config(dataset="co2", time_split="false").time_split is False      # a series only
    words = {k: SAMPLES[k] for k in SEQUENCE_BOUND if k not in ("time_split", "read_as")} | {"dataset": "seq-negation",
                                                                                           "model": "gru"}
    assert make_config(**{k: format_value(k, v) for k, v in words.items()}) == RunConfig(
        **config.defaults_for("seq-negation").to_dict() | words | {"hidden": (32,), "features": ("x1", "x2"), "columns": ()})
    series = make_config(dataset="sales.csv", read_as="series", time_split="false")   # a CSV read as a series
    assert (series.model, series.hidden, series.lr, series.time_split) == ("lstm", (32,), 0.01, False)
    with pytest.raises(ConfigError, match="read_as"):   # a registered set reads itself
        make_config(dataset="air-passengers", read_as="series")
    with pytest.raises(ConfigError, match="rnn, gru or lstm|recurrent"):
        make_config(dataset="sales.csv", read_as="text", model="mlp")


def test_to_query_from_query_roundtrip():
    # a link never names a server file: an embedded regression set (so a regression loss
    # applies) without the CSV-only options
    values = {k: v for k, v in NON_DEFAULT.items()
              if k not in ("target", "task", *DATASET_BOUND, *SEQUENCE_BOUND, *IMAGE_BOUND, *TRANSFER_BOUND)} | {"dataset": "auto-mpg"}
    cfg = make_config(**values)
    query = to_query(cfg)
    base = config.defaults_for("auto-mpg")
    assert set(query) == {k for k, v in values.items() if v != getattr(base, k)} | {"dataset"}
    assert all(isinstance(v, str) for v in query.values())
    back, problems = from_query(query)
    assert problems == [] and back == cfg


def test_to_query_of_default_is_empty_and_roundtrips():
    assert to_query(DEFAULT) == {}
    assert from_query({}) == (DEFAULT, [])
    for name in ("titanic", "mnist", "plane"):      # each dataset's own defaults make a one-parameter link
        assert to_query(config.defaults_for(name)) == {"dataset": name}
        assert from_query({"dataset": name}) == (config.defaults_for(name), [])
    cnn = make_config(dataset="digits", model="cnn", hidden="")
    back, problems = from_query(to_query(cnn))
    assert problems == [] and back == cnn and back.hidden == ()
    raw = make_config(dataset="mnist", pixel_scale="false", labels="onehot")
    assert to_query(raw) == {"dataset": "mnist", "pixel_scale": "false", "labels": "onehot"}
    assert from_query(to_query(raw)) == (raw, [])


def test_from_query_skips_bad_values_and_lists_them():
    params = {"epochs": "7", "lr": "abc", "hidden": "1,x", "activation": "swish", "batch_size": "0",
              "noise": "0.3", "not_an_option": "1", "dataset": "xor"}
    cfg, problems = from_query(params)
    assert cfg.epochs == 7 and cfg.noise == 0.3 and cfg.dataset == "xor"
    assert cfg.lr == DEFAULT.lr and cfg.hidden == DEFAULT.hidden
    assert cfg.activation == DEFAULT.activation and cfg.batch_size == DEFAULT.batch_size
    assert all(isinstance(p, ConfigError) for p in problems)
    assert sorted(p.field for p in problems) == ["activation", "batch_size", "hidden", "lr"]


@pytest.mark.parametrize("name, key", [("data.csv", "err.link_table"), ("/etc/passwd", "err.unknown_dataset"),
                                       ("../secret.CSV", "err.link_table"), ("nope", "err.unknown_dataset")])
def test_from_query_refuses_datasets_outside_the_registry(name, key):
    """A link never opens a server file; a table's name (a shared setup or a run's link on an
    upload) says that an upload does not travel in a link, not "unknown dataset"."""
    cfg, problems = from_query({"dataset": name, "epochs": "3"})
    assert cfg.dataset == DEFAULT.dataset and cfg.epochs == 3
    assert [(p.key, p.field) for p in problems] == [(key, "dataset")]


def test_from_query_keeps_base():
    base = make_config(dataset="moons", epochs=9)
    cfg, problems = from_query({"lr": "0.5"}, base=base)
    assert problems == [] and cfg.dataset == "moons" and cfg.epochs == 9 and cfg.lr == 0.5


def test_csv_path_is_a_valid_dataset_outside_links():
    assert make_config(dataset="my table.csv").dataset == "my table.csv"


def bad(**changes):
    return dataclasses.replace(DEFAULT, **changes)


@pytest.mark.parametrize("cfg, field, key", [
    (bad(lr=100.0), "lr", "err.range"),
    (bad(lr=math.nan), "lr", "err.must_number"),
    (bad(noise=math.inf), "noise", "err.must_number"),
    (bad(epochs=-1), "epochs", "err.range"),
    (bad(epochs=2001), "epochs", "err.range"),
    (bad(l1=1.5), "l1", "err.range"),
    (bad(features=("x1", "x9")), "features", "err.features_unknown"),
    (bad(dataset="iris", features=("x1sq",)), "features", "err.features_need_plane"),
    (bad(points="1,1,0"), "points", "err.points_need_paint"),
    (bad(dataset="paint", points="1,1,0"), "points", "err.points_too_few"),
    (bad(epochs=2.5), "epochs", "err.must_int"),
    (bad(batch_size=True), "batch_size", "err.must_int"),
    (bad(lr="0.1"), "lr", "err.must_number"),
    (bad(shuffle="yes"), "shuffle", "err.must_bool"),
    (bad(hidden=(8, 0)), "hidden", "err.layer_units"),
    (bad(hidden=(8, 5000)), "hidden", "err.layer_units"),
    (bad(hidden=(2,) * 21), "hidden", "err.too_many_layers"),
    (bad(hidden=(), residual=True), "residual", "err.residual_needs_layer"),
    (bad(dataset="seq-negation", model="lstm", hidden=(32,), residual=True), "residual", "err.rnn_residual"),
    (bad(activation="swish"), "activation", "err.choice"),
    (bad(optimizer="lbfgs"), "optimizer", "err.choice"),
    (bad(val_split=0.5, test_split=0.5), "val_split", "err.splits_sum"),
    (bad(dataset="nope"), "dataset", "err.unknown_dataset"),
    (bad(dataset="iris", model="cnn"), "model", "err.cnn_needs_images"),
    (bad(dataset="iris", pixel_scale=False), "pixel_scale", "err.pixel_scale_images"),
    (bad(dataset="table.csv", pixel_scale=False), "pixel_scale", "err.pixel_scale_images"),
    (bad(dataset="titanic", labels="onehot"), "labels", "err.labels_multiclass"),
    (bad(dataset="auto-mpg", labels="onehot"), "labels", "err.labels_multiclass"),
    (bad(labels="index"), "labels", "err.choice"),
    (bad(seed=-1), "seed", "err.range"),
])
def test_validate_raises_config_error_with_field(cfg, field, key):
    with pytest.raises(ConfigError) as ei:
        validate(cfg)
    e = ei.value
    assert isinstance(e, ValueError)
    assert (e.field, e.key) == (field, key)
    assert str(e) == e.text("en") and str(e) != key
    ko = e.text("ko")
    assert ko != str(e) and ko != key and HANGUL.search(ko), ko
    assert "{" not in ko and "{" not in str(e)       # every placeholder was filled


def test_replace_validates():
    assert DEFAULT.replace(epochs=3).epochs == 3
    with pytest.raises(ConfigError) as ei:
        DEFAULT.replace(momentum=2.0)
    assert ei.value.field == "momentum"


def test_config_is_frozen_and_to_dict_is_plain():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.lr = 1.0
    d = make_config(hidden="3,2").to_dict()
    assert d["hidden"] == [3, 2] and set(d) == set(FIELDS)


def test_every_range_and_choice_default_is_valid():
    assert validate(DEFAULT) is DEFAULT
    for name, f in FIELDS.items():
        m = f.metadata
        if m["lo"] is not None:
            assert m["lo"] <= f.default <= m["hi"], name
        if m["choices"]:
            assert f.default in m["choices"], name
    assert config.MAX_HIDDEN_LAYERS >= 1 and config.MAX_UNITS >= 1


def test_endless_epochs_is_zero():
    assert make_config(epochs="0").epochs == 0
    assert "until paused or stopped" in FIELDS["epochs"].metadata["help"]


def test_live_and_restart_fields_split_the_table():
    assert set(config.LIVE_FIELDS) == {"lr", "momentum", "batch_size", "weight_decay", "l1", "dropout", "epochs",
                                       "patience", "restore_best", "min_delta"}
    assert set(config.LIVE_FIELDS) | set(config.RESTART_FIELDS) == set(FIELDS)
    assert not set(config.LIVE_FIELDS) & set(config.RESTART_FIELDS)
    assert list(config.RESTART_FIELDS) == [n for n in FIELDS if n not in config.LIVE_FIELDS]


def test_l1_field():
    f = FIELDS["l1"]
    assert f.default == 0.0 and (f.metadata["lo"], f.metadata["hi"]) == (0.0, 1.0) and f.metadata["group"] == "train"
    assert "biases excluded" in f.metadata["help"]
    assert to_query(make_config(l1="0.001")) == {"l1": "0.001"}
