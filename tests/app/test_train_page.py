"""The Train and Data pages and the shared sidebar, through streamlit.testing AppTest."""
from apptest import (
    array,
    charts,
    figure_titled,
    figures,
    open_app,
    open_expanders,
    trace,
    trace_names,
    wait_for,
    y_axis,
)

from playground.config import MAX_HIDDEN_LAYERS, from_query
from playground.data import loaders
from playground.i18n import Translator
from playground.runs.scheduler import SCHEDULER
from playground.status import Status
from ui import pacing
from ui.session import Key, w_key

EN, KO = Translator("en"), Translator("ko")

def _selectbox(at, label):
    return next(s for s in at.selectbox if s.label == label)


def test_train_page_renders_and_controls_change_config(no_exceptions):
    at = open_app(query={"lang": "en"})
    no_exceptions(at)
    assert [b.label for b in at.button][:5] == ["Train", "Pause", "One epoch", "Stop", "Reset"]
    _selectbox(at, "Dataset").set_value("iris").run()
    _selectbox(at, "Activation function").set_value("tanh").run()
    no_exceptions(at)
    cfg = at.session_state[Key.CONFIG]
    assert (cfg.dataset, cfg.activation) == ("iris", "tanh")
    # the URL follows the controls, with the config's field names
    assert at.query_params["dataset"] == "iris" and at.query_params["activation"] == "tanh"


def test_step_runs_exactly_one_epoch(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "30"})
    next(b for b in at.button if b.label == "One epoch").click().run()
    job = at.session_state[Key.JOB]
    wait_for(lambda: job.snapshot().status == Status.PAUSED and job.snapshot().epoch >= 1, what="paused after a step")
    assert job.snapshot().epoch == 1 and len(job.snapshot().history) == 1
    at.run()
    no_exceptions(at)
    assert any(b.label == "Resume" for b in at.button)
    next(b for b in at.button if b.label == "One epoch").click().run()
    # the status is RUNNING from the step's start until the run pauses after its epoch: a paused
    # job past epoch 1 has stopped on its own, and must have stopped at exactly 2
    wait_for(lambda: job.snapshot().status == Status.PAUSED and job.snapshot().epoch >= 2, what="paused again")
    assert job.snapshot().epoch == 2 and len(job.snapshot().history) == 2
    job.stop()


