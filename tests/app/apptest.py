"""AppTest helpers (imported as `from apptest import open_app`)."""
from __future__ import annotations

from pathlib import Path

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
