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
