"""Classroom: the teacher's room (/classroom, behind the teacher key).

Without the key: a key field and a note, nothing of the class. With it: how students join
(LAN link, QR code, class code), the class table live (read from the shared store, so every
replica's students), the actions on the whole class, and this server's health (collapsed)."""
import streamlit as st

from ui import classroom, pacing, server_health, teacher_room
from ui.lang import T
from ui.session import Key
from ui.widgets import opened


def key_gate() -> None:
    st.info(T("classroom.locked"), icon=":material/lock:")
    with st.form("teacher_key_form", border=False, enter_to_submit=True):
        st.text_input(T("classroom.key_label"), type="password", key=Key.W_TEACHER_KEY, width=360)
        if st.form_submit_button(T("classroom.key_open"), icon=":material/key:"):
            if classroom.try_key(st.session_state.get(Key.W_TEACHER_KEY)):
                st.rerun()
            st.error(T("classroom.key_wrong"), icon=":material/key_off:")


def live() -> None:
    pacing.tick()                  # counts the teacher's reruns; heartbeats only the teacher's own runs
    teacher_room.class_table()
    # closed, it is not drawn: the room reruns every 2 s, and the health's tables are for a look now and then
    if (health := opened(T("classroom.health"), Key.CLASS_HEALTH, ":material/monitor_heart:")) is not None:
        with health:
            st.caption(T("classroom.health_limits"))
            server_health.panel()


def render() -> None:
    st.title(T("class.title"))
    if not classroom.is_teacher():
        key_gate()
        return
    teacher_room.mark_open()
    st.caption(T("class.subtitle"))
    # open until students arrive: then the table is what the teacher watches
    with st.expander(T("classroom.join.title"), expanded=not classroom.store().presence(), icon=":material/qr_code_2:"):
        teacher_room.join_card()
    st.fragment(live, run_every=pacing.expect_polls(2.0))()
    st.subheader(T("classroom.act.title"))
    teacher_room.actions()


render()
