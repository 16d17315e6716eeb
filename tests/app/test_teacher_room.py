"""The teacher's room in the app (AppTest): the key keeps the class out of students' sight;
a student joins with the class link, picks a nickname and shows in the teacher's table;
the teacher's lesson, setup and hidden controls reach the student; the room reads only the
shared store and keeps nobody's run alive."""
from __future__ import annotations

import pytest
from apptest import open_app, open_expanders, wait_for

from playground.classroom import join
from playground.config import make_config
from playground.runs.scheduler import Scheduler
from playground.runs.training import TrainingJob
from ui import classroom, presence
from ui.registry import REGISTRY
from ui.session import Key, w_key

SECRET_ROW = {"session": "other-tab", "number": 7, "nickname": "Secret Sam", "page": "train", "status": "running",
              "epoch": 3, "epochs": 50, "losses": [0.9, 0.6, 0.4], "point_at": 0.0, "status_since": 0.0}


@pytest.fixture(autouse=True)
def fresh_class():
    """Each test a new class in this process's store (the app's MemoryStore)."""
    store = REGISTRY.store
    store._class.clear()
    store._presence.clear()
    classroom._state_cache.clear()
    presence._mine.clear()
    yield store
    store._class.clear()
    store._presence.clear()
    classroom._state_cache.clear()


def page_text(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "code") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts) + "\n".join(df.value.to_string() for df in at.dataframe)


def teacher(lang="en"):
    return open_app("classroom.py", query={"lang": lang, join.KEY_PARAM: classroom.teacher_key()})


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_without_the_key_the_room_shows_nothing_of_the_class(fresh_class, no_exceptions, lang):
    fresh_class.publish("other-tab", SECRET_ROW)
    at = open_app("classroom.py", query={"lang": lang})
    no_exceptions(at)
    assert not at.dataframe and not at.get("image") and not at.metric
    assert "Secret Sam" not in page_text(at) and classroom.class_code() not in page_text(at)
    assert [t.label for t in at.text_input] == [{"en": "Teacher key", "ko": "선생님 키"}[lang]]
    at.text_input(key=Key.W_TEACHER_KEY).input("not-the-key")
    open_room = {"en": "Open the teacher's room", "ko": "선생님 화면 열기"}[lang]
    next(b for b in at.button if b.label == open_room).click().run()
    assert at.error and not at.dataframe and "Secret Sam" not in page_text(at)
    assert not at.session_state[Key.TEACHER] if Key.TEACHER in at.session_state else True
    at.text_input(key=Key.W_TEACHER_KEY).input(classroom.teacher_key())
    next(b for b in at.button if b.label == open_room).click().run()
    no_exceptions(at)
    assert at.session_state[Key.TEACHER] and "Secret Sam" in page_text(at)


def test_the_teacher_link_opens_the_room_and_leaves_the_address(fresh_class, no_exceptions):
    fresh_class.publish("other-tab", SECRET_ROW)
    at = teacher()
    no_exceptions(at)
    assert at.session_state[Key.TEACHER] and join.KEY_PARAM not in at.query_params   # not left in the address bar
    assert "Secret Sam" in page_text(at) and classroom.class_code() in page_text(at)
    assert any(f"?class={classroom.class_code()}" in c.value for c in at.code)   # the class link
    assert at.get("image")                                                      # its QR code
    assert "Server memory" not in [m.label for m in at.metric]     # the health, collapsed below: not drawn
    open_expanders(at, Key.CLASS_HEALTH)
    no_exceptions(at)
    assert "Server memory" in [m.label for m in at.metric]


def test_a_student_joins_picks_a_nickname_trains_and_shows_in_the_table(fresh_class, no_exceptions):
    student = open_app(query={"lang": "ko", "dataset": "circle", "epochs": "2000",
                              join.CODE_PARAM: classroom.class_code().lower()})
    no_exceptions(student)
    assert student.session_state[Key.CLASS_JOINED] == classroom.class_code()
    assert join.CODE_PARAM not in student.query_params
    assert any("학생 1" in m.value for m in student.markdown) and student.text_input(key=Key.W_NICKNAME)
    student.text_input(key=Key.W_NICKNAME).input("민지")
    next(b for b in student.button if b.label == "저장").click().run()
    assert student.session_state[Key.CLASS_NICK] == "민지"
    assert not [t for t in student.text_input if t.key == Key.W_NICKNAME]        # asked once
    next(b for b in student.button if b.label == "학습 시작").click().run()
    job = student.session_state[Key.JOB]
    try:
        wait_for(lambda: job.snapshot().epoch >= 2, what="two epochs")
        for _ in range(2):          # a row says what the page showed at its last rerun
            student.session_state[Key.CLASS_ROW] = (0.0, student.session_state[Key.CLASS_ROW][1])   # due now
            student.run()
        (row,) = fresh_class.presence()
        assert row["nickname"] == "민지" and row["page"] == "train" and row["epoch"] >= 2 and row["losses"]
        at = teacher("ko")
        no_exceptions(at)
        table = at.dataframe[0].value
        assert table.iloc[0]["학생"] == "민지" and "학습 중" in table.iloc[0]["실행 · 에포크"]
    finally:
        job.stop()


