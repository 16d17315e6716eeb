"""Shared pytest setup for every test folder.

The repository root goes on sys.path so `import playground` works however pytest
is started (`pytest`, `python -m pytest`, from another directory)."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# plotly checks every property of every figure the unit and app tests build (a misspelt one fails
# there); the server skips the check (playground/figures/style.built). Set before anything imports
# the figures; the browser tests' servers set it back to "0" (tests/e2e/browser.Server), as deployed.
os.environ.setdefault("PLAYGROUND_CHECK_FIGURES", "1")


# Two lanes for the README's `-n 2 --dist loadgroup`, each one process running its tests
# in order: the browser tests on the one shared app server, the replicas behind nginx and
# the first page in a fresh interpreter; and the rest (unit and app tests, the Ray tests on
# the session's one local Ray, the classroom's browser story on servers of its own). Chosen
# by measure: side by side (2026-12-05) the shared-server tests took 246 s, the rest 325 s.
# Without -n the marks do nothing.
BROWSER, ENGINE = "browser", "engine"
# ~60 s moved to even them out (measured again: 288 s and 296 s with the first two). The inside
# page's and the teacher room's app tests (~13 s) went to the browser lane too, and came back
# when the app tests shared AppTest's script and component caches (the rest 360-376 s, the
# browser lane 375-407 s with them there, 2026-12-05)
# With the browser tests on one tab (browser.Tab) the engine lane became the longer one (343
# against 316 s, 2026-12-05): the jobs' unit tests (~11 s, mostly waiting on their threads) moved
# (2026-12-06) the engine lane 387 s against 344: the lessons page's app tests (~23 s) moved too.
BROWSER_FILES = ("test_replicas_browser.py", "test_first_page_imports.py", "test_jobs.py", "test_job_turns.py",
                 "test_lessons_page.py")


def lane(item) -> str:
    if "app_url" in getattr(item, "fixturenames", ()) or Path(str(item.fspath)).name in BROWSER_FILES:
        return BROWSER
    return ENGINE


@pytest.hookimpl(tryfirst=True)     # before xdist's own hook, which reads the marks (a conftest
def pytest_collection_modifyitems(config, items):     # loaded first would otherwise run after it)
    for item in items:
        item.add_marker(pytest.mark.xdist_group(lane(item)))
    # The tests that mostly wait on a clock (`waits`) go first in their lane, beside the other
    # lane's busiest stretch (its app tests and the subprocesses they start). Late in the run
    # they met the engine lane's Ray tests and last unit tests, which wait too: the two cores
    # were idle for 42 core-s of a 341-s run (a /proc/stat sampler beside it, 2026-12-05),
    # 27 with this order.
    items.sort(key=lambda item: item.get_closest_marker("waits") is None)     # stable otherwise


def pytest_xdist_node_collection_finished(node, ids):
    """Under --dist loadgroup xdist marks each test's lane in its id (test@lane). A pytest it
    does not work with (9.2: pytest-xdist#1386) leaves the ids alone and the lanes silently
    mix (two app servers, two Rays, and minutes more): stop with a message instead."""
    if node.config.getvalue("dist") == "loadgroup" and ids and not any("@" in i for i in ids):
        pytest.exit(f"pytest-xdist's --dist loadgroup ignored the lanes under pytest {pytest.__version__}: "
                    "install the pinned versions (pip install -r requirements-dev.txt -c constraints.txt)", 4)


_started = False


def pytest_runtest_setup(item):
    """Unit test modules registered subprocesses at import (unit_helpers): start them with the
    engine lane's first test (in one process: the first app test), in the background, so they
    overlap the tests before the unit ones that read them."""
    global _started
    helpers = sys.modules.get("unit_helpers")
    if not _started and helpers is not None and lane(item) == ENGINE:
        _started = True
        helpers.start_registered()


def pytest_sessionfinish(session):
    helpers = sys.modules.get("unit_helpers")
    if helpers is not None:
        helpers.kill_started()
