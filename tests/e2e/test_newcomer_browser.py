"""What only a browser shows a newcomer (issue 24): on a phone the sidebar stays closed and
the run buttons clear the header; the file uploader speaks Korean on the Korean page."""
from __future__ import annotations

from browser import screenshot, wait_for_app


def test_a_phone_opens_the_lab_with_the_sidebar_closed(browser, app_url):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/?lang=ko")
        page.get_by_role("button", name="학습 시작").wait_for(timeout=60_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        page.wait_for_timeout(1000)     # a sidebar opening would have begun
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
    shown = box.evaluate("""el => {
        const seen = e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content];
        return [seen(el.querySelector('button [data-testid=stMarkdownContainer] p')),
                seen(el.parentElement.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span'))];
    }""")
    assert shown == [["0px", '"파일 올리기"'], ["0px", '"파일당 20MB까지"']], shown     # Streamlit's English at size 0
    screenshot(page, "newcomer-upload-ko")
