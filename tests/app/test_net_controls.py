"""The sidebar's per-layer activations and early stopping's monitor (issue 27), through AppTest."""
from apptest import open_app

from ui.net_controls import PER_LAYER, act_key
from ui.session import Key


def _select(at, label):
    return next(s for s in at.selectbox if s.label == label)


def test_a_link_with_one_activation_per_layer_fills_each_layers_select(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "hidden": "8,4", "activation": "relu,sigmoid"})
    no_exceptions(at)
    assert at.session_state[PER_LAYER] is True
    assert [_select(at, f"Layer {i} activation").value for i in (1, 2)] == ["relu", "sigmoid"]
    assert not any(s.label == "Activation function" for s in at.selectbox)   # one per layer instead
    _select(at, "Layer 2 activation").set_value("tanh").run()
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].activation == "relu,tanh"
    assert at.query_params["activation"] == "relu,tanh"
    _select(at, "Layer 2 activation").set_value("relu").run()     # all alike: one name
    assert at.session_state[Key.CONFIG].activation == "relu"


def test_the_toggle_switches_between_one_for_all_and_one_per_layer(no_exceptions):
    at = open_app(query={"lang": "ko", "dataset": "circle", "hidden": "8,8,8"})
    toggle = next(t for t in at.toggle if t.label == "층마다 다른 활성화 함수")
    toggle.set_value(True).run()
    no_exceptions(at)
    assert [at.session_state[act_key(i)] for i in range(3)] == ["tanh"] * 3
    _select(at, "3층 활성화").set_value("relu").run()
    assert at.session_state[Key.CONFIG].activation == "tanh,tanh,relu"
    next(t for t in at.toggle if t.label == "층마다 다른 활성화 함수").set_value(False).run()
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].activation == "tanh"
    assert _select(at, "활성화 함수").value == "tanh"


def test_early_stopping_offers_the_tasks_own_monitor(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "auto-mpg", "monitor": "val_mae", "min_delta": "0.05"})
    no_exceptions(at)
    monitor = _select(at, "Early stopping watches")
    assert monitor.options == ["val_loss ↓", "val_mae ↓"]
    assert monitor.value == "val_mae"
    cfg = at.session_state[Key.CONFIG]
    assert (cfg.monitor, cfg.min_delta, cfg.patience) == ("val_mae", 0.05, 10)
    _select(at, "Dataset").set_value("iris").run()
    no_exceptions(at)
    monitor = _select(at, "Early stopping watches")
    assert "val_accuracy ↑" in monitor.options
    monitor.set_value("val_accuracy").run()
    assert at.session_state[Key.CONFIG].monitor == "val_accuracy"
    assert at.query_params["monitor"] == "val_accuracy"
