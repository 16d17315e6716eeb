"""Classroom safety in the Streamlit layer: the polling pace, the run registry (a closed
tab's run stops after the grace, a reload reattaches, a restart is reported), and a link
over the server's budget refused with its message."""
from __future__ import annotations

import time
from dataclasses import replace

from apptest import open_app, open_expanders

from playground.config import make_config
from playground.runs.scheduler import SCHEDULER, Scheduler
from playground.runs.training import Snapshot, TrainingJob
from playground.status import Status
from ui import classroom, pacing
from ui.registry import KEEP_FINISHED_S, REGISTRY, RUN_PARAM, Registry, browser_connected
from ui.session import Key


def snap(status, elapsed=0.0):
    return Snapshot(status=status, epoch=0, epochs=10, history=(), elapsed=elapsed)


def test_pages_poll_closely_only_until_the_first_point():
    point = ({"epoch": 1, "loss": 0.5},)
    # waiting for a turn that comes within seconds, or training its first epoch: watched closely
    assert pacing.poll_seconds(replace(snap(Status.QUEUED), sharing=3, next_point_s=0.5)) == pacing.FAST
    assert pacing.poll_seconds(snap(Status.RUNNING, elapsed=0.5)) == pacing.FAST
    assert pacing.poll_seconds(snap(Status.LOADING)) == pacing.FAST        # a warm Ray worker taking the run
    assert pacing.poll_seconds(replace(snap(Status.LOADING), sharing=30)) == pacing.FIRST
    assert pacing.poll_seconds(replace(snap(Status.LOADING), history=point)) >= 2.0   # resumed, waiting
    # ... twice a second when 30 runs share the server (30 pages at 4 a second froze it once)
    assert pacing.poll_seconds(replace(snap(Status.QUEUED), sharing=30, next_point_s=2.0)) == pacing.FIRST
    assert pacing.poll_seconds(replace(snap(Status.RUNNING), sharing=30)) == pacing.FIRST
    # a long wait (a full Ray cluster, the old line) or a resumed run waiting: every few seconds
    assert pacing.poll_seconds(snap(Status.QUEUED)) >= 2.0
    assert pacing.poll_seconds(replace(snap(Status.QUEUED), next_point_s=60.0)) >= 2.0
    assert pacing.poll_seconds(replace(snap(Status.QUEUED), history=point)) >= 2.0
    assert pacing.poll_seconds(snap(Status.PAUSED)) >= 2.0
    running = replace(snap(Status.RUNNING, elapsed=30), history=point)
    assert pacing.poll_seconds(running) == pacing.LIVE
    assert pacing.poll_seconds(replace(running, partial=(0.5, 0.7), history=())) == pacing.LIVE
    # 30 runs sharing two cores: their chart pages poll every few seconds, ~12 reruns/s in all
    crowded = replace(running, sharing=30)
    assert 30 / pacing.poll_seconds(crowded) < 15
    assert pacing.poll_seconds(snap(Status.COMPLETED)) is None and pacing.poll_seconds(None) is None


class FakeBrowsers:
    def __init__(self):
        self.closed = set()

    def __call__(self, session):
        return session not in self.closed


def long_job():
    return TrainingJob(make_config(dataset="circle", epochs=2000), scheduler=Scheduler(2)).start()


def test_a_closed_tab_stops_its_run_after_the_grace_not_before():
    browsers = FakeBrowsers()
    reg = Registry(grace=15, connected=browsers)
    job = long_job()
    token = reg.register(job, "tab-1")
    try:
        browsers.closed.add("tab-1")
        t0 = time.monotonic()
        assert reg.reap(now=t0) == [] and job.snapshot().active           # just closed: within the grace
        assert reg.reap(now=t0 + 14) == [] and job.snapshot().active
        assert reg.reap(now=t0 + 15.1) == [token]
        job.join(10)
        assert job.snapshot().status == Status.STOPPED
        reg.reap(now=t0 + 15.1 + KEEP_FINISHED_S)
        assert reg.attach(token, "tab-2") is None                          # let go, memory and all
    finally:
        job.stop()


def test_a_reload_within_the_grace_reattaches():
    browsers = FakeBrowsers()
    reg = Registry(grace=15, connected=browsers)
    job = long_job()
    token = reg.register(job, "tab-1")
    try:
        browsers.closed.add("tab-1")                                       # the reload closes the old socket
        t0 = time.monotonic()
        reg.reap(now=t0)
        assert reg.attach(token, "tab-1-reloaded") is job
        assert reg.reap(now=t0 + 60) == [] and job.snapshot().active       # the new tab is connected
    finally:
        job.stop()


