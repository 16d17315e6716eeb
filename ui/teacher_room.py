"""The teacher's room, drawn for the teacher only (views/classroom.py checks the key first):
the join card (LAN link, QR code, class code), the class table read from the shared store,
and the actions on the whole class, written to the store's class state so that every
replica applies them. Nothing here reads or heartbeats a student's run: the table is the
students' own presence rows."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from playground import lessons as lesson_files
from playground.classroom import join
from playground.classroom.roster import Presence, help_reasons, needs_help_first
from playground.data.registry import is_csv_path

from . import classroom, data, url
from .lang import T, lang
from .session import Key
from .store import class_command
from .widgets import translated_select

OPENED_EVERY_S = 60.0        # the room being open keeps the class "on" (ui.classroom.is_open)


def mark_open() -> None:
    if time.time() - float(classroom.state().get("opened_at", 0)) > OPENED_EVERY_S:
        classroom.update(opened_at=time.time())


# --- joining ---------------------------------------------------------------------------------------

def join_card() -> None:
    """Where students go: the link with this machine's LAN address, its QR code and the class
    code; large for the projector on demand."""
    code = classroom.class_code()
    link = join.student_link(classroom.base_url(), code)
    large = st.toggle(T("classroom.join.large"), key=Key.CLASS_LARGE, help=T("classroom.join.large_help"))
    qr = join.qr_png(link, scale=16 if large else 8)
    if large:
        st.markdown(f"<div style='text-align:center;font-size:3rem;font-weight:700'>{link}</div>", unsafe_allow_html=True)
        left, mid, right = st.columns([1, 2, 1])
        mid.image(qr, width="stretch", caption=T("classroom.join.scan"))
        st.markdown(f"<div style='text-align:center;font-size:2.2rem'>{T('classroom.join.code_is')} "
                    f"<b style='font-size:5rem;letter-spacing:.4rem'>{code}</b></div>", unsafe_allow_html=True)
        return
    left, right = st.columns([1, 2], gap="large")
    left.image(qr, width=300, caption=T("classroom.join.scan"))
    with right:
        st.markdown(f"**{T('classroom.join.link')}**")
        st.code(link, language=None)
        st.markdown(f"**{T('classroom.join.code_is')}** &nbsp; <span style='font-size:2.4rem;font-weight:700;"
                    f"letter-spacing:.3rem'>{code}</span>", unsafe_allow_html=True)
        st.caption(T("classroom.join.how"))
        if urlsplit(link).hostname in ("localhost", "127.0.0.1", None):
            st.warning(T("classroom.join.no_lan"), icon=":material/wifi_off:")


# --- the class table -----------------------------------------------------------------------------------

def _name(r: Presence) -> str:
    return r.nickname or T("classroom.student_n", n=r.number)


def _lesson(r: Presence) -> str:
    if not r.lesson:
        return "–"
    lesson = lesson_files.get(r.lesson)
    return f"{r.lesson_number}. {lesson_files.text(lesson.title, lang())}" if lesson else r.lesson


def _goals(r: Presence) -> str:
    if r.lesson_done:
        return "✅ " + T("classroom.goals_done")
    return f"{r.goals_met} / {r.goals_total}" if r.goals_total else "–"


def _run(r: Presence) -> str:
    if r.status is None:
        return T("classroom.no_run")
    epochs = "∞" if r.epochs == 0 else r.epochs
    return f"{T.get(f'lesson.status.{r.status}', r.status)} · {r.epoch} / {epochs}"


def _best(r: Presence) -> str:
    if r.best is None:
        return "–"
    if r.best_name == "val_accuracy":
        return f"{r.best:.1%}"
    return f"{r.best:.4g}"


def _help(r: Presence, now: float) -> str:
    out = []
    for reason in help_reasons(r, now):
        since = r.status_since if reason == "waiting" else r.point_at
        out.append(T(f"classroom.help.{reason}", s=f"{now - since:.0f}"))
    return " · ".join(out)


def rows(now: float) -> list[Presence]:
    return needs_help_first([Presence.from_dict(d) for d in classroom.store().presence()], now)


def class_table() -> None:
    now = time.time()
    students = rows(now)
    helping = sum(1 for r in students if help_reasons(r, now))
    c = st.columns(3)
    c[0].metric(T("classroom.students"), len(students))
    c[1].metric(T("classroom.training"), sum(1 for r in students if r.status in ("running", "queued", "loading")))
    c[2].metric(T("classroom.need_help"), helping)
    if not students:
        st.info(T("classroom.nobody_yet"), icon=":material/hourglass_empty:")
        return
    cols = {k: T(f"classroom.col.{k}") for k in ("help", "name", "page", "lesson", "goals", "run", "best", "loss")}
    frame = pd.DataFrame([{cols["help"]: _help(r, now), cols["name"]: _name(r),
                           cols["page"]: T.get(f"nav.{r.page}", r.page or "–"), cols["lesson"]: _lesson(r),
                           cols["goals"]: _goals(r), cols["run"]: _run(r), cols["best"]: _best(r),
                           cols["loss"]: r.losses} for r in students])
    st.dataframe(frame, hide_index=True, width="stretch", row_height=36, column_config={
        cols["loss"]: st.column_config.LineChartColumn(cols["loss"], width="medium", help=T("classroom.col.loss_help")),
        cols["best"]: st.column_config.TextColumn(cols["best"], help=T("classroom.col.best_help")),
        cols["help"]: st.column_config.TextColumn(cols["help"], help=T("classroom.col.help_help")),
    })


# --- acting on the whole class ----------------------------------------------------------------------------

def _push_lesson() -> None:
    classroom.update(lesson=st.session_state.get(Key.CLASS_LESSON))
    classroom.store().bump_class("lesson_seq")
    st.toast(T("classroom.sent"), icon=":material/campaign:")


def _share_setup() -> None:
    cfg = data.config()
    query = url.share_url(cfg).split("?", 1)[-1]
    classroom.update(setup=query)
    classroom.store().bump_class("setup_seq")
    st.toast(T("classroom.sent"), icon=":material/campaign:")
    if is_csv_path(cfg.dataset):     # the students' pages say how to get it (config.from_query)
        st.toast(T("classroom.setup_own_table", name=cfg.dataset), icon=":material/upload_file:")


def _command(action: str) -> None:
    class_command(classroom.store(), action)
    st.toast(T(f"classroom.done.{action}"), icon=":material/check:")


def _hide_changed() -> None:
    classroom.update(hidden=list(st.session_state.get(Key.CLASS_HIDE) or []))


def actions() -> None:
    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.markdown(f"**{T('classroom.act.lesson')}**")
        by_id = {lesson.id: lesson for lesson in lesson_files.load_all()}
        sent = by_id.get(classroom.state().get("lesson"))
        translated_select(st.selectbox, T("classroom.act.lesson_pick"), list(by_id), Key.CLASS_LESSON,
                          default=sent.id if sent else None,
                          format_func=lambda i: f"{by_id[i].number}. {lesson_files.text(by_id[i].title, lang())}")
        st.button(T("classroom.act.push_lesson"), on_click=_push_lesson, icon=":material/school:",
                  key=Key.CLASS_PUSH_LESSON, type="primary")
        if sent:
            st.caption(T("classroom.act.last_lesson", n=sent.number))
        st.divider()
        st.markdown(f"**{T('classroom.act.setup')}**")
        st.caption(T("classroom.act.setup_help"))
        row = st.container(horizontal=True)
        row.button(T("classroom.act.share_setup"), on_click=_share_setup, icon=":material/cast_for_education:",
                   key=Key.CLASS_SHARE_SETUP)
        if classroom.state().get("setup"):
            st.caption(T("classroom.act.last_setup"))
        row.link_button(T("classroom.act.projector"), url.share_url(data.config(), projector=True),
                        icon=":material/present_to_all:", help=T("classroom.act.projector_help"))
    with right, st.container(border=True):
        st.markdown(f"**{T('classroom.act.runs')}**")
        row = st.container(horizontal=True)
        row.button(T("classroom.act.pause_all"), on_click=_command, args=("pause",), icon=":material/pause:",
                   key=Key.CLASS_PAUSE_ALL)
        row.button(T("classroom.act.resume_all"), on_click=_command, args=("resume",), icon=":material/play_arrow:",
                   key=Key.CLASS_RESUME_ALL)
        with row.popover(T("classroom.act.stop_all"), icon=":material/stop:"):
            st.caption(T("classroom.act.stop_confirm"))
            st.button(T("classroom.act.stop_all"), on_click=_command, args=("stop",), type="primary",
                      key=Key.CLASS_STOP_ALL)
        with row.popover(T("classroom.act.end"), icon=":material/logout:"):
            st.caption(T("classroom.act.end_confirm"))
            st.button(T("classroom.act.end"), on_click=classroom.end_class, type="primary",
                      key=Key.CLASS_END)
        st.divider()
        st.markdown(f"**{T('classroom.act.hide')}**")
        ss = st.session_state
        if Key.CLASS_HIDE not in ss:
            ss[Key.CLASS_HIDE] = [c for c in classroom.state().get("hidden", []) if c in classroom.HIDEABLE]
        st.pills(T("classroom.act.hide_pick"), classroom.HIDEABLE, selection_mode="multi", key=Key.CLASS_HIDE,
                 on_change=_hide_changed, format_func=_control_label, help=T("classroom.act.hide_help"))


def _control_label(name: str) -> str:
    return {"hidden": T("field.n_layers"), "more": T("side.more")}.get(name) or T.get(f"field.{name}", name)