def test_the_teachers_lesson_setup_and_hidden_controls_reach_a_student(fresh_class, no_exceptions):
    room = teacher()
    room.selectbox(key=Key.CLASS_LESSON).select_index(2).run()
    next(b for b in room.button if b.label == "Open it for everyone").click().run()
    assert fresh_class.class_state()["lesson_seq"] == 1
    lesson_id = fresh_class.class_state()["lesson"]

    student = open_app(query={"lang": "en", join.CODE_PARAM: classroom.class_code()})
    no_exceptions(student)
    links = [p for p in student.get("page_link") if p.proto.label.startswith("Open lesson")]
    assert len(links) == 1 and f"lesson={lesson_id}" in links[0].proto.query_string
    assert student.get("page_link")                                  # a banner with one button, no navigation
    assert student.session_state.get(Key.LESSON_OPEN) is None

    fresh_class.set_class(setup="dataset=spiral&hidden=16%2C16&lr=0.03&lang=ko")
    fresh_class.bump_class("setup_seq")
    fresh_class.set_class(hidden=["lr", "optimizer", "more"])
    classroom._state_cache.clear()
    student.run()
    assert not [w for w in student.get("select_slider") if w.key == w_key("lr")]      # hidden for the student
    assert not [w for w in student.selectbox if w.key == w_key("optimizer")]
    next(b for b in student.button if b.label == "Use the teacher's setup").click().run()
    no_exceptions(student)
    assert student.session_state[w_key("dataset")] == "spiral" and student.session_state[w_key("lr")] == 0.03
    assert student.session_state[Key.LANG] == "en"                   # the student's language stays
    assert not [b for b in student.button if b.label == "Use the teacher's setup"]

    room.run()
    assert [w for w in room.get("select_slider") if w.key == w_key("lr")]             # the teacher sees all


def test_the_room_keeps_no_run_alive(no_exceptions):
    job = TrainingJob(make_config(dataset="circle", epochs=2000), scheduler=Scheduler(2)).start()
    beats = []
    job.heartbeat = lambda: beats.append(1)          # only the owner's page may call it
    token = REGISTRY.register(job, "a-student-tab")
    try:
        at = open_expanders(teacher(), Key.CLASS_HEALTH)       # the health lists the server's runs
        for _ in range(2):
            at.run()
        no_exceptions(at)
        assert beats == [] and token[:6] in "".join(df.value.to_string() for df in at.dataframe)
    finally:
        job.stop()
        REGISTRY.forget(token)


