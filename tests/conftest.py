"""Shared pytest setup for every test folder.

The repository root goes on sys.path so `import playground` works however pytest
is started (`pytest`, `python -m pytest`, from another directory)."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_collection_finish(session):
    """Unit test modules registered subprocesses at import (unit_helpers): start them now, in
    the background, so they overlap the app and browser tests rather than wait for the unit ones."""
    helpers = sys.modules.get("unit_helpers")
    xdist_worker = "PYTEST_XDIST_WORKER" in os.environ      # under -n, each result starts where it is read
    if helpers is not None and not xdist_worker and not session.config.option.collectonly:
        helpers.start_registered()


def pytest_sessionfinish(session):
    helpers = sys.modules.get("unit_helpers")
    if helpers is not None:
        helpers.kill_started()
