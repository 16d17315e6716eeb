"""runs/scheduler: fair turns at the training slots, with fake jobs (threads that "train" by
sleeping through turns; no torch, no processes)."""
from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from unit_helpers import wait_for

from playground.runs import scheduler
from playground.runs.scheduler import EPOCH_TURN_S, Scheduler

pytestmark = pytest.mark.waits      # its fake runs sleep through their turns: first in its lane (tests/conftest.py)


class FakeJob:
    """Trains in turns like a real run: acquire, work in small steps, hand on when the turn
    is over; logs which job computed at each step."""

    def __init__(self, name: str, sched: Scheduler, log: list, steps: int = 10_000, shown: bool = True):
        self.name, self.sched, self.log, self.steps = name, sched, log, steps
        self.stop_requested = False
        self.shown_point = shown
        self.first_step_at: float | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        if not self.sched.acquire(self):
            return
        for _ in range(self.steps):
            if self.stop_requested:
                break
            self.log.append(self.name)
            if self.first_step_at is None:
                self.first_step_at = time.monotonic()
            self.shown_point = True
            time.sleep(0.002)
            if self.sched.turn_over(self) and not self.sched.next_turn(self):
                return
        self.sched.release(self)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stop_requested = True
        self.thread.join(5)


def stop(*jobs):
    for j in jobs:
        j.stop()


def test_alone_a_run_keeps_its_slot():
    sched = Scheduler(max_running=1, turn_s=0.01)
    log = []
    a = FakeJob("a", sched, log, steps=30).start()
    a.thread.join(5)
    assert log == ["a"] * 30 and sched.sharing() == 0 and sched.running == 0


def test_runs_on_one_slot_take_turns_round_robin():
    sched = Scheduler(max_running=1, turn_s=0.02)
    log = []
    jobs = [FakeJob(n, sched, log).start() for n in "abc"]
    wait_for(lambda: len(set(log[-200:])) == 3 and len(log) > 300)
    try:
        turns = [n for i, n in enumerate(log) if i == 0 or log[i - 1] != n]    # who computed, turn by turn
        # from the last run's first turn on, all three wait in the line (a thread started late on a
        # busy machine was not in it yet: a, b, a before c's first turn, README run 2026-12-06)
        turns = turns[max(turns.index(n) for n in "abc"):]
        assert len(turns) >= 9
        # every run gets a turn in every round of three (no one waits two rounds)
        for i in range(len(turns) - 3):
            assert set(turns[i:i + 3]) == {"a", "b", "c"}, turns[i:i + 3]
        assert sched.sharing() == 3 and sched.running == 1
    finally:
        stop(*jobs)


def test_two_slots_are_both_used_and_shared_by_four():
    sched = Scheduler(max_running=2, turn_s=0.02)
    log = []
    jobs = [FakeJob(n, sched, log).start() for n in "abcd"]
    try:
        wait_for(lambda: sched.running == 2 and sched.sharing() == 4 and set(log) == set("abcd"))
        counts = {n: 0 for n in "abcd"}
        start = len(log)
        time.sleep(1.0)
        for n in log[start:]:
            counts[n] += 1
        assert min(counts.values()) > 0.5 * max(counts.values()), counts    # about equal shares
    finally:
        stop(*jobs)


def test_a_run_without_its_first_point_goes_first():
    sched = Scheduler(max_running=1, turn_s=0.05)
    log = []
    old = [FakeJob(n, sched, log).start() for n in "abcdef"]     # six runs already sharing one slot
    wait_for(lambda: set(log) == set("abcdef"))
    new = FakeJob("new", sched, log, shown=False)
    t0 = time.monotonic()
    new.start()
    try:
        wait_for(lambda: new.first_step_at is not None)
        # it waited for at most the turn under way, not for the six others' turns
        assert new.first_step_at - t0 < 0.05 * 3, new.first_step_at - t0
    finally:
        stop(new, *old)


