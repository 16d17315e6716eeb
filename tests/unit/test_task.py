"""runs.task: a short piece of work (the digit model, fine-tuning on sketches) takes turns
at the scheduler's slots like any run, reports its progress, and hands back its result or its
exception. Fake work (no training): events and threading.Event decide the order."""
from __future__ import annotations

import threading

import pytest
from unit_helpers import wait_for

from playground.runs import scheduler
from playground.runs.scheduler import Scheduler
from playground.runs.task import TaskJob, run_queued
from playground.status import Status


def test_the_result_and_every_report_in_order():
    def work(report):
        for i in range(1, 4):
            report(i / 3, {"epoch": i})
        return "model"

    seen = []
    assert run_queued("t", work, lambda f, d, pos: seen.append((round(f, 3), d, pos)), scheduler=Scheduler(1)) == "model"
    assert seen == [(0.333, {"epoch": 1}, 0), (0.667, {"epoch": 2}, 0), (1.0, {"epoch": 3}, 0)]


def test_a_second_task_waits_for_its_turn_and_sees_who_shares():
    sched = Scheduler(1)
    release = threading.Event()
    first = TaskJob("first", lambda report: release.wait(10) and "first", scheduler=sched).start()
    wait_for(lambda: first.status == Status.RUNNING)
    second = TaskJob("second", lambda report: "second", scheduler=sched).start()
    wait_for(lambda: sched.sharing() == 2)
    assert second.status == Status.QUEUED and sched.running == 1
    sharing = []

    def progress(fraction, details, n):
        sharing.append(n)
        if n == 2:
            release.set()           # the first task ends only after the second saw who shares

    assert second.wait(progress, poll=0.01) == "second"
    assert sharing[0] == 2 and sharing[-1] == 0               # waiting beside one run, then its turn
    assert first.wait() == "first" and sched.running == 0     # both slots given back


def test_tasks_hand_the_slot_on_at_their_reports(monkeypatch):
    monkeypatch.setattr(scheduler, "EPOCH_TURN_S", 0.0)   # a report ends a turn of any length (else one of 0.05 s)
    sched = Scheduler(1, turn_s=0.0)
    order, go = [], threading.Event()

    def work(name, wait=False):
        def run(report):
            if wait:
                go.wait(10)             # b is waiting before a does any work
            for i in range(4):
                order.append(name)
                report((i + 1) / 4, {})
            return name
        return run

    a = TaskJob("a", work("a", wait=True), scheduler=sched).start()
    wait_for(lambda: a.status == Status.RUNNING)
    b = TaskJob("b", work("b"), scheduler=sched).start()
    wait_for(lambda: sched.sharing() == 2)
    go.set()
    assert a.wait() == "a" and b.wait() == "b"
    assert order == ["a", "b"] * 4          # a report ends a turn when another task waits


def test_the_works_exception_reaches_the_caller(capsys):
    def work(report):
        report(0.5, {})
        raise ValueError("no sketches yet")

    job = TaskJob("bad", work, scheduler=Scheduler(1)).start()
    with pytest.raises(ValueError, match="no sketches yet"):
        job.wait()
    assert job.status == Status.ERROR and job.reports() == [(0.5, {})]
    assert job.scheduler.running == 0
    capsys.readouterr()         # the thread printed the traceback for the server log


def test_a_task_stopped_in_line_never_runs():
    sched = Scheduler(1)
    release, ran = threading.Event(), []
    first = TaskJob("first", lambda report: release.wait(10), scheduler=sched).start()
    wait_for(lambda: first.status == Status.RUNNING)
    second = TaskJob("second", lambda report: ran.append(1), scheduler=sched).start()
    wait_for(lambda: sched.sharing() == 2)
    second.stop()
    with pytest.raises(RuntimeError, match="ended as stopped"):
        second.wait(poll=0.01)
    release.set()
    first.wait()
    assert ran == [] and second.status == Status.STOPPED
