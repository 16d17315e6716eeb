"""Classroom behaviour on one server: with one training slot, a second student's run
waits in a visible queue; when the first student closes the tab, that run is
stopped and the second one starts."""
import pytest
from browser import Server, screenshot, wait_for_app


@pytest.fixture
def one_slot_server():
    server = Server(PLAYGROUND_MAX_JOBS="1", PLAYGROUND_IDLE_TIMEOUT="4")
    yield server
    server.close()


def test_queue_and_closed_tab_frees_the_slot(browser, one_slot_server):
    url = f"{one_slot_server.url}/?dataset=spiral&hidden=16,16&epochs=2000&lang=en"
    first = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    first.goto(url)
    wait_for_app(first)
    first.get_by_role("button", name="Train").click()
    first.wait_for_selector("text=/training: epoch \\d+/", timeout=30_000)

    second_ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    second = second_ctx.new_page()
    second.goto(url.replace("epochs=2000", "epochs=20"))
    wait_for_app(second)
    second.get_by_role("button", name="Train").click()
    second.wait_for_selector("text=/number 1 in line/", timeout=30_000)
    screenshot(second, "classroom-queued")

    first.context.close()                  # the first student closes the tab
    second.wait_for_selector("text=/finished: 20 epochs/", timeout=60_000)
    second_ctx.close()
