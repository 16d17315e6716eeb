"""Classroom behaviour on one server, in real browsers: with one training slot a second
student's run shares it in turns (its curve starts while the first run goes on, and its
page says with how many it shares); a closed tab's run is stopped after the short grace
(the idle timeout is left at its 150 s, so only the closed socket can end it); a reload
finds its run; after a server restart the page says the run is gone."""
import re

import pytest
from browser import Server, screenshot, wait_for_app

EPOCH = re.compile(r"training: epoch (\d+)")


@pytest.fixture
def one_slot_server():
    server = Server(PLAYGROUND_MAX_JOBS="1", PLAYGROUND_CLOSED_TAB_GRACE="5")
    yield server
    server.close()


def _epoch(page) -> int:
    page.wait_for_selector("text=/training: epoch \\d+/", timeout=30_000)
    return int(EPOCH.search(page.locator("[data-testid='stMain']").inner_text()).group(1))


def test_two_runs_share_one_slot_and_a_closed_tab_leaves_within_the_grace(browser, one_slot_server):
    url = f"{one_slot_server.url}/?dataset=spiral&hidden=16,16&epochs=2000&lang=en"
    first = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    first.goto(url)
    wait_for_app(first)
    first.get_by_role("button", name="Train").click()
    before = _epoch(first)

    second_ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    second = second_ctx.new_page()
    second.goto(url)
    wait_for_app(second)
    second.get_by_role("button", name="Train").click()
    _epoch(second)                           # its curve starts while the first run still trains
    second.wait_for_selector("text=/sharing the server with one other run/", timeout=30_000)
    screenshot(second, "classroom-sharing")
    assert _epoch(first) > before and first.get_by_role("button", name="Pause").is_enabled()

    first.context.close()                  # the first student closes the tab: 5 s grace, then it stops
    second.wait_for_function("() => !document.body.innerText.includes('sharing the server')", timeout=40_000)
    assert second.get_by_role("button", name="Pause").is_enabled()
    second_ctx.close()


def test_a_reload_finds_the_run_and_a_restart_says_it_is_gone(browser):
    server = Server(PLAYGROUND_CLOSED_TAB_GRACE="20")
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        page.goto(f"{server.url}/?dataset=spiral&epochs=2000&lang=en")
        wait_for_app(page)
        page.get_by_role("button", name="Train").click()
        before = _epoch(page)
        page.wait_for_function("() => location.search.includes('run=')", timeout=20_000)
        page.reload()
        wait_for_app(page)
        after = _epoch(page)                                   # no Train press: the same run, going on
        assert after >= before and page.get_by_role("button", name="Pause").is_enabled()
        screenshot(page, "classroom-reloaded")
        server.close()                                          # the server restarts on the same port
        server = Server(port=server.port)
        page.wait_for_selector("text=/run this page showed is gone/", timeout=60_000)
        screenshot(page, "classroom-restarted")
        assert page.get_by_role("button", name="Train").is_enabled()
    finally:
        server.close()
