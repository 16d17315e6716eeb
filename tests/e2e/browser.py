"""Helpers for the real-browser tests (imported as `from browser import ...`; a module
named conftest would clash with tests/app/conftest.py when both folders run)."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium's flags for the tests and the benches. Host names other than loopback resolve to
# nothing, so no page, however broken, sends a DNS query or a request off this machine (the
# tests also fail on such a request: OffLoopback below)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class OffLoopback:
    """A browser whose every context records the requests its pages make to any host but
    loopback (`found`): a classroom server may have no internet, and the tests' traffic must
    stay on this machine. Found once: the tab's ":material/...:" icon, from fonts.gstatic.com."""

    def __init__(self, browser):
        self.browser = browser
        self.found: list[str] = []

    def __getattr__(self, name):
        return getattr(self.browser, name)

    def new_context(self, **kwargs):
        ctx = self.browser.new_context(**kwargs)
        ctx.on("request", self._record)
        return ctx

    def _record(self, request) -> None:
        url = request.url
        if not url.startswith(("data:", "blob:", "about:")) and urlparse(url).hostname not in LOOPBACK:
            self.found.append(url)


VIEWPORT = {"width": 1400, "height": 1000}


class Tab:
    """One browser tab that the tests on the shared server take in turn. A page load in a new
    context (a new renderer process, empty caches) cost Chromium ~1.5 CPU-s more than a load in
    a tab that has shown the app before (2.8-3.7 against 1.5-1.8 machine CPU-s, 2026-12-05),
    and the suite's CPU is what bounds its time on 2 cores. A test gets it at VIEWPORT in
    en-US; `leave()` ends the test's page as a closed tab would (its session ends, so the
    closed-tab grace stops its run) and forgets its cookies and storage. A test that changes
    the tab itself (an init script, a mobile device) opens a context of its own."""

    def __init__(self, browser):
        self.browser = browser
        self._page = None

    def open(self):
        if self._page is None or self._page.is_closed():
            self._page = self.browser.new_context(viewport=VIEWPORT, locale="en-US").new_page()
        return self._page

    def leave(self, app_url: str) -> None:
        page = self._page
        try:
            page.goto(app_url + "/_stcore/health")       # the same origin: the tab keeps its caches
            page.context.clear_cookies()
            page.evaluate("() => { sessionStorage.clear(); localStorage.clear(); }")
            page.set_viewport_size(VIEWPORT)
        except Exception:                                # a tab a test broke: the next test opens another
            self.close()

    def close(self) -> None:
        if self._page is not None:
            try:
                self._page.context.close()
            except Exception:
                pass
            self._page = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has rendered and finished running the script."""
    page.wait_for_selector("[data-testid='stSidebar']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


# Records when anything in the page last changed (a chart drawn, a resize's layout, a rerun's
# elements); set up once per document
_WATCH_CHANGES = """() => { if (!window.__lastChange) { window.__lastChange = performance.now();
    new MutationObserver(() => { window.__lastChange = performance.now(); }).observe(document.documentElement,
        {subtree: true, childList: true, attributes: true, characterData: true}); } }"""


def wait_until_still(page, quiet_ms: int = 400, timeout: float = 30_000) -> None:
    """Until every chart is drawn and nothing in the page has changed for `quiet_ms` (a resize's
    layout done): a condition, not a fixed pause, so a busy machine waits longer and a quiet one
    less. On a page with a live run it returns between two polls' redraws."""
    page.evaluate(_WATCH_CHANGES)
    page.evaluate("() => { window.__lastChange = performance.now(); }")     # from now on
    page.wait_for_function(f"""() => performance.now() - window.__lastChange >= {quiet_ms}
        && !document.querySelector('[data-testid=stSkeleton]')
        && [...document.querySelectorAll('[data-testid=stPlotlyChart], .live-chart')]    // live: ui.live_chart
            .every(c => c.querySelector('.main-svg'))""",
                           polling=100, timeout=timeout)     # (stSkeleton: an element whose code is still loading)


def limit_speed(page, epochs_per_second: int) -> None:
    """The lab's speed control set to at most this many epochs a second, by keyboard, before
    Train: a test that waits on a long run keeps it from taking a core meanwhile (a slowed
    run holds no training slot between its epochs). From the slowest option (End) up, one
    option a key, until the control reads "N/s" (or Korean "초당 N") and still does once its
    rerun is over (on a page with a live run a key's change can be lost to a rerun: seen as
    a run left at 1/s)."""
    slider = page.locator(".st-key-lab_speed input[type='range']").first
    wanted = re.compile(rf"^(?:{epochs_per_second}/s|초당 {epochs_per_second})$")
    shown = (lambda: wanted.match(slider.get_attribute("aria-valuetext") or ""))
    for _attempt in range(3):
        for key in ["End"] + ["ArrowLeft"] * 4:
            slider.press(key)
            wait_for_app(page)
            if shown():
                break
        page.wait_for_timeout(1000)           # the change's rerun, and a live page's next poll
        wait_for_app(page)
        if shown():
            return
    raise AssertionError(f"the speed control did not stay at {epochs_per_second}/s")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# A long page whole in one picture needs a window that tall (Streamlit scrolls inside its main
# block), and every chart is laid out again for it: 1-3 CPU-s a picture, ~10 over the suite.
# Taken with PLAYGROUND_TALL_SCREENSHOTS=1; otherwise the first screen.
TALL = os.environ.get("PLAYGROUND_TALL_SCREENSHOTS") == "1"


def tall_screenshot(page, name: str, max_height: int = 7000, drawn=None) -> Path:
    """The main block's whole height (with TALL), once `drawn()` (a wait) has returned."""
    size = page.viewport_size
    if TALL:
        height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": min(height + 60, max_height)})
        wait_until_still(page)             # the charts' layout for the new size
    if drawn:
        drawn()
    path = screenshot(page, name)
    page.set_viewport_size(size)
    return path


class Server:
    """`streamlit run app.py` on a free port; `env` adds environment variables."""

    def __init__(self, port: int | None = None, **env):
        self.port = port or free_port()
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / f"streamlit-{self.port}.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "PLAYGROUND_MAX_JOBS": "2", "PLAYGROUND_CHECK_FIGURES": "0", **env})   # as deployed
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=2)
                return
            except Exception:
                time.sleep(0.3)     # the server is still importing torch: poll until the deadline
        self.close()
        raise RuntimeError("streamlit did not start")

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()
