"""The input columns of a table's run (config `columns`): the course's Auto MPG notes predict mpg
from horsepower alone, then from every column. The network and the preprocessing read only the
chosen columns; a wrong name is refused with the table's columns; the one-input view's line is
the network's prediction."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error

from playground import cli
from playground.config import make_config
from playground.data.columns import TABLE_COLUMNS
from playground.data.loaders import load_dataset, load_for_config
from playground.data.prepare import prepare
from playground.data.registry import DATASETS, DataKind
from playground.errors import ConfigError
from playground.figures.one_input import one_input_figure
from playground.i18n import Translator
from playground.inspect import one_input
from playground.nn.train import train

AUTO_MPG = TABLE_COLUMNS["auto-mpg"]


def _rmse(trainer) -> tuple[float, float]:
    """Test RMSE of the network, and of scikit-learn's LinearRegression on the same split and inputs."""
    d = trainer.data
    y = d.dataset.y
    linear = LinearRegression().fit(d.train.X.numpy(), y[d.train.index])
    ref = mean_squared_error(y[d.test.index], linear.predict(d.test.X.numpy())) ** 0.5
    return mean_squared_error(y[d.test.index], trainer.predict("test")) ** 0.5, ref


def test_the_built_in_tables_columns_are_the_loaded_ones():
    assert set(TABLE_COLUMNS) == {n for n, info in DATASETS.items() if info.kind == DataKind.TABULAR}
    for name, columns in TABLE_COLUMNS.items():
        assert tuple(load_dataset(name).feature_names) == columns, name


def test_horsepower_alone_trains_on_one_input_and_predicts_worse_than_every_column():
    """Measured (seed 0, the table defaults): horsepower alone test RMSE 4.50 (linear regression
    4.70), every column 2.51 (linear regression 3.23)."""
    one = train(make_config(dataset="auto-mpg", columns="horsepower"))
    every = train(make_config(dataset="auto-mpg"))
    assert one.data.feature_names == ["horsepower"] and one.data.n_features == 1
    assert list(one.data.dataset.X.columns) == ["horsepower"]
    assert len(every.data.feature_names) == 9            # origin one-hot: 6 numbers + 3
    np.testing.assert_array_equal(one.data.test.index, every.data.test.index)   # the same split
    (one_nn, one_lin), (all_nn, all_lin) = _rmse(one), _rmse(every)
    assert one_nn > all_nn + 1.0 and one_lin > all_lin + 1.0, (one_nn, all_nn, one_lin, all_lin)
    assert one_nn < one_lin + 0.3 and all_nn < all_lin + 0.3     # the network no worse than the line


def test_columns_keep_the_tables_order_and_read_text_columns():
    cfg = make_config(dataset="auto-mpg", columns="origin, weight")
    assert cfg.columns == ("origin", "weight")
    prep = prepare(load_for_config(cfg), cfg)
    assert prep.feature_names == ["weight", "origin_American", "origin_European", "origin_Japanese"]
    assert one_input.input_column(prep) is None                  # two inputs: the table view stays


@pytest.mark.parametrize("dataset, columns, key", [
    ("auto-mpg", "hp", "err.columns_unknown"), ("auto-mpg", "mpg", "err.columns_unknown"),
    ("auto-mpg", "weight,weight", "err.columns_twice"), ("circle", "x1", "err.columns_need_table"),
    ("digits", "px0", "err.columns_need_table"), ("air-passengers", "value", "err.columns_need_table"),
])
def test_bad_columns_are_refused_naming_the_field(dataset, columns, key):
    with pytest.raises(ConfigError) as ei:
        make_config(dataset=dataset, columns=columns)
    assert (ei.value.key, ei.value.field) == (key, "columns")
    if key == "err.columns_unknown":
        assert ", ".join(AUTO_MPG) in str(ei.value) and ", ".join(AUTO_MPG) in ei.value.text("ko")
    with pytest.raises(ConfigError, match="columns"):            # a CSV read as a series has none either
        make_config(dataset="sales.csv", read_as="series", columns="a")


def test_a_csvs_columns_are_checked_once_read(tmp_path, capsys):
    rng = np.random.RandomState(0)
    x = rng.uniform(0, 10, 80)
    pd.DataFrame({"size": x, "noise": rng.normal(size=80), "city": rng.choice(["a", "b"], 80),
                  "price": 3 * x + rng.normal(size=80)}).to_csv(tmp_path / "houses.csv", index=False)
    path = str(tmp_path / "houses.csv")
    cfg = make_config(dataset=path, columns="size")               # unknown until read: accepted
    prep = prepare(load_for_config(cfg), cfg)
    assert prep.feature_names == ["size"] and one_input.input_column(prep) == "size"
    for bad, key in (("area", "err.columns_unknown"), ("price", "err.columns_target")):
        c = make_config(dataset=path, columns=bad)
        with pytest.raises(ConfigError) as ei:
            prepare(load_for_config(c), c)
        assert (ei.value.key, ei.value.field) == (key, "columns") and "size, noise, city" in str(ei.value)
    assert cli.main(["train", "--dataset", path, "--columns", "area", "--epochs", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "size, noise, city" in err


def test_the_one_input_line_is_the_networks_prediction():
    """No hidden layer: the line is straight, and at the test rows' horsepower it reads the
    network's own test predictions."""
    trainer = train(make_config(dataset="auto-mpg", columns="horsepower", hidden="", lr=0.1, weight_decay=0.0,
                                patience=0, epochs=15))
    prep = trainer.data
    assert one_input.input_column(prep) == "horsepower"
    line = one_input.prediction_line(trainer.model, prep)
    x_test, y_test = one_input.points(prep, "test")
    np.testing.assert_allclose(y_test, prep.dataset.y[prep.test.index])
    np.testing.assert_allclose(np.interp(x_test, line["x"], line["y"]), trainer.predict("test"), rtol=1e-4)
    slope = np.diff(line["y"]) / np.diff(line["x"])
    assert np.allclose(slope, slope[0], rtol=1e-3) and slope[0] < 0          # more horsepower, fewer mpg
    assert line["x"].min() < x_test.min() and line["x"].max() > x_test.max()
    pts = {s: one_input.points(prep, s) for s in ("train", "test")}
    fig = one_input_figure(pts, line, "horsepower", "mpg", Translator("ko"))
    kinds = [(tr.mode, tr.name) for tr in fig.data]
    assert kinds == [("markers", "훈련 세트"), ("markers", "테스트 세트"), ("lines", "예측")]
    assert len(fig.data[0].x) == len(prep.train.y) and len(fig.data[1].x) == len(prep.test.y)
    assert fig.layout.xaxis.title.text == "horsepower" and fig.layout.yaxis.title.text == "mpg"
    assert [tr.mode for tr in one_input_figure(pts, None, "horsepower", "mpg", Translator("en")).data] == ["markers"] * 2


def test_the_one_input_view_is_for_regression_on_a_number_column():
    cfg = make_config(dataset="iris", columns="petal length (cm)")           # classification
    assert one_input.input_column(prepare(load_for_config(cfg), cfg)) is None
    cfg = make_config(dataset="auto-mpg", columns="origin")                  # a text column
    assert one_input.input_column(prepare(load_for_config(cfg), cfg)) is None
