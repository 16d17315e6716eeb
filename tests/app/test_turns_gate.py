"""Whole-page runs take the server one at a time (ui.turns_gate), waiting at most a moment;
the app's page runs pass through the gate. Waits are on events, not on the clock: a busy
machine only makes them slower."""
import threading

import pytest
from apptest import open_app

from ui import turns_gate


def _holder(entered: threading.Event, leave: threading.Event, held: list, wait_s: float = 30):
    def run():
        with turns_gate.whole_page_turn(wait_s) as h:
            held.append(h)
            entered.set()
            leave.wait(30)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_a_second_page_run_waits_for_the_first_then_holds_the_gate():
    a_in, a_leave, b_in, b_leave, held = threading.Event(), threading.Event(), threading.Event(), threading.Event(), []
    a = _holder(a_in, a_leave, held)
    assert a_in.wait(10)
    b = _holder(b_in, b_leave, held)
    assert not b_in.wait(0.3)                 # the first still runs: the second waits
    a_leave.set()
    assert b_in.wait(10) and held == [True, True]
    b_leave.set()
    a.join(10), b.join(10)
    with turns_gate.whole_page_turn(0) as free:   # both released it
        assert free


def test_a_long_page_run_holds_the_others_back_only_for_the_wait():
    a_in, a_leave, b_in, b_leave, held = threading.Event(), threading.Event(), threading.Event(), threading.Event(), []
    _holder(a_in, a_leave, held)
    assert a_in.wait(10)
    b = _holder(b_in, b_leave, held, wait_s=0.05)
    assert b_in.wait(10) and held == [True, False]     # it went on beside the long one, without the gate
    b_leave.set()
    b.join(10)
    a_leave.set()


def test_a_page_run_that_raises_releases_the_gate():
    with pytest.raises(RuntimeError):
        with turns_gate.whole_page_turn():
            raise RuntimeError("a rerun or a stop raised in the script")
    with turns_gate.whole_page_turn(0) as free:
        assert free


class _CountingLock:
    def __init__(self):
        self.lock, self.acquired = threading.Lock(), 0

    def acquire(self, timeout=-1):
        self.acquired += 1
        return self.lock.acquire(timeout=timeout)

    def release(self):
        self.lock.release()


def test_the_apps_page_runs_pass_through_the_gate(monkeypatch):
    gate = _CountingLock()
    monkeypatch.setattr(turns_gate, "_gate", gate)
    at = open_app(query={"dataset": "circle"})
    assert not at.exception and gate.acquired >= 1
    assert gate.lock.acquire(blocking=False)           # and left it free


def test_the_lab_fragment_takes_its_turn_when_a_click_reruns_it_alone(monkeypatch):
    """views/train.lab_fragment: a Train click reruns the lab alone (no app.py, so no page's
    turn): that rerun takes the class's turn as a whole page does; drawn within a whole
    page's run, it is in that run's turn already (no second wait for a gate it holds)."""
    calls = []
    real = turns_gate.fragment_turn
    monkeypatch.setattr(turns_gate, "fragment_turn", lambda own: calls.append(own) or real(own))
    at = open_app(query={"dataset": "circle", "lang": "en"})
    assert not at.exception and calls == [False]       # AppTest runs whole pages
    with turns_gate.fragment_turn(True) as held:
        assert held and not turns_gate._gate.acquire(blocking=False)
    with turns_gate.whole_page_turn() as page, turns_gate.fragment_turn(False) as inner:
        assert page and inner is None
    assert turns_gate._gate.acquire(blocking=False)
    turns_gate._gate.release()


def test_a_page_run_steps_aside_while_it_waits_then_queues_again():
    with turns_gate.whole_page_turn() as held:
        assert held
        with turns_gate.stepped_aside():
            with turns_gate.whole_page_turn(0) as other:     # another page's run goes meanwhile
                assert other
        assert not turns_gate._gate.acquire(blocking=False)  # held again after the wait
    with turns_gate.whole_page_turn(0) as free:
        assert free


def test_the_train_clicks_wait_for_its_first_point_leaves_the_gate_to_the_class(monkeypatch):
    """The Train click's run waits up to a moment for its run's first point (drawn in that
    run, not at the next poll). In a class, 30 such waits inside the gate took turns: the last
    click's page waited ~30 x 0.4 s. It steps aside meanwhile (bench/classroom.py)."""
    from playground.runs.training import TrainingJob
    from ui.session import Key
    free_while_waiting = []
    real = TrainingJob.wait_for_point

    def wait_for_point(job, timeout):
        free = turns_gate._gate.acquire(blocking=False)    # another page's run could take the gate
        if free:
            turns_gate._gate.release()
        free_while_waiting.append(free)
        return real(job, timeout)

    monkeypatch.setattr(TrainingJob, "wait_for_point", wait_for_point)
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "0"})
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception
    at.session_state[Key.JOB].stop()
    assert free_while_waiting == [True]
    assert turns_gate._gate.acquire(blocking=False)     # and the page's run left it free
    turns_gate._gate.release()
