"""Compare's import (playground.runs.record_schema via record.loads): a hostile or broken run
list gets one ConfigError sentence in both languages, never a RecursionError, an
OverflowError, a page that crashes while drawing it, or a 300,000-point curve."""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.errors import ConfigError
from playground.figures import compare as compare_figs
from playground.i18n import Translator
from playground.runs import record as rec
from playground.runs import record_schema

T = Translator("en")


def run(**changes) -> dict:
    d = dict(id="a", name="Run 1", config={"dataset": "circle", "hidden": [4], "lr": 0.03},
             history={"epoch": [1, 2], "loss": [0.7, 0.5], "val_loss": [0.8, None],
                      "accuracy": [0.5, 0.6], "val_accuracy": [0.5, 0.55]},
             task="binary", dataset_kind="toy", status="completed", seconds=1.5,
             finished_at="2026-01-01T00:00:00+00:00", test_metrics={"accuracy": 0.5, "f1": None},
             changes=[{"epoch": 1.0, "changes": {"hidden": [[4], [8]]}}], best_epoch=2, stopped_epoch=0,
             boundary={"x": [-6.0, 0.0, 6.0], "y": [-6.0, 6.0], "z": [[0.1, 0.2, 0.3], [0.4, None, 0.6]]})
    d.update(changes)
    return d


def doc(*runs) -> str:
    return json.dumps({"format": rec.FORMAT, "version": rec.VERSION, "runs": list(runs)})


def refused(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        rec.loads(text)
    en, ko = e.value.text("en"), e.value.text("ko")
    assert "unchanged" in en and "그대로" in ko and "\n" not in en
    return e.value


def draw(records) -> None:
    """What the Compare page draws from the records (the figures, the tables' values)."""
    runs = [{"name": r.name, "task": r.task, "history": r.history_rows()} for r in records]
    compare_figs.curves_figure(runs, T)
    with_surface = [{"name": r.name, "surface": r.boundary} for r in records if r.boundary]
    if with_surface:
        compare_figs.boundaries_figure(with_surface, records[0].task, T)
    assert all(r.epochs_run >= 0 for r in records)


def test_a_well_formed_file_is_read_and_drawn():
    records = rec.loads(doc(run(), run(id="b", task="multiclass",
                                       boundary={"x": [0, 1], "y": [0, 1], "z": [[0, 2], [1, None]]})))
    assert [r.id for r in records] == ["a", "b"] and np.isnan(records[0].history["val_loss"][1])
    draw(records)


def test_deep_nesting_is_refused_not_a_recursion_error():
    for depth in (100_000, 900, record_schema.MAX_DEPTH):
        e = refused('{"format": "nn-playground-runs", "version": 1, "runs": [' + "[" * depth + "]" * depth + "]}")
        assert e.key == "err.runs_too_deep"


@pytest.mark.parametrize("number", ["1e400", "-1e999", "NaN", "Infinity"])
def test_numbers_that_are_not_finite_are_refused(number):
    text = doc(run()).replace("0.55", number)
    assert refused(text).key == "err.runs_number"
    assert refused(doc(run()).replace('"seconds": 1.5', f'"seconds": {number}')).key == "err.runs_number"


@pytest.mark.parametrize("changes, place", [
    ({"boundary": {"x": [], "y": [], "z": []}}, "boundary/x"),
    ({"boundary": {"x": [0, 1], "y": [0, 1], "z": [[0.5], [0.5, 0.5]]}}, "boundary/z"),
    ({"boundary": {"x": [0, 1], "y": [0, 1, 2], "z": [[0.5, 0.5], [0.5, 0.5]]}}, "boundary/z"),
    ({"task": "multiclass", "boundary": {"x": [0, 1], "y": [0, 1], "z": [[1e30, 0], [0, 1]]}}, "boundary/z"),
    ({"history": {"epoch": [1, 2], "loss": [0.5]}}, "history"),
    ({"history": {"epoch": []}}, "history/epoch"),
    ({"history": {"epoch": [1, 2], "loss": [0.5, 1e300]}}, "history/loss/1"),      # not a float32
    ({"history": {"epoch": [1, 2], "loss": [0.5, "0.4"]}}, "history/loss/1"),
    ({"best_epoch": 1e300}, "best_epoch"),
    ({"config": {"hidden": 4}}, "config/hidden"),
    ({"config": {"dataset": {"nested": [1]}}}, "config/dataset"),
    ({"task": "poetry"}, "task"),
])
def test_a_run_that_does_not_fit_the_schema_is_named(changes, place):
    e = refused(doc(run(id="ok"), run(**changes)))
    assert e.key == "err.runs_invalid" and e.params == {"run": 2, "place": place}


def test_duplicate_run_ids_are_refused():
    e = refused(doc(run(), run(name="other")))
    assert e.key == "err.runs_duplicate" and e.params["id"] == "a"


def test_a_file_larger_than_the_limit_is_refused_before_parsing():
    e = refused(" " * (record_schema.MAX_BYTES + 1) + doc(run()))
    assert e.key == "err.runs_too_big"


def test_a_300000_epoch_run_is_thinned_as_a_live_runs_record_is():
    n = 300_000
    history = {"epoch": list(range(1, n + 1)), "loss": [0.5] * n, "val_loss": [0.25] * n}
    text = doc(run(history=history, boundary=None))
    assert len(text) < record_schema.MAX_BYTES
    (r,) = rec.loads(text)
    kept = r.history["epoch"]
    assert len(kept) <= rec.MAX_POINTS and kept[0] == 1 and kept[-1] == n and r.epochs_run == n
    live = rec._history_columns([{"epoch": i + 1, "loss": 0.5, "val_loss": 0.25} for i in range(n)])
    np.testing.assert_array_equal(kept, live["epoch"])
    assert len(r.history["loss"]) == len(kept)
    draw([r])
