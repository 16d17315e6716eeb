"""The live lab's sidebar controls through AppTest: endless epochs (the ∞ toggle), input
features, L1 beside L2, readable hidden-layer sizes, and the painted datasets (their
points in the config and the link, clear / reset, kept across a dataset switch)."""
from __future__ import annotations

from apptest import open_app

from playground.config import defaults_for
from playground.data import paint as paint_data
from playground.i18n import Translator
from ui import paint
from ui.session import Key, w_key


EN, KO = Translator("en"), Translator("ko")
PAGE = "data.py"     # any page: the sidebar is the same on each
LAB = "train.py"     # the painting editor lives in the lab
EDITOR = "paint"     # its key (ui.paint.paint_editor)


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def param(at, name: str):
    v = at.query_params.get(name)
    return v[0] if isinstance(v, list) else v


def config(at):
    return at.session_state[Key.CONFIG]


def test_endless_toggle_sets_epochs_to_zero_and_back_to_the_kinds_default():
    at = open_app(PAGE, query={"lang": "en", "dataset": "titanic", "epochs": "40"})
    no_exceptions(at)
    toggle = at.toggle(key=Key.W_ENDLESS)
    assert toggle.label == EN("labdata.endless") and toggle.value is False
    toggle.set_value(True).run()
    no_exceptions(at)
    assert config(at).epochs == 0 and at.number_input(key=w_key("epochs")).value == 0
    at.toggle(key=Key.W_ENDLESS).set_value(False).run()
    assert config(at).epochs == defaults_for("titanic").epochs == 300
    at.number_input(key=w_key("epochs")).set_value(0).run()      # 0 typed in the box is endless too
    assert at.toggle(key=Key.W_ENDLESS).value is True and config(at).epochs == 0
    assert "0" in at.number_input(key=w_key("epochs")).help


def test_features_pills_feed_the_config_and_reset_off_the_plane():
    at = open_app(PAGE, query={"lang": "en", "features": "x1sq,x2sq", "hidden": ""})
    no_exceptions(at)
    pills = at.pills(key=w_key("features"))
    assert pills.value == ["x1sq", "x2sq"] and config(at).features == ("x1sq", "x2sq")
    pills.set_value(["sinx1", "x1"]).run()
    assert config(at).features == ("x1", "sinx1")                    # the table's order
    assert param(at, "features") == "x1,sinx1"                        # the link follows
    at.pills(key=w_key("features")).set_value([]).run()                # none: a message, the last valid config
    assert any(EN("err.features_empty", choices="").split("(")[0] in e.value for e in at.error)
    assert config(at).features == ("x1", "sinx1")
    at.pills(key=w_key("features")).set_value(["x1sq"]).run()
    at.selectbox(key=w_key("dataset")).set_value("iris").run()
    no_exceptions(at)
    assert config(at).dataset == "iris" and config(at).features == ("x1", "x2")
    assert not [p for p in at.pills if p.key == w_key("features")]     # no plane, no features


def test_l1_beside_l2_and_readable_layer_sizes_in_korean():
    at = open_app(PAGE, query={"lang": "ko", "hidden": "128,1024,8"})
    no_exceptions(at)
    assert at.number_input(key=w_key("l1")).label == KO("field.l1") == "L1 규제"
    assert at.number_input(key=w_key("weight_decay")).label == KO("labdata.weight_decay")
    at.number_input(key=w_key("l1")).set_value(0.001).run()
    assert config(at).l1 == 0.001
    units = sorted((s for s in at.selectbox if s.key and s.key.startswith("w_units_")), key=lambda s: s.key)
    assert [s.label for s in units] == [KO("labdata.units", i=i) for i in (1, 2, 3)]
    assert "은닉층 1" in units[0].label and [s.value for s in units] == [128, 1024, 8]