def train_in_app():
    """A page that pressed Train on a long run: (page, job, the run's token in its URL)."""
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "2000"})
    next(b for b in at.button if b.label == "Train").click().run()
    return at, at.session_state[Key.JOB], at.query_params[RUN_PARAM]


def test_a_reloaded_page_finds_its_run_with_its_history(no_exceptions):
    at, job, token = train_in_app()
    try:
        deadline = time.monotonic() + 30
        while job.snapshot().epoch < 3:
            assert time.monotonic() < deadline
            job.join(0.05)
        old_page = dict(REGISTRY.runs())[token].session
        REGISTRY._connected = lambda session: session != old_page          # the reload closed the old page
        again = open_app(query={"lang": "en", "dataset": "circle", "epochs": "2000", RUN_PARAM: token})
        no_exceptions(again)
        assert again.session_state[Key.JOB] is job and len(job.snapshot().history) >= 3
        assert again.query_params[RUN_PARAM] == token
    finally:
        REGISTRY._connected = browser_connected
        job.stop()


def test_a_reloaded_page_keeps_its_slowed_runs_speed(no_exceptions):
    """The reloaded page's new session drew the speed control at "max", and so set a run the
    student had slowed back to full speed."""
    at, job, token = train_in_app()
    try:
        job.set_speed(3)                              # the lab's speed control, on the first page
        old_page = dict(REGISTRY.runs())[token].session
        REGISTRY._connected = lambda session: session != old_page
        again = open_app(query={"lang": "en", "dataset": "circle", "epochs": "2000", RUN_PARAM: token})
        no_exceptions(again)
        assert again.session_state[Key.JOB] is job
        assert again.select_slider(key=Key.LAB_SPEED).value == 3 and job.snapshot().speed == 3
    finally:
        REGISTRY._connected = browser_connected
        job.stop()


def test_a_copied_address_does_not_take_over_a_run_whose_page_is_open(no_exceptions):
    at, job, token = train_in_app()
    dict(REGISTRY.runs())[token].session = "a-page-still-open"    # AppTest gives every page one session id
    REGISTRY._connected = lambda session: True
    try:
        other = open_app(query={"lang": "en", "dataset": "circle", RUN_PARAM: token})
        no_exceptions(other)
        assert Key.JOB not in other.session_state and job.snapshot().active
        assert any("still open" in w.value for w in other.warning)
    finally:
        REGISTRY._connected = browser_connected
        job.stop()


def test_a_run_the_server_no_longer_knows_is_reported_lost(no_exceptions):
    at = open_app(query={"lang": "ko", "dataset": "circle", RUN_PARAM: "fromBeforeR1"})    # well-formed, never issued here
    no_exceptions(at)
    assert Key.JOB not in at.session_state
    assert any("사라졌습니다" in w.value for w in at.warning)
    assert RUN_PARAM not in at.query_params                                 # said once


def test_an_over_budget_link_is_refused_with_its_message(no_exceptions):
    at = open_app(query={"lang": "en", "dataset": "mnist", "model": "mlp", "hidden": "4096,4096,4096",
                         "epochs": "2000", "batch_size": "1"})
    next(b for b in at.button if b.label == "Train").click().run()
    no_exceptions(at)
    assert Key.JOB not in at.session_state
    assert any("larger batch or a smaller network" in e.value for e in at.error)


def test_a_train_page_waiting_for_its_turn_polls_closely(no_exceptions):
    class Other:                      # other runs mid-turn on every slot
        stop_requested = False

    others = [Other() for _ in range(SCHEDULER.max_running)]
    for o in others:
        assert SCHEDULER.acquire(o)
    try:
        at = open_app(query={"lang": "en", "dataset": "circle"})
        next(b for b in at.button if b.label == "Train").click().run()
        job = at.session_state[Key.JOB]
        at.run()
        no_exceptions(at)
        assert job.snapshot().status == Status.QUEUED and job.snapshot().next_point_s < pacing.SOON_S
        assert at.session_state[Key.PACES]["train"] == pacing.FAST      # a few runs share: 4 polls a second
    finally:
        for o in others:
            SCHEDULER.release(o)
        at.session_state[Key.JOB].stop()


def test_the_teachers_page_shows_runs_sessions_and_memory(no_exceptions):
    at, job, token = train_in_app()
    try:
        for lang, memory in (("en", "Server memory"), ("ko", "서버 메모리")):
            page = open_expanders(open_app("classroom.py", query={"lang": lang, "key": classroom.teacher_key()}),
                                  Key.CLASS_HEALTH)                 # the teacher's, the server's health open
            no_exceptions(page)
            (reading,) = [m.value for m in page.metric if m.label == memory]
            assert any(token[:6] in df.value.to_string() for df in page.dataframe)
            assert float(reading.split()[0].replace(",", "")) > 100     # MB, a real reading
    finally:
        job.stop()
