"""The lab's own controls: speed, the boundary's toggles, settings changed mid-run (applied,
or waiting for a new network), the "what changed?" view and the run's label."""
from __future__ import annotations

import streamlit as st

from playground.data import label_format
from playground.figures.training import change_text, what_changed_figure

from . import column_picker, depth_view, runs
from .lang import T, lang
from .session import Key
from .transfer_controls import run_suffix

SPEEDS = (0, 30, 10, 3, 1)        # epochs per second at most; 0: as fast as the server can


def speed_control(job, container=st) -> None:
    """How many epochs a second at most; applied to the run at once and to later runs."""
    ss = st.session_state
    if Key.LAB_SPEED not in ss:      # a page opened on a run (a reload, a link): the run's own speed, not "max"
        speed = (runs.record(job).speed or 0) if job is not None else 0
        ss[Key.LAB_SPEED] = speed if speed in SPEEDS else 0
    speed = container.select_slider(T("lab.speed"), SPEEDS, key=Key.LAB_SPEED, help=T("lab.speed_help"), width=170,
                                    format_func=lambda v: T("lab.speed_max") if v == 0 else T("lab.speed_per_s", n=v))
    if job is not None and (runs.record(job).speed or 0) != speed:
        job.set_speed(speed)


def speed() -> float:
    return st.session_state.get(Key.LAB_SPEED, 0)


def boundary_options() -> tuple[bool, bool]:
    """(show test data, discretize output), before their toggles are drawn (below the chart)."""
    ss = st.session_state
    return ss.get(Key.LAB_SHOW_TEST, True), ss.get(Key.LAB_DISCRETIZE, False)


def boundary_toggles() -> None:
    """TensorFlow Playground's two toggles for the boundary: show test data, discretize output."""
    st.session_state.setdefault(Key.LAB_SHOW_TEST, True)
    row = st.container(horizontal=True, gap="small")
    row.toggle(T("lab.show_test"), key=Key.LAB_SHOW_TEST)
    row.toggle(T("lab.discretize"), key=Key.LAB_DISCRETIZE, help=T("lab.discretize_help"))


def net_text(cfg) -> str:
    """'8-8 tanh', 'CNN + 64 relu', 'LSTM 32', or 'no hidden layer'."""
    layers = depth_view.layers_text(cfg.hidden) or T("lab.no_hidden")      # 20 layers of 8: '20×8'
    if cfg.model in ("rnn", "gru", "lstm"):    # a recurrent network: its cell, no activation to choose
        return f"{cfg.model.upper()} {layers}" + (" + attention" if cfg.attention else "")
    if cfg.model == "cnn":
        layers = "CNN + " + layers
    names = cfg.activation.split(",")
    if len(names) > 1:   # one per layer: each layer's units with its own
        text = " - ".join(f"{h} {T(f'classic.act.{a}')}" for h, a in zip(cfg.hidden, names))   # short names
    else:
        text = f"{layers} {T(f'choice.activation.{cfg.activation}')}" if cfg.hidden else layers
    return text + (T("deep.run_skips") if cfg.residual else "") + run_suffix(cfg)


def run_label(job) -> str:
    return T("lab.run_label", n=runs.serial(), dataset=column_picker.dataset_text(job.cfg), net=net_text(job.cfg))


def changes_notes(cfg, job, start) -> None:
    """Changes of the sidebar against the run: the live ones were applied (ui.runs); the
    others wait for the user's confirmation to start over. A run on another dataset is
    labelled as the previous one."""
    restart, error = runs.follow_sidebar(cfg)
    if error is not None:
        st.error(T("lab.change_failed", msg=error.text(lang())))
    if job is None:
        return
    finished = runs.record(job).finished
    if "dataset" in restart:
        st.warning(T("lab.other_dataset", n=runs.serial(), dataset=job.cfg.dataset, now=cfg.dataset),
                   icon=":material/history:")
    elif restart and not finished:
        names = ", ".join(_field_name(n, job.cfg, cfg) for n in restart)
        box = st.container(horizontal=True, vertical_alignment="center")
        box.info(T("lab.restart_needed", fields=names), icon=":material/info:")
        if box.button(T("lab.restart"), key=Key.LAB_RESTART, icon=":material/restart_alt:"):
            start(False)
            st.rerun()


def _field_name(name: str, old, new) -> str:
    """A changed field as the sidebar names it: the hidden layers are two controls, their
    number and each layer's units."""
    if name != "hidden":
        return T(f"field.{name}")
    return T("field.n_layers") if len(old.hidden) != len(new.hidden) else T("lab.changed_units")


def what_changed(s, task: str) -> None:
    """One click after a mid-run change: the curve a few epochs before and after it."""
    if not s.changes:
        return
    last = s.changes[-1]
    if not st.toggle(T("lab.what_changed"), key=Key.LAB_WHAT_CHANGED, help=T("lab.what_changed_help")):
        return
    at = last["epoch"]
    st.caption(T("lab.what_changed_title", epoch=f"{at:g}", what=change_text(last, T)))
    before = [h for h in s.history if h["epoch"] <= at][-10:]
    after = [h for h in s.history if h["epoch"] > at][:10]
    if len(after) < 2:
        st.caption(T("lab.wait_after"))
    for when, part in ((T("lab.before"), before), (T("lab.after"), after)):
        if len(part) >= 2:
            first, last_ = part[0]["val_loss"], part[-1]["val_loss"]
            st.caption(T("lab.trend", when=when, first=f"{first:.4f}", last=f"{last_:.4f}", n=len(part) - 1,
                         per=f"{(last_ - first) / (len(part) - 1):+.4f}"))
    st.plotly_chart(what_changed_figure(before, after, at, task, T), key="lab_what_changed_fig")


def loss_line(loss: str, labels: str = "sparse", prep=None) -> None:
    """Which loss the run minimises (cross-entropy named by its label format, as Keras names
    it), with its formula and, multi-class, one training example's label on hover."""
    if loss:
        key = label_format.loss_key(loss, labels)
        example = label_format.first_example(prep, labels) if prep is not None else None
        more = "\n\n" + T("labels.example", name=example[0], label=f"`{example[1]}`") if example else ""
        st.caption(T("train.loss_line", name=T(f"loss.{key}")), help=T(f"loss.formula.{key}") + more)


def pixel_line(prep) -> None:
    """An image set's pixel scaling step (config.pixel_scale), on or off."""
    if getattr(prep, "image_shape", None) is not None and hasattr(prep, "pixel_scale"):
        st.caption(T("lab.pixels_scaled" if prep.pixel_scale else "lab.pixels_raw", max=f"{prep.dataset.pixel_max:g}"))


def results_of(job_cfg, cfg, label: str) -> None:
    """Results belong to their run: its label, and a warning when the sidebar has moved on
    to another dataset (the results shown are the earlier run's)."""
    st.caption(label)
    if job_cfg.dataset != cfg.dataset:
        st.warning(T("lab.results_of_other", label=label, dataset=job_cfg.dataset, now=cfg.dataset),
                   icon=":material/history:")
