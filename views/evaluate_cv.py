"""The Evaluate page's cross-validation section: choose a method and K, run it in the
background, show the folds as they come in (a time series: split by time, each fold's
stretches on the time axis). Also `fmt`, a metric as the page shows it."""
import numpy as np
import pandas as pd
import streamlit as st

from playground.data.sequence_folds import is_series_prep, time_folds
from playground.errors import ConfigError
from playground.figures import evaluation as eval_figs
from playground.figures.time_folds import time_folds_figure
from playground.runs import crossval
from playground.status import Status
from ui import data, lab, live_chart, pacing, runs, widgets
from ui.lang import T, lang
from ui.session import Key, choice_key
from ui.status import duration

CV_LONG = 1500   # fold-epochs; more than this takes minutes on a busy 2-core server (LOO on iris: 2,400)


def fmt(v, digits: int = 3) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{v:.{digits}f}"


def plan(cfg, prep, task, y) -> tuple[str, int, str | None]:
    """Method and K chosen here, with what they would cost; (method, k, why not) ."""
    k_now = st.session_state.get(Key.CV_K, 5)
    series = is_series_prep(prep)
    methods = crossval.methods_for(prep)
    if st.session_state.get(Key.CV_METHOD, methods[0]) not in methods:   # chosen on another kind of data
        st.session_state.pop(Key.CV_METHOD, None)
        st.session_state.pop(choice_key(Key.CV_METHOD), None)

    def caption(m):
        if m == "shuffled":
            return ":material/warning: " + T("eval.cv.about.shuffled")
        why = crossval.unavailable(m, task, y, 5 if m == "loo" else k_now, series=series)
        return ":material/block: " + T(why[0], **why[1]) if why and m not in ("kfold", "time") \
            else T(f"eval.cv.about.{m}")

    if series:
        st.caption(T("eval.cv.seq.lesson"))
    elif getattr(prep, "is_tokens", False):
        st.caption(T("eval.cv.seq.vocab_note"))
    c1, c2 = st.columns([3, 2])
    method = widgets.translated_select(c1.radio, T("eval.cv.method"), methods, Key.CV_METHOD,
                                       lambda m: T(f"eval.cv.method.{m}"), default=crossval.default_method(prep),
                                       captions=[caption(m) for m in methods])
    k = c2.slider(T("eval.cv.k"), crossval.K_MIN, crossval.K_MAX, 5, key=Key.CV_K, disabled=method == "loo")
    why = crossval.unavailable(method, task, y, k, series=series)
    n_folds = len(y) if method == "loo" else k
    epochs = min(cfg.epochs, crossval.MAX_EPOCHS)
    c2.caption(T("eval.cv.plan", folds=n_folds, epochs=epochs, rows=len(y), dataset=cfg.dataset,
                 test=len(prep.test.y)))
    if method == "time" and not why:
        fit, test = time_folds(len(y), k)[0]
        c2.caption(T("eval.cv.seq.plan_time", size=len(test), first=len(fit)))
    if cfg.epochs > crossval.MAX_EPOCHS:
        c2.caption(T("eval.cv.capped", max=crossval.MAX_EPOCHS, epochs=cfg.epochs))
    if why:
        st.warning(T(why[0], **why[1]))
    elif method == "shuffled":
        st.warning(T("eval.cv.seq.leak"), icon=":material/warning:")
    elif n_folds * epochs > CV_LONG:
        st.warning(T("eval.cv.long", folds=n_folds, epochs=epochs), icon=":material/timer:")
    return method, k, why


def cv_section() -> None:
    st.divider()
    st.header(T("eval.cv.title"))
    st.caption(T("eval.cv.intro"))
    cfg = data.config()
    try:
        prep = data.prepared_for(cfg)
    except ConfigError as e:
        st.error(e.text(lang()))
        return
    y = prep.dataset.y[crossval.development_rows(prep)]
    method, k, why = plan(cfg, prep, prep.task, y)
    cv = runs.cv_job()
    running = bool(cv and runs.record(cv).active)
    b1 = b2 = st.container(horizontal=True, gap="small")   # each button as wide as its label (columns cut it at 1024 px)
    if b1.button(T("eval.cv.run"), type="primary", icon=":material/play_arrow:", disabled=bool(why) or running,
                 width="content"):
        try:
            runs.start_cross_validation(cfg, prep, method, k)
        except ConfigError as e:
            st.error(e.text(lang()))
        else:
            st.rerun()
    if b2.button(T("eval.cv.stop"), icon=":material/stop:", disabled=not running, width="content"):
        cv.stop()
        st.rerun()
    st.fragment(cv_results, run_every=pacing.expect_polls(0.5 if running else None))()


def cv_progress(s) -> None:
    if s.status == Status.ERROR:
        st.error(s.error)
    elif s.status == Status.QUEUED and s.sharing > 1:
        st.warning(T("eval.cv.queued", n=s.sharing, s=duration(s.wait_s)), icon=":material/hourglass_top:")
    status = T(f"eval.cv.status.{s.status}")
    if s.active:
        text = T("eval.cv.progress", status=status, fold=min(len(s.folds) + 1, s.n_folds), n=s.n_folds,
                 epoch=s.epoch, epochs=s.epochs)
        if s.progress > 0.02:   # measured, not guessed: the time so far over the share done
            left = s.elapsed * (1 - s.progress) / s.progress
            text += " · " + T("eval.cv.eta", eta=duration(left))
    else:
        text = T("eval.cv.progress_done", status=status, done=len(s.folds), n=s.n_folds)
    st.progress(s.progress, text=text)


