"""Evaluate: how good is the network just trained, and why. Live on the validation set
while it trains, final on the test set once it is done; baselines and cross-validation."""
import weakref

import numpy as np
import pandas as pd
import streamlit as st

from playground.analysis import baselines, evaluation, metrics
from playground.errors import ConfigError
from playground.figures import evaluation as eval_figs
from playground.runs import crossval
from playground.status import Status
from ui import state
from ui.status import duration, status_line

T = state.T()
job = state.job()
snap = job.snapshot() if job else None

st.title(T("eval.title"))
st.caption(T("eval.subtitle"))


def fmt(v, digits: int = 3) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{v:.{digits}f}"


def cached(name: str, fn):
    """Per-job memo in the session (baselines are fitted once per trained run)."""
    key = (st.session_state.get("job_serial"), id(job))
    c = st.session_state.get("eval_cache")
    if c is None or c.get("_job") != key:
        c = st.session_state["eval_cache"] = {"_job": key}
    if name not in c:
        c[name] = fn()
    return c[name]


def lang_key(name: str, default=None) -> str:
    """Widget key for a translated choice widget. A selectbox / radio keeps showing its
    old labels after a language switch, so its key carries the language, and the choice
    itself lives under `name` and moves over to the new widget."""
    key = f"{name}__{state.lang()}"
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(name, default)
    return key


def remember(name: str, value):
    st.session_state[name] = value
    return value


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


# --- classification ---------------------------------------------------------------------------------

def binary_view(pred: evaluation.Predictions, key: str) -> None:
    """Everything the threshold moves, drawn together (a fragment: the slider reruns only this)."""
    names = pred.class_names
    left, right = st.columns([2, 3], vertical_alignment="center")
    thr = left.slider(T("eval.threshold"), 0.0, 1.0, 0.5, 0.01, key="eval_threshold",
                      help=T("eval.threshold_help", pos=names[1]))
    right.caption(T("eval.threshold_rule", pos=names[1], neg=names[0], t=f"{thr:.2f}"))
    m = evaluation.at_threshold(pred.y_true, pred.output, thr)
    m["roc_auc"] = metrics.roc_auc(pred.y_true, pred.output, "binary", 2)
    metric_row(m, ("accuracy", "precision", "recall", "f1", "roc_auc"))
    st.caption(T("eval.counts", tp=m["tp"], fp=m["fp"], fn=m["fn"], tn=m["tn"], pos=names[1]))
    c1, c2 = st.columns(2)
    with c1:
        norm = st.toggle(T("eval.cm_normalize"), key=f"eval_cm_norm_{key}", help=T("eval.cm_normalize_help"))
        st.plotly_chart(eval_figs.confusion_figure(m["confusion_matrix"], names, T, norm), key=f"cm_{key}")
    with c2:
        st.plotly_chart(eval_figs.probability_figure(pred.y_true, pred.output, thr, names, T), key=f"prob_{key}")
    cur = evaluation.curves(pred)
    c3, c4 = st.columns(2)
    if cur["roc"]:
        c3.plotly_chart(eval_figs.roc_figure(cur["roc"], T, point=m), key=f"roc_{key}")
    if "pr" in cur:
        c4.plotly_chart(eval_figs.pr_figure(cur["pr"], T, point=m, prevalence=float(np.mean(pred.y_true))),
                        key=f"pr_{key}")
    report_table(evaluation.summary(pred, thr)["report"])


