"""Train: the lab. One screen with the run controls, the epoch counter and losses, the
network (weights as lines; on 2-D data each neuron's output over the plane), the decision
boundary (or the most telling live view of other data) and the curves; below them the
coach, what a mid-run change did, and the epoch log (the panels: ui/lab_panels.py)."""
import streamlit as st

from playground.errors import ConfigError
from playground.inspect import boundary, graph
from ui import (
    data,
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
    turns_gate,
    url,
    warm,
    widgets,
)
from ui import lab_panels as panels
from ui.lab_preview import PANEL_H, PANELS
from ui.lang import T, lang
from ui.session import Key

PROBE_EVERY_S = panels.HEAVY_EVERY_S   # the training thread computes the views this often: no more than is drawn
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
        with turns_gate.stepped_aside():    # a class's other pages are drawn meanwhile
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


# --- the live part: polling fragments -------------------------------------------------------------
# The numbers and the curves take every new record (about once a second); the network, the
# middle panel and what is below them only their own news (lab_panels.heavy_news: a new
# probe, or every few seconds). One fragment redrawing them all at every poll re-sent ~25
# elements a second, and the browser and the server's script thread redrew and re-encoded
# the unchanged network, boundary and log, beside the training thread.
HEAD, CURVES, NET, MIDDLE, BELOW = "lab_head", "lab_curves", "lab_net", "lab_middle", "lab_below"
FAST, HEAVY = (HEAD, CURVES), (NET, MIDDLE, BELOW)


def _live(cfg):
    """(job, this rerun's record, task) for a live part; a run let go meanwhile reruns the page."""
    job = runs.training_job()
    if job is None:
        st.rerun()
    return job, runs.record(job), job.prepared.task if job.prepared else cfg_task(cfg)


def _page_outdated(s) -> bool:
    """The whole page must be drawn again: the pace changed (queued -> running, fast ->
    steady), or the run paused, resumed or finished since its buttons were drawn."""
    return (s.active and pacing.pace_changed("train", s)) or widgets.controls_outdated(s)


def live_head(cfg) -> None:
    """The numbers and the progress; first in a poll's rerun: its one record for every part."""
    if live_watch.in_fragment_rerun():
        pacing.tick()
    job, s, task = _live(cfg)
    transfer_queue.follow(job, run_list.record(job))   # a finished run joins Compare's list; a chain goes on
    lessons.check_goal(job)  # the open lesson is done when this run meets its goal
    panels.numbers(s, task)
    panels.progress(s, lab.run_label(job))
    if _page_outdated(s):
        st.rerun()


def live_curves(cfg) -> None:
    job, s, task = _live(cfg)
    panels.curves_panel(s, task, job.cfg.epochs)
    live_watch.drawn("train", live_watch.shown(runs.serial(), s))


def live_network(cfg) -> None:
    job, s, _ = _live(cfg)
    if sequence_lab.is_sequence(job.prepared):      # a recurrent network: its memory while it reads
        sequence_lab.memory_panel(s, job, panels.memo, PANEL_H)
    elif panels.network_panel(s, job):
        live_watch.rerun_fragment(MIDDLE)           # a clicked node, enlarged there


def live_middle(cfg) -> None:
    job, s, task = _live(cfg)
    if node := lab_node.picked(s):       # a clicked node, large, where the boundary was
        lab_node.enlarged(node, PANEL_H - 40)
    elif "boundary" in job.probes:
        st.markdown(f"**{T('train.boundary' if task != 'regression' else 'train.surface')}**")
        panels.boundary_panel(s, job, task)
    elif sequence_lab.is_sequence(job.prepared) and not job.prepared.is_tokens:
        sequence_lab.forecast_panel(s, job, panels.memo, PANEL_H - 20)
    elif one_input_lab.PROBE in job.probes:
        one_input_lab.panel(s, job, panels.memo, PANEL_H - 20)
    else:
        panels.live_view_panel(s, job, task)


