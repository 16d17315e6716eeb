"""An activation per hidden layer (TensorFlow Playground's most requested feature): one
option, "relu,tanh" (one per layer) or "relu" (all layers); the built network's modules,
the link, refusals with a clear message, the inside views' dead units per layer, and both
exported scripts (the PyTorch one lands on our test metrics; Keras builds the same layers)."""
from __future__ import annotations

import atexit
import contextlib
import importlib.util
import io
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from unit_helpers import register, result

from playground import cli
from playground.config import from_query, make_config, to_query
from playground.errors import ConfigError
from playground.export import script_text
from playground.inspect.capture import Sample
from playground.inspect.layers import layer_views
from playground.nn.model import build_model, layer_activations
from playground.nn.train import train

HAS_KERAS = importlib.util.find_spec("keras") is not None
PER_LAYER = dict(dataset="circle", hidden="6,4,3", activation="relu, tanh,Sigmoid", epochs=15, lr=0.05)


def test_each_hidden_layer_has_its_own_activation_module():
    cfg = make_config(**PER_LAYER)
    assert cfg.activation == "relu,tanh,sigmoid" and layer_activations(cfg) == ("relu", "tanh", "sigmoid")
    net = build_model(cfg, 2, 1)
    kinds = [type(getattr(net, f"hidden{i}")[1]) for i in (1, 2, 3)]
    assert kinds == [nn.ReLU, nn.Tanh, nn.Sigmoid]
    one = build_model(make_config(dataset="circle", hidden="6,4", activation="elu"), 2, 1)
    assert [type(one.hidden1[1]), type(one.hidden2[1])] == [nn.ELU, nn.ELU]
    assert layer_activations(make_config(dataset="circle", hidden="", activation="relu")) == ()


def test_the_link_round_trips_in_any_order():
    cfg = make_config(**PER_LAYER)
    query = to_query(cfg)
    assert query["activation"] == "relu,tanh,sigmoid" and query["hidden"] == "6,4,3"
    assert from_query(query) == (cfg, [])
    reordered = {"activation": query["activation"], **{k: v for k, v in query.items() if k != "activation"}}
    assert from_query(reordered) == (cfg, [])     # the activations before the layers they name


@pytest.mark.parametrize("values, key, words", [
    (dict(hidden="8,8,8", activation="relu,tanh"), "err.activation_count", ("2", "3")),
    (dict(hidden="8,8", activation="relu,swish"), "err.choice", ("swish",)),
    (dict(hidden="8,8", activation="relu,,tanh"), "err.choice", ("''",)),
])
def test_a_bad_list_is_refused_with_a_clear_message(values, key, words):
    with pytest.raises(ConfigError) as e:
        make_config(dataset="circle", **values)
    assert e.value.key == key and e.value.field == "activation"
    for lang in ("en", "ko"):
        assert all(w in e.value.text(lang) for w in words), e.value.text(lang)


def test_a_cnn_takes_one_activation():
    with pytest.raises(ConfigError) as e:
        make_config(dataset="digits", model="cnn", hidden="8,8", activation="relu,tanh")
    assert e.value.key == "err.activation_list_mlp"


def test_the_cli_refuses_in_one_line(capsys):
    with contextlib.redirect_stdout(io.StringIO()):
        rc = cli.main(["train", "--dataset", "circle", "--hidden", "8,8,8", "--activation", "relu,tanh"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1 and "activation" in err and "3" in err


def test_dead_units_are_judged_by_each_layers_own_activation():
    cfg = make_config(dataset="circle", hidden="4,4", activation="relu,tanh")
    net = build_model(cfg, 2, 1)
    for p in net.hidden1[0].parameters():   # every relu unit of layer 1 dead: outputs exactly 0
        p.data.fill_(-1.0)
    X = np.abs(np.random.RandomState(0).normal(size=(50, 2))).astype(np.float32)
    views = layer_views(net, Sample(X=torch.from_numpy(X), y=np.zeros(50), rows=np.arange(50), groups=[]), cfg.activation)
    assert views["hidden1"]["dead"].all() and views["hidden2"]["dead"] is None   # tanh units cannot die


FOLDER = Path(tempfile.mkdtemp(prefix="playground-activations-"))
atexit.register(shutil.rmtree, FOLDER, True)
(FOLDER / "run.py").write_text(script_text(make_config(**PER_LAYER)), encoding="utf-8")
register("activations:pytorch", [str(FOLDER / "run.py")], batch="pytorch")   # in the background (unit_helpers)


@pytest.mark.late
def test_the_pytorch_script_lands_on_our_numbers():
    cfg = make_config(**PER_LAYER)
    path = FOLDER / "run.py"
    trainer = train(cfg)
    pred = (trainer.predict("test") >= 0.5).astype(int)
    ours = float((pred == trainer.data.test.y.numpy()).mean())
    rc, out, err = result("activations:pytorch")
    assert rc == 0, err[-2000:]
    assert "nn.ReLU()" in path.read_text() and "nn.Sigmoid()" in path.read_text()
    theirs = json.loads(out.strip().splitlines()[-1])
    assert theirs["test"]["accuracy"] == pytest.approx(ours, abs=1e-9)
    assert theirs["epochs_run"] == trainer.epoch


KERAS_LAYERS = """
import json, sys
ns = {"__name__": "exported_script"}
exec(compile(open(sys.argv[1]).read(), "keras_script", "exec"), ns)
model = ns["build_model"](2, 1)
print(json.dumps([[type(l).__name__, l.get_config().get("activation"), l.get_config().get("negative_slope")]
                  for l in model.layers]))
"""


KERAS_CFG = dict(dataset="circle", hidden="6,4,3", activation="relu,leaky_relu,tanh")
if HAS_KERAS:
    (FOLDER / "k.py").write_text(script_text(make_config(**KERAS_CFG), "keras"), encoding="utf-8")
    (FOLDER / "layers.py").write_text(KERAS_LAYERS, encoding="utf-8")
    register("activations:keras", [str(FOLDER / "layers.py"), str(FOLDER / "k.py")], batch="keras")


@pytest.mark.late
def test_the_keras_script_builds_each_layers_activation():
    if not HAS_KERAS:
        pytest.skip("keras is not installed (requirements-dev.txt installs Keras 3)")
    rc, out, err = result("activations:keras")
    assert rc == 0, err[-2000:]
    layers = json.loads(out.strip().splitlines()[-1])
    assert layers == [["Dense", "relu", None], ["Dense", "linear", None], ["LeakyReLU", None, 0.01],
                      ["Dense", "tanh", None], ["Dense", "sigmoid", None]]
