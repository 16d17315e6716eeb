"""The sidebar in a real browser: switching language re-labels the chosen options, and a
page switch clicked before the first run finishes keeps every control's value."""
from browser import screenshot, wait_for_app

QUERY = "dataset=iris&hidden=5,7&activation=tanh&epochs=300&batch_size=16"


def _values(page) -> dict:
    side = page.locator("[data-testid='stSidebar']")
    return dict(side.locator("input").evaluate_all(
        "els => els.map(e => [e.getAttribute('aria-label') || '', e.value])"))


def test_language_switch_relabels_chosen_options(page, app_url):
    page.goto(f"{app_url}/?{QUERY}&scaler=minmax&lang=en")
    wait_for_app(page)
    page.wait_for_selector("input[aria-label='Feature scaling']", state="attached")
    assert _values(page)["Dataset"] == "▦ iris · multi-class classification"
    page.locator("[data-testid='stSidebar']").get_by_text("한국어", exact=True).click()
    # the sidebar is redrawn piece by piece: wait until every control asserted on is in Korean
    labels = ["데이터셋", "활성화 함수", "특성 스케일링", "에포크", "은닉층 1 · 유닛 수", "은닉층 2 · 유닛 수"]
    page.wait_for_function(
        """labels => labels.every(l => document.querySelector(`[data-testid='stSidebar'] input[aria-label='${l}']`))
                     && document.querySelector("input[aria-label='데이터셋']").value.includes('다중')""",
        arg=labels, timeout=30_000)
    v = _values(page)
    assert v["데이터셋"] == "▦ iris · 다중 분류"
    assert v["활성화 함수"] == "하이퍼볼릭 탄젠트(tanh)"
    assert v["특성 스케일링"] == "최소-최대 정규화 (0~1)"
    assert v["에포크"] == "300" and v["은닉층 1 · 유닛 수"] == "5" and v["은닉층 2 · 유닛 수"] == "7"
    screenshot(page, "sidebar-korean-after-switch")


EARLY_LABELS = ("Epochs", "Batch size", "Hidden layer 1 · units", "Hidden layer 2 · units",
                "Activation function")


def test_early_page_switch_keeps_controls(page, app_url):
    for _ in range(3):   # the race was intermittent: repeat it
        page.goto(f"{app_url}/?{QUERY}&lang=en")
        page.get_by_role("link", name="Data").click()          # as soon as the nav exists
        page.wait_for_url("**/data**")
        wait_for_app(page)
        # the sidebar is drawn piece by piece: wait for every control asserted on
        page.wait_for_function(
            """labels => labels.every(l => document.querySelector(`[data-testid='stSidebar'] input[aria-label='${l}']`))""",
            arg=list(EARLY_LABELS), timeout=30_000)
        v = _values(page)
        assert tuple(v[label] for label in EARLY_LABELS) == ("300", "16", "5", "7", "tanh"), v


def test_horsepower_alone_draws_the_prediction_line(page, app_url):
    """The course's Auto MPG notes: pick horsepower as the only input column, train briefly, and
    the lab draws mpg against horsepower with the network's prediction as a line."""
    page.goto(f"{app_url}/?dataset=auto-mpg&epochs=15&patience=0&lang=en")
    wait_for_app(page)
    picker = page.locator(".st-key-w_columns")
    picker.locator("input").click()
    page.get_by_role("option", name="horsepower", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_selector(".st-key-preview_one_input .main-svg", timeout=30_000)   # the dots, before a run
    assert "columns=horsepower" in page.url
    page.get_by_role("button", name="Train", exact=True).click()
    chart = page.locator(".st-key-one_input")
    chart.get_by_text("prediction", exact=True).wait_for(timeout=30_000)
    page.get_by_text("mpg vs horsepower · epoch 15").wait_for(timeout=30_000)     # the run's last epoch drawn
    assert chart.locator("path.js-line").count() >= 1
    screenshot(page, "lab-horsepower-prediction-line")