def live_below(cfg) -> None:
    job, s, task = _live(cfg)
    if sequence_lab.is_sequence(job.prepared):
        sequence_lab.baselines_table(job.prepared, sequence_lab.network_scores(s, job, panels.memo))
    lab.what_changed(s, task)
    lab.loss_line(s.loss_name, job.cfg.labels, job.prepared)
    transfer_view.lab_note(job)
    transfer_queue.status_line()
    panels.coach_and_log(s, task, job.cfg)
    # noted once all is drawn: a run cut short (a click's rerun preempts it) leaves it news to the watcher
    live_watch.drawn("train_heavy", panels.heavy_news(s))


def watch() -> None:
    """The poll (ui.live_watch): reruns the page when its buttons or pace must change, the
    live parts that have something new to draw, and otherwise draws nothing."""
    if not live_watch.in_fragment_rerun():
        return                 # the whole page's run: the live parts were just drawn
    pacing.tick()
    job = runs.training_job()
    if job is None:
        st.rerun()
    s = runs.record(job)
    if _page_outdated(s):
        st.rerun()
    news = [*(FAST if live_watch.is_new("train", live_watch.shown(runs.serial(), s)) else ()),
            *(HEAVY if live_watch.is_new("train_heavy", panels.heavy_news(s)) else ())]
    if news:
        live_watch.rerun_fragment(news)     # one request: the run may end at its next Streamlit call


def render() -> None:
    cfg = data.config()
    st.html(COMPACT_CSS)
    if not lab_preview.painted(cfg):
        st.fragment(lab_fragment)(cfg)
        return
    lab_body(cfg)      # a painted set: the painting editor's clicks change the sidebar's data, so whole runs
    if runs.training_job() is not None:
        with st.expander(T("paint.title"), expanded=False):
            lab_preview.paint.paint_editor(height=PANEL_H - 40)


def lab_fragment(cfg) -> None:
    """The lab beside the sidebar, a fragment (but on a painted set): a click on its buttons
    (Train, Pause, Stop...) reruns it alone, not the sidebar and the rest of the app. In a
    whole page's run the server sent the sidebar's ~50 elements before the lab's, and the
    browser drew them again (a React render of the whole page per batch, 40-80 ms each) before
    the curves: a Train click's first point in the page's clock 0.52 -> 0.44 s (medians,
    bench/live_page.py spiral, 2026-12-07). The sidebar shows the run from the page's next
    whole run on, as it did when the click was taken after it."""
    own = live_watch.in_fragment_rerun()        # a click's rerun, not the whole page's
    if own:
        pacing.tick()                           # a rerun of this session (a whole run ticks in app.py)
    with turns_gate.fragment_turn(own):         # a class pressing Train together: one at a time, as whole pages
        lab_body(cfg)


def lab_body(cfg) -> None:
    """The lab: a click taken, its buttons and notes, then the preview or the run's live parts."""
    if st.session_state.pop(Key.PENDING_START, False):   # Compare's "one change": the sidebar holds it
        start(cfg)
    elif widgets.take_train_click(lambda paused: start(cfg, paused)):
        url.sync(cfg, runs.run_token())     # the sidebar wrote the address before the run existed
    job = runs.training_job()
    snap = runs.record(job) if job else None
    # no page title: the navigation names the page, and the first screen is for the lab
    top = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    widgets.run_controls(job, snap, start=lambda paused: start(cfg, paused),
                         reset=lambda: start(cfg, paused=True, step=False), row=top)
    lab.speed_control(job, top)
    error = notes(cfg)
    lab.changes_notes(cfg, job, lambda paused: start(cfg, paused))
    if job is None:
        warm.elements()    # the run's elements' code, loaded now rather than at the Train click
        if not sequence_lab.preview_for(cfg):
            lab_preview.preview(cfg, error)
        return
    pace = pacing.drawn_pace("train", snap)     # before the panels, which rerun the page at another pace
    st.fragment(live_head, key=HEAD)(cfg)
    net, middle, curves = st.columns(PANELS)
    with curves:           # first: the curves reach the browser before the heavier panels are built
        st.fragment(live_curves, key=CURVES)(cfg)
    with net:
        st.fragment(live_network, key=NET)(cfg)
    with middle:
        st.fragment(live_middle, key=MIDDLE)(cfg)
    st.fragment(live_below, key=BELOW)(cfg)
    st.fragment(watch, run_every=pace)()
    take_home.downloads(job)          # the model and the code behind the run, once it is over


render()
