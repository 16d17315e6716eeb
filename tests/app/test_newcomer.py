"""What a newcomer trips on in the lab (issue 24): names that say what changed, one name for
one action, the data and the network shown before the first run."""
from apptest import open_app, wait_for

from playground.i18n import Translator
from playground.status import Status
from ui.session import Key, units_key

EN, KO = Translator("en"), Translator("ko")


def _paused_run(query: dict):
    """The lab with a run paused after one epoch (One epoch pressed)."""
    at = open_app(query={"lang": "en", "epochs": "30", **query})
    at.button(key=Key.RUN_STEP).click().run()
    job = at.session_state[Key.JOB]
    wait_for(lambda: job.snapshot().status == Status.PAUSED and job.snapshot().epoch >= 1, what="paused")
    return at, job


def _restart_note(at) -> str:
    (note,) = [i.value for i in at.info if "need a new network" in i.value]
    return note


def test_a_change_while_paused_is_named_as_the_control_that_changed(no_exceptions):
    at, job = _paused_run({"dataset": "circle", "hidden": "8,8"})
    try:
        at.selectbox(key=units_key(0)).set_value(4).run()
        no_exceptions(at)
        note = _restart_note(at)
        assert EN("lab.changed_units") in note and EN("field.n_layers") not in note
        at.selectbox(key=units_key(0)).set_value(8).run()
        at.slider(key=Key.W_N_LAYERS).set_value(3).run()
        note = _restart_note(at)
        assert EN("field.n_layers") in note and EN("lab.changed_units") not in note
    finally:
        job.stop()


def test_one_name_for_one_action_in_both_languages():
    """The button that trains one more epoch is called what the other texts call it."""
    for T in (EN, KO):
        name = T("train.step")
        assert T("lab.reset_help").count(name) == 1, (T.lang, name)
    assert EN("train.step") == "One epoch" and KO("train.step") == "한 에포크"
    at = open_app(query={"lang": "ko"})
    assert at.button(key=Key.RUN_STEP).label == "한 에포크"
