"""Real-browser fixtures: a `streamlit run` server on a free port and Debian's chromium
driven by Playwright. Screenshots go to test-artifacts/ (kept by CI as artifacts)."""
from __future__ import annotations

import os

import pytest
from browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORT, OffLoopback, Server, Tab, screenshot


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


@pytest.fixture(scope="session")
def app_url():
    # A closed tab's run stops 2 s after (15 s by default): each test's last run would
    # otherwise go on training, drawing on both cores, through the next test.
    # A page quiet for its poll + 4 s is rerun by the server (10 s by default, for a class's
    # loaded server): test_train_browser waits for two such revivals, not 2 x 10 s.
    server = Server(PLAYGROUND_CLOSED_TAB_GRACE="2", PLAYGROUND_QUIET_SLACK_S="4")
    yield server.url
    server.close()


_browsers: list[OffLoopback] = []


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS,
            # V8 without its optimizing compiler (TurboFan): a test's page lives seconds, too short
            # to earn back the compiling. The lab's browser tests: renderer 37.5-38.8 CPU-s against
            # 42.2-43.1 with it (2026-12-05); the suite's CPU is what bounds its time on 2 cores
            "--js-flags=--no-opt"])
        _browsers.append(OffLoopback(b))
        yield _browsers[-1]
        b.close()


@pytest.fixture(autouse=True)
def stays_on_loopback():
    """Every browser test fails if one of its pages asked a host off this machine for anything."""
    yield
    for b in _browsers:
        found, b.found[:] = list(b.found), []
        if found:
            pytest.fail(f"the page requested {len(set(found))} address(es) off loopback: {sorted(set(found))}")


@pytest.fixture(scope="session")
def tab(browser):
    t = Tab(browser)
    yield t
    t.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(request, tab, app_url):
    """The shared server's tests' one tab (browser.Tab), at 1400x1000 in en-US; a test may
    resize it. Left after the test: its session ends, its cookies and storage are forgotten.
    A failed test leaves a picture of the page as it failed (test-artifacts/FAILED-<test>.png):
    a timeout's message says what was awaited, not what the page showed instead. Beside it,
    FAILED-<test>.txt: the page's uncaught errors and console errors, and whether it crashed
    (a blank picture: the renderer gone, or React's tree torn down by an error)."""
    page = tab.open()
    seen: list[str] = []
    listeners = {"pageerror": lambda e: seen.append(f"page error: {e}"),
                 "console": lambda m: m.type == "error" and seen.append(f"console error: {m.text}"),
                 "crash": lambda _p: seen.append("the page crashed")}
    for event, fn in listeners.items():
        page.on(event, fn)
    yield page
    for event, fn in listeners.items():
        page.remove_listener(event, fn)
    if getattr(request.node, "call_failed", False):
        name = "FAILED-" + request.node.name.replace("/", "_")[:120]
        (ARTIFACTS / f"{name}.txt").write_text("\n".join(seen) or "no page error, no crash", encoding="utf-8")
        try:
            screenshot(page, name)
        except Exception:
            pass
    tab.leave(app_url)


@pytest.fixture
def own_page(browser):
    """A tab in a context of its own, for a test that changes the tab itself (an init script)."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US")
    yield ctx.new_page()
    ctx.close()