def multiclass_view(pred: evaluation.Predictions, prep, key: str, cell=None) -> None:
    names = pred.class_names
    s = evaluation.summary(pred)
    metric_row(s, ("accuracy", "precision", "recall", "f1", "roc_auc"))
    st.caption(T("eval.macro_note"))
    c1, c2 = st.columns(2)
    with c1:
        norm = st.toggle(T("eval.cm_normalize"), key=f"eval_cm_norm_{key}", help=T("eval.cm_normalize_help"))
        st.plotly_chart(eval_figs.confusion_figure(s["confusion_matrix"], names, T, norm, highlight=cell),
                        key=f"cm_{key}")
    with c2:
        st.write("")
        st.plotly_chart(eval_figs.roc_figure(evaluation.curves(pred)["roc"], T, class_names=names), key=f"roc_{key}")
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
        st.markdown(f"**{T('eval.softmax')}**", help=T("eval.softmax_help"))
        n = min(8, pred.n)
        labels = pred.labels()
        st.dataframe(pd.DataFrame({
            T("eval.true"): [names[i] for i in pred.y_true[:n]],
            T("eval.predicted"): [names[i] for i in labels[:n]],
            T("eval.confidence"): pred.confidence()[:n],
            T("eval.probabilities"): [list(map(float, p)) for p in pred.output[:n]]}),
            hide_index=True, width="stretch",
            column_config={T("eval.confidence"): st.column_config.ProgressColumn(format="%.2f", min_value=0,
                                                                                  max_value=1),
                           T("eval.probabilities"): st.column_config.BarChartColumn(y_min=0, y_max=1)})
    report_table(s["report"])


def gallery(pred: evaluation.Predictions, prep) -> None:
    """Misclassified images (or one confusion-matrix cell's), most confident first."""
    names = pred.class_names
    st.subheader(T("eval.gallery"))
    thr = st.session_state.get("eval_threshold", 0.5) if pred.task == "binary" else 0.5
    cm = np.asarray(evaluation.summary(pred, thr)["confusion_matrix"])
    cells = sorted(((i, j) for i in range(len(cm)) for j in range(len(cm)) if cm[i, j]),
                   key=lambda c: (c[0] == c[1], -cm[c]))
    mistakes = int(cm.sum() - np.trace(cm))

    def label(c):
        if c is None:
            return T("eval.gallery_all", n=mistakes)
        return T("eval.gallery_option", true=names[c[0]], pred=names[c[1]], n=int(cm[c]))

    key = lang_key("eval_cell")
    if st.session_state[key] not in [None, *cells]:
        st.session_state[key] = None
    cell = remember("eval_cell", st.selectbox(T("eval.gallery_cell"), [None, *cells], format_func=label, key=key,
                                              help=T("eval.gallery_help")))
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
    c1.plotly_chart(eval_figs.pred_actual_figure(v["actual"], v["predicted"], T, prep.dataset.target_name),
                    key=f"pa_{key}")
    c2.plotly_chart(eval_figs.residual_figure(v["predicted"], v["residual"], T), key=f"res_{key}")
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
    if pred.task == "regression":
        regression_view(pred, prep, key)
    elif pred.task == "binary":
        # live: the polling fragment already reruns this; final: only the threshold part reruns
        (binary_view if live else st.fragment(binary_view))(pred, key)
    else:
        cell = st.session_state.get(lang_key("eval_cell")) if prep.image_shape is not None and not live else None
        multiclass_view(pred, prep, key, cell)
    if not live and prep.image_shape is not None and pred.task != "regression":
        gallery(pred, prep)


def baseline_section(pred: evaluation.Predictions, prep, seed: int) -> None:
    st.subheader(T("eval.baseline.title"))
    try:
        kind, est = cached("baseline", lambda: baselines.fit_baseline(prep, seed))
    except Exception as e:   # a failed baseline must not hide the network's evaluation
        st.warning(T("eval.baseline.error", msg=f"{type(e).__name__}: {e}"))
        return
    model = T(f"eval.baseline.{kind}")
    base = evaluation.summary(baselines.baseline_predictions(est, prep, pred.split))
    net = evaluation.summary(pred)
    rows = baselines.comparison(pred.task, net, base)
    st.caption(T("eval.baseline.caption", model=model, n=len(prep.train.y), split=T(f"eval.split.{pred.split}")))
    main = rows[0]
    if main["better"] is None:
        verdict = T("eval.baseline.verdict_tie", metric=T(f"eval.m.{main['metric']}"), net=fmt(main["network"]))
        st.info(verdict)
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


# --- cross-validation ----------------------------------------------------------------------------------

CV_KEY = "eval_cv_job"
CV_LONG = 1500   # fold-epochs; more than this takes minutes on a busy 2-core server (LOO on iris: 2,400)


class _Guard:
    """Lives in session_state: when Streamlit drops the session, the cross-validation stops
    (the idle timeout covers a tab that lingers without polling)."""

    def __init__(self, job):
        weakref.finalize(self, job.stop)


