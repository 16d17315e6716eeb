"""A real browser: start training on the Train page from a link, switch to "Inside the
network" while it runs, see the live views update, switch to Korean, stop. Full-page
screenshots go to test-artifacts/inside-<dataset>.png (and -ko)."""
import re
import time

import pytest
from browser import limit_speed, tall_screenshot, wait_for_app

VIEW_EPOCH = re.compile(r"(?:after epoch|에포크) (\d+)")


def _nav(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).click()


def _view_epoch(page) -> int:
    text = page.get_by_text(VIEW_EPOCH).first.inner_text(timeout=30_000)
    return int(VIEW_EPOCH.search(text).group(1))


def _charts_drawn(page) -> int:
    """Plotly figures that have data drawn (not just an empty frame)."""
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .filter(g => g.data && g.data.length).length""")


ALL_DRAWN = """([n, korean]) => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    const drawn = g => g.querySelectorAll('.trace, .hm').length > 0;
    const title = g => (g.layout && g.layout.title && g.layout.title.text || '').replace(/<[^>]*>/g, '');
    return plots.length >= n && plots.every(drawn) && !document.querySelector('[data-stale="true"]')
        && (!korean || plots.every(g => !title(g) || /[\uac00-\ud7a3]/.test(title(g)))); }"""


def _full_page_screenshot(page, name: str, charts: int, korean: bool = False) -> None:
    """Taken once every chart is drawn (with its titles in Korean on the Korean page) and
    nothing is faded out mid-update."""
    tall_screenshot(page, name, drawn=lambda: page.wait_for_function(ALL_DRAWN, arg=[charts, korean], timeout=30_000,
                                                                      polling=100))


# One image run in the browser (live views, the first layer's pictures, a language switch mid-run);
# the 2-D views of a live run are checked through AppTest (tests/app/test_inside_page.py).
@pytest.mark.parametrize("name,query,charts,korean", [
    ("mnist", "dataset=mnist&model=mlp&hidden=32,16&epochs=400&patience=0", 7, True),  # + first-layer pictures
])
def test_inside_page_while_training(page, app_url, name, query, charts, korean):
    page.goto(f"{app_url}/?{query}&lang=en")
    wait_for_app(page)
    limit_speed(page, 1)        # a later epoch within a second or two, and a core left for the drawing
    page.get_by_role("button", name="Train").click()
    page.wait_for_selector("text=/training: epoch \\d+/", timeout=60_000)
    _nav(page, "Inside the network")
    page.get_by_role("heading", name="The network", exact=True).wait_for(timeout=60_000)
    first = _view_epoch(page)
    deadline = time.time() + 40
    while _view_epoch(page) <= first or _charts_drawn(page) < charts:   # live: a later epoch arrives
        assert time.time() < deadline, (first, _view_epoch(page), _charts_drawn(page))
        time.sleep(0.3)
    assert page.get_by_text(re.compile(r"training: epoch \d+")).count() > 0   # still running
    page.get_by_text("Hidden layer 2").first.wait_for()
    _full_page_screenshot(page, f"inside-{name}", charts)
    stop, stopped = "Stop", "stopped at epoch"
    if korean:
        page.locator("[data-testid='stSidebar']").get_by_text("한국어", exact=True).click()
        page.get_by_role("heading", name="학습된 표현 (표현 학습)").wait_for(timeout=30_000)
        page.get_by_text("은닉층 2").first.wait_for()
        _full_page_screenshot(page, f"inside-{name}-ko", charts, korean=True)
        stop, stopped = "중지", "에포크 \\d+에서 중지"
    page.get_by_role("button", name=stop).click()                      # stop from this page
    page.wait_for_selector(f"text=/{stopped}/", timeout=20_000)