def test_the_class_code_typed_on_the_start_page_joins(fresh_class, no_exceptions):
    visitor = open_app(query={"lang": "en"})
    assert not [t for t in visitor.text_input if t.key == Key.W_CLASS_CODE]      # no class on: no field
    fresh_class.set_class(opened_at=__import__("time").time())                   # the teacher has the room open
    classroom._state_cache.clear()
    visitor.run()
    visitor.text_input(key=Key.W_CLASS_CODE).input("WRONG")
    visitor.button(key=Key.CLASS_JOIN).click().run()
    assert visitor.warning and Key.CLASS_JOINED not in visitor.session_state
    visitor.text_input(key=Key.W_CLASS_CODE).input(classroom.class_code().lower())
    visitor.button(key=Key.CLASS_JOIN).click().run()
    no_exceptions(visitor)
    assert visitor.session_state[Key.CLASS_JOINED] == classroom.class_code()
    assert visitor.text_input(key=Key.W_NICKNAME) and not [t for t in visitor.text_input if t.key == Key.W_CLASS_CODE]
    assert visitor.button(key=Key.RUN_START).label == "Train"                     # nothing in the way of Train


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_old_class_link_says_so_instead_of_joining_nothing(fresh_class, no_exceptions, lang):
    """A restarted server has a new code: yesterday's link, or a code cut short, is said once."""
    from playground.i18n import t
    old = open_app(query={"lang": lang, join.CODE_PARAM: "QQQQQ"})          # no class on now
    no_exceptions(old)
    assert [i.value for i in old.info] == [t("classroom.join.link_ended", lang)]
    assert Key.CLASS_JOINED not in old.session_state and join.CODE_PARAM not in old.query_params
    old.run()
    assert not old.info                                                         # said once
    fresh_class.set_class(opened_at=__import__("time").time())                 # a class on, another code
    classroom._state_cache.clear()
    wrong = open_app(query={"lang": lang, join.CODE_PARAM: "QQQQQ"})
    no_exceptions(wrong)
    assert [w.value for w in wrong.warning] == [t("classroom.join.bad_code", lang)]
    assert wrong.text_input(key=Key.W_CLASS_CODE) is not None                  # with the field to type the right one


def test_the_reaper_keeps_an_open_tabs_row_and_withdraws_a_closed_ones(fresh_class, monkeypatch):
    row = {**SECRET_ROW, "session": "tab-open"}
    for session in ("tab-open", "tab-closed"):
        fresh_class.publish(session, {**row, "session": session})
        presence._mine[session] = (0.0, {**row, "session": session})      # written long ago
    monkeypatch.setattr(REGISTRY, "_connected", lambda session: session != "tab-closed")
    presence.refresh(now=1000.0)
    assert [r["session"] for r in fresh_class.presence()] == ["tab-open"]
    assert presence._mine["tab-open"][0] == 1000.0 and "tab-closed" not in presence._mine


def test_students_who_need_help_come_first_with_why(fresh_class, no_exceptions):
    import time
    now = time.time()
    fresh_class.publish("fine", {**SECRET_ROW, "session": "fine", "nickname": "Amy", "point_at": now, "status_since": now})
    fresh_class.publish("div", {**SECRET_ROW, "session": "div", "nickname": "Zed", "status": "diverged"})
    fresh_class.publish("wait", {**SECRET_ROW, "session": "wait", "nickname": "Bo", "status": "queued",
                                 "status_since": now - 45})
    at = teacher("ko")
    no_exceptions(at)
    table = at.dataframe[0].value
    assert list(table["학생"]) == ["Zed", "Bo", "Amy"]
    assert "발산" in table.iloc[0]["도움 필요"] and "대기" in table.iloc[1]["도움 필요"] and not table.iloc[2]["도움 필요"]
    assert [m.value for m in at.metric if m.label == "도움 필요"] == ["2"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_setup_on_the_teachers_own_table_says_the_table_does_not_travel(fresh_class, no_exceptions, lang):
    """The teacher's setup on a table the teacher uploaded: the room says the students must
    upload it themselves, and a student who uses it reads how, not "unknown dataset" and
    thirty names; the rest of the setup applies."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"size": rng.normal(size=60), "weight": rng.normal(size=60), "kind": rng.choice(["a", "b"], 60)})
    room = teacher(lang)
    room.file_uploader(key=Key.W_UPLOAD).set_value(("class.csv", df.to_csv(index=False).encode(), "text/csv")).run()
    room.select_slider(key=w_key("lr")).set_value(0.01).run()
    share = {"en": "Share my setup", "ko": "내 설정 공유"}[lang]
    next(b for b in room.button if b.label == share).click().run()
    no_exceptions(room)
    toasts = [t.value for t in room.toast]
    assert any("class.csv" in t and {"en": "upload the file themselves", "ko": "직접 올리라는"}[lang] in t for t in toasts)

    classroom._state_cache.clear()
    student = open_app(query={"lang": lang, join.CODE_PARAM: classroom.class_code()})
    use = {"en": "Use the teacher's setup", "ko": "선생님 설정 사용하기"}[lang]
    next(b for b in student.button if b.label == use).click().run()
    no_exceptions(student)
    (warning,) = [w.value for w in student.warning if "class.csv" in w.value]
    assert {"en": "upload the file again", "ko": "다시 올리세요"}[lang] in warning and "circle, xor" not in warning
    assert student.session_state[w_key("lr")] == 0.01                  # the rest of the setup
