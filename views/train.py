"""Train: buttons, progress, live curves, decision boundary, coach, epoch log."""
import pandas as pd
import streamlit as st

from playground.analysis import coach
from playground.errors import ConfigError
from playground.figures import training as training_figs
from playground.inspect import boundary
from playground.nn.model import count_params, loss_name
from playground.status import Status
from ui import data, pacing, runs, widgets
from ui.lang import T, lang
from ui.session import Key
from ui.status import duration, status_line

COACH_TONE = {"diverged": st.error, "exploded_start": st.error, "chance": st.error, "oscillating": st.warning,
              "overfitting": st.warning, "noisy": st.warning, "underfitting": st.warning,
              "underfitting_baseline": st.warning, "good": st.success}


def boundary_probe(trainer):
    return boundary.surface(trainer.model, trainer.data, resolution=50)


def start(cfg, paused: bool = False) -> None:
    """Start a run of the sidebar's config; `paused`: for one epoch, then wait."""
    try:
        prep = data.prepared_for(cfg)
        probes = {"boundary": boundary_probe} if boundary.is_plane_dataset(prep) else {}
        job = runs.start_training(cfg, prep, paused=paused, probes=probes)   # refuses runs over budget
    except ConfigError as e:
        st.session_state[Key.TRAIN_ERROR] = e.text(lang())
        return
    if paused:
        job.step()


def notes(cfg, changed: bool) -> str | None:
    """What the page must say before the run: a rejected upload, a failed start, a changed
    config. Returns the failed start's message."""
    if problem := st.session_state.get(Key.UPLOAD_PROBLEM):
        st.warning(T("train.upload_not_used", file=problem[0], why=problem[1], dataset=cfg.dataset),
                   icon=":material/warning:")
    if train_error := st.session_state.pop(Key.TRAIN_ERROR, None):
        st.error(train_error)
    if lost := st.session_state.pop(Key.RUN_LOST, None):
        st.warning(T(f"train.run_{lost}"), icon=":material/cloud_off:")
    if changed:
        st.info(T("train.changed_note"), icon=":material/info:")
    return train_error


def cfg_task(cfg) -> str:
    try:
        return data.dataset_for(cfg).task
    except ConfigError:
        return "binary"


def curves_figure(s, task, epochs):
    """The run's curves figure, built once per run, language, stop and scale; later polls
    only swap its data (rebuilding it every second slowed training)."""
    log = bool(st.session_state.get(Key.TRAIN_LOG_SCALE))
    sig = (runs.serial(), task, lang(), epochs, s.stopped_epoch, log)
    cached = st.session_state.get(Key.CURVES_FIG)
    if cached is None or cached[0] != sig:
        cached = (sig, training_figs.history_figure(list(s.history), task, T, s.best_epoch, s.stopped_epoch, epochs,
                                                    log_loss=log))
        st.session_state[Key.CURVES_FIG] = cached
    return training_figs.update_history_figure(cached[1], list(s.history), task, s.best_epoch, epochs, s.partial)


def progress(s) -> None:
    if s.status == Status.ERROR:
        st.error(s.error)
    elif s.status == Status.STOPPED and s.stop_reason:
        st.warning(T(f"train.stopped_{s.stop_reason}"), icon=":material/timer_off:")
    elif s.status == Status.QUEUED and s.queue_position:
        st.warning(T("status.queued_long", pos=s.queue_position), icon=":material/hourglass_top:")
    frac = min((s.epoch + s.epoch_fraction) / max(s.epochs, 1), 1.0)
    if s.samples_per_sec == 0:      # queued or loading: nothing measured yet
        text = status_line(s)
    else:
        key = "train.progress" if s.active else "train.progress_done"
        text = T(key, sps=f"{s.samples_per_sec:,.0f}", eta=duration(s.eta_seconds), status=status_line(s))
    st.progress(frac, text=text)


