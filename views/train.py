"""Train: buttons, progress, live curves, decision boundary, coach, epoch log."""
import pandas as pd
import streamlit as st

from playground.analysis import coach
from playground.errors import ConfigError
from playground.figures import training as training_figs
from playground.inspect import boundary
from playground.nn.model import count_params
from playground.status import Status
from ui import state
from ui.status import duration, status_line

T = state.T()
cfg = state.config()
job = state.job()
snap = job.snapshot() if job else None

st.title(T("train.title"))
st.caption(T("train.subtitle"))


def boundary_probe(trainer):
    return boundary.surface(trainer.model, trainer.data, resolution=50)


def start(paused=False):
    try:
        prep = state.prepared_for(cfg)
    except ConfigError as e:
        st.session_state["train_error"] = e.text(state.lang())
        return
    probes = {"boundary": boundary_probe} if boundary.is_plane_dataset(prep) else {}
    j = state.start_job(cfg, paused=paused, probes=probes, prepared=prep)
    if paused:
        j.step()


# --- buttons ------------------------------------------------------------------------------------
active = bool(snap and snap.active)
paused = bool(snap and snap.status == Status.PAUSED)
changed = bool(job and active and job.cfg != cfg)
b1, b2, b3, b4, _ = st.columns([1.3, 1.3, 1.3, 1, 2])
if b1.button(T("train.start"), type="primary", icon=":material/play_arrow:", width="stretch",
             help=T("train.start_help")):
    start()
    st.rerun()
if paused:
    if b2.button(T("train.resume"), icon=":material/resume:", width="stretch"):
        job.resume()
        st.rerun()
elif b2.button(T("train.pause"), icon=":material/pause:", width="stretch", disabled=not active):
    job.pause()
    st.rerun()
if b3.button(T("train.step"), icon=":material/skip_next:", width="stretch", help=T("train.step_help"),
             disabled=active and not paused):
    if paused and not changed:
        job.step()
    else:
        start(paused=True)
    st.rerun()
if b4.button(T("train.stop"), icon=":material/stop:", width="stretch", disabled=not active):
    job.stop()
    st.rerun()

st.session_state["_train_buttons"] = (active, paused)   # what the buttons above were drawn for

if problem := st.session_state.get("upload_problem"):
    st.warning(T("train.upload_not_used", file=problem[0], why=problem[1], dataset=cfg.dataset),
               icon=":material/warning:")
if train_error := st.session_state.pop("train_error", None):
    st.error(train_error)
if changed:
    st.info(T("train.changed_note"), icon=":material/info:")


# --- live panel ------------------------------------------------------------------------------------
def live_panel():
    j = state.job()
    if j is None:
        st.plotly_chart(training_figs.history_figure([], cfg_task(), T, epochs=cfg.epochs), key="curves_empty")
        st.caption(T("train.press_start"))
        return
    s = j.snapshot()
    run_cfg = j.cfg
    if s.status == Status.ERROR:
        st.error(s.error)
    elif s.status == Status.QUEUED and s.queue_position:
        st.warning(T("status.queued_long", pos=s.queue_position), icon=":material/hourglass_top:")
    frac = min((s.epoch + s.epoch_fraction) / max(s.epochs, 1), 1.0)
    if s.samples_per_sec == 0:      # queued or loading: nothing measured yet
        text = status_line(s, T)
    else:
        key = "train.progress" if s.active else "train.progress_done"
        text = T(key, sps=f"{s.samples_per_sec:,.0f}", eta=duration(s.eta_seconds, T), status=status_line(s, T))
    st.progress(frac, text=text)
    task = j.prepared.task if j.prepared else cfg_task()
    st.plotly_chart(curves_figure(s, task, run_cfg.epochs), key="curves")
    left, right = st.columns([3, 2]) if "boundary" in s.probes else (st.container(), None)
    with left:
        case, values = coach.diagnose(s.history, s.status, task)
        tone = {"diverged": st.error, "overfitting": st.warning, "noisy": st.warning,
                "underfitting": st.warning, "good": st.success}.get(case, st.info)
        tone(f"**{T('coach.title')}** — {T('coach.' + case, **values)}", icon=":material/school:")
        if s.history:
            st.markdown(f"**{T('train.log')}**")
            df = pd.DataFrame(list(s.history))
            df = df.rename(columns={c: T.get(f"train.col.{c}", c) for c in df.columns}).set_index(T("train.col.epoch"))
            st.dataframe(df.iloc[::-1], height=260, width="stretch",
                         column_config={c: st.column_config.NumberColumn(format="%.4f") for c in df.columns})
    if right is not None:
        with right:
            epoch, surf = s.probes["boundary"]
            if isinstance(surf, Exception):
                st.error(str(surf))
            else:
                prep = j.prepared
                pts = {sp: (prep.dataset.X.iloc[prep.split(sp).index].to_numpy(), prep.split(sp).y.numpy())
                       for sp in ("train", "test")}
                st.markdown(f"**{T('train.boundary' if task != 'regression' else 'train.surface')}** "
                            f"· {T('plot.epoch')} {epoch}")
                st.plotly_chart(training_figs.boundary_figure(surf, pts, task, T, height=380), key="boundary")
    if s.active and st.session_state.get("_train_poll") == FAST_POLL and s.elapsed >= FAST_FOR_S:
        st.rerun()   # switch this fragment to the slower poll
    if (s.active, s.status == Status.PAUSED) != st.session_state.get("_train_buttons"):
        st.rerun()   # paused (at the epoch's end), resumed or finished since the buttons were drawn


def curves_figure(s, task, epochs):
    """The run's curves figure, built once per run, language and stop; later polls only
    swap its data (rebuilding it every second slowed training)."""
    sig = (st.session_state.get("job_serial"), task, state.lang(), epochs, s.stopped_epoch)
    cached = st.session_state.get("_curves_fig")
    if cached is None or cached[0] != sig:
        cached = (sig, training_figs.history_figure(list(s.history), task, T, s.best_epoch, s.stopped_epoch, epochs))
        st.session_state["_curves_fig"] = cached
    return training_figs.update_history_figure(cached[1], list(s.history), task, s.best_epoch, epochs)


def cfg_task():
    try:
        return state.dataset_for(cfg).task
    except ConfigError:
        return "binary"


# Poll fast while a run starts (first points within a second), then slower: every redraw
# holds the GIL that the training thread also needs.
FAST_POLL, SLOW_POLL, FAST_FOR_S = 0.25, 1.0, 2.0
poll = None
if active:
    poll = FAST_POLL if snap.elapsed < FAST_FOR_S else SLOW_POLL
st.session_state["_train_poll"] = poll
st.fragment(live_panel, run_every=poll)()

if job is None:
    try:
        prep = state.prepared_for(cfg)
        n = count_params(prep.n_features, prep.n_outputs, cfg, prep.image_shape)
        st.caption(T("train.summary", dataset=cfg.dataset, train=len(prep.train.y), val=len(prep.val.y),
                     test=len(prep.test.y), params=f"{n:,}"))
    except ConfigError as e:
        if e.text(state.lang()) != train_error:      # not twice on one page
            st.error(e.text(state.lang()))
