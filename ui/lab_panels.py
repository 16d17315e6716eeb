"""The lab's panels, each drawn from one run record: the numbers and the progress, the
network, the boundary (or another live view), the curves, the coach and the epoch log.
views/train.py places them in the page's polling fragments: the numbers and the curves
take every new record, the heavier panels only their news (heavy_news).
"""

import numpy as np
import pandas as pd
import streamlit as st

from playground.analysis import coach, evaluation
from playground.figures import evaluation as eval_figs
from playground.figures import lab as lab_figs
from playground.figures import training as training_figs
from playground.nn.train import metric_name
from playground.status import Status

from . import depth_view, lab, lab_preview, live_chart, pacing, runs
from .lab_preview import PANEL_H
from .lang import T, lang
from .session import Key
from .status import progress_text, sharing_note

COACH_TONE = {"diverged": st.error, "exploded_start": st.error, "chance": st.error, "at_chance": st.error,
              "oscillating": st.warning, "overfitting": st.warning, "noisy": st.warning, "underfitting": st.warning,
              "underfitting_baseline": st.warning, "too_slow": st.warning, "good": st.success}
LOG_LIVE_ROWS = 200    # epochs the log shows while a run goes on (all of them once it is over)
HEAVY_EVERY_S = 3.0    # the network, the boundary and the log redraw at most this often while a run trains
HEAVY_CROWDED_S = 24.0  # ... when many runs share the server (each redraw costs every browser a re-render)