def loss_line(loss: str) -> None:
    """Which loss the run minimises, with its formula on hover."""
    if loss:
        st.caption(T("train.loss_line", name=T(f"loss.{loss}")), help=T(f"loss.formula.{loss}"))


def coach_and_log(s, task) -> None:
    case, values = coach.diagnose(s.history, s.status, task, chance=s.chance, baseline_loss=s.baseline_loss,
                                   constant_loss=s.constant_loss)
    COACH_TONE.get(case, st.info)(f"**{T('coach.title')}** — {T('coach.' + case, **values)}", icon=":material/school:")
    if s.history:
        st.markdown(f"**{T('train.log')}**")
        df = pd.DataFrame(list(s.history))
        df = df.rename(columns={c: T.get(f"train.col.{c}", c) for c in df.columns}).set_index(T("train.col.epoch"))
        st.dataframe(df.iloc[::-1], height=260, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.4f") for c in df.columns})


def boundary_panel(s, job, task) -> None:
    epoch, surf = s.probes["boundary"]
    if isinstance(surf, Exception):
        st.error(str(surf))
        return
    prep = job.prepared
    pts = {sp: (prep.dataset.X.iloc[prep.split(sp).index].to_numpy(), prep.split(sp).y.numpy())
           for sp in ("train", "test")}
    st.markdown(f"**{T('train.boundary' if task != 'regression' else 'train.surface')}** "
                f"· {T('plot.epoch')} {epoch}")
    st.plotly_chart(training_figs.boundary_figure(surf, pts, task, T, height=380), key="boundary")


def live_panel(cfg) -> None:
    pacing.tick()
    job = runs.training_job()
    if job is None:
        task = cfg_task(cfg)
        loss_line(loss_name(task, cfg.loss) if cfg.loss == "auto" or task == "regression" else "")
        st.plotly_chart(training_figs.history_figure([], task, T, epochs=cfg.epochs,
                                                     log_loss=bool(st.session_state.get(Key.TRAIN_LOG_SCALE))),
                        key="curves_empty")
        st.caption(T("train.press_start"))
        return
    s = job.snapshot()
    progress(s)
    task = job.prepared.task if job.prepared else cfg_task(cfg)
    loss_line(s.loss_name)
    st.plotly_chart(curves_figure(s, task, job.cfg.epochs), key="curves")
    left, right = st.columns([3, 2]) if "boundary" in s.probes else (st.container(), None)
    with left:
        coach_and_log(s, task)
    if right is not None:
        with right:
            boundary_panel(s, job, task)
    if s.active and pacing.pace_changed("train", s):
        st.rerun()   # the pace changed (queued -> running, fast -> steady): redraw with the new one
    if widgets.controls_outdated(s):
        st.rerun()


def summary(cfg, shown_error: str | None) -> None:
    """Before the first run: the data and the network Train would use."""
    try:
        prep = data.prepared_for(cfg)
        n = count_params(prep.n_features, prep.n_outputs, cfg, prep.image_shape)
        st.caption(T("train.summary", dataset=cfg.dataset, train=len(prep.train.y), val=len(prep.val.y),
                     test=len(prep.test.y), params=f"{n:,}"))
    except ConfigError as e:
        if e.text(lang()) != shown_error:      # not twice on one page
            st.error(e.text(lang()))


def render() -> None:
    cfg, job = data.config(), runs.training_job()
    snap = job.snapshot() if job else None
    st.title(T("train.title"))
    st.caption(T("train.subtitle"))
    changed = bool(snap and snap.active and job.cfg != cfg)
    widgets.run_controls(job, snap, start=lambda paused: start(cfg, paused), changed=changed)
    error = notes(cfg, changed)
    st.toggle(T("train.log_scale"), key=Key.TRAIN_LOG_SCALE, help=T("train.log_scale_help"))
    st.fragment(live_panel, run_every=pacing.drawn_pace("train", snap))(cfg)
    if job is None:
        summary(cfg, error)


render()
