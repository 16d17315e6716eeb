"""ui.charts_later: a tab's first page draws the lab's preview charts as frames, with one
element that asks for them once the browser shows the page (the browser's side, and the frames
filling themselves, are in tests/e2e/test_lab_browser.py); any later full run draws them."""
from apptest import charts, open_app

from ui import warm

CIRCLE = {"lang": "en", "dataset": "circle"}
PREVIEW = ["curves_empty", "preview_network", "preview_points"]


def _charts(at) -> list[str]:
    """The keys of the page's charts (the curves are a live one, ui.live_chart)."""
    return sorted(key for key, _ in charts(at))


def _frames_trigger(at) -> list:
    return [c for c in at.get("bidi_component") if c.proto.component_name == "charts_later.shown"]


def test_a_tabs_first_page_frames_its_charts_and_the_next_full_run_draws_them():
    at = open_app(query=CIRCLE)
    assert _charts(at) == [] and len(_frames_trigger(at)) == 1
    assert any(b.label == "Train" for b in at.button)         # the controls are all there
    at.run()
    assert _charts(at) == PREVIEW and _frames_trigger(at) == []
    at.run()
    assert _charts(at) == PREVIEW                             # once a session


def test_a_table_frames_the_network_and_the_curves():
    at = open_app(query={"lang": "en", "dataset": "titanic"})
    assert _charts(at) == [] and len(_frames_trigger(at)) == 1
    at.run()
    assert _charts(at) == ["curves_empty", "preview_network"]


def test_in_a_crowd_the_first_page_draws_its_charts(monkeypatch):
    monkeypatch.setattr(warm, "crowded", lambda now=None: True)
    at = open_app(query=CIRCLE)
    assert _charts(at) == PREVIEW and _frames_trigger(at) == []
