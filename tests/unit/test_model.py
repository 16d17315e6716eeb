"""model.py: output layers per task, blocks, activations, CNN shapes, size limit, save/load."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from unit_helpers import prepared_for

from playground.config import ACTIVATIONS, MAX_PARAMS, make_config
from playground.errors import ConfigError
from playground.nn.checkpoint import load_model, save_model
from playground.nn.model import (
    ACTIVATION_MODULES,
    Net,
    SeededDropout,
    build_model,
    count_params,
    loss_function,
    make_optimizer,
    predict_output,
)
from playground.nn.train import Trainer


@pytest.mark.parametrize("dataset, task, n_out, loss", [
    ("circle", "binary", 1, nn.BCEWithLogitsLoss),
    ("iris", "multiclass", 3, nn.CrossEntropyLoss),
    ("digits", "multiclass", 10, nn.CrossEntropyLoss),
    ("plane", "regression", 1, nn.MSELoss),
])
def test_output_layer_follows_the_task(dataset, task, n_out, loss):
    cfg, p = prepared_for(dataset=dataset)
    assert p.task == task and p.n_outputs == n_out
    net = build_model(cfg, p.n_features, p.n_outputs, p.image_shape)
    assert isinstance(net.output, nn.Linear) and net.output.out_features == n_out
    assert net(p.val.X).shape == (len(p.val.y), n_out)
    assert isinstance(loss_function(task), loss)
    out = predict_output(net, p.val.X, task, p.y_mean, p.y_std)
    if task == "binary":
        assert out.shape == (len(p.val.y),) and ((out >= 0) & (out <= 1)).all()
    elif task == "multiclass":
        assert out.shape == (len(p.val.y), n_out)
        np.testing.assert_allclose(out.sum(1), 1, rtol=1e-5)
    else:
        assert out.shape == (len(p.val.y),)


def test_regression_predictions_are_in_target_units():
    cfg = make_config(dataset="plane")
    net = build_model(cfg, 2, 1)
    X = torch.randn(5, 2)
    raw = net(X)[:, 0].detach().numpy()
    np.testing.assert_allclose(predict_output(net, X, "regression", 10.0, 3.0), raw * 3 + 10, rtol=1e-5)


def test_no_hidden_layer_is_a_single_linear():
    net = build_model(make_config(hidden=""), 2, 1)
    assert isinstance(net, Net)
    assert [n for n, _ in net.named_children()] == ["output"]
    assert isinstance(net.output, nn.Linear) and net.hidden_names == []
    assert count_params(2, 1, make_config(hidden="")) == 3


def test_blocks_are_named_and_sized():
    net = build_model(make_config(hidden="16,8,4"), 5, 3)
    assert net.hidden_names == ["hidden1", "hidden2", "hidden3"]
    assert [net.get_submodule(n)[0].out_features for n in net.hidden_names] == [16, 8, 4]
    assert net.hidden1[0].in_features == 5 and net.output.in_features == 4


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_builds_and_runs(activation):
    cfg = make_config(hidden="6,4", activation=activation)
    net = build_model(cfg, 3, 2)
    expected = type(ACTIVATION_MODULES[activation]())
    assert isinstance(net.hidden1[1], expected) and isinstance(net.hidden2[1], expected)
    out = net(torch.randn(7, 3))
    assert out.shape == (7, 2) and torch.isfinite(out).all()
    out.sum().backward()
    assert all(p.grad is not None for p in net.parameters())


def test_activation_table_matches_config_choices():
    assert set(ACTIVATION_MODULES) == set(ACTIVATIONS)


def test_batch_norm_and_dropout_are_in_each_block():
    net = build_model(make_config(hidden="8,8", activation="relu", batch_norm=True, dropout=0.5), 4, 1)
    for name in net.hidden_names:
        kinds = [type(m) for m in net.get_submodule(name)]
        assert kinds[0] is nn.Linear and nn.BatchNorm1d in kinds and SeededDropout in kinds
        assert kinds.index(nn.BatchNorm1d) < kinds.index(nn.ReLU) < kinds.index(SeededDropout)
    plain = build_model(make_config(hidden="8,8"), 4, 1)
    assert not any(isinstance(m, nn.BatchNorm1d) for m in plain.modules())
    # a rate of 0 keeps the (inactive) dropout, so the rate can change while a run goes on
    assert all(m.p == 0 for m in plain.modules() if isinstance(m, SeededDropout))
    x = torch.randn(16, 4)
    assert torch.equal(plain.train()(x), plain.eval()(x))


def test_dropout_masks_in_training_only_and_is_seeded():
    x = torch.ones(64, 32)
    a, b = SeededDropout(0.5, seed=3), SeededDropout(0.5, seed=3)
    ya, yb = a(x), b(x)
    assert torch.equal(ya, yb)                             # own generator: reproducible
    assert set(ya.unique().tolist()) == {0.0, 2.0}         # inverted dropout keeps the mean
    assert 0.3 < (ya == 0).float().mean() < 0.7
    a.eval()
    assert torch.equal(a(x), x)
    net = build_model(make_config(hidden="32", dropout=0.5), 4, 1)
    X = torch.randn(16, 4)
    net.train()
    assert not torch.equal(net(X), net(X))
    net.eval()
    assert torch.equal(net(X), net(X))


def test_same_seed_same_weights():
    cfg = make_config(hidden="8,8", seed=5)
    a, b = build_model(cfg, 3, 2), build_model(cfg, 3, 2)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    c = build_model(make_config(hidden="8,8", seed=6), 3, 2)
    assert not torch.equal(a.output.weight, c.output.weight)


@pytest.mark.parametrize("shape", [(8, 8), (28, 28)])
def test_cnn_shapes(shape):
    h, w = shape
    net = build_model(make_config(dataset="digits", model="cnn", hidden="32"), h * w, 10, shape)
    x = torch.rand(5, h * w)                        # flat pixels, as the datasets store them
    assert net(x).shape == (5, 10)
    feats = {}
    for name, module in net.named_children():
        x = module(x)
        feats[name] = x.shape
    assert feats["unflatten"] == (5, 1, h, w)
    assert feats["conv1"] == (5, 8, h // 2, w // 2)
    assert feats["conv2"] == (5, 16, h // 4, w // 4)
    assert feats["flatten"] == (5, 16 * (h // 4) * (w // 4))
    assert feats["hidden1"] == (5, 32)
    assert net.hidden_names == ["conv1", "conv2", "hidden1"]   # no reshapes (unflatten, flatten)


def test_cnn_without_image_shape_is_a_config_error():
    with pytest.raises(ConfigError) as ei:
        build_model(make_config(dataset="digits", model="cnn"), 64, 10, None)
    assert ei.value.field == "model"


@pytest.mark.parametrize("values, n_in, n_out, shape", [
    (dict(hidden="16,8"), 5, 3, None),
    (dict(hidden="16,8", batch_norm=True), 5, 3, None),
    (dict(hidden="", batch_norm=True), 784, 10, None),
    (dict(hidden="7", batch_norm=True, dropout=0.3), 2, 1, None),
    (dict(dataset="digits", model="cnn", hidden="32"), 64, 10, (8, 8)),
    (dict(dataset="digits", model="cnn", hidden=""), 784, 10, (28, 28)),
    (dict(dataset="digits", model="cnn", hidden="20,10", batch_norm=True), 784, 10, (28, 28)),
])
def test_count_params_matches_the_built_network(values, n_in, n_out, shape):
    cfg = make_config(**values)
    net = build_model(cfg, n_in, n_out, shape)
    assert count_params(n_in, n_out, cfg, shape) == sum(p.numel() for p in net.parameters())


def test_too_large_network_is_refused_before_allocating():
    cfg = make_config(hidden="4096,4096,4096,4096")
    assert count_params(784, 10, cfg) > MAX_PARAMS
    with pytest.raises(ConfigError) as ei:
        build_model(cfg, 784, 10)
    e = ei.value
    assert e.key == "err.too_large" and e.field == "hidden"
    assert f"{MAX_PARAMS:,}" in str(e) and e.text("ko") != str(e)


@pytest.mark.parametrize("optimizer, cls", [("sgd", torch.optim.SGD), ("adam", torch.optim.Adam),
                                            ("adamw", torch.optim.AdamW), ("rmsprop", torch.optim.RMSprop),
                                            ("adagrad", torch.optim.Adagrad)])
def test_optimizers(optimizer, cls):
    cfg = make_config(optimizer=optimizer, lr=0.05, weight_decay=0.01)
    opt = make_optimizer(cfg, build_model(cfg, 2, 1).parameters())
    assert isinstance(opt, cls)
    group = opt.param_groups[0]
    assert group["lr"] == 0.05 and group["weight_decay"] == 0.01
    if optimizer in ("sgd", "rmsprop"):
        assert group["momentum"] == cfg.momentum


@pytest.mark.parametrize("values", [
    dict(dataset="iris", hidden="8", batch_norm=True, dropout=0.2, epochs=3),
    dict(dataset="auto-mpg", hidden="8", epochs=3),
    dict(dataset="digits", model="cnn", hidden="", epochs=1),
])
def test_save_load_roundtrip(tmp_path, values):
    cfg, p = prepared_for(**values)
    trainer = Trainer(cfg, p)
    trainer.fit()
    path = tmp_path / "model.pt"
    save_model(path, trainer.model, cfg, p)
    blob = torch.load(path, weights_only=True)              # only tensors and plain values
    assert blob["config"] == cfg.to_dict()
    assert blob["meta"]["task"] == p.task and blob["meta"]["feature_names"] == p.feature_names
    model, cfg2, meta = load_model(path)
    assert cfg2 == cfg and not model.training
    assert meta["class_names"] == p.class_names and meta["y_mean"] == p.y_mean
    shape = tuple(meta["image_shape"]) if meta["image_shape"] else None
    assert shape == p.image_shape
    again = predict_output(model, p.test.X, meta["task"], meta["y_mean"], meta["y_std"])
    np.testing.assert_array_equal(again, trainer.predict("test"))


def test_load_model_on_a_bad_file(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"not a model")
    with pytest.raises(ConfigError) as ei:
        load_model(path)
    assert ei.value.key == "err.no_model_file"
    with pytest.raises(ConfigError) as ei:
        load_model(tmp_path / "missing.pt")
    assert ei.value.key == "err.no_model_file"
