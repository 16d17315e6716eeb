"""Lessons (playground/lessons): every lesson file is complete in Korean and English, its
preset and reference are accepted by the config, its goal is well formed; the goal language
reads a run's history, validation metrics, config and status; `python -m playground lessons`
lists them and `--check` trains every reference setup to its goal."""
from __future__ import annotations

import json

import pytest
from unit_helpers import register, result

from playground import lessons
from playground.config import from_query, make_config
from playground.lessons import goals

ALL = lessons.load_all()
# the issue's 18 lessons, in its order
ISSUE = ("hidden-layers", "features-or-layers", "sigmoid-threshold", "precision-recall-f1", "softmax-cross-entropy",
         "images-mlp-cnn", "roc-auc", "linear-vs-network", "normalization", "regression", "loss-vs-metric",
         "learning-rate", "batch-epochs-shuffle", "learning-curves-early-stopping", "activation-functions",
         "cross-validation", "optimizers", "read-my-handwriting")

register("lessons_json", ["-m", "playground", "lessons", "--json"])
register("lessons_check", ["-m", "playground", "lessons", "--check"])


def test_the_issues_lessons_in_order():
    assert [x.id for x in ALL][:len(ISSUE)] == list(ISSUE)
    assert [x.number for x in ALL] == list(range(1, len(ALL) + 1))


def test_every_lesson_file_validates():
    assert lessons.all_problems() == []


@pytest.mark.parametrize("lesson", ALL, ids=[x.id for x in ALL])
def test_a_lesson_is_complete_and_its_setups_are_accepted(lesson):
    for entry in (lesson.title, lesson.concept, lesson.question, lesson.answer, lesson.goal.text,
                  *(s.text for s in lesson.steps)):
        assert entry["ko"].strip() and entry["en"].strip() and entry["ko"] != entry["en"]
    assert 2 <= len(lesson.steps) <= 6
    for values in (lesson.preset, {**lesson.preset, **lesson.reference}):
        cfg, problems = from_query(values)
        assert problems == [] and cfg.dataset == lesson.dataset
        assert make_config(**values) == cfg          # as the CLI would build it
    assert goals.problems(lesson.goal) == []


def test_a_broken_lesson_file_is_refused(tmp_path):
    path = tmp_path / "99-broken.toml"
    path.write_text('id = "Broken Id"\n[title]\nko = "title"\nen = "t"\n[preset]\ndataset = "circle"\nlr = "99"\n'
                    'wings = "2"\n[[steps]]\nen = "x"\npage = "nowhere"\n'
                    '[goal]\nen = "g"\nko = "목표"\n[[goal.all]]\nmetric = "val_happiness"\nop = "~"\nvalue = "a"\n'
                    '[[goal.all]]\nstatus = "running"\n[[goal.all]]\nconfig = "hidden"\nop = "=="\nvalue = "x"\n',
                    encoding="utf-8")
    found = "\n".join(lessons.problems(lessons.parse(path, 99)))
    for part in ("not a lower-case slug", "concept has no ko", "title ko is not Korean", "step 1 has no ko",
                 "unknown page 'nowhere'", "unknown fields ['wings']", "lr", "unknown metric", "unknown op",
                 "a metric needs a number", "a status is how a run ends", "hidden"):
        assert part in found, part


def _facts(history, status="completed", weights_epoch=0, computed=None, **cfg):
    return goals.RunFacts(make_config(dataset="circle", **cfg), history, status, weights_epoch, computed or {})


HISTORY = [{"epoch": 1, "loss": 0.6, "val_loss": 0.5, "accuracy": 0.6, "val_accuracy": 0.7},
           {"epoch": 2, "loss": 0.3, "val_loss": 0.2, "accuracy": 0.9, "val_accuracy": 0.96},
           {"epoch": 3, "loss": 0.2, "val_loss": 0.4, "accuracy": 0.95, "val_accuracy": 0.9}]


def test_metrics_read_the_models_epoch_the_last_or_the_best():
    f = _facts(HISTORY)
    assert goals.metric_value(f, "val_accuracy") == 0.9                  # no restore: the last epoch
    assert goals.metric_value(f, "val_accuracy", "best") == 0.96
    assert goals.metric_value(f, "val_loss", "best") == 0.2               # losses: the lowest
    assert goals.metric_value(_facts(HISTORY, weights_epoch=2), "val_accuracy") == 0.96   # restored best weights
    assert goals.metric_value(_facts(HISTORY, weights_epoch=2), "val_accuracy", "last") == 0.9
    assert goals.metric_value(f, "epoch") == 3
    assert goals.metric_value(_facts([]), "val_accuracy") is None
    calls = []
    lazy = _facts(HISTORY, computed=lambda: calls.append(1) or {"val_f1": 0.8})
    assert goals.metric_value(lazy, "val_f1") == 0.8 and goals.metric_value(lazy, "val_f1") == 0.8
    assert calls == [1]                                                  # computed once, when asked
    assert goals.metric_value(f, "val_r2") is None