def cv_section() -> None:
    st.divider()
    st.header(T("eval.cv.title"))
    st.caption(T("eval.cv.intro"))
    cfg = state.config()
    try:
        prep = state.prepared_for(cfg)
    except ConfigError as e:
        st.error(e.text(state.lang()))
        return
    task = prep.task
    y = prep.dataset.y[crossval.development_rows(prep)]
    key = lang_key("eval_cv_method", "kfold" if task == "regression" else "stratified")
    k_now = st.session_state.get("eval_cv_k", 5)

    def caption(m):
        why = crossval.unavailable(m, task, y, 5 if m == "loo" else k_now)
        return ":material/block: " + T(why[0], **why[1]) if why and m != "kfold" else T(f"eval.cv.about.{m}")

    c1, c2 = st.columns([3, 2])
    method = remember("eval_cv_method", c1.radio(T("eval.cv.method"), crossval.METHODS, key=key,
                                                 format_func=lambda m: T(f"eval.cv.method.{m}"),
                                                 captions=[caption(m) for m in crossval.METHODS]))
    k = c2.slider(T("eval.cv.k"), crossval.K_MIN, crossval.K_MAX, 5, key="eval_cv_k", disabled=method == "loo")
    why = crossval.unavailable(method, task, y, k)
    n_folds = len(y) if method == "loo" else k
    epochs = min(cfg.epochs, crossval.MAX_EPOCHS)
    c2.caption(T("eval.cv.plan", folds=n_folds, epochs=epochs, rows=len(y), dataset=cfg.dataset,
                 test=len(prep.test.y)))
    if cfg.epochs > crossval.MAX_EPOCHS:
        c2.caption(T("eval.cv.capped", max=crossval.MAX_EPOCHS, epochs=cfg.epochs))
    if why:
        st.warning(T(why[0], **why[1]))
    elif n_folds * epochs > CV_LONG:
        st.warning(T("eval.cv.long", folds=n_folds, epochs=epochs), icon=":material/timer:")
    cv = st.session_state.get(CV_KEY)
    running = bool(cv and cv.snapshot().active)
    b1, b2, _ = st.columns([1.6, 1, 3])
    if b1.button(T("eval.cv.run"), type="primary", icon=":material/play_arrow:", disabled=bool(why) or running,
                 width="stretch"):
        try:
            cv = crossval.CrossValJob(cfg, prep, method, k, idle_timeout=state.IDLE_TIMEOUT_S * 5)
            st.session_state[CV_KEY] = cv.start()
            st.session_state["eval_cv_guard"] = _Guard(cv)
        except ConfigError as e:
            st.error(e.text(state.lang()))
        else:
            st.rerun()
    if b2.button(T("eval.cv.stop"), icon=":material/stop:", disabled=not running, width="stretch"):
        cv.stop()
        st.rerun()
    st.fragment(cv_results, run_every=0.5 if running else None)()


