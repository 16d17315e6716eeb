"""AppTest fixtures; helpers live in apptest.py."""
from __future__ import annotations

import pytest
from apptest import APP, open_app  # noqa: F401  (re-exported)


@pytest.fixture
def no_exceptions():
    def check(at: AppTest):
        assert not at.exception, [e.value for e in at.exception]
    return check
