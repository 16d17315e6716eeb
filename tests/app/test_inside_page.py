"""The "Inside the network" page through AppTest: without a run, after a finished run
(started with the Train button), while a run trains (the live probe), and for a CNN."""
import json
import time

from apptest import figures, open_app
from streamlit.util import calc_hash  # how st.Page names a page (by its url path)

from playground.status import Status
from ui.session import Key


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _selectbox(at, label):
    return next(s for s in at.selectbox if s.label == label)


def _title(fig: dict) -> str:
    return (fig["layout"].get("title") or {}).get("text", "")


def _titles(at) -> list[str]:
    return [_title(f) for f in figures(at)]


def _train_then_open_inside(query: dict):
    at = open_app(query={"lang": "en", **query})
    _button(at, "Train").click().run()
    at.session_state[Key.JOB].join(90)
    at.switch_page("views/inside.py")
    at.run()
    return at


def test_without_a_run_points_to_train_and_explains_activations():
    at = open_app("inside.py", query={"lang": "en", "activation": "tanh"})
    no_exceptions(at)
    assert at.title[0].value == "Inside the network"
    assert "No network has been trained" in at.info[0].value
    link = at.get("page_link")[0].proto
    assert link.label == "Go to the Train page" and link.page_script_hash == calc_hash("train")
    figs = figures(at)
    assert len(figs) == 1                                              # only the activation-function explainer
    bold = [t["name"] for t in figs[0]["data"] if t["line"]["width"] == 4]
    assert bold == ["tanh ★", "tanh ★"]                                # the sidebar's choice, f and f'
    assert "linear map" in " ".join(m.value for m in at.markdown)
    assert at.get("latex")

    ko = open_app("inside.py", query={"lang": "ko"})
    no_exceptions(ko)
    assert ko.title[0].value == "신경망 들여다보기" and "학습 페이지" in ko.info[0].value


def test_after_a_finished_run():
    at = _train_then_open_inside({"dataset": "circle", "epochs": "8", "hidden": "6,2", "activation": "relu"})
    no_exceptions(at)
    assert at.session_state[Key.JOB].snapshot().status == Status.COMPLETED
    captions = " ".join(c.value for c in at.caption)
    assert "after epoch 8" in captions and "finished: 8 epochs" in captions
    titles = _titles(at)
    for expected in ("Hidden layer 1: activation of each node", "Hidden layer 1: distribution of activations",
                     "Hidden layer 1: outputs projected to 2-D (PCA)", "Hidden layer 1: input weights",
                     "Output of each neuron for every point", "Gradient norm per layer per epoch"):
        assert any(t.startswith(expected) for t in titles), (expected, titles)
    assert at.metric[0].label == "Dead ReLUs in this layer"
    network = figures(at)[0]
    assert any("Hidden layer 2" in a["text"] for a in network["layout"]["annotations"])
    grads = next(f for f in figures(at) if _title(f).startswith("Gradient norm"))
    assert [len(t["x"]) for t in grads["data"]] == [8, 8, 8]           # one point per epoch per layer
    bars = next(f for f in figures(at) if _title(f) == "Gradient size per layer")   # the first and last epoch's
    assert [t["name"] for t in bars["data"]] == ["epoch 1", "epoch 8"]
    assert list(bars["data"][1]["x"]) == ["1", "2", "out"]

    layer = _selectbox(at, "Layer to look at")
    assert layer.options == ["Hidden layer 1", "Hidden layer 2"]
    layer.set_value("hidden2").run()
    no_exceptions(at)
    rep = next(f for f in figures(at) if "outputs (z1, z2)" in _title(f))
    assert rep["layout"]["xaxis"]["title"]["text"] == "z1 (h2·1)"


