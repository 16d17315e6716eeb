"""ui.warm: the lab's run elements are drawn hidden before a run only when the server holds a
class (sessions active in the last minute), and then on the page (AppTest)."""
import time

from apptest import open_app, tables

from ui import registry, warm


def test_pages_warm_up_in_a_crowd_only(monkeypatch):
    closed = set()
    reg = registry.Registry(connected=lambda session: session not in closed)
    monkeypatch.setattr(registry, "REGISTRY", reg)
    for i in range(warm.CROWD - 1):
        reg.count_rerun(f"student-{i}")
    assert not warm.crowded()
    reg.count_rerun("one-more")
    assert warm.crowded()
    assert not warm.crowded(now=time.monotonic() + warm.RECENT_S + 1)     # a class that left a minute ago
    closed.add("student-0")
    assert not warm.crowded()               # a closed tab is not in the class (one browser, page after page)

    at = open_app(query={"lang": "en", "dataset": "circle"})
    assert any(d.value.equals(warm.TABLE) for d in at.dataframe) and tables(at) == []
    monkeypatch.setattr(warm, "crowded", lambda now=None: False)
    at.run()
    assert not any(d.value.equals(warm.TABLE) for d in at.dataframe)


def test_the_server_warms_up_once_after_the_first_page_is_drawn(monkeypatch):
    """The training stack's warm-up (playground.runs.warmup) starts at the end of a page's run,
    once per process: started while the first page was drawn, its imports made that page ~0.6 s
    slower on a fresh server (bench/first_page.py)."""
    import streamlit as st

    from ui import runs
    from ui.session import Key
    drawn_before = []
    monkeypatch.setattr(runs, "_warmed", False)
    monkeypatch.setattr(runs.warmup, "warm_up_in_background",
                        lambda: drawn_before.append(Key.RUN_CONTROLS in st.session_state))
    at = open_app(query={"lang": "en", "dataset": "circle"})
    next(b for b in at.button if b.label == "Train")          # the lab was drawn
    at.run()
    assert drawn_before == [True]         # once, and after the lab's controls
