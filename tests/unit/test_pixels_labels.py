"""Pixel scaling (config.pixel_scale) and the label format (config.labels): what the network
reads and what the loss compares with, the data page's and the lab's words for them, the
Flatten step in the diagram, a sketch read by a run on raw pixels. The exported scripts run
in test_export.py (digits_raw_onehot, keras_onehot)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch
from export_helpers import exec_script

from playground.config import make_config
from playground.data.label_format import first_example, label_text, loss_key
from playground.data.loaders import load_for_config
from playground.data.prepare import prepare
from playground.errors import ConfigError
from playground.export import script_text
from playground.figures.flatten import flatten_text
from playground.figures.lab import lab_network_figure
from playground.i18n import Translator
from playground.inspect.graph import network_graph
from playground.nn.checkpoint import RowEncoder, preprocessing_record
from playground.nn.model import build_model
from playground.nn.train import Trainer, train
from playground.sketch.digit_model import DigitModel, read


def prepared(**values):
    cfg = make_config(**values)
    return cfg, prepare(load_for_config(cfg), cfg)


def test_raw_pixels_reach_the_network_and_a_saved_model_reads_them_so():
    cfg, prep = prepared(dataset="digits", pixel_scale=False)
    raw = np.asarray(prep.dataset.X, np.float32)
    assert torch.equal(prep.train.X, torch.from_numpy(raw[prep.train.index])) and float(prep.train.X.max()) == 16.0
    assert prep.pipeline[0]["steps"] == [{"op": "raw_pixels", "max": 16.0}]
    assert torch.equal(prep.transform(raw[prep.test.index]), prep.test.X)
    record = preprocessing_record(prep)
    rows = pd.DataFrame(raw[:5], columns=prep.dataset.feature_names)
    assert record["pixel_max"] == 1.0 and torch.equal(RowEncoder(record).transform(rows), prep.transform(raw[:5]))
    _, scaled = prepared(dataset="digits")
    assert torch.allclose(scaled.train.X * 16, prep.train.X) and preprocessing_record(scaled)["pixel_max"] == 16.0


def test_mnist_without_pixel_scaling_diverges_with_sgd():
    """The course's X / 255: an MLP (64 relu) with SGD (lr 0.03, momentum 0.9) learns MNIST from 0-1
    pixels (measured: val accuracy 0.879, 0.889 after two epochs) and blows up on 0-255 (first
    epoch's loss 697, then every output the same: val accuracy 0.10, chance over 10 digits).
    With Adam the difference is smaller (measured over 10 epochs: MLP 0.931 vs 0.882, the
    default CNN 0.960 vs 0.935 with a noisier, rising val_loss)."""
    runs = {ps: train(make_config(dataset="mnist", model="mlp", optimizer="sgd", lr=0.03, pixel_scale=ps, epochs=2,
                                  patience=0)).history.epochs for ps in (True, False)}
    assert [e["val_accuracy"] for e in runs[True]] == pytest.approx([0.879, 0.889], abs=0.002)
    assert runs[False][0]["loss"] > 100 * runs[True][0]["loss"]
    assert all(abs(e["val_accuracy"] - 0.1) < 0.01 for e in runs[False])
    assert runs[False][-1]["loss"] == pytest.approx(math.log(10), abs=0.01)   # the uniform guess's loss


def test_sparse_and_onehot_labels_train_the_same_network():
    """CrossEntropyLoss of class indices and of one-hot vectors is one formula: the same seed
    gives the very same weights (gradients identical) and histories equal to float rounding
    (the two forms sum in another order: measured 3e-7 relative at most)."""
    runs = {lab: train(make_config(dataset="digits", model="mlp", labels=lab, epochs=3, patience=0))
            for lab in ("sparse", "onehot")}
    a, b = (t.model.state_dict() for t in runs.values())
    assert all(torch.equal(a[k], b[k]) for k in a)
    for x, y in zip(*(t.history.epochs for t in runs.values()), strict=True):
        assert (x["accuracy"], x["val_accuracy"]) == (y["accuracy"], y["val_accuracy"])
        assert (y["loss"], y["val_loss"]) == pytest.approx((x["loss"], x["val_loss"]), rel=1e-6)
    sparse, onehot = runs.values()
    assert onehot._y_train.shape == (len(sparse._y_train), 10) and torch.equal(onehot._y_train.argmax(1), sparse._y_train)
    assert onehot.loss_on("val", constant=True) == pytest.approx(sparse.loss_on("val", constant=True), rel=1e-6)


def test_a_csv_whose_task_is_not_multiclass_refuses_onehot_labels_once_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n" + "".join(f"{i},{i % 3},{'yes' if i % 2 else 'no'}\n" for i in range(40)))
    cfg = make_config(dataset=str(path), labels="onehot")      # the task is not known before reading
    with pytest.raises(ConfigError) as e:
        Trainer(cfg, prepare(load_for_config(cfg), cfg))
    assert e.value.field == "labels"


def test_a_label_as_the_loss_sees_it():
    _, prep = prepared(dataset="digits")
    index = int(prep.train.y[0])
    assert first_example(prep, "sparse") == (prep.class_names[index], str(index))
    vector = first_example(prep, "onehot")[1]
    assert [int(v) for v in vector.strip("[]").split(",")] == list(np.eye(10, dtype=int)[index])
    assert label_text(3, 4, "onehot") == "[0, 0, 0, 1]" and label_text(3, 4, "sparse") == "3"
    assert (loss_key("ce", "onehot"), loss_key("ce", "sparse"), loss_key("bce", "sparse")) == ("ce_onehot", "ce_sparse",
                                                                                                "bce")
    T = Translator("ko")
    assert T("loss.ce_sparse").startswith("희소 범주형 크로스 엔트로피") and T("loss.ce_onehot").startswith("범주형 크로스 엔트로피")
    _, titanic = prepared(dataset="titanic")
    assert first_example(titanic, "sparse") is None        # binary: one output, no label format


def test_the_scripts_follow_both_settings():
    cfg, prep = prepared(dataset="digits", pixel_scale=False, labels="onehot")
    torch_text, keras_text = script_text(cfg), script_text(cfg, "keras")
    (X_train, _, X_test), _, _ = exec_script(torch_text)["prepare_data"]()
    assert torch.equal(torch.from_numpy(X_train), prep.train.X) and torch.equal(torch.from_numpy(X_test), prep.test.X)
    for text in (torch_text, keras_text):
        assert "/ PIXEL_MAX" not in text and "raw pixel values" in text
    assert "nn.functional.one_hot(y_train, n_outputs).float()" in torch_text
    assert "keras.utils.to_categorical" in keras_text and '"categorical_crossentropy"' in keras_text
    default = make_config(dataset="digits")
    assert "/ PIXEL_MAX" in script_text(default) and "one_hot" not in script_text(default)
    assert '"sparse_categorical_crossentropy"' in script_text(default, "keras")


@pytest.mark.parametrize("model, text, after", [("mlp", "8×8 → 64", 0), ("cnn", "16×2×2 → 64", 2)])
def test_the_diagram_draws_the_flatten_step(model, text, after):
    """An mlp flattens the image before its first dense layer, a cnn after its last pooling
    (8x8 halved twice: 16 maps of 2x2)."""
    cfg, prep = prepared(dataset="digits", model=model)
    g = network_graph(build_model(cfg, prep.n_features, prep.n_outputs, prep.image_shape), prep)
    assert g["flatten"]["after"] == after and flatten_text(g["flatten"]) == text
    assert g["layers"][after + 1]["name"] == "hidden1"
    for lang, word in (("en", "Flatten"), ("ko", "평탄화")):
        fig = lab_network_figure(g, None, Translator(lang))
        labels = [a for a in fig.layout.annotations if text in a.text]
        assert len(labels) == 1 and word in labels[0].text and labels[0].x == after + 0.5
    cfg, prep = prepared(dataset="iris")
    g = network_graph(build_model(cfg, prep.n_features, prep.n_outputs), prep)
    assert g["flatten"] is None and not any("→" in a.text for a in lab_network_figure(g, None, Translator("en"))
                                            .layout.annotations)


def test_a_sketch_reaches_a_raw_pixel_model_in_its_units():
    cfg = make_config(dataset="digits", model="mlp", pixel_scale=False)
    net = build_model(cfg, 64, 10, (8, 8))
    image = np.random.default_rng(0).random((8, 8)).astype(np.float32)       # a sketch: 0-1
    dm = DigitModel(net, cfg, (8, 8), [str(i) for i in range(10)], "run", "digits", input_scale=16.0)
    with torch.no_grad():
        expected = torch.softmax(net.eval()(torch.from_numpy(image.reshape(1, -1) * 16)), 1)[0].numpy()
    np.testing.assert_allclose(read(dm, image).probs, expected, rtol=1e-6)
