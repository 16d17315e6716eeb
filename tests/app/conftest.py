"""AppTest helpers: run app.py (the router + sidebar) on a given page."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(page: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Run the app once; `page` is a views/ file name like 'train.py'."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(f"views/{page}")
        at.run()
    return at


@pytest.fixture
def no_exceptions():
    def check(at: AppTest):
        assert not at.exception, [e.value for e in at.exception]
    return check
