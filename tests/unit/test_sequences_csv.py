"""A user's table read step by step (config read_as, data/sequence_table.py): a series in
the order of its time column, or one sentence per row. The same data as an embedded set,
written as a user would (dates as text, rows shuffled, other names), must train to the
very same numbers; its exported script and saved model must work on the file."""
from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from unit_helpers import prepared_for, register, result

from playground.analysis import metrics, sequence_baselines
from playground.cli import split_metrics
from playground.config import make_config
from playground.data import sequence_table
from playground.data.loaders import load_dataset
from playground.errors import ConfigError, DataError
from playground.export import script_text
from playground.nn.checkpoint import SavedModel, save_model
from playground.nn.train import Trainer

FOLDER = Path(tempfile.mkdtemp(prefix="playground-seq-csv-"))
atexit.register(shutil.rmtree, FOLDER, True)


def _month(t: float) -> str:
    year = int(np.floor(t + 1e-9))
    return f"{year}-{int(round((t - year) * 12)) + 1:02d}"


def _write_tables() -> tuple[str, str]:
    ap = load_dataset("air-passengers")
    months = pd.DataFrame({"Month": [_month(t) for t in ap.X["time"]], "passengers": ap.X["value"]})
    series = FOLDER / "passengers.csv"
    months.sample(frac=1, random_state=0).to_csv(series, index=False)     # the file's rows out of order
    neg = load_dataset("seq-negation", 1000, 0.2, 0, length=10)
    text = FOLDER / "reviews.csv"
    pd.DataFrame({"id": range(neg.n_rows), "review": neg.X["text"],
                  "label": np.array(neg.class_names)[neg.y]}).to_csv(text, index=False)
    return str(series), str(text)


SERIES_CSV, TEXT_CSV = _write_tables()
SHORT = dict(epochs=6, batch_size=8, patience=0)
CASES = {
    "series": (dict(dataset=SERIES_CSV, read_as="series", target="passengers", **SHORT), dict(dataset="air-passengers", **SHORT)),
    "text": (dict(dataset=TEXT_CSV, read_as="text", target="label", window=10, epochs=3),
             dict(dataset="seq-negation", epochs=3)),
}
for _name, (_values, _) in CASES.items():
    (FOLDER / f"{_name}.py").write_text(script_text(make_config(**_values)), encoding="utf-8")
    register(f"seq_csv:{_name}", [str(FOLDER / f"{_name}.py")], batch="pytorch")
(FOLDER / "text_keras.py").write_text(script_text(make_config(**CASES["text"][0] | {"epochs": 8}), "keras"), encoding="utf-8")
register("seq_csv:text_keras", [str(FOLDER / "text_keras.py")], batch="keras")


def _fit(values: dict) -> Trainer:
    cfg, prep = prepared_for(**values)
    trainer = Trainer(cfg, prep)
    trainer.fit()
    return trainer


@pytest.mark.parametrize("name", list(CASES))
def test_a_table_trains_as_its_embedded_twin(name):
    ours, twin = (_fit(v) for v in CASES[name])
    assert split_metrics(ours, "test", metrics) == split_metrics(twin, "test", metrics)
    assert ours.data.period == twin.data.period
    np.testing.assert_array_equal(ours.data.test.index, twin.data.test.index)


def test_the_series_is_read_in_time_order_with_its_season_and_gaps_filled():
    df = pd.read_csv(SERIES_CSV)
    df.loc[df["Month"] == "1950-03", "passengers"] = None        # a gap inside the series
    ds = sequence_table.read_sequence(df, "passengers", "series", "p.csv")
    assert ds.period == 12 and np.all(np.diff(ds.X["time"]) > 0)
    assert ds.X["time"].iloc[0] == 1949.0 and abs(ds.X["time"].iloc[-1] - (1960 + 335 / 366)) < 1e-9   # 1 Dec of a leap year
    i = int(np.argmin(np.abs(ds.X["time"].to_numpy() - 1950.16)))
    assert ds.X["value"].iloc[i] == (ds.X["value"].iloc[i - 1] + ds.X["value"].iloc[i + 1]) / 2
    assert {"note": "series_filled", "column": "passengers", "count": 1} in ds.notes
    assert {"note": "series_time_column", "column": "Month"} in ds.notes


