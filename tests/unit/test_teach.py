"""Teach it: the sketch collection, its CSV, fine-tuning; and where digit models come from."""
import io

import numpy as np
import pandas as pd
import pytest
import torch
from unit_helpers import wait_for

from playground.config import make_config
from playground.data import table
from playground.data.loaders import load_dataset
from playground.data.prepare import prepare
from playground.errors import ConfigError
from playground.nn.checkpoint import save_model
from playground.nn.train import Trainer
from playground.runs.training import Scheduler, TrainingJob
from playground.sketch import digit_model, preprocess, teach


def views_of(image: np.ndarray) -> dict:
    """A dataset image drawn on the canvas, preprocessed into both digit formats."""
    canvas = preprocess.as_canvas(image)
    return {s: preprocess.preprocess(canvas, s) for s in preprocess.SHAPES}


@pytest.fixture(scope="module")
def digits():
    cfg = make_config(dataset="digits", hidden=[32], epochs=12, lr=0.01, batch_size=32)
    prep = prepare(load_dataset("digits"), cfg)
    tr = Trainer(cfg, prep)
    tr.fit()
    dm = digit_model.DigitModel(tr.model.eval(), cfg, (8, 8), prep.class_names, "run", "digits",
                                train=(prep.train.X, prep.train.y), test=(prep.test.X, prep.test.y))
    return cfg, prep, dm


def test_collection_keeps_both_formats_and_counts():
    X = load_dataset("digits").X.reshape(-1, 8, 8) / 16
    coll = teach.Collection()
    for i, label in enumerate([3, 3, 7]):
        coll.add(label, views_of(X[i]))
    assert len(coll) == 3
    assert coll.counts().tolist() == [0, 0, 0, 2, 0, 0, 0, 1, 0, 0]
    X28, y = coll.tensors((28, 28))
    X8, _ = coll.tensors((8, 8))
    assert X28.shape == (3, 784) and X8.shape == (3, 64) and y.tolist() == [3, 3, 7]
    coll.remove_last()
    assert coll.labels == [3, 3] and len(coll.images[(28, 28)]) == 2 and len(coll.images[(8, 8)]) == 2
    coll.clear()
    assert len(coll) == 0 and coll.tensors((8, 8))[0].shape == (0, 64)


def test_csv_is_a_dataset_in_the_sets_own_units():
    X = load_dataset("digits").X.reshape(-1, 8, 8) / 16
    coll = teach.Collection()
    coll.add(4, views_of(X[0]))
    coll.add(9, views_of(X[1]))
    for shape, pmax in (((8, 8), 16), ((28, 28), 255)):
        df = pd.read_csv(io.BytesIO(coll.to_csv(shape)))
        n = shape[0] * shape[1]
        assert list(df.columns) == [f"px{i}" for i in range(n)] + ["digit"]
        assert df["digit"].tolist() == [4, 9]
        np.testing.assert_allclose(df.iloc[:, :n].to_numpy() / pmax, coll.tensors(shape)[0].numpy(), atol=0.5 / pmax)
        assert df.iloc[:, :n].to_numpy().max() <= pmax
    # and the playground reads it back as a table
    df = pd.concat([pd.read_csv(io.BytesIO(coll.to_csv((8, 8))))] * 6, ignore_index=True)
    ds = table.from_dataframe(df, "digit")
    assert ds.task == "binary" and ds.class_names == ["4", "9"]


def test_fine_tune_learns_the_sketches_keeps_the_digits_and_is_deterministic(digits):
    cfg, prep, dm = digits
    # sketches the model gets wrong, each labelled as the user meant (the dataset's label)
    X_te, y_te = prep.test.X.numpy().reshape(-1, 8, 8), prep.test.y.numpy()
    coll = teach.Collection()
    for im, y in zip(X_te, y_te):
        v = views_of(im)
        if digit_model.read(dm, v[(8, 8)]).top != y:
            coll.add(int(y), v)
        if len(coll) == 8:
            break
    assert len(coll) >= 4
    original = {k: v.clone() for k, v in dm.model.state_dict().items()}
    fractions = []
    res = teach.fine_tune(dm, coll, progress=lambda f, *_: fractions.append(f))
    assert fractions == [(i + 1) / 8 for i in range(8)]
    assert res.sketches_before == 0.0 and res.sketches_after >= 0.75
    assert res.test_after >= res.test_before - 0.03          # mixing in training digits: little forgetting
    assert res.model.tuned == len(coll) and res.model.source == "run"
    assert all(torch.equal(v, dm.model.state_dict()[k]) for k, v in original.items())   # the original is untouched
    X_s, y_s = coll.tensors((8, 8))
    assert teach.accuracy(res.model.model, X_s, y_s) == res.sketches_after
    again = teach.fine_tune(dm, coll)
    assert all(torch.equal(v, again.model.model.state_dict()[k]) for k, v in res.model.model.state_dict().items())
    with pytest.raises(ValueError):
        teach.fine_tune(dm, teach.Collection())


def test_saved_model_round_trip_and_reference_rows(digits, tmp_path):
    cfg, prep, dm = digits
    path = tmp_path / "digits.pt"
    save_model(path, dm.model, cfg, prep)
    up = digit_model.from_file(io.BytesIO(path.read_bytes()), "digits.pt")
    assert up.source == "upload" and up.image_shape == (8, 8) and up.name == "digits.pt"
    img = prep.test.X[0].numpy().reshape(8, 8)
    np.testing.assert_allclose(digit_model.read(up, img).probs, digit_model.read(dm, img).probs, atol=1e-6)
    (X_tr, y_tr), (X_te, y_te) = teach.reference_rows(up)       # no data attached: the embedded set
    assert X_tr.shape[1] == 64 and len(X_tr) == len(prep.train.y) and torch.equal(y_te, prep.test.y)


def test_non_digit_models_are_refused_with_a_message(tmp_path):
    cfg = make_config(dataset="iris", hidden=[4], epochs=1)
    prep = prepare(load_dataset("iris"), cfg)
    tr = Trainer(cfg, prep)
    path = tmp_path / "iris.pt"
    save_model(path, tr.model, cfg, prep)
    with pytest.raises(ConfigError) as e:
        digit_model.from_file(str(path), "iris.pt")
    assert e.value.key == "err.sketch_not_digits" and "iris" in e.value.text("ko")
    with pytest.raises(ConfigError):
        digit_model.from_file(io.BytesIO(b"not a model"), "junk.pt")


def test_from_job_copies_a_digit_run_and_skips_others():
    cfg = make_config(dataset="digits", hidden=[16], epochs=2, batch_size=64)
    job = TrainingJob(cfg, scheduler=Scheduler(2)).start()
    wait_for(lambda: job.snapshot().finished, timeout=60)
    dm = digit_model.from_job(job)
    assert dm.source == "run" and dm.epoch == 2 and dm.image_shape == (8, 8)
    assert dm.model is not job.trainer.model
    x = job.prepared.test.X[:5]
    with torch.no_grad():
        assert torch.allclose(dm.model(x), job.trainer.model.eval()(x))
    other = TrainingJob(make_config(dataset="circle", epochs=1), scheduler=Scheduler(2)).start()
    wait_for(lambda: other.snapshot().finished, timeout=60)
    assert digit_model.from_job(other) is None


def test_shared_default_trains_once(monkeypatch):
    calls = []
    monkeypatch.setattr(digit_model, "_SHARED", {})
    monkeypatch.setattr(digit_model, "train_default", lambda progress=None: calls.append(1) or object())
    first = digit_model.shared_default()
    assert digit_model.shared_default() is first and calls == [1]
