"""The Compare page through AppTest: runs finished in the lab join the session's list; two
runs show overlaid curves, the settings that differ, test metrics and boundaries; "same
seed, one change" starts the second run from the page; rename; export / import round trip;
a bad file gives one message and loses nothing; a reload (a new session with the run's
token in its address) finds the list."""
from __future__ import annotations

import json

import pytest
import torch
from apptest import open_app
from sklearn.metrics import accuracy_score, roc_auc_score

from playground.runs import record as rec
from playground.status import Status
from ui import registry, run_list
from ui.session import Key


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


FINISHED: list = []                # the fixture's runs, in order (their models give the expected metrics)


def _finish(at):
    job = at.session_state[Key.JOB]
    job.join(60)
    assert job.snapshot().status == Status.COMPLETED
    at.run()                       # the lab's poll sees the finished run and records it
    FINISHED.append(job)
    return job


def _sklearn_test_metrics(job) -> dict:
    """Accuracy and ROC AUC of a finished run's model on its test split, by sklearn."""
    test = job.prepared.test
    with torch.no_grad():
        p = torch.sigmoid(job.model_copy()(test.X)[:, 0]).numpy()
    y = test.y.numpy().astype(int)
    return {"accuracy": accuracy_score(y, (p >= 0.5).astype(int)), "roc_auc": roc_auc_score(y, p)}


def _records(at):
    return run_list.STORE.get(at.session_state[Key.RUN_LIST_ID]).records


def _fig(at, title_part: str | None = None, index: int = 0):
    charts = at.get("plotly_chart")
    return json.loads(charts[index].proto.spec)


@pytest.fixture(scope="module")
def two_runs():
    """circle 8 tanh, then (through "same seed, one change") circle 2 tanh."""
    FINISHED.clear()
    at = open_app(query={"lang": "en", "dataset": "circle", "hidden": "8", "epochs": "8"})
    at.button(key=Key.RUN_START).click().run()
    _finish(at)
    assert [r.name for r in _records(at)] == ["Run 1 · circle · 8 tanh"]
    at.switch_page("views/compare.py")
    at.run()
    no_exceptions(at)
    assert any("One finished run so far" in i.value for i in at.info)
    assert at.selectbox(key=Key.COMPARE_FIELD).value == "hidden"
    at.text_input(key=Key.COMPARE_VALUE).input("2").run()
    assert any("Hidden layers: 8 → 2" in c.value for c in at.caption)
    at.button(key=Key.COMPARE_ONE_CHANGE).click().run()
    no_exceptions(at)
    job = at.session_state[Key.JOB]
    assert job.cfg.hidden == (2,) and job.cfg.seed == 0 and job.cfg.epochs == 8   # one change, the rest kept
    assert at.session_state[Key.W_N_LAYERS] == 1 and at.session_state["w_units_0"] == 2   # the sidebar shows it
    at.switch_page("views/train.py")   # AppTest stays on the page it was told (a browser follows the switch)
    _finish(at)
    at.run()                       # recorded once, however often the lab polls
    assert [r.name for r in _records(at)] == ["Run 1 · circle · 8 tanh", "Run 2 · circle · 2 tanh"]
    at.switch_page("views/compare.py")
    at.run()
    no_exceptions(at)
    return at


def test_an_empty_list_says_how_to_get_runs():
    for lang, text in (("en", "No finished runs yet"), ("ko", "아직 끝난 학습이 없습니다")):
        at = open_app("compare.py", query={"lang": lang})
        no_exceptions(at)
        assert any(text in i.value for i in at.info)
        assert at.get("download_button")[0].proto.disabled


def test_two_runs_side_by_side(two_runs):
    at = two_runs
    picked = at.multiselect(key=Key.COMPARE_PICK)
    assert len(picked.value) == 2 and picked.proto.placeholder == "Choose 2 to 6 runs"
    curves = _fig(at, index=0)
    lines = [(t["name"], t["line"]["dash"], t["xaxis"]) for t in curves["data"]]
    for name in ("Run 1 · circle · 8 tanh", "Run 2 · circle · 2 tanh"):
        for dash in ("dash", "solid"):           # training dashed, validation solid, loss and accuracy
            assert {(name, dash, "x"), (name, dash, "x2")} <= set(lines)
    colors = {t["name"]: t["line"]["color"] for t in curves["data"]}
    assert len(set(colors.values())) == 2          # one colour per run
    titles = [a["text"] for a in curves["layout"]["annotations"]]
    assert "Loss (lower is better)" in titles and "Accuracy (higher is better)" in titles
    settings = at.dataframe[0].value
    assert list(settings.columns) == ["Run", "Hidden layers"] and list(settings["Hidden layers"]) == ["8", "2"]
    results = at.dataframe[1].value
    assert {"Accuracy", "ROC AUC", "Epochs", "Training time (s)", "How it ended"} <= set(results.columns)
    # the table shows each run's own numbers: sklearn's on its model's test predictions, its
    # epochs and time (two different nets: a table repeating one run's row would show)
    expected = [_sklearn_test_metrics(job) for job in FINISHED]
    assert list(results["Accuracy"]) == pytest.approx([e["accuracy"] for e in expected], rel=1e-6)
    assert list(results["ROC AUC"]) == pytest.approx([e["roc_auc"] for e in expected], rel=1e-6)
    assert expected[0] != expected[1]
    assert list(results["Epochs"]) == [len(job.snapshot().history) for job in FINISHED] == [8, 8]
    assert list(results["Training time (s)"]) == [r.seconds for r in _records(at)]
    boundaries = _fig(at, index=1)
    assert [a["text"] for a in boundaries["layout"]["annotations"]][:2] == ["Run 1 · circle · 8 tanh",
                                                                            "Run 2 · circle · 2 tanh"]
    assert sum(t["type"] == "heatmap" for t in boundaries["data"]) == 2
    assert any("50×50" in c.value for c in at.caption)