@pytest.mark.parametrize("columns, expected", [
    ({"value": [3.0, 1, 2], "id": ["b", "c", "a"]}, None),                       # no time: the rows' order
    ({"year": [1990, 1992, 1991], "value": [1.0, 3, 2]}, "year"),               # named like a time
    ({"when": ["2001-01-03", "2001-01-01", "2001-01-02"], "value": [3.0, 1, 2]}, "when"),   # dates
    ({"step": [0.5, 1.5, 2.5], "value": [1.0, 2, 3]}, "step"),                  # only grows
])
def test_the_time_column(columns, expected):
    df = pd.DataFrame(columns)
    assert sequence_table.time_column(df, "value") == expected


@pytest.mark.parametrize("times, period", [
    (pd.date_range("2000-01-01", periods=30, freq="MS"), 12), (pd.date_range("2000-01-01", periods=30, freq="QS"), 4),
    (pd.date_range("2000-01-01", periods=30, freq="D"), 7), (pd.Series(np.arange(30) / 12 + 1990), 12),
    (pd.Series(np.arange(30.0)), 1),
])
def test_the_season_follows_the_time_step(times, period):
    assert sequence_table.season(pd.Series(times)) == period


def test_a_tables_season_drives_seasonal_naive():
    cfg, prep = prepared_for(**CASES["series"][0])
    values = prep.dataset.X["value"].to_numpy()
    np.testing.assert_array_equal(sequence_baselines.outputs(prep, "seasonal_naive"), values[prep.test.index - 12])


@pytest.mark.parametrize("frame, read_as, key", [
    (pd.DataFrame({"a": range(12), "v": range(12)}), "text", "err.no_text_column"),
    (pd.DataFrame({"t": range(12), "v": ["x"] * 12}), "series", "err.series_not_numeric"),
    (pd.DataFrame({"s": ["a b"] * 60, "v": range(60)}), "text", "err.text_needs_classes"),
    (pd.DataFrame({"s": ["a b"] * 5, "v": [0, 1] * 2 + [0]}), "text", "err.few_rows"),
])
def test_tables_that_cannot_be_read_so_get_a_message(frame, read_as, key):
    with pytest.raises(DataError) as e:
        sequence_table.read_sequence(frame, "v", read_as, "t.csv")
    assert e.value.key == key


def test_the_options_apply_to_a_table_only_and_need_a_recurrent_network():
    with pytest.raises(ConfigError, match="read_as"):
        make_config(dataset="co2", read_as="series")
    with pytest.raises(ConfigError) as e:
        make_config(dataset=TEXT_CSV, read_as="text", model="mlp")
    assert e.value.key == "err.sequence_needs_rnn"
    assert make_config(dataset=SERIES_CSV, read_as="series").model == "lstm"     # a sequence set's defaults


def test_a_saved_text_model_reads_the_tables_own_column(tmp_path):
    trainer = _fit(CASES["text"][0])
    path = tmp_path / "reviews.pt"
    save_model(path, trainer.model, trainer.cfg, trainer.data)
    saved = SavedModel.load(path)
    out = saved.predict(pd.DataFrame({"review": ["the movie is not good", "the movie is good."]}))
    assert list(out["prediction"]) == ["negative", "positive"]     # "good." reads as good .


@pytest.mark.late
@pytest.mark.parametrize("name", list(CASES))
def test_the_exported_script_reads_the_file_and_lands_on_our_numbers(name):
    trainer = _fit(CASES[name][0])
    ours = split_metrics(trainer, "test", metrics)
    rc, out, err = result(f"seq_csv:{name}")
    assert rc == 0, err[-2000:]
    theirs = json.loads(out.strip().splitlines()[-1])
    for key, value in theirs["test"].items():
        assert value == pytest.approx(ours[key], rel=1e-6, abs=1e-9), (key, theirs, ours)


@pytest.mark.late
def test_the_keras_script_reads_the_file_and_learns_the_negation():
    rc, out, err = result("seq_csv:text_keras")
    assert rc == 0, err[-2000:]
    theirs = json.loads(out.strip().splitlines()[-1])
    assert theirs["epochs_run"] == 8 and theirs["test"]["accuracy"] >= 0.9, theirs   # a bag of words reads ~0.5