def test_train_to_the_end_shows_log_and_boundary(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "15", "hidden": "8"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    job.join(60)
    at.run()
    no_exceptions(at)
    snap = job.snapshot()
    assert snap.status == Status.COMPLETED and snap.epoch == 15
    md = " ".join(m.value for m in at.markdown)
    assert "Epoch log" in md and "Decision boundary" in md
    title = next(m for m in at.markdown if m.value == f"**{EN('lab.curves')}**")
    assert "double-click" in title.proto.help.lower()          # how back from a zoom: the charts show no modebar
    assert "boundary" in snap.probes
    log = at.dataframe[0].value
    assert list(log.columns) == ["loss", "accuracy", "val_loss", "val_accuracy", "time (s)"] and len(log) == 15
    assert log["val_loss"].iloc[0] == snap.history[-1]["val_loss"]      # newest epoch first
    at.session_state[Key.W_LANG] = "ko"
    at.run()
    no_exceptions(at)
    log = at.dataframe[0].value
    assert log.index.name == "에포크"
    assert next(m for m in at.markdown if m.value == f"**{KO('lab.curves')}**").proto.help == KO("lab.curves_help")
    assert list(log.columns) == ["손실 (loss)", "정확도 (accuracy)", "검증 손실 (val_loss)",
                                 "검증 정확도 (val_accuracy)", "시간(초)"]


def _wait(predicate):
    wait_for(predicate, what="the run")


def test_a_change_that_needs_a_new_network_waits_for_the_users_word(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "0", "activation": "relu"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    _selectbox(at, "Activation function").set_value("tanh").run()
    no_exceptions(at)
    assert at.session_state[Key.JOB] is job and job.snapshot().active
    assert job.cfg.activation == "relu"                     # not applied, not restarted
    assert any("need a new network" in i.value and "Activation function" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Start over with the new settings").click().run()
    new = at.session_state[Key.JOB]
    assert new is not job and new.cfg.activation == "tanh"
    _wait(lambda: job.snapshot().finished)
    new.stop()


def test_a_live_setting_applies_to_the_running_run_and_is_logged(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "0"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    _wait(lambda: job.snapshot().epoch >= 2)
    at.session_state[w_key("lr")] = 0.003
    at.session_state[w_key("batch_size")] = 64
    at.run()
    no_exceptions(at)
    assert at.session_state[Key.JOB] is job and (job.cfg.lr, job.cfg.batch_size) == (0.003, 64)
    (change,) = job.snapshot().changes
    assert change["changes"] == {"lr": (0.03, 0.003), "batch_size": (32, 64)}
    _wait(lambda: job.snapshot().epoch >= change["epoch"] + 2)
    at.run()
    log = at.dataframe[0].value
    marked = log[log["Change"] != ""]
    assert len(marked) == 1 and "Learning rate 0.03 → 0.003" in marked["Change"].iloc[0]
    assert marked.index[0] == int(change["epoch"]) + 1
    job.pause()
    _wait(lambda: job.snapshot().status == Status.PAUSED)
    at.run()
    at.toggle(key=Key.LAB_WHAT_CHANGED).set_value(True).run()       # one click: before and after the change
    no_exceptions(at)
    assert any("Around epoch" in c.value and "Learning rate 0.03 → 0.003" in c.value for c in at.caption)
    assert any(c.value.startswith("after: validation loss") for c in at.caption)
    (fig,) = [f for f in figures(at) if any(n.endswith(f" · {EN('lab.before')}") for n in trace_names(f))]
    assert trace_names(fig) == [f"{EN(curve)} · {EN(when)}" for when in ("lab.before", "lab.after")
                                for curve in ("plot.train", "plot.validation")]
    at_epoch = int(change["epoch"])            # the before curves end at the change, the after ones start past it
    assert array(trace(fig, f"{EN('plot.train')} · {EN('lab.before')}")["x"]).max() <= at_epoch
    assert array(trace(fig, f"{EN('plot.train')} · {EN('lab.after')}")["x"]).min() > at_epoch
    job.stop()


def test_reset_shows_fresh_weights_paused_at_epoch_zero(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "xor"})
    next(b for b in at.button if b.label == "Reset").click().run()
    job = at.session_state[Key.JOB]
    _wait(lambda: job.snapshot().status == Status.PAUSED and "plane" in job.snapshot().probes)
    at.run()
    no_exceptions(at)
    assert job.snapshot().epoch == 0 and any(b.label == "Resume" for b in at.button)
    assert {"boundary", "plane", "graph"} <= set(job.snapshot().probes)   # the untrained network, drawn
    job.stop()


def test_link_restores_controls_and_reports_bad_values(no_exceptions):
    good = {"dataset": "wine", "hidden": "5,3", "lr": "0.003", "optimizer": "sgd"}
    at = open_app(query={**good, "epochs": "abc", "lang": "ko"})
    no_exceptions(at)
    cfg = at.session_state[Key.CONFIG]
    assert (cfg.dataset, cfg.hidden, cfg.lr, cfg.optimizer) == ("wine", (5, 3), 0.003, "sgd")
    assert cfg.epochs == from_query(good)[0].epochs          # the bad value is skipped, not guessed
    assert at.session_state[Key.W_N_LAYERS] == 2
    assert any("epochs" in w.value for w in at.main.warning)   # named, in Korean, at the top of the page
    assert "데이터셋" in [s.label for s in at.selectbox]


def test_link_with_the_most_hidden_layers_restores_them(no_exceptions):
    deep = ",".join(["16"] * MAX_HIDDEN_LAYERS)
    at = open_app(query={"lang": "en", "dataset": "circle", "hidden": deep})
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].hidden == (16,) * MAX_HIDDEN_LAYERS
    assert at.session_state[Key.W_N_LAYERS] == MAX_HIDDEN_LAYERS


def test_data_page_shows_pipeline_for_titanic(no_exceptions):
    at = open_app("data.py", query={"lang": "en", "dataset": "titanic"})
    no_exceptions(at)
    table = at.dataframe[-1].value
    row = table[table["column"] == "age"].iloc[0]
    assert "imputed with the median" in row["what is done"]


def test_data_page_every_kind(no_exceptions):
    # images, a table for regression, a 2-D toy set: each overview, preview, target chart and pipeline
    kinds = {"mnist": ("multiclass", "28×28", "datapage.balance", 1),
             "auto-mpg": ("regression", "7", "datapage.target_dist", 1),
             "moons": ("binary", "2", "datapage.balance", 2)}            # + the x1-x2 scatter
    for name, (task, features, target_chart, n_figures) in kinds.items():
        at = open_app("data.py", query={"lang": "ko", "dataset": name})
        no_exceptions(at)
        assert at.title[0].value == KO("datapage.title") and any(m.value == f"### {name}" for m in at.markdown)
        shown = {m.label: m.value for m in at.metric}
        assert shown[KO("datapage.task")] == KO(f"task.{task}") and shown[KO("datapage.features")] == features
        assert [h.value for h in at.subheader] == [KO("datapage.preview"), KO(target_chart), KO("datapage.pipeline")]
        assert len(figures(at)) == n_figures
        assert len(at.dataframe[-1].value) >= 1                          # the pipeline: a row per column


def test_a_run_waiting_for_its_turn_says_how_many_share_the_server(no_exceptions):
    class Other:                       # other sessions' runs holding every slot, mid-turn
        stop_requested = False

    others = [Other() for _ in range(SCHEDULER.max_running)]
    for o in others:
        assert SCHEDULER.acquire(o)
    try:
        at = open_app(query={"lang": "en", "dataset": "circle"})
        next(b for b in at.button if b.label == "Train").click().run()
        job = at.session_state[Key.JOB]
        wait_for(lambda: job.snapshot().sharing == len(others) + 1, what="waiting for a turn")
        at.run()
        no_exceptions(at)
        assert job.snapshot().status == Status.QUEUED
        n = len(others) + 1
        assert any(f"{n} runs share the server right now" in w.value and "first curve point comes in" in w.value
                   for w in at.warning), [w.value for w in at.warning]
    finally:
        for o in others:
            SCHEDULER.release(o)
    job.join(30)
    assert job.snapshot().status == Status.COMPLETED and job.snapshot().sharing == 0


def test_failed_download_is_not_retried_on_every_rerun(no_exceptions, monkeypatch, tmp_path):
    import sklearn.datasets

    calls = []

    def offline(*a, **kw):
        calls.append(a)
        raise OSError("offline")

    monkeypatch.setenv("PLAYGROUND_CACHE", str(tmp_path))
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    loaders._load_cached.cache_clear()
    at = open_app(query={"lang": "en", "dataset": "mnist-full"})
    no_exceptions(at)
    assert any("'mnist'" in e.value for e in at.error)        # names the embedded alternative
    at.run()
    next(b for b in at.button if b.label == "Train").click().run()
    no_exceptions(at)
    assert len(calls) == 1
    assert len(at.error) == 1                                   # Train's message, not twice


def test_a_new_kind_of_data_moves_the_controls_to_its_defaults(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "lr": "0.1"})
    assert at.session_state[Key.CONFIG].lr == 0.1                  # a link's value, for its dataset
    _selectbox(at, "Dataset").set_value("xor").run()                # the same kind: the learner's lr stays
    assert at.session_state[Key.CONFIG].lr == 0.1
    _selectbox(at, "Dataset").set_value("titanic").run()            # a table: the tables' defaults
    no_exceptions(at)
    cfg = at.session_state[Key.CONFIG]
    assert (cfg.hidden, cfg.activation, cfg.lr, cfg.patience, cfg.epochs) == ((64, 32), "relu", 0.003, 10, 300)
    assert at.query_params["dataset"] == "titanic" and "hidden" not in at.query_params   # still a short link
    _selectbox(at, "Dataset").set_value("mnist").run()
    no_exceptions(at)
    cfg = at.session_state[Key.CONFIG]
    assert cfg.model == "cnn" and cfg.scaler == "standard"
    assert "Feature scaling" not in [s.label for s in at.selectbox]   # pixels: pixel scaling, not a scaler


def test_a_link_opens_with_its_datasets_defaults(no_exceptions):
    at = open_app(query={"lang": "ko", "dataset": "mnist"})
    no_exceptions(at)
    cfg = at.session_state[Key.CONFIG]
    assert (cfg.model, cfg.epochs, cfg.patience) == ("cnn", 30, 5)


def test_regression_chooses_its_loss_and_classification_names_its_own(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "auto-mpg"})
    loss = _selectbox(at, "Loss function")
    assert loss.options == ["mean squared error (MSE)", "mean absolute error (MAE)", "Huber loss"]
    loss.set_value("mae").run()
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].loss == "mae" and at.query_params["loss"] == "mae"
    assert any("mean absolute error" in c.value for c in at.caption)          # the Train page names it
    _selectbox(at, "Dataset").set_value("titanic").run()
    no_exceptions(at)
    assert at.session_state[Key.CONFIG].loss == "auto"
    assert "Loss function" not in [s.label for s in at.selectbox]
    assert any("binary cross-entropy (sigmoid output)" in c.value for c in at.caption)
    ko = open_app(query={"lang": "ko", "dataset": "iris"})
    assert any("희소 범주형 크로스 엔트로피 (소프트맥스 출력" in c.value for c in ko.caption)   # Keras' name: class indices


