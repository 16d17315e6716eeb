"""Issue 27 in a real browser: a link with one activation per layer and early stopping on
val_accuracy fills the sidebar (each layer's select, the monitor), the run trains, and
Evaluate shows the classic models' table, the tree's rules and k-means; screenshots
test-artifacts/classic-sidebar-<lang>.png and classic-evaluate-<lang>.png."""
from __future__ import annotations

import re

import pytest
from browser import screenshot, tall_screenshot, wait_for_app

from playground.i18n import Translator

pytestmark = pytest.mark.e2e
MAIN = "[data-testid='stMain']"
QUERY = "dataset=circle&hidden=8,6,4&activation=relu,tanh,sigmoid&patience=5&monitor=val_accuracy&epochs=40"


def _train_then_evaluate(page, T) -> None:
    """Train to the end (finished or stopped early), then open Evaluate's classic models."""
    page.get_by_role("button", name=re.compile(rf"{T('train.start')}$")).click()
    done = [T("status.completed", epoch="").split(":")[0],
            *[p.strip() for p in T("status.early_stopped", epoch="\0").split("\0") if len(p.strip()) > 3]]
    page.wait_for_function("ts => ts.some(t => document.querySelector('[data-testid=\"stMain\"]').innerText"
                           ".includes(t))", arg=done, timeout=90_000)
    page.locator("[data-testid='stSidebarNav'] a", has_text=T("nav.evaluate")).click()
    page.get_by_text(T("classic.title")).wait_for(timeout=60_000)


# Once, in Korean (the English page is checked through AppTest: tests/app/test_classic_section.py)
@pytest.mark.parametrize("lang", ["ko"])
def test_per_layer_activations_monitor_and_classic_models(page, app_url, lang):
    T = Translator(lang)
    page.goto(f"{app_url}/?{QUERY}&lang={lang}")
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text(T("classic.layer_activation", i=3)).wait_for(timeout=30_000)
    sidebar.locator("summary", has_text=T("side.more")).click()
    sidebar.get_by_text(T("field.monitor")).wait_for(timeout=10_000)
    text = sidebar.text_content()
    for i in (1, 2, 3):
        assert T("classic.layer_activation", i=i) in text
    values = sidebar.locator("input[role=combobox]").evaluate_all("es => es.map(e => e.value)")
    assert T("classic.act.sigmoid") in values and T("choice.monitor.val_accuracy") in values, values
    screenshot(page, f"classic-sidebar-{lang}")
    _train_then_evaluate(page, T)
    page.get_by_text(T("classic.kmeans.title")).click()
    page.get_by_text(T("classic.plot.elbow")).first.wait_for(timeout=30_000)
    wait_for_app(page)
    main = page.locator(MAIN).inner_text()
    for kind in ("tree", "forest", "svm", "knn"):
        assert T(f"classic.model.{kind}") in main
    assert "gini" in main and T("classic.impurity.gini") in main
    tall_screenshot(page, f"classic-evaluate-{lang}")


def test_a_table_shows_a_trees_pr_curve_kmeans_on_its_components_and_planted_outliers(page, app_url):
    """breast-cancer in English: after training, the decision tree's precision-recall curve shows
    beside the network's; a click opens k-means, drawn on the table's principal components beside
    the true classes, another the isolation forest's most anomalous rows; no exception anywhere.
    Screenshot test-artifacts/classic-table-en.png."""
    T = Translator("en")
    page.goto(f"{app_url}/?dataset=breast-cancer&epochs=5&lang=en")   # 5 epochs: the views, not the score
    wait_for_app(page)
    _train_then_evaluate(page, T)
    page.get_by_text(f"{T('eval.plot.pr_title')} · {T('classic.model.tree')}").wait_for(timeout=30_000)
    page.get_by_text(T("classic.kmeans.title")).click()
    page.get_by_text(T("classic.plot.truth", target="diagnosis")).wait_for(timeout=30_000)
    page.get_by_text(T("outliers.title")).click()
    page.get_by_text(T("outliers.top", n=15)).wait_for(timeout=30_000)
    wait_for_app(page)
    main = page.locator(MAIN)
    assert main.locator("[data-testid='stException']").count() == 0
    assert main.get_by_text(re.compile(r"^PC1 \(")).count() >= 1 and T("outliers.m.recall") in main.inner_text()
    tall_screenshot(page, "classic-table-en", max_height=9000)

