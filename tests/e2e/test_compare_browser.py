"""Compare in a real browser: train circle with hidden layers 8, then (same seed, one change)
with 2, open Compare and see both runs side by side; a reload keeps the list."""
from __future__ import annotations

from browser import screenshot, wait_for_app

RUN1, RUN2 = "Run 1 · circle · 8 tanh", "Run 2 · circle · 2 tanh"


def _nav(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()
    wait_for_app(page)


def _picked(page) -> list[str]:
    """The runs chosen in the multiselect (its tags)."""
    page.wait_for_selector(".st-key-compare_pick [data-tag]", timeout=20_000)
    tags = page.locator(".st-key-compare_pick .react-aria-ComboBox [data-tag]")
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def test_two_runs_compared(page, app_url):
    try:
        page.goto(f"{app_url}/?dataset=circle&hidden=8&epochs=15&lang=en")
        wait_for_app(page)
        page.get_by_role("button", name="Train").click()
        page.wait_for_selector("text=/finished: 15 epochs/", timeout=60_000)
        _nav(page, "Compare runs")
        page.wait_for_selector(f"text={RUN1}", timeout=20_000)
        # same seed, one change: hidden layers 8 -> 2, started from this page
        box = page.locator(".st-key-compare_value input")
        box.fill("2")
        box.press("Enter")
        page.wait_for_selector("text=/Hidden layers: 8 → 2/", timeout=20_000)
        page.get_by_role("button", name="Train with this one change").click()
        page.wait_for_selector(f"text=/{RUN2} — finished: 15 epochs/", timeout=60_000)   # the lab's status line
        _nav(page, "Compare runs")
        page.wait_for_selector(".st-key-compare_curves .main-svg", timeout=20_000)
        assert _picked(page) == [RUN1, RUN2]
        page.wait_for_selector(".st-key-compare_boundaries .main-svg", timeout=20_000)
        legend = page.locator(".st-key-compare_curves .legend").first.text_content()
        assert RUN1 in legend and RUN2 in legend
        assert page.get_by_text("Settings that differ").count() == 1
        screenshot(page, "compare-two-runs")
        page.reload()                                   # a new session: the run token finds the list
        wait_for_app(page)
        page.wait_for_selector(".st-key-compare_curves .main-svg", timeout=30_000)
        assert _picked(page) == [RUN1, RUN2]
    except Exception:
        screenshot(page, "compare-failed")
        raise