def test_the_loss_chart_can_use_a_log_scale(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle"})
    toggle = next(t for t in at.toggle if t.label == EN("train.log_scale"))
    toggle.set_value(True).run()
    no_exceptions(at)
    fig = figure_titled(at, EN("plot.loss_title"))                                            # the curves
    loss, metric = (t for t in fig["data"] if t.get("name") == EN("plot.train"))              # panel 1, panel 2
    assert y_axis(fig, loss).get("type") == "log" and y_axis(fig, metric).get("type") != "log"


def test_projector_link_keeps_its_mode_and_is_offered_in_the_share_popover(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "xor", "projector": "1"})
    no_exceptions(at)
    assert at.query_params["projector"] in ("1", ["1"])          # kept in the address bar
    assert any("font-size:20px" in h.proto.body for h in at.get("html"))                 # the larger text
    plain = open_app(query={"lang": "en", "dataset": "xor"})
    assert not any("font-size:20px" in h.proto.body for h in plain.get("html"))
    codes = [c.value for c in plain.code]
    assert any("projector=1" in c for c in codes) and any("projector" not in c for c in codes)


def test_results_are_labelled_with_their_run_after_a_dataset_switch(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "3"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    job.join(30)
    _selectbox(at, "Dataset").set_value("iris").run()
    no_exceptions(at)
    assert any("run 1's, on circle" in w.value and "iris" in w.value for w in at.warning)   # the lab says so
    at.switch_page("views/evaluate.py")
    at.run()
    no_exceptions(at)
    assert any("Run 1 · circle" in c.value for c in at.caption)
    assert any("These results are from Run 1 · circle" in w.value and "now names iris" in w.value for w in at.warning)


def test_a_finished_run_offers_the_model_and_its_code(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "3", "hidden": "4"})
    next(b for b in at.button if b.label == "Train").click().run()
    at.session_state[Key.JOB].join(30)
    at.run()
    no_exceptions(at)
    keys = {b.key for b in at.get("download_button")}
    assert {Key.W_DOWNLOAD_MODEL, Key.W_DOWNLOAD_SCRIPT} <= keys
    assert not any("import torch" in c.value for c in at.code)     # the code view is closed: not drawn
    open_expanders(at, Key.TAKE_HOME_CODE)
    no_exceptions(at)
    code = " ".join(c.value for c in at.code)
    changed = [line for line in code.splitlines() if line.endswith("← changed")]
    assert "import torch" in code and any("nn.Linear(n_features, 4)" in line for line in changed)   # hidden=4
    assert "keras" in code.lower()


