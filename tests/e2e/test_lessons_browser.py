"""Lesson 1 in a real browser: `/?lesson=hidden-layers` opens the lab with the lesson beside
it; following its steps (train as the preset, add a hidden layer, train again) marks it
done, on the lab and on the Lessons page. Screenshots go to test-artifacts/."""
from __future__ import annotations

from browser import screenshot, wait_for_app

from playground import lessons

LESSON = lessons.load_all()[0]


def _panel(page):
    """The lesson's expander beside the lab (its summary names the lesson and the goal's state)."""
    return page.locator("[data-testid='stExpander']").filter(has_text=f"Lesson {LESSON.number} ·").first


def test_following_lesson_one_marks_it_done(page, app_url):
    page.goto(f"{app_url}/?lesson={LESSON.id}&lang=en")
    wait_for_app(page)
    panel = _panel(page)
    panel.wait_for(timeout=30_000)
    assert "goal not reached yet" in panel.locator("summary").inner_text()
    for step in LESSON.steps[:2]:
        assert panel.get_by_text(step.text["en"].split("**")[0].strip()[:30]).count()
    # step 1: train as the preset (no hidden layer): the goal is not met
    page.get_by_role("button", name="Train").click()
    panel.get_by_text("Your last run:").wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    assert "goal not reached yet" in panel.locator("summary").inner_text()
    # step 2: one hidden layer, train again
    layers = page.locator("[data-testid='stSidebar'] .st-key-w_n_layers input[type='range']").first
    layers.focus()
    layers.press("ArrowRight")
    page.locator("[data-testid='stSidebar'] .st-key-w_units_0").wait_for(timeout=20_000)
    page.get_by_role("button", name="Train").click()
    page.locator("[data-testid='stExpander'] summary").filter(has_text="— done").wait_for(timeout=90_000)
    screenshot(page, "lesson-1-done")
    # the Lessons page marks it
    page.get_by_role("link", name="Lessons").first.click()
    page.get_by_text(f"1 of {len(lessons.load_all())} lessons done").wait_for(timeout=30_000)
    screenshot(page, "lessons-page")
