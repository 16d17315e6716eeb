"""While a run trains, the lab's run computes its views (the boundary, each neuron's picture,
the diagram: its probes, in the training thread) no more often than the lab redraws them
(views/train.py: PROBE_EVERY_S = HEAVY_EVERY_S). Computed every second but drawn every
three, they cost a spiral run ~4% of its speed (measured in-process, no page open)."""
import time

import numpy as np
import pytest
from apptest import open_app, wait_for

from playground.inspect import boundary
from ui.session import Key

pytestmark = pytest.mark.waits      # on the run's clock: first in its lane (tests/conftest.py)
HEAVY_EVERY_S = 3.0                 # views/train.py (a page script: importing it draws the page)


def test_the_lab_computes_its_views_no_more_often_than_it_redraws_them(monkeypatch):
    times = []
    real = boundary.surface
    monkeypatch.setattr(boundary, "surface", lambda *a, **k: times.append(time.monotonic()) or real(*a, **k))
    at = open_app(query={"lang": "en", "dataset": "spiral", "epochs": "0"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    try:
        job.set_speed(20)               # epochs a second: the run mostly sleeps between them
        wait_for(lambda: len(times) >= 3, timeout=60, what="three probes")
    finally:
        job.stop()
    assert np.diff(times[:3]).min() >= HEAVY_EVERY_S - 0.05, np.diff(times)


def test_the_epoch_log_takes_new_epochs_as_often_as_the_network_is_redrawn():
    """The log's table was rebuilt (and its grid redrawn by the browser) at every poll; while
    a run trains it now takes new epochs every HEAVY_EVERY_S, as the network does."""
    at = open_app(query={"lang": "en", "dataset": "circle", "epochs": "0"})
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]

    def newest_logged():
        at.run()
        return int(at.dataframe[0].value.index.max())

    try:
        job.set_speed(50)               # a steady 50 epochs a second
        wait_for(lambda: job.snapshot().epoch >= 2, timeout=60, what="two epochs")
        first = newest_logged()
        # the left side is read first: the rerun after it reads a record at least that new (the old table was that new)
        wait_for(lambda: job.snapshot().epoch > newest_logged(), timeout=20,
                 what="a rerun showing a table older than the run")
        time.sleep(HEAVY_EVERY_S + 0.5)
        assert newest_logged() > first         # and it does take them: not frozen
    finally:
        job.stop()
