"""The Draw-a-digit page through AppTest: one-click default model, a drawing injected as the
canvas would send it, the prediction, teaching, a run's model, a saved model, Korean."""
import base64
import io

import numpy as np
import pytest
from apptest import figures, open_app
from PIL import Image

from playground.config import make_config
from playground.data.loaders import load_dataset
from playground.data.prepare import prepare
from playground.nn.checkpoint import save_model
from playground.runs.training import Scheduler, TrainingJob
from playground.sketch import digit_model, preprocess
from playground.status import Status
from ui.session import Key, canvas_key


def canvas_value(rgba: np.ndarray) -> dict:
    """What streamlit-drawable-canvas sends back: Fabric JSON and a PNG data URL."""
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": url}, "backgroundFit": None}


def draw(at, rgba):
    n = at.session_state[Key.SKETCH_CANVAS_N] if Key.SKETCH_CANVAS_N in at.session_state else 0   # Clear bumps it
    at.session_state[canvas_key(n)] = canvas_value(rgba)
    return at.run()


def arr(v) -> np.ndarray:
    """A plotly JSON array: a list, or plotly 6's typed array {dtype, bdata, shape}."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return a.reshape([int(n) for n in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.array(v, dtype=float)


def top_shown(at) -> str | None:
    for m in at.markdown:
        if "sketch-top" in m.value:
            return m.value.split("line-height:1'>")[1].split("<")[0]
    return None


@pytest.fixture(scope="module")
def mnist_digit():
    """A held-out MNIST digit the default model reads correctly, drawn on a canvas."""
    dm = digit_model.shared_default()
    X, y = dm.test
    for i in range(50):
        img = X[i].numpy().reshape(28, 28)
        canvas = preprocess.as_canvas(img, scale=0.8)
        if digit_model.read(dm, preprocess.preprocess(canvas)).top == int(y[i]):
            return canvas, int(y[i])
    raise AssertionError("no digit read correctly")


def test_one_click_model_then_a_drawing_is_read(no_exceptions, mnist_digit):
    at = open_app("sketch.py", query={"lang": "en"})
    no_exceptions(at)
    assert "No digit model yet" in at.info[0].value
    at.button(key=Key.SKETCH_TRAIN_DEFAULT).click().run()
    no_exceptions(at)
    assert at.segmented_control(key=Key.SKETCH_SOURCE).value == "default"
    assert any("MLP 784 → 128 → 64 → 10" in c.value and "test accuracy" in c.value for c in at.caption)
    assert any("Draw a digit on the canvas" in i.value for i in at.info) and top_shown(at) is None

    canvas, label = mnist_digit
    draw(at, canvas)
    no_exceptions(at)
    assert top_shown(at) == str(label)
    probs, inp, h1, h2 = figures(at)
    dm = at.session_state[Key.SKETCH_DEFAULT]
    reading = digit_model.read(dm, preprocess.preprocess(canvas))
    np.testing.assert_allclose(arr(probs["data"][0]["y"]), reading.probs, atol=1e-6)       # all ten bars
    assert probs["data"][0]["x"] == [str(i) for i in range(10)]
    np.testing.assert_allclose(arr(inp["data"][0]["z"]), preprocess.preprocess(canvas), atol=1e-6)
    assert arr(inp["data"][0]["z"]).shape == (28, 28)
    assert arr(h1["data"][0]["z"]).shape == (4, 32) and arr(h2["data"][0]["z"]).shape == (2, 32)
    md = " ".join(m.value for m in at.markdown)
    assert "What the model receives (28×28)" in md and "Hidden layers on this sketch" in md
    captions = [c.value for c in at.caption]
    assert "Hidden layer 1 · 128 units" in captions and "Hidden layer 2 · 64 units" in captions


def test_teach_collects_fine_tunes_and_downloads(no_exceptions, mnist_digit):
    at = open_app("sketch.py", query={"lang": "en"})
    at.button(key=Key.SKETCH_TRAIN_DEFAULT).click().run()
    canvas, label = mnist_digit
    draw(at, canvas)
    assert at.button(key=Key.SKETCH_ADD).disabled                    # no label chosen yet
    wrong = (label + 1) % 10                                       # teach it something new
    at.segmented_control(key=Key.SKETCH_LABEL).set_value(wrong).run()
    at.button(key=Key.SKETCH_ADD).click().run()
    no_exceptions(at)
    coll = at.session_state[Key.SKETCH_COLLECTION]
    assert coll.labels == [wrong] and top_shown(at) is None        # the canvas was cleared for the next one
    assert at.session_state[Key.SKETCH_LABEL] is None
    assert any("**1** sketches" in m.value for m in at.markdown)
    assert len(at.image) == 1 and at.get("download_button")

    at.button(key=Key.SKETCH_FINETUNE).click().run()
    no_exceptions(at)
    assert "Fine-tuned on 1 sketches" in at.success[0].value and "0% → 100%" in at.success[0].value
    tuned = at.session_state[Key.SKETCH_TUNED]["default"]
    assert tuned.tuned == 1 and tuned.model is not at.session_state[Key.SKETCH_DEFAULT].model
    draw(at, canvas)
    assert top_shown(at) == str(wrong)                            # it learned the new label
    at.button(key=Key.SKETCH_UNTUNE).click().run()
    draw(at, canvas)
    assert top_shown(at) == str(label) and Key.SKETCH_TUNE_MSG not in at.session_state
    at.segmented_control(key=Key.SKETCH_LABEL).set_value(label).run()
    at.button(key=Key.SKETCH_ADD).click().run()
    assert at.session_state[Key.SKETCH_COLLECTION].labels == [wrong, label]
    at.button(key=Key.SKETCH_REMOVE_LAST).click().run()
    assert at.session_state[Key.SKETCH_COLLECTION].labels == [wrong]
    at.button(key=Key.SKETCH_CLEAR_COLLECTION).click().run()
    no_exceptions(at)
    assert len(at.session_state[Key.SKETCH_COLLECTION]) == 0 and at.button(key=Key.SKETCH_CLEAR).label == "Clear"


def finished_job(**values):
    job = TrainingJob(make_config(**values), scheduler=Scheduler(2)).start()
    job.join(60)
    return job


def test_a_digits_run_is_read_at_8x8_and_other_runs_are_explained(no_exceptions, mnist_digit):
    at = open_app("sketch.py", query={"lang": "en"})
    at.session_state[Key.JOB] = finished_job(dataset="circle", epochs=1)
    at.run()
    no_exceptions(at)
    assert any("'circle', not on handwritten digits" in c.value for c in at.caption)

    at.session_state[Key.JOB] = finished_job(dataset="digits", hidden=[16], epochs=3, batch_size=64)
    at.run()
    no_exceptions(at)
    assert at.segmented_control(key=Key.SKETCH_SOURCE).value == "run"
    assert any("weights after epoch 3 of 3" in c.value for c in at.caption)
    draw(at, mnist_digit[0])
    no_exceptions(at)
    assert top_shown(at) is not None
    assert any("What the model receives (8×8)" in m.value for m in at.markdown)
    inp = figures(at)[1]
    z = arr(inp["data"][0]["z"])
    assert z.shape == (8, 8) and np.allclose(z * 16, np.round(z * 16))   # block counts / 16


def test_saved_model_upload(no_exceptions, tmp_path):
    cfg = make_config(dataset="digits", hidden=[16], epochs=1)
    prep = prepare(load_dataset("digits"), cfg)
    job = finished_job(dataset="digits", hidden=[16], epochs=1)
    path = tmp_path / "m.pt"
    save_model(path, job.model_copy(), cfg, prep)
    at = open_app("sketch.py", query={"lang": "en"})
    at.file_uploader(key=Key.SKETCH_FILE).set_value(("my.pt", path.read_bytes(), "application/octet-stream")).run()
    no_exceptions(at)
    assert at.segmented_control(key=Key.SKETCH_SOURCE).value == "upload"
    at.file_uploader(key=Key.SKETCH_FILE).set_value(("bad.pt", b"nonsense", "application/octet-stream")).run()
    no_exceptions(at)
    assert any("cannot read 'bad.pt'" in e.value for e in at.error)
    # another file, read below the model choice already drawn: chosen on the next draw, no error
    at.file_uploader(key=Key.SKETCH_FILE).set_value(("my2.pt", path.read_bytes(), "application/octet-stream")).run()
    no_exceptions(at)
    assert at.segmented_control(key=Key.SKETCH_SOURCE).value == "upload"
    assert at.session_state[Key.SKETCH_UPLOAD].name == "my2.pt"


def test_korean_page(no_exceptions, mnist_digit):
    at = open_app("sketch.py", query={"lang": "ko"})
    no_exceptions(at)
    assert at.title[0].value == "숫자 그리기"
    at.button(key=Key.SKETCH_TRAIN_DEFAULT).click().run()
    draw(at, mnist_digit[0])
    no_exceptions(at)
    md = " ".join(m.value for m in at.markdown)
    assert "예측" in md and "모델이 받는 입력 (28×28)" in md and "이 그림에 대한 은닉층의 활성화" in md
    assert figures(at)[0]["layout"]["yaxis"]["title"]["text"] == "확률"


def test_a_digit_run_still_waiting_is_announced(no_exceptions):
    class Blocker:                    # another run mid-turn on the only slot
        stop_requested = False

    sched = Scheduler(1)
    blocker = Blocker()
    assert sched.acquire(blocker)
    waiting = TrainingJob(make_config(dataset="digits", epochs=1), scheduler=sched).start()
    try:
        at = open_app("sketch.py", query={"lang": "en"})
        at.session_state[Key.JOB] = waiting
        at.run()
        no_exceptions(at)
        assert waiting.snapshot().status == Status.QUEUED
        assert any("getting ready" in c.value for c in at.caption)
    finally:
        waiting.stop()
        sched.release(blocker)
