"""Evaluate: how good is the network just trained, and why. Live on the validation set
while it trains, final on the test set once it is done; baselines and cross-validation."""
import numpy as np
import pandas as pd
import streamlit as st

from playground.analysis import baselines, evaluation, metric_names, metrics
from playground.errors import ConfigError
from playground.figures import evaluation as eval_figs
from playground.status import Status
from ui import classic, data, lab, live_chart, pacing, runs, take_home, widgets
from ui.lang import T, lang
from ui.session import Key, cm_normalize_key, eval_chart_key
from ui.status import sharing_note, status_line
from views.evaluate_cv import cv_section, fmt
from views.evaluate_sequence import sequence_section


def cached(job, name: str, fn):
    """Per-run memo in the session (baselines are fitted once per trained run)."""
    key = (runs.serial(), id(job))
    c = st.session_state.get(Key.EVAL_CACHE)
    if c is None or c.get("_job") != key:
        c = st.session_state[Key.EVAL_CACHE] = {"_job": key}
    if name not in c:
        c[name] = fn()
    return c[name]


def metric_row(values: dict, keys) -> None:
    for col, k in zip(st.columns(len(keys)), keys):
        col.metric(T(f"eval.m.{k}"), fmt(values.get(k)))


def report_table(report: dict) -> None:
    st.markdown(f"**{T('eval.report')}**")
    names = {"macro avg": T("eval.macro_avg"), "weighted avg": T("eval.weighted_avg")}
    df = pd.DataFrame(evaluation.report_rows(report))
    df["label"] = [names.get(v, v) for v in df["label"]]
    df = df.rename(columns={"label": T("eval.class"), "precision": T("eval.m.precision"),
                            "recall": T("eval.m.recall"), "f1": T("eval.m.f1"), "support": T("eval.support")})
    st.dataframe(df, hide_index=True, width="stretch", height=35 * (len(df) + 1) + 3,   # every row, no scroll
                 column_config={T(f"eval.m.{k}"): st.column_config.NumberColumn(format="%.3f")
                                for k in ("precision", "recall", "f1")})


def _chart(fig, chart: str, view: str) -> None:
    """One of the page's charts, redrawn in place while a run trains or the threshold moves (a
    learner's zoom and hover stay; ui.live_chart)."""
    live_chart.chart(fig, key=eval_chart_key(chart, view), revision=runs.serial())


def confusion(cm, names, key: str, highlight=None) -> None:
    norm = st.toggle(T("eval.cm_normalize"), key=cm_normalize_key(key), help=T("eval.cm_normalize_help"))
    _chart(eval_figs.confusion_figure(cm, names, T, norm, highlight=highlight), "cm", key)


# --- classification ---------------------------------------------------------------------------------

def binary_view(pred: evaluation.Predictions, key: str) -> None:
    """Everything the threshold moves, drawn together (a fragment: the slider reruns only this)."""
    names = pred.class_names
    left, right = st.columns([2, 3], vertical_alignment="center")
    thr = left.slider(T("eval.threshold"), 0.0, 1.0, 0.5, 0.01, key=Key.EVAL_THRESHOLD,
                      help=T("eval.threshold_help", pos=names[1]))
    right.caption(T("eval.threshold_rule", pos=names[1], neg=names[0], t=f"{thr:.2f}"))
    m = evaluation.at_threshold(pred.y_true, pred.output, thr)
    m["roc_auc"] = metrics.roc_auc(pred.y_true, pred.output, "binary", 2)
    metric_row(m, metric_names.CLASSIFICATION)
    st.caption(T("eval.counts", tp=m["tp"], fp=m["fp"], fn=m["fn"], tn=m["tn"], pos=names[1]))
    c1, c2 = st.columns(2)
    with c1:
        confusion(m["confusion_matrix"], names, key)
    with c2:
        _chart(eval_figs.probability_figure(pred.y_true, pred.output, thr, names, T), "prob", key)
    cur = evaluation.curves(pred)
    c3, c4 = st.columns(2)
    if cur["roc"]:
        with c3:
            _chart(eval_figs.roc_figure(cur["roc"], T, point=m), "roc", key)
    if "pr" in cur:
        with c4:
            _chart(eval_figs.pr_figure(cur["pr"], T, point=m, prevalence=float(np.mean(pred.y_true))), "pr", key)
    report_table(evaluation.summary(pred, thr)["report"])


def softmax_table(pred: evaluation.Predictions) -> None:
    names = pred.class_names
    st.markdown(f"**{T('eval.softmax')}**", help=T("eval.softmax_help"))
    n = min(8, pred.n)
    labels = pred.labels()
    st.dataframe(pd.DataFrame({
        T("eval.true"): [names[i] for i in pred.y_true[:n]],
        T("eval.predicted"): [names[i] for i in labels[:n]],
        T("eval.confidence"): pred.confidence()[:n],
        T("eval.probabilities"): [list(map(float, p)) for p in pred.output[:n]]}),
        hide_index=True, width="stretch",
        column_config={T("eval.confidence"): st.column_config.ProgressColumn(format="%.2f", min_value=0, max_value=1),
                       T("eval.probabilities"): st.column_config.BarChartColumn(y_min=0, y_max=1)})


