"""Whole-page runs one at a time, each waiting at most a moment for its turn.

A class pressing Train together asks the server for 30 whole-page runs at once (each ~0.1 s
of Python alone). Streamlit runs each in its own thread and the GIL serves them round-robin,
so they all end together, when all 30 are done; meanwhile the event loop that sends every
page its messages waits for the GIL behind 30 busy threads (py-spy: the main thread in
call_soon_threadsafe). bench/classroom.py (30 light students) saw every first curve point
arrive at once, 6-7 s after the clicks. One at a time, the first page is done after ~0.1 s,
the next after ~0.2 s...: the same work, but first points at 2.1-2.7 s median and 3.3-4.0 s
p95 (four runs), and every run finished sooner.

A page that computes for long (a classic model's fit) holds the others back at most WAIT_S:
then they go on beside it. A page that waits for long (a transfer run's shared pretraining)
steps aside meanwhile. A polling fragment's rerun does not pass here (app.py runs only for
whole pages); the lab's own rerun does (`fragment_turn`: a click on Train reruns the lab alone,
views/train.py, and a class presses Train together).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

WAIT_S = 5.0
_gate = threading.Lock()
_here = threading.local()       # .held: this script thread holds the gate


@contextmanager
def whole_page_turn(wait_s: float | None = None):
    """Hold the gate for this whole-page run (released however the run ends: a rerun or a
    stop raised inside it too); after `wait_s` (WAIT_S) without it, run anyway. Yields
    whether it holds the gate."""
    _here.held = _gate.acquire(timeout=WAIT_S if wait_s is None else wait_s)
    try:
        yield _here.held
    finally:
        if _here.held:
            _here.held = False
            _gate.release()


@contextmanager
def stepped_aside():
    """Around a page run's long wait that is not its own work (a shared pretraining task):
    the others' page runs go meanwhile; it queues again after."""
    if not getattr(_here, "held", False):
        yield
        return
    _here.held = False
    _gate.release()
    try:
        yield
    finally:
        _here.held = _gate.acquire(timeout=WAIT_S)


@contextmanager
def fragment_turn(own_rerun: bool):
    """A fragment that a click reruns on its own (the lab: Train, Pause...) takes its turn as a
    whole page does; drawn within a whole page's run (`own_rerun` False) it is in that run's
    turn already. Yields whether it holds the gate (None: the page's run decides)."""
    if not own_rerun:
        yield None
        return
    with whole_page_turn() as held:
        yield held
