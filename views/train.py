"""Train: the lab. One screen with the run controls, the epoch counter and losses, the
network (weights as lines; on 2-D data each neuron's output over the plane), the decision
boundary (or the most telling live view of other data) and the curves; below them the
coach, what a mid-run change did, and the epoch log."""
import numpy as np
import pandas as pd
import streamlit as st

from playground.analysis import coach, evaluation
from playground.errors import ConfigError
from playground.figures import evaluation as eval_figs
from playground.figures import lab as lab_figs
from playground.figures import training as training_figs
from playground.inspect import boundary, graph
from playground.nn.train import metric_name
from playground.status import Status
from ui import (
    data,
    depth_view,
    lab,
    lab_node,
    lab_preview,
    lessons,
    live_watch,
    one_input_lab,
    pacing,
    run_list,
    runs,
    sequence_lab,
    take_home,
    transfer_queue,
    transfer_view,
    warm,
    widgets,
)
from ui.lab_preview import PANEL_H, PANELS
from ui.lang import T, lang
from ui.session import Key
from ui.status import progress_text, sharing_note

COACH_TONE = {"diverged": st.error, "exploded_start": st.error, "chance": st.error, "at_chance": st.error,
              "oscillating": st.warning, "overfitting": st.warning, "noisy": st.warning, "underfitting": st.warning,
              "underfitting_baseline": st.warning, "too_slow": st.warning, "good": st.success}
LOG_LIVE_ROWS = 200    # epochs the log shows while a run goes on (all of them once it is over)
HEAVY_EVERY_S = 3.0    # the network and the boundary redraw at most this often while a run trains
HEAVY_CROWDED_S = 24.0  # ... when many runs share the server (each redraw costs every browser a re-render)
PROBE_EVERY_S = HEAVY_EVERY_S   # and the training thread computes their data this often: no more than is drawn
LIVE_KEY = "lab_live"  # the live panel's fragment, rerun by the watcher when it has news (ui.live_watch)
# The lab fits one screen: less empty space above the first row than Streamlit's default.
COMPACT_CSS = ("<style>[data-testid=stMainBlockContainer]{padding-top:2.6rem;padding-bottom:3rem}"
               "[data-testid=stMetricValue]{font-size:1.7rem}"
               # a phone's header is opaque and 3.75rem tall: it covered the run buttons
               "@media (max-width:767px){[data-testid=stMainBlockContainer]{padding-top:4.2rem}}</style>")


# --- probes: computed in the training thread (at most every PROBE_EVERY_S), read from the snapshot

def boundary_probe(trainer):
    return boundary.surface(trainer.model, trainer.data, resolution=50)


def plane_probe(trainer):
    return boundary.neuron_surfaces(trainer.model, trainer.data)


def graph_probe(trainer):
    return graph.network_graph(trainer.model, trainer.data)


def probes_for(prep) -> dict:
    if sequence_lab.is_sequence(prep):      # the hidden state per step, the forecast
        return {"sequence": sequence_lab.probe}
    if boundary.is_plane_dataset(prep):
        return {"boundary": boundary_probe, "plane": plane_probe, "graph": graph_probe}
    if one_input_lab.applies(prep):         # one number column: the prediction as a line through the data
        return {"graph": graph_probe, one_input_lab.PROBE: one_input_lab.probe}
    return {"graph": graph_probe}


def start(cfg, paused: bool = False, step: bool = True) -> None:
    """Start a run of the sidebar's config; `paused`: wait at epoch 0 (then one epoch, with
    `step`; without it: Reset, fresh weights shown before any training)."""
    try:
        transfer_view.pretrain_first(cfg)   # transfer learning: the pretrained CNN first (once per server)
        prep = data.prepared_for(cfg)
        job = runs.start_training(cfg, prep, paused=paused, probes=probes_for(prep),  # refuses runs over budget
                                  probe_interval=PROBE_EVERY_S)
    except ConfigError as e:
        st.session_state[Key.TRAIN_ERROR] = e.text(lang())
        return
    job.set_speed(lab.speed())
    if paused and step:
        job.step()
    elif not paused:        # a small set's first epoch takes ~0.1 s: drawn by this click's rerun, not the next poll
        job.wait_for_point(pacing.FIRST_POINT_WAIT_S)


def notes(cfg) -> str | None:
    """What the page must say before the run: a rejected upload, a failed start. Returns
    the failed start's message."""
    if problem := st.session_state.get(Key.UPLOAD_PROBLEM):
        st.warning(T("train.upload_not_used", file=problem[0], why=problem[1], dataset=cfg.dataset),
                   icon=":material/warning:")
    if train_error := st.session_state.pop(Key.TRAIN_ERROR, None):
        st.error(train_error)
    if lost := st.session_state.pop(Key.RUN_LOST, None):
        st.warning(T(f"train.run_{lost}"), icon=":material/cloud_off:")
    return train_error


