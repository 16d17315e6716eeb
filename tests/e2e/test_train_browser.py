"""A real click in a real browser: Train, watch the epoch counter and the curves
advance, Stop. Keeps a screenshot in test-artifacts/."""
import re
import time

import pytest
from browser import limit_speed, screenshot, wait_for_app

from ui import pacing

EPOCH_RE = re.compile(r"epoch (\d+)/(\d+)")


def _epoch(page) -> int | None:
    text = page.locator("[data-testid='stProgress']").first.inner_text(timeout=5000)
    m = EPOCH_RE.search(text)
    return int(m.group(1)) if m else None


def _endless_epoch(page) -> int | None:
    """An endless run's epoch, from its status line (it has no progress bar)."""
    m = re.search(r"training: epoch (\d+)/∞", page.locator("[data-testid='stMain']").inner_text(timeout=5000))
    return int(m.group(1)) if m else None


def _last_epoch_drawn(page) -> float:
    """The last x of the lab's training-loss curve (the figure's first trace); 0 before one.
    Not the number of points: past ~600 epochs the curve is thinned (figures.training.thinned)."""
    return page.evaluate("""() => {
        const g = document.querySelector('.st-key-curves .js-plotly-plot');
        const x = g && g._fullData && g._fullData.length ? (g._fullData[0].x || []) : [];   // decoded (sent packed)
        return x.length ? Number(x[x.length - 1]) : 0; }""")


