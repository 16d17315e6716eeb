"""What only a browser shows a newcomer (issue 24): on a phone the sidebar stays closed and
the run buttons clear the header; the file uploader speaks Korean on the Korean page."""
from __future__ import annotations

from browser import screenshot, wait_for_app, wait_until_still


def test_a_phone_opens_the_lab_with_the_sidebar_closed(browser, app_url):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/?lang=ko")
        page.get_by_role("button", name="학습 시작").wait_for(timeout=60_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        wait_until_still(page)          # a sidebar opening would have begun (and ended)
        side = page.locator("[data-testid='stSidebar']").bounding_box()
        assert side["width"] == 0 or side["x"] + side["width"] <= 0, side        # not over the page
        header = page.evaluate("() => document.querySelector('header').getBoundingClientRect().bottom")
        assert page.get_by_role("button", name="학습 시작").bounding_box()["y"] >= header   # not under the header
        screenshot(page, "newcomer-phone-ko")
    finally:
        ctx.close()


def test_the_upload_box_speaks_korean(page, app_url):
    page.goto(f"{app_url}/?dataset=titanic&lang=ko")
    wait_for_app(page)
    page.locator("[data-testid='stSidebar'] [data-testid='stExpander'] summary").first.click()
    box = page.locator("[data-testid='stFileUploaderDropzone']").first
    box.wait_for()
    # the style arrives as its own element: read once it has been applied, or what is shown at the end
    read = """() => {
        const el = document.querySelector('[data-testid=stFileUploaderDropzone]');
        const seen = e => e ? [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content] : null;
        return [seen(el.querySelector('button [data-testid=stMarkdownContainer] p')),
                seen(el.parentElement.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span'))];
    }"""
    try:
        page.wait_for_function(f"() => ({read})()[0][0] === '0px'", timeout=20_000)
    except Exception:
        pass                                            # the assertion below says what was shown
    shown = page.evaluate(read)
    assert shown == [["0px", '"파일 올리기"'], ["0px", '"파일당 20MB까지"']], shown     # Streamlit's English at size 0
    screenshot(page, "newcomer-upload-ko")


def test_projector_mode_keeps_the_lab_in_the_first_screen(page, app_url):
    """Projector mode's larger text pushed the nodes and the boundary's toggles below the fold
    at 1280x720, and its header covered the speed control's label."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app_url}/?dataset=circle&epochs=0&lang=ko&projector=1")
    page.get_by_role("button", name="학습 시작").click(timeout=60_000)
    page.locator(".st-key-lab_network .js-plotly-plot").first.wait_for(timeout=60_000)
    wait_until_still(page)                   # the other panels drawn
    for key in ("lab_network", "boundary", "curves", "lab_show_test", "lab_discretize", "train_log_scale"):
        # the bottom read in the same call that finds the element (a rerun may replace it in between)
        bottom = page.wait_for_function(f"""() => {{ const e = document.querySelector('.st-key-{key}');
            const r = e && e.getBoundingClientRect(); return r && r.height > 0 ? r.bottom : null; }}""",
                                        timeout=30_000).json_value()
        assert bottom <= 720, (key, bottom)
    speed = page.locator("[data-testid='stWidgetLabel']").filter(has_text="속도").first
    speed.wait_for()
    label = speed.bounding_box()
    header = page.evaluate("() => document.querySelector('header').getBoundingClientRect().bottom")
    assert label["y"] >= header - 2, (label, header)
    page.get_by_role("button", name="중지").click()
    screenshot(page, "newcomer-projector-1280x720-ko")


# every element whose text is wider than its box and clipped; every plotly text outside its chart
CUT = """() => [...document.querySelectorAll('[data-testid=stMain] *, [data-testid=stSidebar] *')]
    .filter(e => e.innerText && e.innerText.trim() && e.innerText.length < 80 && getComputedStyle(e).overflow !== 'visible'
                 && e.scrollWidth > e.clientWidth + 1 && e.getBoundingClientRect().width > 1)
    .map(e => e.innerText.trim())
    .concat([...document.querySelectorAll('.js-plotly-plot svg.main-svg text')].filter(t => {
        const r = t.getBoundingClientRect(), s = t.closest('.js-plotly-plot').getBoundingClientRect();
        return t.textContent.trim() && (r.left < s.left - 1 || r.right > s.right + 1); }).map(t => t.textContent))"""


def test_no_label_is_cut_at_1024_px(page, app_url):
    """'Accuracy (higher is better', '∞ end…', 'Run cross-valid…' were cut at 1024 and 1280 px."""
    page.set_viewport_size({"width": 1024, "height": 768})
    for path in ("/?dataset=titanic&lang=en", "/?dataset=auto-mpg&lang=ko", "/evaluate?dataset=titanic&lang=en"):
        page.goto(app_url + path)
        wait_for_app(page)
        wait_until_still(page)                # the charts' drawing
        assert page.evaluate(CUT) == [], path
