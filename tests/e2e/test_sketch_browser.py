"""Draw a digit in a real browser: make the default model in one click, draw a 7 with the
mouse, see it read; undo and clear; the same in Korean. Screenshots in test-artifacts/."""
from browser import screenshot, wait_for_app, wait_until_still

TOP = "[data-testid='sketch-top']"


def _canvas(page):
    page.wait_for_selector("canvas.upper-canvas", timeout=90_000)   # Fabric's event layer
    box = page.locator("canvas.upper-canvas").first.bounding_box()
    assert round(box["width"]) == round(box["height"]) == 280       # square
    return box


def _draw_seven(page, box) -> None:
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + 70, y0 + 60)
    page.mouse.down()
    for t in range(1, 21):                      # the bar
        page.mouse.move(x0 + 70 + 7 * t, y0 + 60)
    for t in range(1, 21):                      # the stem
        page.mouse.move(x0 + 210 - 4 * t, y0 + 60 + 9 * t)
    page.mouse.up()


def _bars(page) -> int:
    """Bars in the probability chart (the first plotly figure after the prediction)."""
    return page.evaluate("""() => {
        const g = document.querySelector('.js-plotly-plot');
        return g && g.data && g.data.length ? g.data[0].x.length : 0; }""")


def _full_shot(page, name):
    page.set_viewport_size({"width": 1400, "height": 2400})   # Streamlit scrolls inside its main block
    wait_until_still(page)                                    # the charts' layout for the new size
    path = screenshot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def test_draw_a_digit_and_see_it_read(page, app_url):
    page.goto(f"{app_url}/sketch?lang=en")
    wait_for_app(page)
    assert page.locator(TOP).count() == 0
    page.get_by_role("button", name="Make the default digit model").click()
    box = _canvas(page)
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=30_000)
    _draw_seven(page, box)
    page.wait_for_selector(TOP, timeout=30_000)
    assert page.locator(TOP).inner_text() == "7"
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=30_000)
    assert _bars(page) == 10
    _full_shot(page, "sketch")
    # undo: the canvas's own toolbar (shown on hover) takes the stroke back and the reading goes
    page.locator("canvas.upper-canvas").first.hover()
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=30_000)
    assert page.locator(TOP).count() == 0
    # clear: our button gives a fresh canvas
    _draw_seven(page, _canvas(page))
    page.wait_for_selector(TOP, timeout=30_000)
    page.get_by_role("button", name="Clear").click()
    page.get_by_text("Draw a digit on the canvas").wait_for(timeout=30_000)
    assert page.locator(TOP).count() == 0


def test_korean_sketch_page(page, app_url):
    page.goto(f"{app_url}/sketch?lang=ko")
    wait_for_app(page)
    page.get_by_role("button", name="기본 숫자 모델 만들기").click()
    _draw_seven(page, _canvas(page))
    page.wait_for_selector(TOP, timeout=30_000)
    assert page.locator(TOP).inner_text() == "7"
    page.get_by_text("숫자별 확률 (소프트맥스 출력)").wait_for()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=30_000)
    _full_shot(page, "sketch-ko")
