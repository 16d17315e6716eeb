"""The Train and Data pages and the shared sidebar, through streamlit.testing AppTest."""
from apptest import open_app

from playground.config import MAX_HIDDEN_LAYERS
from playground.data import loaders
from playground.runs.scheduler import SCHEDULER


def _selectbox(at, label):
    return next(s for s in at.selectbox if s.label == label)


def test_train_page_renders_and_controls_change_config(no_exceptions):
    at = open_app(query={"lang": "en"})
    no_exceptions(at)
    assert [b.label for b in at.button][:4] == ["Train", "Pause", "Step", "Stop"]
    _selectbox(at, "Dataset").set_value("iris").run()
    _selectbox(at, "Activation function").set_value("tanh").run()
    no_exceptions(at)
    cfg = at.session_state["config"]
    assert (cfg.dataset, cfg.activation) == ("iris", "tanh")
    # the URL follows the controls, with the config's field names
    assert at.query_params["dataset"] == "iris" and at.query_params["activation"] == "tanh"


def test_step_runs_exactly_one_epoch(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "30"})
    next(b for b in at.button if b.label == "Step").click().run()
    job = at.session_state["job"]
    deadline = 0
    import time
    while job.snapshot().status != "paused" or job.snapshot().epoch < 1:
        time.sleep(0.05)
        deadline += 1
        assert deadline < 400, job.snapshot()
    assert job.snapshot().epoch == 1 and len(job.snapshot().history) == 1
    at.run()
    no_exceptions(at)
    assert any(b.label == "Resume" for b in at.button)
    next(b for b in at.button if b.label == "Step").click().run()
    while job.snapshot().epoch < 2:
        time.sleep(0.05)
    time.sleep(0.2)
    assert job.snapshot().epoch == 2 and job.snapshot().status == "paused"
    job.stop()


def test_train_to_the_end_shows_log_and_boundary(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "15", "hidden": "8"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state["job"]
    job.join(60)
    at.run()
    no_exceptions(at)
    snap = job.snapshot()
    assert snap.status == "completed" and snap.epoch == 15
    md = " ".join(m.value for m in at.markdown)
    assert "Epoch log" in md and "Decision boundary" in md
    assert "boundary" in snap.probes
    log = at.dataframe[0].value
    assert list(log.columns) == ["loss", "accuracy", "val_loss", "val_accuracy", "time (s)"] and len(log) == 15
    assert log["val_loss"].iloc[0] == snap.history[-1]["val_loss"]      # newest epoch first
    at.session_state["w_lang"] = "ko"
    at.run()
    no_exceptions(at)
    log = at.dataframe[0].value
    assert log.index.name == "에포크"
    assert list(log.columns) == ["손실 (loss)", "정확도 (accuracy)", "검증 손실 (val_loss)",
                                 "검증 정확도 (val_accuracy)", "시간(초)"]


def test_changing_controls_during_a_run_keeps_it(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "2000"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state["job"]
    _selectbox(at, "Activation function").set_value("tanh").run()
    no_exceptions(at)
    assert at.session_state["job"] is job and job.snapshot().active
    assert job.cfg.activation == "relu"
    assert any("next run" in i.value for i in at.info)
    job.stop()


def test_link_restores_controls_and_reports_bad_values(no_exceptions):
    at = open_app(query={"dataset": "wine", "hidden": "5,3", "lr": "0.003", "optimizer": "sgd",
                         "epochs": "abc", "lang": "ko"})
    no_exceptions(at)
    cfg = at.session_state["config"]
    assert (cfg.dataset, cfg.hidden, cfg.lr, cfg.optimizer, cfg.epochs) == ("wine", (5, 3), 0.003, "sgd", 50)
    assert at.session_state["w_n_layers"] == 2
    assert any("epochs" in w.value for w in at.warning)   # the bad value is named, in Korean
    assert "데이터셋" in [s.label for s in at.selectbox]


def test_link_with_the_most_hidden_layers_restores_them(no_exceptions):
    deep = ",".join(["16"] * MAX_HIDDEN_LAYERS)
    at = open_app(query={"lang": "en", "dataset": "circle", "hidden": deep})
    no_exceptions(at)
    assert at.session_state["config"].hidden == (16,) * MAX_HIDDEN_LAYERS
    assert at.session_state["w_n_layers"] == MAX_HIDDEN_LAYERS


def test_data_page_shows_pipeline_for_titanic(no_exceptions):
    at = open_app("data.py", query={"lang": "en", "dataset": "titanic"})
    no_exceptions(at)
    table = at.dataframe[-1].value
    row = table[table["column"] == "age"].iloc[0]
    assert "imputed with the median" in row["what is done"]


def test_data_page_every_kind(no_exceptions):
    for name in ("mnist", "auto-mpg", "moons"):
        at = open_app("data.py", query={"lang": "ko", "dataset": name})
        no_exceptions(at)


def test_queue_position_is_shown_when_the_server_is_full(no_exceptions):
    saved = SCHEDULER.max_running
    SCHEDULER.max_running = 0          # every slot taken by other sessions
    try:
        at = open_app(query={"lang": "en", "dataset": "circle"})
        next(b for b in at.button if b.label == "Train").click().run()
        job = at.session_state["job"]
        import time
        for _ in range(100):
            if job.snapshot().queue_position:
                break
            time.sleep(0.05)
        at.run()
        no_exceptions(at)
        assert job.snapshot().status == "queued"
        assert any("number 1 in line" in w.value for w in at.warning)
    finally:
        SCHEDULER.max_running = saved
    job.join(30)
    assert job.snapshot().status == "completed"


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
