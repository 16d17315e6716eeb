"""playground.runs.record: a finished run as a small record, its JSON round trip, the
version check, and the comparison helpers."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from playground.config import make_config
from playground.errors import ConfigError
from playground.inspect import boundary
from playground.runs import record as rec
from playground.runs.scheduler import Scheduler
from playground.runs.training import TrainingJob


def _job(**values) -> TrainingJob:
    job = TrainingJob(make_config(**values), scheduler=Scheduler(2),
                      probes={"boundary": lambda tr: boundary.surface(tr.model, tr.data, resolution=50)}).start()
    job.join(60)
    return job


@pytest.fixture(scope="module")
def circle_run():
    job = _job(dataset="circle", epochs=5, hidden=[4])
    return job, rec.from_job(job, "Run 1 · circle · 4 tanh")


@pytest.fixture(scope="module")
def circle_record(circle_run):
    return circle_run[1]


def sklearn_metrics(model, prepared, split: str) -> dict:
    """The record's metrics computed here from the model's raw outputs on a split: sigmoid,
    threshold 0.5, sklearn.metrics (regression: outputs in the target's units)."""
    s = prepared.split(split)
    with torch.no_grad():
        out = model.eval()(s.X)[:, 0].double()
    y = s.y.numpy().astype(float)
    if prepared.task == "regression":
        pred = (out * prepared.y_std + prepared.y_mean).numpy()
        mse = skm.mean_squared_error(y, pred)
        return {"r2": skm.r2_score(y, pred), "mae": skm.mean_absolute_error(y, pred), "mse": mse,
                "rmse": mse ** 0.5}
    p = torch.sigmoid(out).numpy()
    label = (p >= 0.5).astype(int)
    return {"accuracy": skm.accuracy_score(y, label), "precision": skm.precision_score(y, label, zero_division=0),
            "recall": skm.recall_score(y, label), "f1": skm.f1_score(y, label), "roc_auc": skm.roc_auc_score(y, p)}


def test_a_record_keeps_settings_curves_metrics_and_the_boundary(circle_record):
    r = circle_record
    assert r.config["dataset"] == "circle" and r.config["hidden"] == [4]
    assert r.epochs_run == 5 and list(r.history["epoch"]) == [1, 2, 3, 4, 5]
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(r.history)
    assert set(r.test_metrics) == set(rec.CLASSIFICATION_METRICS)
    assert r.task == "binary" and r.dataset_kind == "toy" and r.status == "completed" and r.seconds > 0
    assert r.boundary["z"].shape == (50, 50) and r.boundary["z"].dtype == np.float32
    assert r.nbytes() < 16_000          # no model, no data: the surface and a few float32 columns


def test_the_test_metrics_are_sklearns_on_the_test_split(circle_run):
    """Every metric of the record is sklearn's on the model's TEST predictions; the validation
    split's differ (so a record built from the wrong split would show)."""
    job, r = circle_run
    model, prep = job.model_copy(), job.prepared
    test, val = sklearn_metrics(model, prep, "test"), sklearn_metrics(model, prep, "val")
    assert r.test_metrics == pytest.approx(test, rel=1e-6)
    assert r.test_metrics != pytest.approx(val, rel=1e-3)
    assert test["accuracy"] != val["accuracy"] and test["roc_auc"] != val["roc_auc"]


def test_json_round_trip(circle_record):
    text = rec.dumps([circle_record])
    doc = json.loads(text)
    assert doc["format"] == rec.FORMAT and doc["version"] == rec.VERSION
    back = rec.loads(text)[0]
    assert back.id == circle_record.id and back.name == circle_record.name and back.config == circle_record.config
    assert back.test_metrics == pytest.approx(circle_record.test_metrics, abs=1e-6)
    for k, v in circle_record.history.items():
        np.testing.assert_allclose(back.history[k], v, atol=1e-5)
    np.testing.assert_allclose(back.boundary["z"], circle_record.boundary["z"], atol=1e-5)
    assert back.history_rows()[-1]["epoch"] == 5
    assert back.run_config() == make_config(dataset="circle", epochs=5, hidden=[4])
    assert rec.loads(rec.dumps([back]))[0].to_dict() == back.to_dict()   # stable


def test_nan_survives_as_null(circle_record):
    r = rec.RunRecord(**{**circle_record.__dict__, "history": {"epoch": np.array([1, 2], np.float32),
                                                              "loss": np.array([1.0, np.nan], np.float32)},
                         "test_metrics": {"r2": None}})
    back = rec.loads(rec.dumps([r]))[0]
    assert np.isnan(back.history["loss"][1]) and back.test_metrics == {"r2": None}


@pytest.mark.parametrize("text, key", [
    ("not json at all", "err.runs_file"),
    ('{"some": "other json"}', "err.runs_file"),
    ('[1, 2, 3]', "err.runs_file"),
    ('{"format": "nn-playground-runs", "version": 0, "runs": []}', "err.runs_version"),
    ('{"format": "nn-playground-runs", "version": 99, "runs": []}', "err.runs_version"),
    ('{"format": "nn-playground-runs", "version": 1, "runs": [{"id": "x"}]}', "err.runs_invalid"),
])
def test_foreign_or_older_files_are_refused_with_one_message(text, key):
    with pytest.raises(ConfigError) as e:
        rec.loads(text)
    assert e.value.key == key and "unchanged" in e.value.text("en") and "그대로" in e.value.text("ko")


def test_differing_fields_and_merge(circle_record):
    other = rec.RunRecord(**{**circle_record.__dict__, "id": "b", "finished_at": "2099-01-01T00:00:00+00:00",
                             "config": {**circle_record.config, "hidden": [2], "lr": 0.1}})
    assert rec.differing_fields([circle_record, other]) == ["hidden", "lr"]
    assert rec.differing_fields([circle_record, circle_record]) == []
    merged, added, dropped = rec.merge([circle_record], [circle_record, other], keep=20)
    assert [r.id for r in merged] == [circle_record.id, "b"] and (added, dropped) == (1, 0)
    merged, added, dropped = rec.merge([circle_record], [other], keep=1)
    assert [r.id for r in merged] == ["b"] and (added, dropped) == (1, 1)
    assert rec.renamed(other, "  mine ").name == "mine" and rec.renamed(other, " ").name == other.name


def test_regression_and_a_long_history_are_thinned():
    job = _job(dataset="plane", epochs=3, hidden=[4])
    r = rec.from_job(job, "r")
    assert set(r.test_metrics) == set(rec.REGRESSION_METRICS) and r.task == "regression"
    test = sklearn_metrics(job.model_copy(), job.prepared, "test")
    assert r.test_metrics == pytest.approx(test, rel=1e-5)
    assert r.test_metrics != pytest.approx(sklearn_metrics(job.model_copy(), job.prepared, "val"), rel=1e-3)
    rows = [{"epoch": i + 1, "loss": 1.0 / (i + 1), "val_loss": 1.0} for i in range(5000)]
    cols = rec._history_columns(rows)
    assert len(cols["epoch"]) <= rec.MAX_POINTS and cols["epoch"][-1] == 5000 and cols["epoch"][0] == 1
