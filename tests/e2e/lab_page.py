"""The lab page in the browser tests: open it at a size, read its epoch counter, find a
panel, stop a run before the test leaves (imported as `from lab_page import ...`)."""
from __future__ import annotations

import re
import time

import pytest
from browser import wait_for_app

EPOCH = re.compile(r"^\s*([\d,]+)\s*/")


def open_at(page, url: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    wait_for_app(page)


def stop_run(page) -> None:
    """Stop an endless run before the test leaves its page: a left page's run holds one of the
    test server's two training slots until the closed-tab grace is over."""
    stop = page.get_by_role("button", name=re.compile("^(Stop|중지)$"))
    if stop.count() and stop.first.is_enabled():
        stop.first.click()
        page.wait_for_timeout(500)


def epoch_shown(page) -> int | None:
    """The lab's epoch counter ("123 / 300" or "123 / ∞")."""
    metric = page.locator("[data-testid='stMetric']").filter(has_text=re.compile("Epoch|에포크")).first
    try:
        m = EPOCH.search(metric.locator("[data-testid='stMetricValue']").inner_text(timeout=3000))
    except Exception:
        return None
    return int(m.group(1).replace(",", "")) if m else None


def wait_epoch(page, predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        e = epoch_shown(page)
        if e is not None and predicate(e):
            return e
        time.sleep(0.3)
    pytest.fail(f"epoch counter stuck at {epoch_shown(page)}")


def panel_box(page, key: str) -> dict:
    """Where a keyed element is drawn (waiting for it to be drawn with a size)."""
    el = page.locator(f".st-key-{key}").first
    deadline = time.time() + 30
    while time.time() < deadline:
        box = el.bounding_box() if el.count() else None
        if box and box["width"] > 0 and box["height"] > 0:
            return box
        time.sleep(0.3)
    pytest.fail(f"{key} was not drawn")


# How many plotly charts the page held when its Train button first appeared