def cv_results() -> None:
    cv = st.session_state.get(CV_KEY)
    if cv is None:
        st.caption(T("eval.cv.empty"))
        return
    s = cv.snapshot()
    if s.status == Status.ERROR:
        st.error(s.error)
    elif s.status == Status.QUEUED and s.queue_position:
        st.warning(T("eval.cv.queued", pos=s.queue_position), icon=":material/hourglass_top:")
    status = T(f"eval.cv.status.{s.status}")
    if s.active:
        text = T("eval.cv.progress", status=status, fold=min(len(s.folds) + 1, s.n_folds), n=s.n_folds,
                 epoch=s.epoch, epochs=s.epochs)
        if s.progress > 0.02:   # measured, not guessed: the time so far over the share done
            left = s.elapsed * (1 - s.progress) / s.progress
            text += " · " + T("eval.cv.eta", eta=duration(left, T))
    else:
        text = T("eval.cv.progress_done", status=status, done=len(s.folds), n=s.n_folds)
    st.progress(s.progress, text=text)
    st.caption(T("eval.cv.results_for", method=T(f"eval.cv.method.{s.method}"), dataset=cv.cfg.dataset,
                 n=s.n_folds, epochs=s.epochs))
    if s.folds:
        summ = crossval.fold_summary(s.folds, s.keys)
        st.markdown(f"**{T('eval.cv.mean_std', n=len(s.folds))}**")
        for col, k in zip(st.columns(len(s.keys)), s.keys):
            mean, std = summ[k]
            # the std as the delta line: "mean ± std" in one value is cut off with five tiles
            col.metric(T(f"eval.m.{k}"), fmt(mean), delta=f"± {fmt(std)}", delta_color="off", delta_arrow="off",
                       help=T("eval.cv.tile_help", mean=fmt(mean), std=fmt(std)))
        # the table gets the full width: nine columns scroll sideways in a narrow one
        df = pd.DataFrame(list(s.folds))[["fold", "n_train", "n_test", "epochs", *s.keys]]
        df = df.rename(columns={"fold": T("eval.cv.fold"), "n_train": T("eval.cv.n_train"),
                                "n_test": T("eval.cv.n_test"), "epochs": T("eval.cv.epochs"),
                                **{k: T(f"eval.m.{k}") for k in s.keys}})
        st.dataframe(df, hide_index=True, width="stretch", height=min(38 + 35 * len(df), 380),
                     column_config={T(f"eval.m.{k}"): st.column_config.NumberColumn(format="%.3f")
                                    for k in s.keys})
        left, right = st.columns([1, 3])
        with left:
            wkey = lang_key("eval_cv_fig_metric", s.keys[0])
            if st.session_state[wkey] not in s.keys:     # another task's metric
                st.session_state[wkey] = s.keys[0]
            metric = remember("eval_cv_fig_metric", st.selectbox(
                T("eval.cv.figure_metric"), s.keys, format_func=lambda k: T(f"eval.m.{k}"), key=wkey))
        with right:
            st.plotly_chart(eval_figs.folds_figure(s.folds, metric or s.keys[0], T), key="cv_folds")
        if s.method == "loo":
            st.caption(T("eval.cv.loo_note"))
        if s.pooled:
            st.caption(T("eval.cv.pooled", values=" · ".join(f"{T(f'eval.m.{k}')} {fmt(v)}"
                                                              for k, v in s.pooled.items())))
    if s.finished and st.session_state.get("_eval_cv_drawn") != id(cv):
        st.session_state["_eval_cv_drawn"] = id(cv)
        st.rerun()   # re-enable the Run button once the last fold is in


# --- the page ------------------------------------------------------------------------------------------

def no_run(message: str, tone=st.info) -> None:
    tone(message, icon=":material/info:")
    st.page_link("views/train.py", label=T("eval.go_train"), icon=":material/model_training:")


def live_view() -> None:
    j = state.job()
    if j is None:
        return
    s = j.snapshot()
    if s.finished:
        st.rerun()   # the final, test-set evaluation replaces the live one
    if s.status == Status.QUEUED and s.queue_position:
        st.warning(T("status.queued_long", pos=s.queue_position), icon=":material/hourglass_top:")
    if s.val_output is None or j.prepared is None:
        st.info(T("eval.waiting"), icon=":material/hourglass_top:")
        return
    st.info(T("eval.live", epoch=s.epoch, epochs=s.epochs, status=status_line(s, T)), icon=":material/sensors:")
    show(evaluation.from_output(j.prepared, "val", s.val_output), j.prepared, live=True)


if job is None:
    no_run(T("eval.no_job"))
elif snap.status == Status.ERROR:
    no_run(T("eval.job_error", msg=snap.error), st.error)
elif snap.active:
    st.fragment(live_view, run_every=1.0)()
elif snap.epoch == 0:
    no_run(T("eval.no_epochs"), st.warning)
else:
    prep = job.prepared
    split = st.segmented_control(T("eval.split"), ["test", "val"], default="test", key="eval_split",
                                 format_func=lambda s: T(f"eval.split.{s}"), help=T("eval.split_help")) or "test"
    pred = cached(f"pred_{split}", lambda: evaluation.predictions(job.model_copy(), prep, split))
    st.caption(T("eval.final", status=status_line(snap, T), dataset=job.cfg.dataset,
                 split=T(f"eval.split.{split}"), n=pred.n))
    show(pred, prep, live=False)
    if pred.n and pred.finite:
        baseline_section(pred, prep, job.cfg.seed)

cv_section()
