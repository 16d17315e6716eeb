"""AppTest fixtures; helpers live in apptest.py."""
from __future__ import annotations

import pytest
from apptest import APP, open_app  # noqa: F401  (re-exported)
from streamlit.testing.v1 import AppTest


@pytest.fixture
def no_exceptions():
    def check(at: AppTest):
        assert not at.exception, [e.value for e in at.exception]
    return check


@pytest.fixture(autouse=True)
def no_class_left_over():
    """Each test starts outside a class: a teacher's room opened by one test (it turns the
    class on in this process's store) must not put a join field on the next test's pages."""
    yield
    from ui import classroom, presence
    from ui.registry import REGISTRY
    store = REGISTRY.store
    if hasattr(store, "_class"):
        store._class.clear()
        store._presence.clear()
    classroom._state_cache.clear()
    presence._mine.clear()          # rows the reaper would refresh


@pytest.fixture(autouse=True)
def no_run_left_training():
    """A test's runs stop with it: an AppTest page has no browser to close, so an endless
    run it started would train on (both cores) through the next tests until its idle timeout."""
    yield
    from ui.registry import REGISTRY
    for _, e in REGISTRY.runs():
        if e.job.snapshot().active:
            e.job.stop()