def cfg_task(cfg) -> str:
    try:
        return data.dataset_for(cfg).task
    except ConfigError:
        return "binary"


def _heavy_tick(s, epoch: int, probed: bool = True):
    """What the network and boundary figures (and the epoch log) are rebuilt on: a new probe
    (`epoch`, computed every PROBE_EVERY_S while a run trains), or, for a view of every epoch (not `probed`),
    a new epoch at most every HEAVY_EVERY_S (a rebuild holds the GIL the training thread needs
    for ~40 ms, measured); in a crowd at most every HEAVY_CROWDED_S (the class's browsers
    re-render what changed: with 30 pages on the server's cores they took most of the CPU,
    measured)."""
    if s.status == Status.RUNNING:
        if s.sharing > pacing.CROWD:
            return "t", int(s.elapsed // HEAVY_CROWDED_S)
        return ("p", epoch) if probed else ("t", int(s.elapsed // HEAVY_EVERY_S))
    return "e", epoch, s.status


def _memo(name: str, sig, build):
    """A figure (or the log's table) rebuilt only when its signature changes (the page polls every second)."""
    figs = st.session_state.setdefault(Key.LAB_FIGS, {})
    if name not in figs or figs[name][0] != sig:
        figs[name] = (sig, build())
    return figs[name][1]


# --- the numbers and the progress -------------------------------------------------------------

def numbers(s, task: str) -> None:
    """TensorFlow Playground's epoch counter, and the losses of the weights the run holds:
    this epoch's, or once early stopping restored the best epoch's, that epoch's (said so)."""
    last = s.kept_scores
    m = metric_name(task)
    row = st.container(horizontal=True, gap="medium")
    epochs = "∞" if s.endless else f"{s.epochs:,}"
    row.metric(T("lab.epoch"), f"{s.epoch:,} / {epochs}", width="content")
    for key, label in (("loss", "lab.train_loss"), ("val_loss", "lab.val_loss"), (f"val_{m}", f"lab.val_{m}")):
        value = last.get(key)
        shown = "–" if value is None else (f"{value:.1%}" if m == "accuracy" and key == f"val_{m}" else f"{value:.4f}")
        row.metric(T(label), shown, width="content")
    if s.restored:
        st.caption(T("lab.kept_epoch", epoch=s.weights_epoch, last=s.epoch))


def progress(s, label: str) -> None:
    """The status line (with the run's label) and, for a run with an end, how far it is."""
    if s.status == Status.ERROR:
        st.error(s.error)
    elif s.status == Status.STOPPED and s.stop_reason:
        st.warning(T(f"train.stopped_{s.stop_reason}"), icon=":material/timer_off:")
    elif note := sharing_note(s):
        st.warning(note, icon=":material/hourglass_top:")
    text = f"{label} — {progress_text(s)}"
    if s.endless:                   # no end to measure against
        st.caption(text)
    else:
        st.progress(min((s.epoch + s.epoch_fraction) / max(s.epochs, 1), 1.0), text=text)


# --- the three panels ----------------------------------------------------------------------------

def network_panel(s, job) -> None:
    """The network: weights as coloured lines; on 2-D data each node's output over the plane.
    A click on a node enlarges it in the middle panel (ui.lab_node)."""
    st.markdown(f"**{T('lab.network')}**", help=T("lab.network_help"))
    g, plane = s.probes.get("graph"), s.probes.get("plane")
    if g is None and job.prepared is not None:     # no probe before the first epoch's end (or a turn): the
        g, plane = ((-1, x) for x in lab_preview.initial_graph(job.cfg, job.prepared))  # settings' network, untrained
    if g is None or isinstance(g[1], Exception):
        return
    plane = plane[1] if plane and not isinstance(plane[1], Exception) else None
    fig = _memo("network", (runs.serial(), _heavy_tick(s, g[0]), lang()),
                lambda: lab_figs.lab_network_figure(g[1], plane, T, height=PANEL_H))
    event = st.plotly_chart(fig, key=Key.LAB_NETWORK, on_select="rerun", selection_mode="points",
                            config={"displayModeBar": False})
    _remember_click(event, g[1])
    if job.cfg.l1:
        st.caption(T("lab.sparsity", pct=f"{_near_zero(g[1]):.0%}"))
    lab.pixel_line(job.prepared)


def _near_zero(g: dict) -> float:
    w = np.concatenate([link["mag"].ravel() for link in g["links"]]) if g["links"] else np.zeros(1)
    return float((w < 1e-2).mean())


def _remember_click(event, g: dict) -> None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        node = lab_figs.node_at(g, points[0]["x"], points[0]["y"])
        if node:
            st.session_state[Key.LAB_NODE] = (runs.serial(), *node)


def boundary_panel(s, job, task: str) -> None:
    prep = job.prepared
    show_test, discretize = lab.boundary_options()     # the toggles are drawn below the chart
    probe = s.probes.get("boundary")
    surf = probe[1] if probe else None
    if isinstance(surf, Exception):
        st.error(str(surf))
        return
    pts = {sp: lab_preview.plane_points(prep, sp) for sp in ("train", "test")}
    sig = (runs.serial(), _heavy_tick(s, probe[0] if probe else -1), show_test, discretize, lang())
    fig = _memo("boundary", sig, lambda: lab_preview.lab_boundary(surf, pts, task, show_test, discretize))
    st.plotly_chart(fig, key="boundary", config={"displayModeBar": False})
    lab.boundary_toggles()


def live_view_panel(s, job, task: str) -> None:
    """Data that is not a plane: the validation set's confusion matrix (classification) or
    predictions against the truth (regression), as of the last epoch."""
    if s.val_output is None:
        return
    pred = evaluation.from_output(job.prepared, "val", s.val_output)
    tick = _heavy_tick(s, s.epoch, probed=False)
    if task == "regression":
        st.markdown(f"**{T('lab.live_pred', epoch=s.epoch)}**")
        fig = _memo("live", (runs.serial(), tick, lang()), lambda: eval_figs.pred_actual_figure(
            pred.y_true, pred.output, T, job.prepared.dataset.target_name, height=PANEL_H - 20).update_layout(title=None))
    else:
        st.markdown(f"**{T('lab.live_confusion', epoch=s.epoch)}**")
        fig = _memo("live", (runs.serial(), tick, lang()), lambda: eval_figs.confusion_figure(
            evaluation.confusion(pred), pred.class_names, T, height=PANEL_H - 20).update_layout(title=None))
    st.plotly_chart(fig, key="live_view", config={"displayModeBar": False})


def curves_figure(s, task, epochs):
    """The run's curves figure, built once per run, language, stop, scale and change; later
    polls only swap its data (rebuilding it every second slowed training)."""
    log = bool(st.session_state.get(Key.TRAIN_LOG_SCALE))
    sig = (runs.serial(), task, lang(), epochs, s.stopped_epoch, log, len(s.changes))
    cached = st.session_state.get(Key.CURVES_FIG)
    if cached is None or cached[0] != sig:
        cached = (sig, training_figs.history_figure(list(s.history), task, T, s.best_epoch, s.stopped_epoch, epochs,
                                                    log_loss=log, stacked=True, changes=s.changes,
                                                    height=PANEL_H))
        st.session_state[Key.CURVES_FIG] = cached
    return training_figs.update_history_figure(cached[1], list(s.history), task, s.best_epoch, epochs, s.partial,
                                               running=not s.finished)


def curves_panel(s, task: str, epochs: int) -> None:
    st.markdown(f"**{T('lab.curves')}**")
    st.plotly_chart(curves_figure(s, task, epochs), key="curves", config={"displayModeBar": False})
    st.toggle(T("train.log_scale"), key=Key.TRAIN_LOG_SCALE, help=T("train.log_scale_help"))


# --- below the panels ----------------------------------------------------------------------------

def coach_and_log(s, task, cfg) -> None:
    case, values = coach.diagnose(s.history, s.status, task, chance=s.chance, baseline_loss=s.baseline_loss,
                                   constant_loss=s.constant_loss)
    COACH_TONE.get(case, st.info)(f"**{T('coach.title')}** — {T('coach.' + case, **values)}", icon=":material/school:")
    depth_view.coach_note(case, s.grad_norms, cfg)     # stuck and deep: a vanishing gradient, skip connections
    if s.history:
        st.markdown(f"**{T('train.log')}**")
        # while a run trains, the table takes a new epoch at most every HEAVY_EVERY_S, as the
        # network does: redrawing its grid at every poll cost the browser ~0.5 CPU-s of a 7-s
        # spiral run on the cores that train (measured)
        logged = sum(int(c["epoch"]) + 1 <= s.epoch for c in s.changes)   # a change shows once its row is in
        shown, total, df = _memo("log", (runs.serial(), _heavy_tick(s, s.epoch, probed=False), logged, lang()),
                                 lambda: _log_table(s))
        if shown < total:
            st.caption(T("lab.log_latest", n=shown, total=f"{total:,}"))
        st.dataframe(df, height=260, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.4f")
                                    for c in df.columns if c != T("lab.change_col")})


def _log_table(s) -> tuple[int, int, pd.DataFrame]:
    """(rows shown, epochs so far, the table, newest first): a running run's latest epochs."""
    rows = list(s.history)
    total = len(rows)
    if s.active and total > LOG_LIVE_ROWS:
        rows = rows[-LOG_LIVE_ROWS:]
    df = pd.DataFrame(rows)
    changes = {}
    for c in s.changes:         # a change made during epoch e+1 shows on that epoch's row
        e = int(c["epoch"]) + 1
        changes[e] = "; ".join(filter(None, [changes.get(e), training_figs.change_text(c, T)]))
    if changes:
        df[T("lab.change_col")] = df["epoch"].map(changes).fillna("")
    df = df.rename(columns={c: T.get(f"train.col.{c}", c) for c in df.columns}).set_index(T("train.col.epoch"))
    return len(rows), total, df.iloc[::-1]


# --- the live part: a fragment polling the run ----------------------------------------------------

def live_panel(cfg) -> None:
    pacing.tick()
    job = runs.training_job()
    if job is None:        # the run was let go meanwhile
        st.rerun()
    s = runs.record(job)
    transfer_queue.follow(job, run_list.record(job))   # a finished run joins Compare's list; a chain goes on
    lessons.check_goal(job)  # the open lesson is done when this run meets its goal
    task = job.prepared.task if job.prepared else cfg_task(cfg)
    numbers(s, task)
    progress(s, lab.run_label(job))
    net, middle, curves = st.columns(PANELS)
    with curves:           # first: the curves reach the browser before the heavier panels are built
        curves_panel(s, task, job.cfg.epochs)
    seq = sequence_lab.is_sequence(job.prepared)
    with net:
        if seq:                              # a recurrent network: its memory while it reads
            sequence_lab.memory_panel(s, job, _memo, PANEL_H)
        else:
            network_panel(s, job)
    with middle:
        if node := lab_node.picked(s):       # a clicked node, large, where the boundary was
            lab_node.enlarged(node, PANEL_H - 40)
        elif "boundary" in job.probes:
            st.markdown(f"**{T('train.boundary' if task != 'regression' else 'train.surface')}**")
            boundary_panel(s, job, task)
        elif seq and not job.prepared.is_tokens:
            sequence_lab.forecast_panel(s, job, _memo, PANEL_H - 20)
        elif one_input_lab.PROBE in job.probes:
            one_input_lab.panel(s, job, _memo, PANEL_H - 20)
        else:
            live_view_panel(s, job, task)
    if seq:
        sequence_lab.baselines_table(job.prepared, sequence_lab.network_scores(s, job, _memo))
    lab.what_changed(s, task)
    lab.loss_line(s.loss_name, job.cfg.labels, job.prepared)
    transfer_view.lab_note(job)
    transfer_queue.status_line()
    coach_and_log(s, task, job.cfg)
    # noted once all is drawn: a run cut short (a click's rerun preempts it) leaves it news to the watcher
    live_watch.drawn("train", runs.serial(), s)
    if s.active and pacing.pace_changed("train", s):
        st.rerun()   # the pace changed (queued -> running, fast -> steady): redraw with the new one
    if widgets.controls_outdated(s):
        st.rerun()


def watch() -> None:
    """The poll (ui.live_watch): reruns the page when its buttons or pace must change, the
    live panel when it has something new to draw, and otherwise draws nothing."""
    if not live_watch.in_fragment_rerun():
        return                 # the whole page's run: the live panel was just drawn
    pacing.tick()
    job = runs.training_job()
    if job is None:
        st.rerun()
    s = runs.record(job)
    if (s.active and pacing.pace_changed("train", s)) or widgets.controls_outdated(s):
        st.rerun()
    if live_watch.is_new("train", runs.serial(), s):
        live_watch.rerun_fragment(LIVE_KEY)


def render() -> None:
    cfg = data.config()
    if st.session_state.pop(Key.PENDING_START, False):   # Compare's "one change": the sidebar holds it
        start(cfg)
    job = runs.training_job()
    snap = runs.record(job) if job else None
    st.html(COMPACT_CSS)
    # no page title: the navigation names the page, and the first screen is for the lab
    top = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    widgets.run_controls(job, snap, start=lambda paused: start(cfg, paused),
                         reset=lambda: start(cfg, paused=True, step=False), row=top)
    lab.speed_control(job, top)
    error = notes(cfg)
    lab.changes_notes(cfg, job, lambda paused: start(cfg, paused))
    if job is None:        # not in the polling fragment: the painting editor's clicks must rerun the sidebar too
        warm.elements()    # the run's elements' code, loaded now rather than at the Train click
        if not sequence_lab.preview_for(cfg):
            lab_preview.preview(cfg, error)
        return
    pace = pacing.drawn_pace("train", snap)     # before the panel, which reruns the page at another pace
    st.fragment(live_panel, key=LIVE_KEY)(cfg)
    st.fragment(watch, run_every=pace)()
    take_home.downloads(job)          # the model and the code behind the run, once it is over
    if lab_preview.painted(cfg):
        with st.expander(T("paint.title"), expanded=False):
            lab_preview.paint.paint_editor(height=PANEL_H - 40)


render()