# the page's interval timers: Streamlit's polling fragments are setInterval timers
TRACK_POLLS = """
window.__polls = new Map();
const setI = window.setInterval, clearI = window.clearInterval;
window.setInterval = function (fn, ms, ...rest) { const id = setI.call(window, fn, ms, ...rest); window.__polls.set(id, ms); return id; };
window.clearInterval = function (id) { window.__polls.delete(id); return clearI.call(window, id); };
// the page's websockets, so that a test can hand one a message Streamlit cannot process
const WS = window.WebSocket; window.__sockets = [];
window.WebSocket = function (...args) { const s = new WS(...args); window.__sockets.push(s); return s; };
window.WebSocket.prototype = WS.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""
# counts changes to the main part of the page from now on (a rerun redraws it)
WATCH_MAIN = """() => { window.__changes = 0;
  new MutationObserver(() => { window.__changes += 1; }).observe(
    document.querySelector("[data-testid='stMain']"), {subtree: true, childList: true, characterData: true, attributes: true}); }"""


@pytest.mark.waits       # ~20 s of the server's quiet-page timeouts: first in its lane (tests/conftest.py)
def test_train_live_then_stop_and_a_page_that_lost_its_poll_is_revived(own_page, app_url):
    page = own_page                 # an init script: a tab of its own
    page.add_init_script(TRACK_POLLS)
    page.goto(f"{app_url}/?dataset=spiral&hidden=16,16,8&epochs=0&lang=en")     # endless: a quiet machine ends 2,000 epochs in seconds
    wait_for_app(page)
    # at most 10 epochs a second (the lab's speed control): the counter still moves, and the
    # run does not take a core through the ~30 s this test waits for the server's revivals
    limit_speed(page, 10)
    page.get_by_role("button", name="Train").click()
    epochs, drawn = [], []
    deadline = time.time() + 90        # a deadline, not a pace: a busy machine only takes longer
    while time.time() < deadline and (len(set(epochs)) < 4 or len(set(d for d in drawn if d)) < 2):
        try:
            e = _endless_epoch(page)
        except Exception:
            e = None
        if e is not None and (not epochs or e > epochs[-1]):
            epochs.append(e)
            drawn.append(_last_epoch_drawn(page))
        time.sleep(0.4)
    assert len(set(epochs)) >= 4, f"epoch counter did not advance: {epochs}"
    shown = [d for d in drawn if d]
    assert len(shown) >= 2 and shown[-1] > shown[0], f"the curves' last epoch did not advance: {drawn} ({epochs})"

    # A class's server under load can drop the message that sets a page's poll up again after a
    # full rerun (ui.revive): the page keeps its last drawing and never asks again. Lose the
    # poll here, on purpose: the server must notice the quiet page and rerun it.
    assert page.evaluate("() => { for (const id of [...window.__polls.keys()]) clearInterval(id); return window.__polls.size; }") == 0
    time.sleep(2.5)                    # a poll's answer already on its way lands; then the page is still
    frozen_at = _wait_for_epoch(page, lambda e: e is not None, 10, _endless_epoch)
    revived = _wait_for_epoch(page, lambda e: e is not None and e > frozen_at, 45, _endless_epoch)
    assert revived > frozen_at
    page.wait_for_function("() => window.__polls.size >= 1", timeout=30_000)   # polling again (set up after the redraw)

    page.get_by_role("button", name="Stop").click()
    page.wait_for_selector("text=/stopped at epoch \\d+/", timeout=20_000)
    assert _epoch_from_stop(page) >= revived
    screenshot(page, "train-live")

    # The run's end is drawn by a full rerun whose messages can be lost the same way; its page
    # then shows the live run forever. That rerun sets up a slow poll (ui.pacing.CONFIRM): lose
    # it too, and the server must rerun the quiet page, whose next run sets up no poll.
    confirm = int(pacing.CONFIRM * 1000)
    page.wait_for_function(f"() => [...window.__polls.values()].includes({confirm})", polling="raf", timeout=20_000)
    page.evaluate("() => { for (const id of [...window.__polls.keys()]) clearInterval(id); }")
    page.evaluate(WATCH_MAIN)
    page.wait_for_function("() => window.__changes > 0", timeout=40_000)      # rerun from the server
    wait_for_app(page)                                                         # that rerun is over
    page.wait_for_timeout(1000)                                                # (its last messages in)
    assert page.evaluate("() => window.__polls.size") == 0                     # and set up no poll again

    # Streamlit's frontend gives up on its connection for good when it fails to process a
    # message (seen in a class: "Bad delta path index"), and the page would keep its drawing
    # forever. It reloads itself (ui.reconnect) and, by the run token in its address, shows
    # the same run again.
    stopped_at = _epoch_from_stop(page)
    page.evaluate("""() => { window.__before_reload = true;      // a text frame: Streamlit expects binary ones
        window.__sockets.at(-1).dispatchEvent(new MessageEvent('message', {data: 'not a ForwardMsg'})); }""")
    page.wait_for_function("() => !window.__before_reload", timeout=30_000)
    page.wait_for_selector(f"text=/stopped at epoch {stopped_at}\\b/", timeout=30_000)


def _wait_for_epoch(page, ok, seconds: float, read=None) -> int | None:
    """Poll the progress bar's epoch (or `read`'s) until ok(epoch); fails after `seconds`."""
    deadline = time.time() + seconds
    while True:
        try:
            e = (read or _epoch)(page)
        except Exception:          # the bar is being redrawn
            e = None
        if ok(e):
            return e
        assert time.time() < deadline, f"epoch {e} after {seconds:g} s"
        time.sleep(0.3)


def _epoch_from_stop(page) -> int:
    text = page.get_by_text(re.compile(r"stopped at epoch \d+")).first.inner_text()
    return int(re.search(r"stopped at epoch (\d+)", text).group(1))


def test_link_restores_controls(page, app_url):
    page.goto(f"{app_url}/?dataset=iris&hidden=5&activation=tanh&lr=0.003&lang=ko")
    wait_for_app(page)
    page.wait_for_selector("input[aria-label='활성화 함수']", timeout=30_000)
    side = page.locator("[data-testid='stSidebar']")
    lr = side.get_by_text("0.003", exact=True)      # the learning-rate slider's value
    lr.first.wait_for(timeout=30_000)                # the sliders are drawn after the text: wait for the last one read
    text = side.inner_text()
    assert "붓꽃" in text                      # iris's description, in Korean
    assert "4 → 5 → 3" in text                 # 4 features -> hidden 5 -> 3 classes
    values = dict(side.locator("input").evaluate_all(
        "els => els.map(e => [e.getAttribute('aria-label') || '', e.value])"))
    assert values["데이터셋"] == "▦ iris · 다중 분류"
    assert values["활성화 함수"] == "하이퍼볼릭 탄젠트(tanh)"
    assert values["은닉층 1 · 유닛 수"] == "5"
    assert lr.count() == 1
    screenshot(page, "link-restored-ko")


def test_pause_mid_epoch_then_step_continues_the_same_run(page, app_url):
    # epochs of a few seconds: Pause lands mid-epoch and takes effect only at its end
    page.goto(f"{app_url}/?dataset=mnist&model=mlp&hidden=256,256&batch_size=8&epochs=50&patience=0&lang=en")
    wait_for_app(page)
    page.get_by_role("button", name="Train").click()
    page.wait_for_selector("text=/samples\\/s/", timeout=60_000)
    page.get_by_role("button", name="Pause").click()
    # the buttons follow the run once it pauses, without another click (the pause waits for the
    # epoch's end: seconds here, more on a busy machine, so the waits are deadlines)
    page.get_by_role("button", name="Resume").wait_for(timeout=90_000)
    step = page.get_by_role("button", name="One epoch")
    assert step.is_enabled()
    held = _wait_for_epoch(page, lambda e: e is not None, 30)
    # a changed setting that needs a new network must not restart the run on Step
    layers = page.locator("[data-testid='stSidebar'] .st-key-w_n_layers input[type='range']").first
    layers.focus()
    layers.press("ArrowRight")
    page.wait_for_selector("text=/need a new network/", timeout=30_000)
    step.click()
    _wait_for_epoch(page, lambda e: e is not None and e > held, 120)        # the stepped epoch ended
    page.get_by_role("button", name="Resume").wait_for(timeout=30_000)      # ... and the run paused again
    assert _epoch(page) == held + 1, "Step runs exactly one epoch (and a paused run does not train on)"
    page.get_by_role("button", name="Stop").click()
    page.wait_for_selector("text=/stopped at epoch \\d+/", timeout=30_000)