def test_turn_over_only_when_someone_waits():
    sched = Scheduler(max_running=1, turn_s=0.001)
    a, b = FakeJob("a", sched, []), FakeJob("b", sched, [])
    assert sched.acquire(a)
    assert not sched.turn_over(a) and not sched.turn_over(a, epoch_end=True)   # alone: keep the slot
    waiter = threading.Thread(target=sched.acquire, args=(b,), daemon=True)
    waiter.start()
    wait_for(lambda: sched.sharing() == 2)
    time.sleep(EPOCH_TURN_S)                         # a's turn (1 ms, or an epoch of EPOCH_TURN_S) is over
    assert sched.turn_over(a) and sched.turn_over(a, epoch_end=True)
    assert sched.wait_estimate(b) > 0 and sched.wait_estimate(a) == 0
    sched.release(a)
    waiter.join(5)
    assert sched.holds(b) and not sched.holds(a) and sched.sharing() == 1
    sched.release(b)


def test_a_long_turn_ends_at_the_epoch_end_when_someone_waits(monkeypatch):
    clock = [1000.0]                                  # the scheduler's clock, moved by hand
    monkeypatch.setattr(scheduler, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    sched = Scheduler(max_running=1, turn_s=60.0)
    a, b = FakeJob("a", sched, []), FakeJob("b", sched, [])
    assert sched.acquire(a)
    threading.Thread(target=sched.acquire, args=(b,), daemon=True).start()
    wait_for(lambda: sched.sharing() == 2)
    assert not sched.turn_over(a, epoch_end=True)    # a toy set's epoch (~2 ms) is too short a turn ...
    clock[0] += EPOCH_TURN_S + 1e-6
    assert not sched.turn_over(a)                    # a minute-long turn is not over mid-epoch ...
    assert sched.turn_over(a, epoch_end=True)        # ... but one of EPOCH_TURN_S ends with its epoch
    sched.release(a)
    wait_for(lambda: sched.holds(b))
    sched.release(b)


def test_a_run_stopped_while_waiting_leaves_the_line():
    sched = Scheduler(max_running=1, turn_s=60.0)
    a, b = FakeJob("a", sched, []), FakeJob("b", sched, [])
    assert sched.acquire(a)
    got = []
    t = threading.Thread(target=lambda: got.append(sched.acquire(b)), daemon=True)
    t.start()
    wait_for(lambda: sched.sharing() == 2)
    b.stop_requested = True
    t.join(5)
    assert got == [False] and sched.sharing() == 1 and not sched.holds(b)
    sched.release(a)


def test_the_wait_estimate_counts_the_rounds_ahead():
    sched = Scheduler(max_running=2, turn_s=0.5)
    holders = [FakeJob(f"h{i}", sched, []) for i in range(2)]
    for h in holders:
        assert sched.acquire(h)
    waiters = [FakeJob(f"w{i}", sched, []) for i in range(5)]
    for w in waiters:
        threading.Thread(target=sched.acquire, args=(w,), daemon=True).start()
        wait_for(lambda w=w: w in sched._waiting)          # one at a time: tickets in this order
    est = [sched.wait_estimate(w) for w in waiters]
    assert est == sorted(est) and est[0] > 0
    assert est[0] == est[1] < est[2] == est[3] < est[4]    # two slots: two runs per round
    for w in waiters:
        w.stop_requested = True
    wait_for(lambda: sched.sharing() == 2)
    for h in holders:
        sched.release(h)


def test_the_old_line_for_the_benchmarks_baseline():
    sched = Scheduler(max_running=1, turn_s=0.0, fair=False)
    log = []
    a = FakeJob("a", sched, log, steps=50).start()
    wait_for(lambda: log)
    b = FakeJob("b", sched, log, steps=5).start()
    b.thread.join(10)
    a.thread.join(10)
    assert log == ["a"] * 50 + ["b"] * 5          # first come, first served: no turns