def test_a_goal_needs_every_condition_and_the_lessons_dataset():
    goal = goals.parse({"en": "g", "ko": "목표", "all": [
        {"metric": "val_accuracy", "op": ">=", "value": 0.95, "at": "best"},
        {"config": "layers", "op": ">=", "value": 1},
        {"config": "features", "op": "==", "value": "x1,x2"}]})
    assert goals.problems(goal) == []
    assert goals.met(goal, _facts(HISTORY, hidden="8"), "circle")
    assert not goals.met(goal, _facts(HISTORY, hidden="8"), "xor")                  # another dataset
    assert not goals.met(goal, _facts(HISTORY, hidden=""), "circle")               # no hidden layer
    assert not goals.met(goal, _facts(HISTORY, hidden="8", features="x1sq,x2sq"), "circle")
    checks = goals.check(goal, _facts(HISTORY[:1], hidden="8"), "circle")
    assert [c.ok for c in checks] == [True, False, True, True] and checks[1].value == 0.7


def test_a_status_goal_needs_a_finished_run():
    goal = goals.parse({"en": "g", "ko": "목표", "all": [{"status": "early_stopped"}]})
    assert goals.met(goal, _facts(HISTORY, "early_stopped"))
    assert not goals.met(goal, _facts(HISTORY, "completed"))
    assert not goals.met(goal, _facts(HISTORY, "running"))
    diverged = goals.parse({"en": "g", "ko": "목표", "all": [{"status": "diverged"},
                                                             {"config": "optimizer", "value": "sgd"}]})
    assert goals.met(diverged, _facts(HISTORY, "diverged", optimizer="sgd"))
    assert not goals.met(diverged, _facts(HISTORY, "diverged", optimizer="adam"))


def test_validation_metrics_come_from_the_models_outputs():
    from unit_helpers import prepared_for
    _, prep = prepared_for(dataset="titanic")
    y = prep.dataset.y[prep.val.index]
    perfect = goals.val_metrics(prep, y.astype(float))
    assert perfect["val_accuracy"] == 1.0 and perfect["val_f1"] == 1.0 and perfect["val_roc_auc"] == 1.0
    assert goals.val_metrics(prep, None) == {}
    assert goals.val_metrics(prep, [float("nan")] * len(y)) == {}


def test_the_glossary_links_every_term_to_a_page_and_real_lessons():
    terms = lessons.glossary()
    assert len(terms) >= 45
    for t in terms:
        assert t["en"].strip() and t["ko"].strip() and t["where"]["ko"] and t["where"]["en"], t
        assert t["page"] in lessons.PAGES, t
        assert t.get("lesson") is None or lessons.get(t["lesson"]) is not None, t
    taught = {t["lesson"] for t in terms if t.get("lesson")}
    assert len(taught) >= 15


@pytest.mark.late
def test_cli_lists_the_lessons_as_json():
    rc, out, err = result("lessons_json")
    assert rc == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [x.id for x in ALL]
    assert all(r["title"]["ko"] and r["title"]["en"] for r in rows)


@pytest.mark.late
def test_cli_check_trains_every_reference_setup_to_its_goal():
    """Every lesson's reference setup reaches its goal (CI runs this; ~1 min on 2 cores)."""
    rc, out, err = result("lessons_check", timeout=300)
    assert rc == 0, out + err
    assert f"{len(ALL)}/{len(ALL)} lessons reach their goal" in out
    assert out.count("\nok ") + out.startswith("ok ") == len(ALL)


def test_a_lesson_file_that_is_not_toml_names_its_file_and_line(tmp_path, monkeypatch, capsys):
    import argparse
    import shutil

    from playground.errors import ConfigError
    from playground.lessons import command
    shutil.copy(ALL[0].path, tmp_path / ALL[0].path.name)
    bad = tmp_path / "02-broken.toml"
    bad.write_text('id = "broken"\n[title\nen = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        lessons.parse(bad, 2)
    assert e.value.key == "err.lesson_toml" and e.value.params["file"] == "02-broken.toml"
    assert e.value.params["line"] == "2" and "line 2" in str(e.value) and "2번째 줄" in e.value.text("ko")
    monkeypatch.setattr(lessons, "CONTENT", tmp_path)
    lessons._load.cache_clear()
    try:
        assert [(x.number, x.id) for x in lessons.load_all()] == [(1, ALL[0].id)]   # the good one still opens
        assert [str(b) for b in lessons.broken()] == [str(e.value)]
        assert str(e.value) in lessons.all_problems()
        assert command.main(argparse.Namespace(check=False, json=False, lang="en")) == 2
        out, err = capsys.readouterr()
        assert ALL[0].id in out and err.strip() == f"error: {e.value}" and "Traceback" not in err
    finally:
        lessons._load.cache_clear()