def heavy_tick(s, epoch: int | None = None):
    """What the heavier panels are rebuilt on. While a run trains: its newest probe (the
    views computed in the training thread every PROBE_EVERY_S; `epoch`: a panel's own
    probe's), one clock for the network, the boundary and the log (a rebuild holds the GIL
    the training thread needs for ~40 ms, measured); before the first probe, every
    HEAVY_EVERY_S of the run's time; in a crowd every HEAVY_CROWDED_S (the class's browsers
    re-render what changed: with 30 pages on the server's cores they took most of the CPU,
    measured). Otherwise each epoch (`epoch`: a panel's probe's), and each status."""
    if s.status == Status.RUNNING:
        if s.sharing > pacing.CROWD:
            return "t", int(s.elapsed // HEAVY_CROWDED_S)
        if not s.probes:
            return "t", int(s.elapsed // HEAVY_EVERY_S)
        return "p", max(p[0] for p in s.probes.values()) if epoch is None else epoch
    return "e", s.epoch if epoch is None else epoch, s.status


def heavy_news(s) -> tuple:
    """What the heavier panels (the network, the middle panel, the coach and the log) draw of
    a record: they are drawn again when it changes (views/train.py), the numbers and the
    curves at every new record."""
    return runs.serial(), heavy_tick(s), logged(s), len(s.changes)


def memo(name: str, sig, build):
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

def network_panel(s, job) -> bool:
    """The network: weights as coloured lines; on 2-D data each node's output over the plane.
    A click on a node enlarges it in the middle panel (ui.lab_node): True when one was picked."""
    st.markdown(f"**{T('lab.network')}**", help=T("lab.network_help"))
    g, plane = s.probes.get("graph"), s.probes.get("plane")
    if g is None and job.prepared is not None:     # no probe before the first epoch's end (or a turn): the
        g, plane = ((-1, x) for x in lab_preview.initial_graph(job.cfg, job.prepared))  # settings' network, untrained
    if g is None or isinstance(g[1], Exception):
        return False
    plane = plane[1] if plane and not isinstance(plane[1], Exception) else None
    fig = memo("network", (runs.serial(), heavy_tick(s, g[0]), lang()),
               lambda: lab_figs.lab_network_figure(g[1], plane, T, height=PANEL_H))
    clicked = live_chart.chart(fig, key=Key.LAB_NETWORK, config={"displayModeBar": False}, revision=runs.serial(),
                               clickable=True)
    picked = _remember_click(clicked, g[1])
    if job.cfg.l1:
        st.caption(T("lab.sparsity", pct=f"{_near_zero(g[1]):.0%}"))
    lab.pixel_line(job.prepared)
    return picked


def _near_zero(g: dict) -> float:
    w = np.concatenate([link["mag"].ravel() for link in g["links"]]) if g["links"] else np.zeros(1)
    return float((w < 1e-2).mean())


def _remember_click(clicked: dict | None, g: dict) -> bool:
    """A node clicked in the diagram (`clicked`: the point, in this rerun) becomes the picked one."""
    node = lab_figs.node_at(g, clicked["x"], clicked["y"]) if clicked else None
    if node is None or st.session_state.get(Key.LAB_NODE) == (runs.serial(), *node):
        return False
    st.session_state[Key.LAB_NODE] = (runs.serial(), *node)
    return True


def boundary_panel(s, job, task: str) -> None:
    prep = job.prepared
    show_test, discretize = lab.boundary_options()     # the toggles are drawn below the chart
    probe = s.probes.get("boundary")
    surf = probe[1] if probe else None
    if isinstance(surf, Exception):
        st.error(str(surf))
        return
    pts = {sp: lab_preview.plane_points(prep, sp) for sp in ("train", "test")}
    sig = (runs.serial(), heavy_tick(s, probe[0] if probe else -1), show_test, discretize, lang())
    fig = memo("boundary", sig, lambda: lab_preview.lab_boundary(surf, pts, task, show_test, discretize))
    live_chart.chart(fig, key=Key.BOUNDARY, config={"displayModeBar": False}, revision=runs.serial())
    lab.boundary_toggles()


def live_view_panel(s, job, task: str) -> None:
    """Data that is not a plane: the validation set's confusion matrix (classification) or
    predictions against the truth (regression), as of the last epoch."""
    if s.val_output is None:
        return
    pred = evaluation.from_output(job.prepared, "val", s.val_output)
    tick = heavy_tick(s)
    if task == "regression":
        st.markdown(f"**{T('lab.live_pred', epoch=s.epoch)}**")
        fig = memo("live", (runs.serial(), tick, lang()), lambda: eval_figs.pred_actual_figure(
            pred.y_true, pred.output, T, job.prepared.dataset.target_name, height=PANEL_H - 20, titled=False))
    else:
        st.markdown(f"**{T('lab.live_confusion', epoch=s.epoch)}**")
        fig = memo("live", (runs.serial(), tick, lang()), lambda: eval_figs.confusion_figure(
            evaluation.confusion(pred), pred.class_names, T, height=PANEL_H - 20, titled=False))
    live_chart.chart(fig, key=Key.LIVE_VIEW, config={"displayModeBar": False}, revision=runs.serial())


def curves_figure(s, task, epochs):
    """The session's curves figure, built again only when its look changes (the task, the
    language, the epochs, the scale, an early stop or a mid-run change); each poll, and each
    new run, only swaps its data (update_history_figure sets all of a run's own). Rebuilding
    it every second slowed training; a build at a run's first point (~6 ms since it is one
    dict, one go.Figure; 40-90 ms before, beside the training thread) is part of the time
    from the Train click to the point."""
    log = bool(st.session_state.get(Key.TRAIN_LOG_SCALE))
    sig = (task, lang(), epochs, s.stopped_epoch, log, repr(s.changes))
    cached = st.session_state.get(Key.CURVES_FIG)
    if cached is None or cached[0] != sig:
        fig = training_figs.history_figure([], task, T, 0, s.stopped_epoch, epochs, log_loss=log,
                                           stacked=True, changes=s.changes, height=PANEL_H)
        cached = st.session_state[Key.CURVES_FIG] = (sig, fig)
    return training_figs.update_history_figure(cached[1], list(s.history), task, s.best_epoch, epochs, s.partial,
                                               running=not s.finished)


def curves_panel(s, task: str, epochs: int) -> None:
    st.markdown(f"**{T('lab.curves')}**", help=T("lab.curves_help"))    # the modebar is hidden: say how
    live_chart.chart(curves_figure(s, task, epochs), key=Key.CURVES, config={"displayModeBar": False},
                     revision=runs.serial(), first=True)
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
        shown, total, df = memo("log", (runs.serial(), heavy_tick(s), logged(s), lang()),
                                lambda: _log_table(s))
        if shown < total:
            st.caption(T("lab.log_latest", n=shown, total=f"{total:,}"))
        st.dataframe(df, height=260, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.4f")
                                    for c in df.columns if c != T("lab.change_col")})


def logged(s) -> int:
    """The mid-run changes the log shows: a change shows once its row is in."""
    return sum(int(c["epoch"]) + 1 <= s.epoch for c in s.changes)


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