def test_paint_starts_from_its_example_and_hides_size_and_noise():
    at = open_app(LAB, query={"lang": "en", "dataset": "paint"})
    no_exceptions(at)
    assert config(at).points == paint_data.EXAMPLE
    keys = {s.key for s in at.slider}
    assert w_key("n_samples") not in keys and w_key("noise") not in keys
    assert any("40 points (class 0: 20, class 1: 20)" in c.value for c in at.caption)
    assert at.segmented_control(key=paint.mode_key(EDITOR)).value == "0"
    assert at.download_button  # the CSV


def test_clear_reset_and_a_painting_kept_across_a_dataset_switch():
    at = open_app(LAB, query={"lang": "en", "dataset": "paint"})
    at.button(key=paint.button_key(EDITOR, "clear")).click().run()
    no_exceptions(at)
    assert at.session_state[w_key("points")] == ""
    assert any(EN("err.points_too_few", min=10, got=0) in e.value for e in at.error)
    assert config(at).points == paint_data.EXAMPLE                    # the last valid config stays
    at.button(key=paint.button_key(EDITOR, "reset")).click().run()
    assert config(at).points == paint_data.EXAMPLE and not at.error
    mine = paint_data.fmt([(x / 2, x / 2, float(x > 0)) for x in range(-8, 8)])
    at.session_state[w_key("points")] = mine                           # what a click on the plane writes
    at.run()
    assert config(at).points == mine
    at.selectbox(key=w_key("dataset")).set_value("circle").run()
    assert config(at).points == "" and config(at).dataset == "circle"
    at.selectbox(key=w_key("dataset")).set_value("paint").run()
    no_exceptions(at)
    assert config(at).points == mine


def test_paint_regression_has_a_value_slider():
    at = open_app(LAB, query={"lang": "ko", "dataset": "paint-regression"})
    no_exceptions(at)
    assert at.slider(key=paint.value_key(EDITOR)).label == KO("paint.value")
    assert config(at).points == paint_data.EXAMPLE_REGRESSION


def test_points_in_the_link_and_too_many_for_a_link():
    few = paint_data.fmt([(x / 2, -x / 2, float(x > 0)) for x in range(-6, 6)])
    at = open_app(PAGE, query={"lang": "en", "dataset": "paint", "points": few})
    no_exceptions(at)
    assert config(at).points == few and param(at, "points") == few
    many = paint_data.fmt([((i % 60) / 10 - 3, (i // 60) / 10 - 3, float(i % 2)) for i in range(400)])
    assert len(many) > 1500
    at.session_state[w_key("points")] = many
    at.run()
    no_exceptions(at)
    assert config(at).points == many and "points" not in at.query_params
    assert any(EN("paint.too_long_for_link", n=f"{len(many):,}") == w.value for w in at.warning)


def test_twenty_layers_and_skip_connections_and_a_sequence_set_turns_them_off():
    """The layers slider reaches 20; the skip-connection toggle sets `residual` (and the link);
    a sequence set, whose recurrent cell has no skip option, turns it off rather than refusing
    the sidebar's setup; with no hidden layer the toggle is not offered."""
    at = open_app(PAGE, query={"lang": "en", "dataset": "spiral", "hidden": ",".join(["8"] * 20)})
    assert at.slider(key=Key.W_N_LAYERS).max == 20 and at.slider(key=Key.W_N_LAYERS).value == 20
    at.toggle(key=w_key("residual")).set_value(True).run()
    no_exceptions(at)
    assert config(at).residual and len(config(at).hidden) == 20 and param(at, "residual") == "true"
    at.selectbox(key=w_key("dataset")).set_value("seq-negation").run()
    no_exceptions(at)
    assert not config(at).residual and config(at).model == "lstm" and not at.error
    at.selectbox(key=w_key("dataset")).set_value("circle").run()
    at.toggle(key=w_key("residual")).set_value(True).run()
    assert config(at).residual
    at.slider(key=Key.W_N_LAYERS).set_value(0).run()                  # nothing left to skip around
    no_exceptions(at)
    assert not [t for t in at.toggle if t.key == w_key("residual")] and not at.error
    assert not config(at).residual and config(at).hidden == ()
