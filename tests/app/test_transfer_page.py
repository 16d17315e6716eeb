"""Transfer learning in the app (AppTest): the sidebar offers it on the few-shot digit set's CNN only
(another model or dataset puts it back to none), and the Data page shows what came with the
pretrained weights: the preprocessing from its record, each layer's parameters, frozen or trained.
The pretraining here is a small recipe (the app's: tests/unit/test_transfer.py, bench/transfer.py)."""
from __future__ import annotations

import pytest
from apptest import open_app, tables

from playground.config import make_config
from playground.nn import pretrain
from ui.session import Key, w_key


def _select(at, label):
    return next(s for s in at.selectbox if s.label == label)


def test_the_sidebar_offers_transfer_on_the_few_shot_cnn_only(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "mnist-5-9-few", "transfer": "finetune"})
    no_exceptions(at)
    assert _select(at, "Transfer learning").value == "finetune"
    assert any(b.label == "Train all three ways" for b in at.button)
    assert at.session_state[Key.CONFIG].transfer == "finetune"
    _select(at, "Model type").set_value("mlp").run()                 # transfer needs the CNN
    no_exceptions(at)
    assert at.session_state[w_key("transfer")] == "none" and at.session_state[Key.CONFIG].model == "mlp"
    assert not any(s.label == "Transfer learning" for s in at.selectbox)
    _select(at, "Model type").set_value("cnn").run()
    _select(at, "Transfer learning").set_value("frozen").run()
    _select(at, "Dataset").set_value("digits").run()                # 8x8 digits: no pretrained CNN fits
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].transfer == "none" and not at.error


def test_the_data_page_shows_what_comes_with_the_pretrained_weights(no_exceptions, monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_CACHE", str(tmp_path))
    monkeypatch.setattr(pretrain, "RECIPE", pretrain.Recipe(epochs=1, copies=1, rows=400))
    pretrain.pretrained(make_config(dataset="mnist-5-9-few", transfer="frozen"))
    at = open_app("data.py", query={"lang": "en", "dataset": "mnist-5-9-few", "transfer": "frozen"})
    no_exceptions(at)
    assert any(h.value == "Transfer learning: what comes with the pretrained weights" for h in at.subheader)
    by_first = {t.columns[0]: t for t in tables(at)}
    pre = by_first["Step"]                  # the pretrained model's record, beside this run's
    assert pre["Pretrained model's record"].tolist() == ["28×28 image, 784 pixels", "divided by 255 → 0–1"]
    assert pre["This run"].tolist() == ["✓ the same, applied"] * 2
    layers = by_first["Layer"]
    assert layers["Layer"].tolist() == ["conv1", "conv2", "hidden1", "output"]
    assert layers["In training"].tolist() == ["frozen", "frozen", "trained", "trained"]
    assert layers["Parameters"].tolist() == [80, 1_168, 50_240, 325]
    assert layers["Starts from"].tolist()[-1] == "new (random)"
    assert any("1,248 parameters frozen, 50,565 trained." in c.value for c in at.caption)


@pytest.fixture(autouse=True)
def _fresh_memory(monkeypatch):
    monkeypatch.setattr(pretrain, "_MEMORY", {})
