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
