"""The Evaluate page in AppTest: with no run, after a short run (binary, multi-class images,
regression), the threshold slider, the confusion-cell gallery, baselines and cross-validation."""
from __future__ import annotations

import base64
import json
import re

import numpy as np
import plotly.io as pio
import pytest
from apptest import charts as all_charts
from apptest import figures as all_figures
from apptest import open_app, trained

from playground.analysis import evaluation
from playground.i18n import Translator
from playground.status import Status
from ui.runs import JobGuard
from ui.session import Key

EN, KO = Translator("en"), Translator("ko")
HANGUL = re.compile("[\uac00-\ud7a3]")


def arr(v) -> np.ndarray:
    """A figure array, decoding plotly's base64 typed-array form ({'bdata', 'dtype', 'shape'})."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        return a.reshape([int(n) for n in str(v.get("shape", len(a))).split(",")])
    return np.asarray(v)


def figures(at) -> dict:
    """The page's plotly figures by title."""
    figs = [pio.from_json(json.dumps(fig)) for fig in all_figures(at)]
    return {f.layout.title.text: f for f in figs}


def metrics_shown(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_without_a_run_the_page_points_to_training(no_exceptions):
    at = open_app("evaluate.py")
    no_exceptions(at)
    assert at.title[0].value == EN("eval.title")
    assert EN("eval.no_job") in [i.value for i in at.info]
    links = at.get("page_link")
    assert links and links[0].proto.label == EN("eval.go_train") and links[0].proto.page_script_hash
    # cross-validation is offered for the sidebar's settings even before a run
    assert EN("eval.cv.run") in [b.label for b in at.button]
    ko = open_app("evaluate.py", query={"lang": "ko"})
    assert ko.title[0].value == KO("eval.title") and KO("eval.no_job") in [i.value for i in ko.info]


def test_binary_run_threshold_moves_everything_together(no_exceptions):
    at, job = trained({"dataset": "titanic", "epochs": "3"})
    no_exceptions(at)
    assert at.segmented_control[0].value == "test"
    pred = evaluation.predictions(job.model_copy(), job.prepared, "test")
    shown = metrics_shown(at)
    m = evaluation.at_threshold(pred.y_true, pred.output, 0.5)
    assert shown[EN("eval.m.accuracy")] == f"{m['accuracy']:.3f}"
    assert shown[EN("eval.m.f1")] == f"{m['f1']:.3f}"
    names = pred.class_names
    counts = EN("eval.counts", tp=m["tp"], fp=m["fp"], fn=m["fn"], tn=m["tn"], pos=names[1])
    assert counts in [c.value for c in at.caption]
    charts = all_figures(at)
    assert len(charts) >= 4                            # confusion, probabilities, ROC, PR
    # move the threshold: counts, metrics and the operating point follow
    at.slider(key=Key.EVAL_THRESHOLD).set_value(0.8).run()
    no_exceptions(at)
    m8 = evaluation.at_threshold(pred.y_true, pred.output, 0.8)
    assert m8["tp"] + m8["fp"] < m["tp"] + m["fp"]     # fewer positives at a higher threshold
    assert EN("eval.counts", tp=m8["tp"], fp=m8["fp"], fn=m8["fn"], tn=m8["tn"], pos=names[1]) in \
        [c.value for c in at.caption]
    assert metrics_shown(at)[EN("eval.m.recall")] == f"{m8['recall']:.3f}"
    figs = figures(at)
    roc = figs[EN("eval.plot.roc_title")]
    dot = next(tr for tr in roc.data if tr.name == EN("eval.plot.operating_point", t="0.80"))
    assert (dot.x[0], dot.y[0]) == pytest.approx((m8["fpr"], m8["tpr"]))
    assert arr(figs[EN("eval.plot.cm_title")].data[0].z).tolist() == m8["confusion_matrix"]
    # the baseline table compares the same metrics
    tables = [d.value for d in at.dataframe]
    base = next(t for t in tables if EN("eval.baseline.col_network") in t.columns)
    assert list(base[EN("eval.baseline.col_metric")]) == [EN(f"eval.m.{k}") for k in
                                                         ("accuracy", "precision", "recall", "f1", "roc_auc")]
    assert base[EN("eval.baseline.col_network")].iloc[0] == pytest.approx(evaluation.summary(pred)["accuracy"])
    assert EN("eval.baseline.logistic") in base.columns
    # the validation set instead of the test set
    at.segmented_control(key=Key.EVAL_SPLIT).set_value("val").run()
    no_exceptions(at)
    val = evaluation.predictions(job.model_copy(), job.prepared, "val")
    assert metrics_shown(at)[EN("eval.m.roc_auc")] == f"{evaluation.summary(val)['roc_auc']:.3f}"


def test_image_run_gallery_and_confusion_cell_in_korean(no_exceptions):
    at, job = trained({"dataset": "digits", "epochs": "2", "lang": "ko"})
    no_exceptions(at)
    pred = evaluation.predictions(job.model_copy(), job.prepared, "test")
    s = evaluation.summary(pred)
    assert metrics_shown(at)[KO("eval.m.accuracy")] == f"{s['accuracy']:.3f}"
    assert at.title[0].value == KO("eval.title")
    images = at.get("image")
    wrong = int((pred.labels() != pred.y_true).sum())
    assert images and len(images[0].proto.imgs) == min(30, wrong)
    assert HANGUL.search(images[0].proto.imgs[0].caption)
    cell = at.selectbox(key=Key.EVAL_CELL)
    # "every mistake" is a real option, drawn as chosen: a None value would draw an empty box with
    # Streamlit's untranslated "Choose an option"
    assert cell.value == "all" and cell.index == 0          # views.evaluate.ALL_MISTAKES
    assert cell.options[0] == KO("eval.gallery_all", n=wrong)
    assert cell.proto.placeholder == KO("select.placeholder")
    # pick the most frequent confusion: only its images are shown
    cm = np.asarray(s["confusion_matrix"])
    off = cm - np.diag(np.diag(cm))
    i, j = np.unravel_index(off.argmax(), off.shape)
    cell.set_value((int(i), int(j))).run()
    no_exceptions(at)
    imgs = at.get("image")[0].proto.imgs
    assert len(imgs) == min(30, off[i, j])
    assert all(KO("eval.gallery_caption", true=str(i), pred=str(j), p="")[:-1] in im.caption for im in imgs)
    top = next(d.value for d in at.dataframe if KO("eval.count") in d.value.columns)
    assert top[KO("eval.count")].iloc[0] == off.max()
    assert any(KO("eval.baseline.sgd_logistic") in d.value.columns for d in at.dataframe)
    # switching the language keeps the chosen cell, labelled in the new language
    at.segmented_control(key=Key.W_LANG).set_value("en").run()
    no_exceptions(at)
    cell = at.selectbox(key=Key.EVAL_CELL)
    assert cell.value == (int(i), int(j))
    assert cell.options[cell.index] == EN("eval.gallery_option", true=str(i), pred=str(j), n=int(off[i, j]))
    assert at.title[0].value == EN("eval.title")


def test_regression_run_and_cross_validation(no_exceptions):
    at, job = trained({"dataset": "auto-mpg", "epochs": "3"})
    no_exceptions(at)
    pred = evaluation.predictions(job.model_copy(), job.prepared, "test")
    v = evaluation.regression_view(pred)
    shown = metrics_shown(at)
    for k in ("r2", "mae", "mse", "rmse"):
        assert shown[EN(f"eval.m.{k}")] == f"{v[k]:.3f}"
    assert len([k for k, _ in all_charts(at) if not k.startswith("classic_")]) == 2   # the classic models: their own
    base = next(d.value for d in at.dataframe if EN("eval.baseline.col_network") in d.value.columns)
    assert EN("eval.baseline.linear") in base.columns
    # cross-validation: stratified is off for regression (with the reason), K-fold runs
    radio = at.radio(key=Key.CV_METHOD)
    assert radio.value == "kfold"
    radio.set_value("stratified").run()
    assert EN("eval.cv.why_strat_regression") in [w.value for w in at.warning]
    assert next(b for b in at.button if b.label == EN("eval.cv.run")).disabled
    at.radio(key=Key.CV_METHOD).set_value("kfold").run()
    at.slider(key=Key.CV_K).set_value(3).run()
    next(b for b in at.button if b.label == EN("eval.cv.run")).click().run()
    job_cv = at.session_state[Key.CV_JOB]
    assert type(at.session_state[Key.CV_GUARD]) is type(at.session_state[Key.JOB_GUARD]) is JobGuard
    job_cv.join(60)
    at.run()
    no_exceptions(at)
    s = job_cv.snapshot()
    assert s.status == Status.COMPLETED and len(s.folds) == 3
    folds = next(d.value for d in at.dataframe if EN("eval.cv.fold") in d.value.columns)
    assert list(folds[EN("eval.cv.fold")]) == [1, 2, 3]
    maes = [f["mae"] for f in s.folds]
    tile = next(m for m in at.metric if m.label == EN("eval.m.mae") and m.delta)
    assert (tile.value, tile.delta) == (f"{np.mean(maes):.3f}", f"± {np.std(maes):.3f}")
    fig = figures(at)[EN("eval.plot.folds_title", metric=EN("eval.m.r2"))]
    np.testing.assert_allclose(arr(fig.data[0].y), [f["r2"] for f in s.folds])


@pytest.mark.parametrize("epochs", ["30", "0"])
def test_while_training_the_validation_set_is_shown_live(no_exceptions, epochs):
    """A run paused after one epoch (the Step button) is still active: the page shows the
    snapshot's validation outputs, not the test set; an endless run's epoch is "1/∞" (it read
    "of 0")."""
    at = open_app("train.py", query={"dataset": "circle", "epochs": epochs})
    next(b for b in at.button if b.label == EN("train.step")).click().run()
    job = at.session_state[Key.JOB]
    try:
        for _ in range(400):
            s = job.snapshot()
            if s.status == Status.PAUSED and s.val_output is not None:
                break
            job.join(0.05)
        assert s.status == Status.PAUSED and s.epoch == 1
        at.switch_page("views/evaluate.py")
        at.run()
        no_exceptions(at)
        shown = [i.value for i in at.info]
        assert any(f"after epoch 1/{'∞' if epochs == '0' else 30}. " in v for v in shown), shown
        if epochs == "30":
            assert EN("eval.live", epoch=1, epochs=30, status=EN("status.paused", epoch=1, epochs=30)) in shown
        val = evaluation.from_output(job.prepared, "val", s.val_output)
        assert val.n == len(job.prepared.val.y)
        m = evaluation.at_threshold(val.y_true, val.output, 0.5)
        assert metrics_shown(at)[EN("eval.m.accuracy")] == f"{m['accuracy']:.3f}"
        assert "eval_split" not in [w.key for w in at.segmented_control]   # no test set until the run ends
        assert EN("eval.baseline.title") not in [h.value for h in at.subheader]
    finally:
        job.stop()
        job.join(10)