def multiclass_view(pred: evaluation.Predictions, key: str, cell=None) -> None:
    names = pred.class_names
    s = evaluation.summary(pred)
    metric_row(s, metric_names.CLASSIFICATION)
    st.caption(T("eval.macro_note"))
    c1, c2 = st.columns(2)
    with c1:
        confusion(s["confusion_matrix"], names, key, highlight=cell)
    with c2:
        st.write("")
        _chart(eval_figs.roc_figure(evaluation.curves(pred)["roc"], T, class_names=names), "roc", key)
    c3, c4 = st.columns([2, 3])
    with c3:
        st.markdown(f"**{T('eval.top_confusions')}**")
        top = metrics.top_confusions(s["confusion_matrix"], names, n=6)
        if top:
            st.dataframe(pd.DataFrame(top).rename(columns={"true": T("eval.true"), "predicted": T("eval.predicted"),
                                                           "count": T("eval.count")}),
                         hide_index=True, width="stretch")
        else:
            st.success(T("eval.no_confusions"))
    with c4:
        softmax_table(pred)
    report_table(s["report"])


# the gallery's first choice: every mistake, not one cell. A string, not None: a selectbox
# whose value is None draws as empty, with Streamlit's untranslated "Choose an option"
ALL_MISTAKES = "all"


def gallery(pred: evaluation.Predictions, prep) -> None:
    """Misclassified images (or one confusion-matrix cell's), most confident first."""
    names = pred.class_names
    st.subheader(T("eval.gallery"))
    thr = st.session_state.get(Key.EVAL_THRESHOLD, 0.5) if pred.task == "binary" else 0.5
    cm = np.asarray(evaluation.summary(pred, thr)["confusion_matrix"])
    cells = sorted(((i, j) for i in range(len(cm)) for j in range(len(cm)) if cm[i, j]),
                   key=lambda c: (c[0] == c[1], -cm[c]))
    mistakes = int(cm.sum() - np.trace(cm))

    def label(c):
        if c == ALL_MISTAKES:
            return T("eval.gallery_all", n=mistakes)
        return T("eval.gallery_option", true=names[c[0]], pred=names[c[1]], n=int(cm[c]))

    cell = widgets.translated_select(st.selectbox, T("eval.gallery_cell"), [ALL_MISTAKES, *cells], Key.EVAL_CELL,
                                     label, default=ALL_MISTAKES, help=T("eval.gallery_help"),
                                     placeholder=T("select.placeholder"))
    cell = None if cell == ALL_MISTAKES else cell
    rows = evaluation.cell_rows(pred, *(cell or (None, None)), threshold=thr, limit=30)
    total = mistakes if cell is None else int(cm[cell])
    if not rows:
        st.info(T("eval.gallery_empty"))
        return
    st.caption(T("eval.gallery_more", shown=len(rows), n=total))
    st.image([evaluation.image_of(prep, r["row"]) for r in rows], width=84, clamp=True,
             caption=[T("eval.gallery_caption", true=names[r["true"]], pred=names[r["pred"]], p=f"{r['prob']:.2f}")
                      for r in rows])


# --- regression -----------------------------------------------------------------------------------------

def regression_view(pred: evaluation.Predictions, prep, key: str) -> None:
    v = evaluation.regression_view(pred)
    metric_row(v, ("r2", "mae", "mse", "rmse"))
    c1, c2 = st.columns(2)
    with c1:
        _chart(eval_figs.pred_actual_figure(v["actual"], v["predicted"], T, prep.dataset.target_name), "pa", key)
    with c2:
        _chart(eval_figs.residual_figure(v["predicted"], v["residual"], T), "res", key)
    st.caption(T("eval.reg_help"))


# --- one split -----------------------------------------------------------------------------------------

def show(pred: evaluation.Predictions, prep, live: bool) -> None:
    key = "live" if live else "final"
    if pred.n == 0:
        st.info(T("eval.empty_split"))
        return
    if not pred.finite:
        st.error(T("eval.not_finite"))
        return
    images = prep.image_shape is not None and not live
    if pred.task == "regression":
        regression_view(pred, prep, key)
    elif pred.task == "binary":
        # live: the polling fragment already reruns this; final: only the threshold part reruns
        (binary_view if live else st.fragment(binary_view))(pred, key)
    else:
        cell = widgets.choice(Key.EVAL_CELL) if images else None
        multiclass_view(pred, key, None if cell == ALL_MISTAKES else cell)
    if images and pred.task != "regression":
        gallery(pred, prep)


