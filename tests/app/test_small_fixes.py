"""Small fixes a learner would notice: a paused run's time left, an unknown page's note in the
session's language (not Streamlit's English dialog), layer names translated on the sketch page,
an uploaded table's network preview that is its own and not another student's."""
from __future__ import annotations

import base64
import io
import json
from dataclasses import replace

import numpy as np
import pytest
from apptest import open_app
from PIL import Image
from streamlit.runtime.pages_manager import PagesManager

import ui.status
from playground.i18n import Translator
from playground.runs.training import Snapshot
from playground.sketch import digit_model, preprocess
from playground.status import Status
from ui.session import Key, canvas_key

EN, KO = Translator("en"), Translator("ko")


def no_exceptions(at):
    assert not at.exception, [e.value for e in at.exception]


# --- a paused run's progress text ---------------------------------------------------------------------

@pytest.mark.parametrize("T", [EN, KO])
def test_paused_progress_says_paused_and_keeps_its_time_left(monkeypatch, T):
    monkeypatch.setattr(ui.status, "T", T)
    running = Snapshot(status=Status.RUNNING, epoch=3, epochs=20, history=(), samples_per_sec=1000.0,
                       eta_seconds=40.0)
    assert ui.status.progress_text(running) == T("train.progress", status=T("status.running", epoch=3, epochs=20),
                                                 sps="1,000", eta=T("unit.seconds", n="40"))
    paused = replace(running, status=Status.PAUSED, eta_seconds=42.0)
    text = ui.status.progress_text(paused)
    assert text == T("status.progress_paused", status=T("status.paused", epoch=3, epochs=20), sps="1,000",
                     eta=T("unit.seconds", n="42"))
    assert text != T("train.progress", status=T("status.paused", epoch=3, epochs=20), sps="1,000",
                     eta=T("unit.seconds", n="42"))    # says the clock waits, not a plain countdown
    # nothing measured yet: only the status
    assert ui.status.progress_text(replace(paused, samples_per_sec=0.0)) == T("status.paused", epoch=3, epochs=20)
    endless = replace(running, epochs=0, eta_seconds=None)                # no end: no time left to show
    assert ui.status.progress_text(endless) == T("train.progress_done", status=T("status.running", epoch=3, epochs="∞"),
                                                 sps="1,000")
    paused_endless = replace(endless, status=Status.PAUSED)               # paused, still nothing to count
    assert ui.status.progress_text(paused_endless) == T("train.progress_done", sps="1,000",
                                                        status=T("status.paused", epoch=3, epochs="∞"))
    done = replace(running, status=Status.COMPLETED, epoch=20, eta_seconds=None)
    assert ui.status.progress_text(done) == T("train.progress_done", status=T("status.completed", epoch=20,
                                                                              epochs=20), sps="1,000")


# --- an unknown page --------------------------------------------------------------------------------------

def _asking_for(monkeypatch, path: str) -> None:
    """The browser asked for /<path> (AppTest always asks for the root)."""
    monkeypatch.setattr(PagesManager, "intended_page_name", property(lambda self: path))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_unknown_page_opens_train_with_a_translated_note(monkeypatch, lang):
    T = Translator(lang)
    _asking_for(monkeypatch, "nonexistent")
    at = open_app(query={"lang": lang, "dataset": "xor"})
    no_exceptions(at)
    assert any(b.label == T("train.start") for b in at.button)          # the default page ran: Train
    assert [w.value for w in at.warning if w.value == T("app.page_not_found", path="nonexistent")]
    assert at.query_params["dataset"] == "xor" and at.query_params["lang"] == lang     # the link's setup kept
    at.run()                                                            # said once
    assert not [w for w in at.warning if "nonexistent" in w.value]


def test_the_default_pages_own_path_is_left_to_streamlit(monkeypatch):
    """/train: Streamlit reserves the default page's name, so no hidden page can take it (its
    own dialog remains there); the app must still run the default page without an error."""
    _asking_for(monkeypatch, "train")
    at = open_app(query={"lang": "en"})
    no_exceptions(at)
    assert any(b.label == EN("train.start") for b in at.button)
    assert not [w for w in at.warning if w.value.startswith("There is no page")]


def test_a_known_page_is_not_caught(monkeypatch):
    _asking_for(monkeypatch, "inside")
    at = open_app("inside.py", query={"lang": "en"})
    no_exceptions(at)
    assert at.title[0].value == EN("inside.title") and not at.warning


# --- layer names on the sketch page -------------------------------------------------------------------------