def test_korean(two_runs):
    at = two_runs
    at.segmented_control(key=Key.W_LANG).set_value("ko").run()
    no_exceptions(at)
    assert any(s.value == "학습 곡선" for s in at.subheader)
    assert "은닉층" in at.dataframe[0].value.columns
    at.segmented_control(key=Key.W_LANG).set_value("en").run()


def test_rename(two_runs):
    at = two_runs
    first = _records(at)[0]
    at.selectbox(key=Key.COMPARE_RENAME_RUN).set_value(first.id).run()
    at.text_input(key=Key.COMPARE_RENAME_TEXT).input("wide net").run()
    at.button(key=Key.COMPARE_RENAME).click().run()
    no_exceptions(at)
    assert _records(at)[0].name == "wide net" and _records(at)[0].id == first.id
    assert "wide net" in at.multiselect(key=Key.COMPARE_PICK).options[0]


def test_export_import_round_trip_and_a_bad_file(two_runs):
    exported = rec.dumps(_records(two_runs))
    assert two_runs.get("download_button")[0].proto.label == "Export runs (JSON)"
    at = open_app("compare.py", query={"lang": "en"})          # another session: an empty list
    up = at.file_uploader(key=Key.COMPARE_IMPORT)
    up.set_value(("runs.json", exported.encode(), "application/json")).run()
    no_exceptions(at)
    assert any("Imported 2 runs from 'runs.json'" in s.value for s in at.success)
    assert [r.to_dict() for r in _records(at)] == [r.to_dict() for r in rec.loads(exported)]
    assert len(at.multiselect(key=Key.COMPARE_PICK).value) == 2 and len(at.get("plotly_chart")) == 2
    for name, content, says in (("bad.json", b"{oops", "not a run list"),
                                ("old.json", b'{"format": "nn-playground-runs", "version": 0, "runs": []}',
                                 "another version")):
        at.file_uploader(key=Key.COMPARE_IMPORT).set_value((name, content, "application/json")).run()
        no_exceptions(at)
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and f"Could not import '{name}'" in errors[0] and says in errors[0]
        assert "your runs are unchanged" in errors[0] and len(_records(at)) == 2     # nothing lost
    at.file_uploader(key=Key.COMPARE_IMPORT).set_value(("again.json", exported.encode(), "application/json")).run()
    assert any("Imported 0 runs" in s.value for s in at.success) and len(_records(at)) == 2   # no duplicates


def test_a_hostile_file_is_one_sentence_and_the_page_still_draws(two_runs):
    """Deep nesting (RecursionError), 1e400 (OverflowError), an empty boundary and 1e999 (the
    page crashed drawing them), duplicate ids: each one error, nothing imported, no exception."""
    doc = json.loads(rec.dumps(_records(two_runs)))
    empty = json.loads(json.dumps(doc))
    empty["runs"][0]["boundary"] = {"x": [], "y": [], "z": []}
    twice = json.loads(json.dumps(doc))
    twice["runs"][1]["id"] = twice["runs"][0]["id"]
    files = {"deep.json": ('{"format": "nn-playground-runs", "version": 1, "runs": ' + "[" * 50_000 + "]" * 50_000
                           + "}").encode(),
             "huge.json": rec.dumps(_records(two_runs)).replace('"seconds": ', '"seconds": 1e400', 1).encode(),
             "empty.json": json.dumps(empty).encode(), "twice.json": json.dumps(twice).encode()}
    at = open_app("compare.py", query={"lang": "en"})
    for name, content in files.items():
        at.file_uploader(key=Key.COMPARE_IMPORT).set_value((name, content, "application/json")).run()
        no_exceptions(at)
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and f"Could not import '{name}'" in errors[0], (name, errors)
        kept = run_list.STORE.get(at.session_state[Key.RUN_LIST_ID])
        assert "unchanged" in errors[0] and (kept is None or kept.records == [])


def test_a_reload_finds_the_list(two_runs, monkeypatch):
    token = two_runs.session_state[Key.RUN_TOKEN]
    ids = [r.id for r in _records(two_runs)]
    # the old page is gone (a reload closes it): nobody holds the run or the list any more
    # (every AppTest session has the same id: the list is said to be another page's)
    monkeypatch.setattr(run_list.STORE.get(two_runs.session_state[Key.RUN_LIST_ID]), "owner", "the closed page")
    monkeypatch.setattr(registry.REGISTRY, "_connected", lambda s: False)
    monkeypatch.setattr(run_list.STORE, "_connected", lambda s: False)
    at = open_app("compare.py", query={"lang": "en", "dataset": "circle", "hidden": "2", "epochs": "8",
                                       "run": token})
    no_exceptions(at)
    assert [r.id for r in _records(at)] == ids
    assert len(at.multiselect(key=Key.COMPARE_PICK).value) == 2


def test_an_address_copied_to_a_second_tab_does_not_take_the_list(two_runs, monkeypatch):
    token = two_runs.session_state[Key.RUN_TOKEN]
    monkeypatch.setattr(run_list.STORE.get(two_runs.session_state[Key.RUN_LIST_ID]), "owner", "the first tab")
    monkeypatch.setattr(run_list.STORE, "_connected", lambda s: s == "the first tab")
    at = open_app("compare.py", query={"lang": "en", "run": token})   # the first tab is still open
    no_exceptions(at)
    assert at.session_state[Key.RUN_LIST_ID] is None
    assert any("No finished runs yet" in i.value for i in at.info)
