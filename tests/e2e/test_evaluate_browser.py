"""A real browser trains briefly on titanic, mnist and auto-mpg, opens the Evaluate page,
uses its controls (threshold slider, confusion-cell picker, language) and saves
screenshots test-artifacts/evaluate-<dataset>.png (English) and -ko.png (Korean)."""
from __future__ import annotations

import re

import pytest
from browser import screenshot, tall_screenshot, wait_for_app, wait_until_still

from playground.i18n import Translator

pytestmark = pytest.mark.e2e
EN, KO = Translator("en"), Translator("ko")
MAIN = "[data-testid='stMain']"


def train_then_evaluate(page, app_url, dataset: str, epochs: int) -> None:
    page.goto(f"{app_url}/?dataset={dataset}&epochs={epochs}&lang=en")
    wait_for_app(page)
    # wait_for_app can return before the first run has drawn the sidebar; a click that
    # early may train another configuration, so wait for the dataset control to show ours
    page.wait_for_function(
        "ds => (document.querySelector('[data-testid=\"stSidebar\"] input[role=combobox]') || {}).value"
        "?.includes(ds + ' ·')", arg=dataset, timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name=re.compile(rf"{EN('train.start')}$")).click()
    page.wait_for_function(   # the Train page's status says the run is over
        "ts => ts.some(t => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(t))",
        arg=[EN("status.completed", epoch="").split(":")[0], EN("status.early_stopped", epoch="").strip()],
        timeout=60_000)
    page.locator("[data-testid='stSidebarNav'] a", has_text=EN("nav.evaluate")).click()
    page.get_by_text(EN("eval.baseline.title")).wait_for(timeout=30_000)
    page.get_by_text(EN("eval.cv.empty")).wait_for(timeout=30_000)     # the page's last element
    wait_for_app(page)


def to_korean(page, last: str = KO("eval.cv.empty")) -> None:
    page.locator("[data-testid='stSidebar'] button", has_text="한국어").click()
    page.get_by_text(KO("eval.title")).wait_for(timeout=30_000)
    page.get_by_text(KO("eval.baseline.title")).wait_for(timeout=30_000)
    page.get_by_text(last).first.wait_for(timeout=30_000)
    wait_for_app(page)


def main_text(page) -> str:
    return page.locator(MAIN).inner_text()


def test_titanic_threshold_slider(page, app_url):
    train_then_evaluate(page, app_url, "titanic", 8)
    text = main_text(page)
    assert EN("eval.title") in text and "· titanic ·" in text
    for key in ("eval.plot.roc_title", "eval.plot.pr_title", "eval.report", "eval.cv.title"):
        assert EN(key) in text, key
    rule = re.compile(r"“survived” ≥ (\d\.\d\d)")
    assert rule.search(text).group(1) == "0.50"
    # a real click on the slider track, at 25% of its width: the threshold and the counts move
    counts_before = re.search(r"TP \d+ · FP \d+ · FN \d+ · TN \d+", text).group(0)
    track = page.locator(f"{MAIN} [data-testid='stSlider']").first.bounding_box()
    page.mouse.click(track["x"] + 0.25 * track["width"], track["y"] + track["height"] * 0.75)
    page.wait_for_function(
        "before => { const t = document.querySelector(\"[data-testid='stMain']\").innerText;"
        " return !/≥ 0\\.50 /.test(t) && !t.includes(before); }", arg=counts_before, timeout=20_000)
    wait_for_app(page)
    text = main_text(page)
    assert 0.15 < float(rule.search(text).group(1)) < 0.4
    assert re.search(r"TP \d+ · FP \d+ · FN \d+ · TN \d+", text).group(0) != counts_before
    # cross-validation: five mean tiles, each with its ± std readable (not cut off)
    page.get_by_role("button", name=EN("eval.cv.run")).click()
    page.get_by_text(EN("eval.cv.mean_std", n=5)).wait_for(timeout=60_000)
    wait_for_app(page)
    tiles = page.locator(f"{MAIN} [data-testid='stMetric']").filter(has=page.locator("[data-testid='stMetricDelta']"))
    assert tiles.count() == 5
    for i in range(5):
        delta = tiles.nth(i).locator("[data-testid='stMetricDelta']")
        assert re.fullmatch(r"± \d\.\d{3}", delta.inner_text().strip())
        assert delta.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the std is cut off"
    tall_screenshot(page, "evaluate-titanic")
    to_korean(page, last=KO("eval.cv.mean_std", n=5))
    assert KO("eval.plot.roc_title") in main_text(page)
    screenshot(page, "evaluate-titanic-ko")          # the first screen: the full height is shown in English


def test_mnist_gallery_and_confusion_cell(page, app_url):
    train_then_evaluate(page, app_url, "mnist", 2)
    text = main_text(page)
    assert EN("eval.gallery") in text and EN("eval.top_confusions") in text and "· mnist ·" in text
    gallery = page.locator(f"{MAIN} img")
    gallery.nth(9).wait_for(timeout=20_000)              # the gallery of misclassified digits
    # pick a confusion-matrix cell (the second option: the most frequent confusion)
    picker = page.get_by_role("combobox", name=EN("eval.gallery_cell"))
    option = page.locator("[role='option']").nth(1)
    # scrolled to first: the click's own scroll shifted the page under it, and its first click
    # only focused the box (the list then opened at the second, 5 s later, every time)
    picker.scroll_into_view_if_needed()
    wait_until_still(page)
    for _ in range(5):            # a click landing during a rerun may not open the list
        picker.click()
        try:
            option.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
            wait_for_app(page)
    else:
        screenshot(page, "evaluate-mnist-picker-closed")      # for the next look at why
        pytest.fail("the confusion-cell list did not open in 5 clicks")
    choice = option.inner_text()
    true, pred, n = re.search(r"true (\d) → predicted (\d) \((\d+)\)", choice).groups()
    option.click()
    shown = EN("eval.gallery_more", shown=min(int(n), 30), n=n)
    page.wait_for_function(f"() => document.querySelector(\"{MAIN}\").innerText.includes('{shown}')",
                           timeout=20_000)
    wait_for_app(page)
    captions = re.findall(r"true (\d) → (\d) ·", main_text(page))
    assert len(captions) == min(int(n), 30) and set(captions) == {(true, pred)}
    tall_screenshot(page, "evaluate-mnist")
    to_korean(page)
    assert KO("eval.gallery") in main_text(page)
    screenshot(page, "evaluate-mnist-ko")          # the first screen: the full height is shown in English


def test_auto_mpg_regression(page, app_url):
    train_then_evaluate(page, app_url, "auto-mpg", 20)
    text = main_text(page)
    for key in ("eval.m.r2", "eval.m.mae", "eval.m.rmse", "eval.plot.pred_actual_title", "eval.plot.residual_title",
                "eval.baseline.linear"):
        assert EN(key) in text, key
    assert "· auto-mpg ·" in text
    tall_screenshot(page, "evaluate-auto-mpg")
    to_korean(page)
    assert KO("eval.plot.residual_title") in main_text(page)
    screenshot(page, "evaluate-auto-mpg-ko")          # the first screen: the full height is shown in English
