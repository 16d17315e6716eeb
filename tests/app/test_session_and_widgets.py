"""The glue in ui/ through AppTest: every session-state key is declared in ui.session, a
translated select keeps its choice across language and page switches, one guard class stops
the jobs of a dropped session, and the run controls are the same on Train and Inside."""
import gc
import re

from apptest import open_app

from playground.config import FIELDS, make_config
from playground.i18n import Translator
from playground.runs.scheduler import Scheduler
from playground.runs.training import TrainingJob
from playground.status import Status
from ui.runs import JobGuard
from ui.session import (
    ACT_PER_LAYER,
    EVAL_CHARTS,
    INSIDE_CHARTS,
    Key,
    act_key,
    canvas_key,
    choice_key,
    cm_normalize_key,
    eval_chart_key,
    inside_chart_key,
    paint_key,
    sketch_chart_key,
    units_key,
    w_key,
)

EN, KO = Translator("en"), Translator("ko")


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def _declared() -> set[str]:
    keys = {v for k, v in vars(Key).items() if not k.startswith("_")} | {ACT_PER_LAYER}
    keys |= {w_key(f) for f in FIELDS} | {cm_normalize_key(v) for v in ("live", "final")}
    keys |= {eval_chart_key(c, v) for c in EVAL_CHARTS for v in ("live", "final")}
    keys |= {inside_chart_key(c) for c in INSIDE_CHARTS}
    return keys | {choice_key(k) for k in keys}


def _is_declared(key: str, declared: set[str]) -> bool:
    patterns = (units_key(r"\d+"), act_key(r"\d+"), canvas_key(r"\d+"), sketch_chart_key(r"(probs|input|act_\w+)"),
                paint_key("paint", r"(mode|value|gen|chart_\d+|note|clear|reset|download)"))
    return key in declared or any(re.fullmatch(p, key) for p in patterns)


def _trained(query: dict):
    at = open_app(query={"lang": "en", **query})
    at.button(key=Key.RUN_START).click().run()
    job = at.session_state[Key.JOB]
    job.join(60)
    assert job.snapshot().status == Status.COMPLETED
    return at, job


def test_every_session_key_is_declared():
    at, _ = _trained({"dataset": "digits", "epochs": "1", "hidden": "8"})
    for page in ("data.py", "evaluate.py", "inside.py", "sketch.py", "train.py"):
        at.switch_page(f"views/{page}")
        at.run()
        no_exceptions(at)
    declared = _declared()
    assert [k for k in at.session_state.keys() if not _is_declared(k, declared)] == []


def test_a_translated_select_keeps_its_choice_across_language_and_page_switches():
    at, _ = _trained({"dataset": "circle", "epochs": "2", "hidden": "6,2"})
    at.switch_page("views/inside.py")
    at.run()
    at.selectbox(key=Key.INSIDE_LAYER).set_value("hidden2").run()
    at.segmented_control(key=Key.W_LANG).set_value("ko").run()
    no_exceptions(at)
    layer = at.selectbox(key=Key.INSIDE_LAYER)
    assert layer.value == "hidden2" and layer.options[layer.index] == "은닉층 2"
    at.switch_page("views/train.py")
    at.run()
    at.switch_page("views/inside.py")
    at.run()
    no_exceptions(at)
    assert at.selectbox(key=Key.INSIDE_LAYER).value == "hidden2"


def test_the_run_controls_are_the_same_on_train_and_inside():
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "30"})
    at.button(key=Key.RUN_STEP).click().run()
    job = at.session_state[Key.JOB]
    try:
        for _ in range(400):
            if job.snapshot().status == Status.PAUSED:
                break
            job.join(0.05)
        at.run()
        train = {b.key: b.label for b in at.button if b.key and b.key.startswith("run_")}
        assert train == {Key.RUN_START: "Train", Key.RUN_RESUME: "Resume", Key.RUN_STEP: "One epoch", Key.RUN_STOP: "Stop",
                         Key.RUN_RESET: "Reset"}
        at.switch_page("views/inside.py")
        at.run()
        no_exceptions(at)
        inside = {b.key: b.label for b in at.button if b.key and b.key.startswith("run_")}
        assert inside == {k: v for k, v in train.items() if k not in (Key.RUN_START, Key.RUN_RESET)}   # no new runs here
        at.button(key=Key.RUN_STOP).click().run()
        job.join(10)
        assert job.snapshot().status == Status.STOPPED
    finally:
        job.stop()
        job.join(10)


def test_one_guard_stops_its_job_when_the_session_is_dropped():
    job = TrainingJob(make_config(dataset="circle", epochs=2000), scheduler=Scheduler(1)).start()
    guard = JobGuard(job)
    try:
        assert not job.stop_requested
        del guard
        gc.collect()
        job.join(10)
        assert job.stop_requested and job.snapshot().status == Status.STOPPED
    finally:
        job.stop()