def baseline_section(job, pred: evaluation.Predictions, prep) -> None:
    st.subheader(T("eval.baseline.title"))
    try:
        kind, est = cached(job, "baseline", lambda: baselines.fit_baseline(prep, job.cfg.seed))
    except Exception as e:   # a failed baseline must not hide the network's evaluation
        st.warning(T("eval.baseline.error", msg=f"{type(e).__name__}: {e}"))
        return
    model = T(f"eval.baseline.{kind}")
    base = evaluation.summary(baselines.baseline_predictions(est, prep, pred.split))
    rows = baselines.comparison(pred.task, evaluation.summary(pred), base)
    st.caption(T("eval.baseline.caption", model=model, n=len(prep.train.y), split=T(f"eval.split.{pred.split}")))
    main = rows[0]
    if main["better"] is None:
        st.info(T("eval.baseline.verdict_tie", metric=T(f"eval.m.{main['metric']}"), net=fmt(main["network"])))
    else:
        verdict = T(f"eval.baseline.verdict_{main['better']}", metric=T(f"eval.m.{main['metric']}"), model=model,
                    net=fmt(main["network"]), base=fmt(main["baseline"]))
        (st.success if main["better"] == "network" else st.warning)(verdict)
    who = {"network": T("eval.baseline.col_network"), "baseline": model, None: T("eval.baseline.tie")}
    df = pd.DataFrame({T("eval.baseline.col_metric"): [T(f"eval.m.{r['metric']}") for r in rows],
                       model: [r["baseline"] for r in rows],
                       T("eval.baseline.col_network"): [r["network"] for r in rows],
                       T("eval.baseline.col_better"): [who[r["better"]] for r in rows]})
    st.dataframe(df, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.3f")
                                for c in (model, T("eval.baseline.col_network"))})
    if pred.task != "regression":
        st.caption(T("eval.baseline.threshold_note"))


# --- the page ------------------------------------------------------------------------------------------

def no_run(message: str, tone=st.info) -> None:
    tone(message, icon=":material/info:")
    st.page_link("views/train.py", label=T("eval.go_train"), icon=":material/model_training:")


def live_view() -> None:
    pacing.tick()
    job = runs.training_job()
    if job is None:
        return
    s = runs.record(job)
    if s.finished or pacing.pace_changed("evaluate", s):
        st.rerun()   # the final, test-set evaluation replaces the live one; or poll at a new pace
    if note := sharing_note(s):
        st.warning(note, icon=":material/hourglass_top:")
    if s.val_output is None or job.prepared is None:
        st.info(T("eval.waiting"), icon=":material/hourglass_top:")
        return
    epochs = "∞" if s.endless else s.epochs      # an endless run's: not "of 0"
    st.info(T("eval.live", epoch=s.epoch, epochs=epochs, status=status_line(s)), icon=":material/sensors:")
    show(evaluation.from_output(job.prepared, "val", s.val_output), job.prepared, live=True)


def final_view(job, snap) -> None:
    prep = job.prepared
    split = widgets.translated_select(st.segmented_control, T("eval.split"), ["test", "val"], Key.EVAL_SPLIT,
                                      lambda s: T(f"eval.split.{s}"), default="test", help=T("eval.split_help"))
    split = split or "test"   # a segmented control can be clicked off
    pred = cached(job, f"pred_{split}", lambda: evaluation.predictions(job.model_copy(snap), prep, split))
    restored = snap.weights_epoch != snap.epoch
    weights = T("eval.weights_best" if restored else "eval.weights_last", epoch=snap.weights_epoch)
    st.caption(T("eval.final", status=status_line(snap), dataset=job.cfg.dataset, loss=T(f"loss.{snap.loss_name}"),
                 split=T(f"eval.split.{split}"), n=pred.n, weights=weights))
    show(pred, prep, live=False)
    if pred.n and pred.finite:
        sequence_section(job, snap, pred, cached)      # a sequence run's own views (nothing otherwise)
        baseline_section(job, pred, prep)
        classic.section(job, pred, prep, cached)


def saved_model_section() -> None:
    """Use a saved model: a .pt file from this app, scored on the current data's test rows
    through its own preprocessing."""
    with st.expander(T("eval.saved.title"), icon=":material/upload_file:"):
        st.caption(T("eval.saved.help"))
        try:
            prep = data.prepared_for(data.config())
        except ConfigError as e:
            st.error(e.text(lang()))
            return
        saved = take_home.use_saved_model(prep)
        if saved is None:
            return
        y = prep.test.y.numpy()
        m = metrics.evaluate(prep.task, y, saved.split_outputs(prep, "test"), prep.class_names)
        keys = ("mae", "rmse", "r2") if prep.task == "regression" else ("accuracy", "precision", "recall", "f1")
        metric_row(m, keys)
        st.caption(T("eval.saved.scored", n=len(y), dataset=data.config().dataset))


def render() -> None:
    st.title(T("eval.title"))
    st.caption(T("eval.subtitle"))
    job = runs.training_job()
    snap = runs.record(job) if job else None
    if job is not None:
        lab.results_of(job.cfg, data.config(), lab.run_label(job))
    if job is None:
        no_run(T("eval.no_job"))
    elif snap.status == Status.ERROR:
        no_run(T("eval.job_error", msg=snap.error), st.error)
    elif snap.active:
        st.fragment(live_view, run_every=pacing.drawn_pace("evaluate", snap))()
    elif snap.epoch == 0:
        no_run(T("eval.no_epochs"), st.warning)
    else:
        pacing.drawn_pace("evaluate", snap)     # none: the run is over (a page that followed it polls once)
        final_view(job, snap)
    saved_model_section()
    cv_section()


render()
