"""Painted datasets: the points text (parse, format, limits), the config field and its
checks, the loader, the example a painted set starts from, and the CSV a painting
downloads as (it trains as an uploaded table and shows the boundary)."""
from __future__ import annotations

import dataclasses

import pytest

from playground.config import DEFAULT, defaults_for, from_query, make_config, to_query, validate
from playground.data import paint
from playground.data.loaders import load_dataset, load_for_config
from playground.data.registry import DATASETS, is_painted, is_toy
from playground.data.table import read_csv
from playground.errors import ConfigError
from playground.inspect import boundary
from playground.nn.train import train


def pts(n0: int, n1: int) -> str:
    return paint.fmt([(-3 + i * 0.1, -3.0, 0.0) for i in range(n0)] + [(3 - i * 0.1, 3.0, 1.0) for i in range(n1)])


def test_registry_entries():
    assert DATASETS["paint"].task == "binary" and DATASETS["paint-regression"].task == "regression"
    assert is_painted("paint") and is_toy("paint-regression") and not is_painted("circle")


def test_parse_and_format_round_trip():
    text = "1.23,-4,0; -6,6,1;"
    points = paint.parse(text)
    assert points == [(1.23, -4.0, 0.0), (-6.0, 6.0, 1.0)]
    assert paint.fmt(points) == "1.2,-4,0;-6,6,1"          # coordinates to one decimal
    assert paint.parse(paint.fmt(points)) == [(1.2, -4.0, 0.0), (-6.0, 6.0, 1.0)]
    assert paint.fmt([(0.04, -0.04, 0.256)]) == "0,0,0.26"
    assert paint.parse("") == []


@pytest.mark.parametrize("text, key", [
    ("1,2", "err.points_format"), ("a,b,c", "err.points_format"), ("1,nan,0", "err.points_format"),
    ("6.5,0,1", "err.points_range"), ("0,-7,0", "err.points_range"),
    (";".join(["1,1,0"] * (paint.MAX_POINTS + 1)), "err.points_too_many"),
])
def test_parse_errors(text, key):
    with pytest.raises(ConfigError) as ei:
        paint.parse(text)
    assert (ei.value.key, ei.value.field) == (key, "points")


@pytest.mark.parametrize("dataset, text, key", [
    ("paint", pts(4, 4), "err.points_too_few"),
    ("paint", pts(12, 0), "err.points_one_class"),
    ("paint", pts(6, 6).replace(",1;", ",2;", 1), "err.points_class"),
    ("paint", "", "err.points_too_few"),
    ("paint-regression", pts(3, 3), "err.points_too_few"),
    ("paint-regression", pts(6, 6) + ";1,1,1e300", "err.points_value"),      # made every metric null
    ("paint-regression", pts(6, 6) + ";1,1,2e30", "err.points_value"),
    ("paint-regression", pts(6, 6) + ";1,1,-1.01", "err.points_value"),
    ("circle", pts(6, 6), "err.points_need_paint"),
    ("iris", "1,1,0", "err.points_need_paint"),
])
def test_config_checks_points(dataset, text, key):
    with pytest.raises(ConfigError) as ei:
        make_config(dataset=dataset, points=text)
    e = ei.value
    assert (e.key, e.field) == (key, "points")
    assert "{" not in e.text("ko") and e.text("ko") != str(e)


def test_valid_paintings():
    assert len(paint.parse(make_config(dataset="paint", points=pts(5, 5)).points)) == 10
    reg = make_config(dataset="paint-regression", points=paint.fmt([(i - 5.0, 0.0, i / 10 - 0.1) for i in range(12)]))
    assert paint.parse(reg.points)[-1] == (6.0, 0.0, 1.0) and paint.parse(reg.points)[0][2] == -0.1


def test_each_painted_set_starts_from_an_example_that_trains():
    for name in ("paint", "paint-regression"):
        cfg = defaults_for(name)
        assert validate(cfg) is cfg and len(paint.parse(cfg.points)) == 40
        assert to_query(cfg) == {"dataset": name}                 # the example keeps the link short
        assert from_query({"dataset": name}) == (cfg, [])
    assert validate(DEFAULT).points == ""
    t = train(make_config(dataset="paint", epochs=60))
    acc = t.evaluate("val")["accuracy"]
    print(f"paint example: val accuracy {acc:.3f}")
    assert acc >= 0.9


def test_the_loader_reads_the_points_and_ignores_size_and_noise():
    text = pts(6, 7)
    a = load_dataset("paint", 50, 0.9, 3, points=text)
    b = load_for_config(make_config(dataset="paint", points=text, n_samples=2000, noise=0.0))
    assert a is b and a.n_rows == 13 and list(a.X.columns) == ["x1", "x2"] and a.y.sum() == 7
    assert load_dataset("paint").n_rows == 40
    assert load_dataset("circle", points=text).n_rows == 500        # other sets ignore points


def test_points_link_round_trip():
    cfg = make_config(dataset="paint", points=pts(6, 6), features="x1,x2,x1x2")
    query = to_query(cfg)
    assert set(query) == {"dataset", "points", "features"}
    assert from_query(query) == (cfg, [])
    _, problems = from_query({"dataset": "circle", "points": pts(6, 6)})
    assert [p.key for p in problems] == ["err.points_need_paint"]


def test_nearest():
    points = [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)]
    assert paint.nearest(points, 0.9, 0.8, 0.6) == 1
    assert paint.nearest(points, 3.0, 3.0, 0.6) is None


@pytest.mark.parametrize("dataset", ["paint", "paint-regression"])
def test_the_csv_trains_as_an_uploaded_table_with_a_boundary(dataset, tmp_path):
    cfg = defaults_for(dataset)
    task = DATASETS[dataset].task
    path = tmp_path / "painted.csv"
    path.write_text(paint.to_csv(paint.parse(cfg.points), task))
    assert path.read_text().splitlines()[0] == ("x1,x2,y" if task == "regression" else "x1,x2,class")
    ds = read_csv(str(path))
    assert ds.task == task and list(ds.X.columns) == ["x1", "x2"] and ds.n_rows == 40
    t = train(make_config(dataset=str(path), epochs=30))
    assert boundary.is_plane_dataset(t.data)
    assert boundary.surface(t.model, t.data, resolution=10)["z"].shape == (10, 10)


def test_a_painted_set_takes_no_points_from_another_dataset():
    with pytest.raises(ConfigError):
        validate(dataclasses.replace(defaults_for("paint"), dataset="circle"))