def test_the_train_click_draws_the_first_point_in_its_own_rerun(no_exceptions, monkeypatch):
    """The click's rerun waits for the run's first point rather than leaving it to the next
    poll: an MLP's first MNIST epoch (~0.15 s) is on the curve the click draws. (The wait is
    bounded by pacing.FIRST_POINT_WAIT_S, 0.4 s; long here, for a busy machine.)"""
    monkeypatch.setattr(pacing, "FIRST_POINT_WAIT_S", 30.0)
    at = open_app(query={"lang": "en", "dataset": "mnist", "model": "mlp", "hidden": "128,64", "epochs": "400"})
    next(b for b in at.button if b.label == "Train").click().run()
    try:
        no_exceptions(at)
        fig = figure_titled(at, EN("plot.loss_title"))
        # an epoch's point, or (a busy machine: a long first epoch) the epoch-so-far marker
        points = sum(len(trace(fig, EN(name)).get("x", [])) for name in ("plot.train", "plot.epoch_so_far"))
        assert points >= 1, "the click's rerun drew no point"
        assert not at.session_state[Key.JOB].snapshot().finished      # drawn at its first point, not its end
    finally:
        at.session_state[Key.JOB].stop()


def test_a_new_run_draws_only_its_own_curves(no_exceptions):
    """The lab keeps its curves figure from run to run while it looks the same, and swaps the
    data: the next run shows none of the last one's epochs, best epoch or mid-run change."""
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "0"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    _wait(lambda: job.snapshot().epoch >= 2)
    at.session_state[w_key("lr")] = 0.003
    at.run()
    (change,) = job.snapshot().changes
    _wait(lambda: job.snapshot().epoch >= change["epoch"] + 3)
    at.run()
    before = figure_titled(at, EN("plot.loss_title"))
    assert "Δ" in [a.get("text") for a in before["layout"]["annotations"]] and before["layout"].get("shapes")
    next(b for b in at.button if b.label == "Stop").click().run()
    _wait(lambda: job.snapshot().finished)
    next(b for b in at.button if b.label == "Train").click().run()
    new = at.session_state[Key.JOB]
    assert new is not job
    new.pause()
    _wait(lambda: new.snapshot().status == Status.PAUSED)
    at.run()
    no_exceptions(at)
    fig = figure_titled(at, EN("plot.loss_title"))
    epochs = array(trace(fig, EN("plot.train"))["x"])
    assert list(epochs) == list(range(1, new.snapshot().epoch + 1))              # this run's epochs, from 1
    assert "Δ" not in [a.get("text") for a in fig["layout"]["annotations"]] and not fig["layout"].get("shapes")
    new.stop()


def test_the_train_clicks_own_run_draws_the_run_and_its_first_point(no_exceptions):
    """One whole run per Train click: the page takes the click before drawing its buttons, so
    that run draws the new run's buttons, its live part and its address (a second whole run
    after it cost ~0.15-0.2 s between the click and the first point, bench/live_page.py)."""
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "0"})
    runs_before = at.session_state[Key.RERUN]
    next(b for b in at.button if b.label == "Train").click().run()
    no_exceptions(at)
    job = at.session_state[Key.JOB]
    assert at.session_state[Key.RERUN] == runs_before + 1
    assert not next(b for b in at.button if b.label == "Pause").disabled
    # the run's own curves (its first point when it came within the click's wait), not the preview's
    assert [k for k, _ in charts(at) if k in ("curves", "curves_empty")] == ["curves"]
    token = at.session_state[Key.RUN_TOKEN]
    assert at.query_params["run"] in (token, [token])                            # a reload finds it
    job.stop()
