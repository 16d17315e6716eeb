"""Real-browser fixtures: a `streamlit run` server on a free port and Debian's chromium
driven by Playwright. Screenshots go to test-artifacts/ (kept by CI as artifacts)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from browser import ARTIFACTS, CHROMIUM, ROOT, free_port, screenshot, wait_for_app  # noqa: F401  (re-exported)


def pytest_collection_modifyitems(config, items):
    missing = None
    if CHROMIUM is None:
        missing = "Debian's chromium is not installed (apt-get install -y chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed"
    if missing:
        if os.environ.get("PLAYGROUND_REQUIRE_E2E"):
            raise pytest.UsageError(f"e2e tests required but {missing}")
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=missing))


class Server:
    """`streamlit run app.py` on a free port; `env` adds environment variables."""

    def __init__(self, **env):
        self.port = free_port()
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / f"streamlit-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "PLAYGROUND_MAX_JOBS": "2", **env})
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=2)
                return
            except Exception:
                time.sleep(0.3)
        self.close()
        raise RuntimeError("streamlit did not start")

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


@pytest.fixture(scope="session")
def app_url():
    server = Server()
    yield server.url
    server.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = ctx.new_page()
    yield pg
    ctx.close()
