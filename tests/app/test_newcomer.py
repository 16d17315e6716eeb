"""What a newcomer trips on in the lab (issue 24): names that say what changed, one name for
one action, the data and the network shown before the first run."""
import numpy as np
from apptest import array, charts, open_app, tables, wait_for

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


def test_the_network_is_drawn_before_the_runs_first_epoch(no_exceptions):
    """TensorFlow Playground draws the network at once; the lab's panel stayed empty until
    the run's first probe (a run waiting for its turn: for many seconds in a class)."""
    from playground.runs.scheduler import SCHEDULER

    class Other:                       # other sessions' runs holding every slot
        stop_requested = False

    others = [Other() for _ in range(SCHEDULER.max_running)]
    for o in others:
        assert SCHEDULER.acquire(o)
    try:
        at = open_app(query={"lang": "en", "dataset": "titanic", "hidden": "6,3"})
        at.button(key=Key.RUN_START).click().run()
        job = at.session_state[Key.JOB]
        wait_for(lambda: job.snapshot().status == Status.QUEUED, what="waiting for a turn")
        at.run()
        no_exceptions(at)
        assert "graph" not in job.snapshot().probes
        fig = _chart(at, Key.LAB_NETWORK)
        assert [a["text"] for a in fig["layout"]["annotations"]][:4] == ["<b>8</b>", "<b>6</b>", "<b>3</b>", "<b>1</b>"]
    finally:
        for o in others:
            SCHEDULER.release(o)
    job.stop()


def _chart(at, key: str) -> dict:
    return next(fig for k, fig in charts(at) if k == key)


def test_a_clicked_node_opens_in_the_middle_panel_with_its_pictures_colours(no_exceptions):
    """The enlarged node opened below the fold, on another colour scale than its picture."""
    from playground.figures.inside import _tile
    from playground.figures.lab import NODE_SCALE
    at = open_app(query={"lang": "ko", "dataset": "circle", "hidden": "4", "epochs": "3"})
    at.button(key=Key.RUN_START).click().run()
    job = at.session_state[Key.JOB]
    job.join(60)
    at.session_state[Key.LAB_NODE] = (at.session_state[Key.JOB_SERIAL], 1, 2)    # hidden layer 1, node 3
    at.run()
    no_exceptions(at)
    plane = job.snapshot().probes["plane"][1]
    fig = _chart(at, "lab_node_fig")
    heat = fig["data"][0]
    assert heat["colorscale"] == NODE_SCALE and (heat["zmin"], heat["zmax"]) == (-1, 1)
    assert np.allclose(array(heat["z"]), _tile(plane["rows"][1][1][2], plane["rows"][1][0]))
    assert not any(KO("train.boundary") in m.value for m in at.markdown)          # in the boundary's place
    assert any(KO("lab.node_title", node="h1·3", epoch=job.snapshot().probes["plane"][0]) in m.value
               for m in at.markdown)
    at.button(key="lab_node_back").click().run()
    no_exceptions(at)
    assert "lab_node_fig" not in [k for k, _ in charts(at)]
    assert any(KO("train.boundary") in m.value for m in at.markdown)
    job.stop()


def test_the_first_rows_show_the_target_and_every_column():
    """The lab's preview of a table showed 5 of its columns at 1024 px, and no target."""
    from playground.data import loaders
    at = open_app(query={"lang": "ko", "dataset": "titanic"})
    (rows,) = tables(at)
    ds = loaders.load_titanic()
    assert list(rows.index) == [KO("lab.target_row", name=ds.target_name), *ds.X.columns]
    assert list(rows.iloc[0]) == [ds.class_names[int(v)] for v in list(ds.y)[:3]]
    assert len(rows.columns) == 3 and list(rows.loc["sex"]) == list(ds.X["sex"].head(3).astype(str))