def cv_folds(s) -> None:
    summ = crossval.fold_summary(s.folds, s.keys)
    st.markdown(f"**{T('eval.cv.mean_std', n=len(s.folds))}**")
    for col, k in zip(st.columns(len(s.keys)), s.keys):
        mean, std = summ[k]
        # the std as the delta line: "mean ± std" in one value is cut off with five tiles
        col.metric(T(f"eval.m.{k}"), fmt(mean), delta=f"± {fmt(std)}", delta_color="off", delta_arrow="off",
                   help=T("eval.cv.tile_help", mean=fmt(mean), std=fmt(std)))
    # the table gets the full width: nine columns scroll sideways in a narrow one
    df = pd.DataFrame(list(s.folds))
    counts = ["n_train", "n_test"]
    if s.method == "time":   # the stretches with their counts in one cell (in Korean eleven columns overflow)
        df["train_period"] = [f"{p} ({n})" for p, n in zip(df["train_period"], df["n_train"])]
        df["test_period"] = [f"{p} ({n})" for p, n in zip(df["test_period"], df["n_test"])]
        counts = []
    # a time split's stretches (validation: in the timeline below), or each fold's vocabulary
    extra = [c for c in ("train_period", "test_period", "vocab") if c in df.columns]
    df = df[["fold", *extra, *counts, "epochs", *s.keys]]
    df = df.rename(columns={"fold": T("eval.cv.fold"), "n_train": T("eval.cv.n_train"),
                            "n_test": T("eval.cv.n_test"), "epochs": T("eval.cv.epochs"),
                            **{c: T(f"eval.cv.seq.{c}") for c in extra}, **{k: T(f"eval.m.{k}") for k in s.keys}})
    st.dataframe(df, hide_index=True, width="stretch", height=min(38 + 35 * len(df), 380),
                 column_config={T(f"eval.m.{k}"): st.column_config.NumberColumn(format="%.3f") for k in s.keys})
    left, right = st.columns([1, 3])
    with left:
        metric = widgets.translated_select(st.selectbox, T("eval.cv.figure_metric"), s.keys, Key.CV_FIG_METRIC,
                                           lambda k: T(f"eval.m.{k}"), default=s.keys[0],
                                           placeholder=T("select.placeholder"))
    with right:
        fig = eval_figs.folds_figure(s.folds, metric or s.keys[0], T)
        if s.method == "time":   # each bar under the stretch of time its fold tests
            fig.update_xaxes(title_text=T("eval.cv.seq.fold_axis"), tickmode="array",
                             tickvals=[f["fold"] for f in s.folds],
                             ticktext=[f"{f['fold']}<br>{f['test_period']}" for f in s.folds])
        live_chart.chart(fig, key=Key.CV_FOLDS)     # redrawn as the folds come in: a zoom, a hover stay
    if s.method == "loo":
        st.caption(T("eval.cv.loo_note"))
    if s.pooled:
        st.caption(T("eval.cv.pooled", values=" · ".join(f"{T(f'eval.m.{k}')} {fmt(v)}" for k, v in s.pooled.items())))


def cv_results() -> None:
    pacing.tick()          # a polling fragment's rerun: fresh records, the session's heartbeat
    cv = runs.cv_job()
    if cv is None:
        st.caption(T("eval.cv.empty"))
        return
    s = runs.record(cv)
    cv_progress(s)
    st.caption(T("eval.cv.results_for", method=T(f"eval.cv.method.{s.method}"), dataset=cv.cfg.dataset,
                 n=s.n_folds, epochs=s.epochs))
    if cv.cfg.dataset != data.config().dataset:     # results belong to their run
        st.warning(T("lab.results_of_other", label=T("lab.cv_label", dataset=cv.cfg.dataset, net=lab.net_text(cv.cfg)),
                     dataset=cv.cfg.dataset, now=data.config().dataset), icon=":material/history:")
    if s.folds:
        cv_folds(s)
        if s.method == "time":
            timeline(s, cv.prepared)
    if s.finished and st.session_state.get(Key.CV_DRAWN) != id(cv):
        st.session_state[Key.CV_DRAWN] = id(cv)
        st.rerun()   # re-enable the Run button once the last fold is in


def timeline(s, prepared) -> None:
    """Each fold's training, validation and test stretches on the time axis, the run's test set
    aside at the end: the expanding window, drawn."""
    times = prepared.dataset.X["time"].reset_index(drop=True)
    step = times.iloc[-1] - times.iloc[-2] if len(times) > 1 else 1

    def end(pos):    # a block ends where the next target's time begins
        return times.iloc[pos + 1] if pos + 1 < len(times) else times.iloc[pos] + step

    def span(first, last):
        return times.iloc[first], end(last)

    folds = [{"fold": f["fold"], **{b: span(*f["spans"][b]) for b in ("train", "val", "test")}} for f in s.folds]
    test = np.sort(prepared.test.index)
    contiguous = len(test) and test[-1] - test[0] + 1 == len(test)    # not with the windows shuffled
    aside = span(int(test[0]), int(test[-1])) if contiguous else None
    st.plotly_chart(time_folds_figure(folds, aside, T), key="cv_timeline")
