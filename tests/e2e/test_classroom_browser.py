"""Classroom behaviour on one server, in real browsers, as one class's story on one server
(each server start is a cold import of torch and sklearn: one start, one restart): with one
training slot a second student's run shares it in turns (its curve starts while the first
run goes on, and its page says with how many it shares); a closed tab's run is stopped after
the short grace (the idle timeout is left at its 150 s, so only the closed socket can end it);
a reload finds its run; after a server restart the page says the run is gone."""
import re

from browser import Server, limit_speed, screenshot, wait_for_app

EPOCH = re.compile(r"training: epoch (\d+)")
GRACE_S = 8       # long enough for a reload to come back on a busy machine, short enough to wait out


def _epoch(page, above: int = -1) -> int:
    """The lab's "training: epoch N" once N > `above`, read in the call that finds it (the
    sidebar's status line says it too, and a rerun may redraw the main part between a wait
    and a read)."""
    return int(page.wait_for_function(f"""above => {{
        const m = document.querySelector("[data-testid='stMain']");
        const e = m && m.innerText.match(/{EPOCH.pattern}/);
        return e && +e[1] > above ? e[1] : null; }}""", arg=above, timeout=30_000).json_value())


def test_two_runs_share_one_slot_a_closed_tab_leaves_a_reload_stays_a_restart_says_gone(browser):
    server = Server(PLAYGROUND_MAX_JOBS="1", PLAYGROUND_CLOSED_TAB_GRACE=str(GRACE_S))
    try:
        # endless runs: on a quiet machine 2,000 spiral epochs end in seconds, before they would share
        url = f"{server.url}/?dataset=spiral&hidden=16,16&epochs=0&lang=en"
        # both pages open before the first Train: the first run then waits for no page load
        first = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
        second = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        for student in (first, second):
            student.goto(url)
            wait_for_app(student)
        first.get_by_role("button", name="Train").click()
        before = _epoch(first)

        second.get_by_role("button", name="Train").click()
        _epoch(second)                           # its curve starts while the first run still trains
        second.wait_for_selector("text=/sharing the server with one other run/", timeout=30_000)
        screenshot(second, "classroom-sharing")
        _epoch(first, above=before)              # the first run goes on meanwhile (its page shows it)
        assert first.get_by_role("button", name="Pause").is_enabled()

        first.context.close()                  # the first student closes the tab: the grace, then it stops
        second.wait_for_function("() => !document.body.innerText.includes('sharing the server')", timeout=40_000)
        assert second.get_by_role("button", name="Pause").is_enabled()
        limit_speed(second, 3)     # the rest needs the run going, not a core: 3 epochs a second

        second.wait_for_function("() => location.search.includes('run=')", timeout=20_000)
        before = _epoch(second)
        second.reload()
        wait_for_app(second)
        after = _epoch(second)                                 # no Train press: the same run, going on
        assert after >= before and second.get_by_role("button", name="Pause").is_enabled()
        screenshot(second, "classroom-reloaded")

        server.close()                                          # the server restarts on the same port
        server = Server(port=server.port)
        second.wait_for_selector("text=/run this page showed is gone/", timeout=60_000)
        screenshot(second, "classroom-restarted")
        assert second.get_by_role("button", name="Train").is_enabled()
        second.context.close()
    finally:
        server.close()