def _wait(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_live_run_uses_the_probe_then_pause_step_stop_here():
    at = open_app(query={"lang": "ko", "dataset": "circle", "epochs": "2000", "hidden": "4"})
    _button(at, "학습 시작").click().run()
    job = at.session_state[Key.JOB]
    try:
        at.switch_page("views/inside.py")
        at.run()
        no_exceptions(at)
        assert "inside" in job.probes                                  # the page registered its probe
        _wait(lambda: job.snapshot().probes.get("inside") is not None and job.snapshot().epoch > 0)
        at.run()
        no_exceptions(at)
        assert job.snapshot().status == Status.RUNNING
        assert "은닉층 1: 샘플별 각 노드의 활성화 값" in _titles(at)
        assert any(c.value.startswith("학습 중: 에포크") for c in at.caption)

        _button(at, "일시정지").click().run()                           # pause from this page
        _wait(lambda: job.snapshot().status == Status.PAUSED)
        at.run()
        no_exceptions(at)
        epoch = job.snapshot().epoch
        assert any(f"에포크 {epoch} 이후" in c.value for c in at.caption)  # drawn from the paused model
        _button(at, "한 에포크").click().run()
        _wait(lambda: job.snapshot().epoch == epoch + 1 and job.snapshot().status == Status.PAUSED)
        at.run()
        assert any(f"에포크 {epoch + 1} 이후" in c.value for c in at.caption)
        grads = next(f for f in figures(at) if _title(f).startswith("에포크별 층별"))
        assert len(grads["data"][0]["x"]) == epoch + 1
        _button(at, "중지").click().run()
        _wait(lambda: job.snapshot().status == Status.STOPPED)
        at.run()
        no_exceptions(at)
        assert _button(at, "중지").disabled
    finally:
        job.stop()
        job.join(10)


def test_cnn_filters_and_feature_maps():
    at = _train_then_open_inside({"dataset": "digits", "model": "cnn", "hidden": "8", "epochs": "1"})
    no_exceptions(at)
    assert _selectbox(at, "Layer to look at").options == ["Conv layer 1", "Conv layer 2", "Hidden layer 1"]
    pick = _selectbox(at, "Sample")
    assert pick.options[3] == "a sample of class 3"
    pick.set_value(3).run()
    no_exceptions(at)
    cnn = next(f for f in figures(at)
               if any("feature maps" in a.get("text", "") for a in f["layout"].get("annotations", [])))
    assert len(cnn["data"]) == 4                                       # sample, filters, two layers of maps


def test_regression_without_hidden_layers_and_linear_note():
    at = _train_then_open_inside({"dataset": "auto-mpg", "hidden": "", "epochs": "2", "activation": "linear"})
    no_exceptions(at)
    assert any("no hidden layer" in i.value for i in at.info)
    assert not any(s.label == "Layer to look at" for s in at.selectbox)
    network = figures(at)[0]
    assert [a["text"].split("<br>")[0] for a in network["layout"]["annotations"]] == [
        "<b>Input layer</b>", "<b>Output layer</b>"]
    assert any("single linear layer" in w.value for w in at.warning)
    # with no hidden layer the network uses no activation function, and says so (not "uses linear")
    assert any("no hidden layer**, so no activation function" in m.value for m in at.markdown)
    assert not any("Your network uses" in m.value for m in at.markdown)


def test_regression_captions_talk_about_the_target_not_classes():
    """plane is a regression: no caption, legend or chart title may talk about classes or a
    decision boundary; the regression wording is used instead (both languages)."""
    from playground.i18n import Translator
    for lang in ("en", "ko"):
        T = Translator(lang)
        at = open_app(query={"lang": lang, "dataset": "plane", "epochs": "3", "hidden": "4,3"})
        _button(at, T("train.start")).click().run()
        at.session_state[Key.JOB].join(90)
        at.switch_page("views/inside.py")
        at.run()
        no_exceptions(at)
        captions = [c.value for c in at.caption]
        assert any(c.startswith(T("inside.heat_caption_regression", n=200)) for c in captions), captions
        assert T("inside.repr_caption_pca_regression") in captions
        assert T("inside.thumbs_caption_regression") in captions
        for classy in ("inside.heat_caption", "inside.repr_caption_pca", "inside.thumbs_caption"):
            assert not any(T(classy, n=200) in c for c in captions), classy
        figs = figures(at)
        heat = next(f for f in figs if _title(f).startswith(T("inside.heat_title", layer=T("inside.layer.hidden", i=1))))
        assert heat["layout"]["yaxis"]["title"]["text"] == T("inside.samples_by_target")
        rep = next(f for f in figs if _title(f).startswith(T("inside.repr_pca", layer=T("inside.layer.hidden", i=1))))
        assert "legend" not in rep["layout"] or T("inside.class") not in json.dumps(rep["layout"]["legend"])
        layer = _selectbox(at, T("inside.layer"))
        assert layer.options == [T("inside.layer.hidden", i=1), T("inside.layer.hidden", i=2)]
        assert layer.proto.placeholder == T("select.placeholder")
    # a classification run keeps the class wording
    at = _train_then_open_inside({"dataset": "circle", "epochs": "2", "hidden": "3"})
    captions = [c.value for c in at.caption]
    assert any(c.startswith(Translator("en")("inside.heat_caption", n=200)) for c in captions)
