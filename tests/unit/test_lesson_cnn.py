"""Lesson 6 (images: an MLP, then a small CNN) says what its runs show (issue 24): the CNN
of its steps has about a quarter of the preset MLP's weights, counted from the real modules,
the numbers its steps print are those counts (its reference run reaching the goal is
`lessons --check`'s, in test_lessons)."""
from __future__ import annotations

from playground import lessons
from playground.data import registry
from playground.nn.model import count_params

LESSON = next(x for x in lessons.load_all() if x.id == "images-mlp-cnn")


def params(cfg) -> int:
    """Counted from the real module (nn/model.py), as the sidebar counts it: 28x28 in, 10 digits out."""
    assert cfg.dataset == "mnist" and registry.DATASETS["mnist"].image_shape == (28, 28)
    return count_params(28 * 28, 10, cfg, (28, 28))


def test_the_cnn_needs_far_fewer_weights_than_the_mlp():
    mlp, cnn = LESSON.config(), LESSON.reference_config()
    assert (mlp.model, cnn.model) == ("mlp", "cnn")
    n_mlp, n_cnn = params(mlp), params(cnn)
    assert (n_mlp, n_cnn) == (109_386, 26_698)
    assert n_mlp / n_cnn > 4                       # "about a quarter of the MLP's"
    for lang in ("en", "ko"):
        steps = " ".join(s.text[lang] for s in LESSON.steps)
        assert f"{n_mlp:,}" in steps and f"{n_cnn:,}" in steps
    assert "a quarter" in LESSON.concept["en"] and "4분의 1" in LESSON.concept["ko"]


def test_the_goal_text_is_the_goals_number():
    (acc,) = [c for c in LESSON.goal.all if c.get("metric") == "val_accuracy"]
    assert f"{acc['value']:.0%}" in LESSON.goal.text["en"] and f"{acc['value']:.0%}" in LESSON.goal.text["ko"]