def _canvas_value(rgba: np.ndarray) -> dict:
    """What streamlit-drawable-canvas sends back: Fabric JSON and a PNG data URL."""
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": url}, "backgroundFit": None}


def test_sketch_names_its_hidden_layers_in_the_sessions_language():
    dm = digit_model.shared_default()
    canvas = preprocess.as_canvas(dm.test[0][0].numpy().reshape(28, 28), scale=0.8)
    at = open_app("sketch.py", query={"lang": "ko"})
    at.button(key=Key.SKETCH_TRAIN_DEFAULT).click().run()
    at.session_state[canvas_key(0)] = _canvas_value(canvas)
    at.run()
    no_exceptions(at)
    captions = [c.value for c in at.caption]
    sizes = dm.cfg.hidden
    for i, n in enumerate(sizes, 1):
        assert KO("sketch.layer_units", name=KO("inside.layer.hidden", i=i), n=n) in captions, captions
    assert not any("hidden1" in c for c in captions)


# --- an uploaded table's network, in its own session -----------------------------------------------------

def _upload(columns: dict) -> list[str]:
    """A session that uploads 'class.csv' with these columns (and a target, 'kind'); the words
    its lab's network preview shows."""
    import pandas as pd
    rng = np.random.default_rng(0)
    df = pd.DataFrame({**{c: rng.normal(size=60) for c in columns}, "kind": rng.choice(["a", "b"], 60)})
    at = open_app(query={"lang": "en"})
    at.file_uploader(key=Key.W_UPLOAD).set_value(("class.csv", df.to_csv(index=False).encode(), "text/csv")).run()
    no_exceptions(at)
    (net,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id and "preview_network" in c.key]
    return [str(t) for tr in net["data"] for t in (tr.get("text") or [])]


def test_two_students_tables_of_one_name_each_show_their_own_network():
    """The untrained network's preview was cached across sessions by the settings alone: a
    second student's 'class.csv' showed the first one's columns (and input count)."""
    first = _upload(["size", "weight"])
    second = _upload(["age", "income", "height"])
    assert {"size", "weight"} <= set(first)
    assert {"age", "income", "height"} <= set(second) and not {"size", "weight"} & set(second)


def test_an_uploaded_series_baselines_are_its_own_not_a_shared_caches(monkeypatch):
    """The baselines beside a sequence run were cached across sessions by (name, sizes, id): a
    table re-uploaded with a value fixed can take the old one's id and showed the old scores.
    An uploaded table's are computed from it, in its session."""
    import pandas as pd

    from playground.analysis import sequence_baselines
    from playground.config import make_config
    from playground.data.sequence_prep import prepare_sequence
    from playground.data.sequence_table import read_sequence
    from ui import sequence_lab

    monkeypatch.setattr(sequence_lab, "_baseline_scores", lambda *a: pytest.fail("an upload's scores were shared"))
    cfg = make_config(dataset="sales.csv", read_as="series", model="rnn", window=4)
    for values in (np.sin(np.arange(60) / 3), np.cos(np.arange(60) / 5) * 10):
        prep = prepare_sequence(read_sequence(pd.DataFrame({"sales": values}), "sales", "series", "sales.csv"), cfg)
        assert sequence_lab._scores(prep) == sequence_baselines.scores(prep)


def test_the_first_pages_figures_are_built_once_for_every_session_alike(monkeypatch):
    """The untrained network, the data and the empty curves are the same for every session with
    the same settings and language: built once (each cost the first page's rerun tens of ms of
    plotly objects, on every sidebar click and for each student of a class)."""
    from playground.figures import lab as lab_figs
    from playground.figures import training as training_figs
    from ui import lab_preview

    built = []

    def counted(module, name):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, **k: built.append(name) or real(*a, **k))

    counted(lab_figs, "lab_network_figure")
    counted(training_figs, "history_figure")
    lab_preview._shared_figure.clear()
    first = open_app(query={"lang": "en", "dataset": "circle", "seed": "3"})
    assert built == []       # a tab's first page draws their frames (ui.charts_later)
    first.run()
    no_exceptions(first)
    assert sorted(built) == ["history_figure", "lab_network_figure"]
    second = open_app(query={"lang": "en", "dataset": "circle", "seed": "3"})
    second.run()
    assert len(built) == 2 and json.loads(second.get("plotly_chart")[0].proto.spec) == json.loads(
        first.get("plotly_chart")[0].proto.spec)
    open_app(query={"lang": "ko", "dataset": "circle", "seed": "3"}).run()      # its own language's labels
    assert len(built) == 4
