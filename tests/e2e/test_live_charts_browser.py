"""The lab's live charts in a real browser: the Train click reruns the lab alone and its
curves are drawn first; a poll sends the heavier charts only with their news; a zoom and a
hover on the live curves stay while the run trains; a click on a node opens it large."""
from __future__ import annotations

import re
import time
from collections import Counter

from browser import limit_speed, wait_until_still
from lab_page import open_at, stop_run
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


def _charts_sent(frames: list[tuple[float, bytes]], since: float) -> Counter:
    """How often each chart (by its key) was sent after `since`: in full, or as a
    reference to a message the browser has cached (Streamlit's message cache)."""
    keys, sent = {}, Counter()
    for t, payload in frames:
        if isinstance(payload, str):
            continue
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        element = msg.delta.new_element if kind == "delta" else None
        if element and element.WhichOneof("type") in ("plotly_chart", "bidi_component"):   # a live one: ui.live_chart
            keys[msg.hash] = key = getattr(element, element.WhichOneof("type")).id.rsplit("-", 1)[-1]
        elif kind == "ref_hash":
            key = keys.get(msg.ref_hash)
        else:
            continue
        if t >= since and key:
            sent[key] += 1
    return sent


# Which live charts the page draws, in order (wrapping the Plotly that the preview's charts loaded)
DRAW_ORDER = """() => { window.__drawn = []; const react = window.Plotly.react;
    window.Plotly.react = function (gd, ...rest) {
        const key = ((gd.closest('[class*=st-key-]') || {}).className || '').match(/st-key-(\\S+)/);
        if (key) window.__drawn.push(key[1]);
        return react.call(this, gd, ...rest); }; }"""


def test_a_poll_sends_the_curves_and_the_heavier_charts_only_with_their_news(page, app_url):
    """The Train click reruns the lab (a fragment), not the sidebar: a whole page's run sent the
    sidebar's ~50 elements first and the browser drew them again before the curves (the first
    point ~0.1 s later). The browser draws the curves before the network and the boundary that
    arrive with them (ui.live_chart's `first`): those two took ~0.1-0.25 s of plotly before it.
    While the run trains the lab polls about once a second. The network and the boundary get
    a new picture every few seconds (the probes, views/train.PROBE_EVERY_S): a poll sends them
    only then. One fragment sent them at every poll beside the curves, and the browser and the
    server's script thread redrew and re-encoded them beside the training thread."""
    frames = []

    def follow(ws):
        ws.on("framereceived", lambda payload: frames.append((time.monotonic(), payload)))

    page.on("websocket", follow)
    try:
        open_at(page, f"{app_url}/?dataset=spiral&epochs=0&lang=en", 1400, 1000)
        limit_speed(page, 30)
        wait_until_still(page)
        page.evaluate(DRAW_ORDER)
        clicked = time.monotonic()
        page.get_by_role("button", name="Train").click()
        page.wait_for_function("() => ['lab_network', 'boundary'].every(k => window.__drawn.includes(k))",
                               timeout=30_000)
        drawn = page.evaluate("() => window.__drawn")
        page.wait_for_timeout(2000)              # past the first point's fast polls
        since = time.monotonic()
        page.wait_for_timeout(9000)              # (a wait that lets the frames' events in)
        window = time.monotonic() - since
        sent = _charts_sent(frames, since)
    finally:
        page.remove_listener("websocket", follow)
        stop_run(page)
    click_run = []       # the click's own run: up to its end (a poll or a whole run may follow)
    for msg in (ForwardMsg.FromString(p) for t, p in frames if t >= clicked and not isinstance(p, str)):
        if msg.WhichOneof("type") == "script_finished":
            break
        click_run.append(msg)
    roots = Counter(m.metadata.delta_path[0] for m in click_run if m.WhichOneof("type") == "delta")
    assert roots[0] >= 10 and roots[1] == 0, roots        # the lab (root 0) drawn, the sidebar (1) not sent
    first = drawn.index("curves")
    assert first < drawn.index("lab_network") and first < drawn.index("boundary"), drawn
    assert sent["curves"] >= 2, sent            # the page polled and drew
    most = window / 3 + 3        # a new probe at most every 3 s; a slack for a full rerun (ui.revive)
    assert 1 <= sent["lab_network"] <= most and 1 <= sent["boundary"] <= most, (sent, window)


CURVES_X = """() => { const g = document.querySelector('.st-key-curves .js-plotly-plot');
    const x = g && g._fullData && g._fullData.length ? g._fullData[0].x : [];
    return {range: g && g._fullLayout.xaxis.range, last: x.length ? Number(x[x.length - 1]) : 0}; }"""


def test_a_zoom_and_a_hover_on_the_live_curves_stay_while_the_run_trains(page, app_url):
    """Streamlit draws a changed plotly figure as a new chart: a zoom dragged on the live curves
    was gone at the next poll, a hover label too (and hovering threw plotly errors). The live
    charts are redrawn in place (ui.live_chart): the zoom stays through the polls and the axis'
    growth, until a double click gives the whole run back; they carry Streamlit's theme."""
    errors = []

    def caught(error):
        errors.append(error)

    page.on("pageerror", caught)
    open_at(page, f"{app_url}/?dataset=spiral&hidden=8,8&epochs=0&lang=en", 1400, 900)
    try:
        limit_speed(page, 10)
        page.get_by_role("button", name="Train").click()
        page.wait_for_function(f"() => ({CURVES_X})().last >= 3", timeout=30_000)
        chart = page.evaluate_handle("() => document.querySelector('.st-key-curves .js-plotly-plot')")
        box = page.locator(".st-key-curves .nsewdrag").first.bounding_box()
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 0.1, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
        page.mouse.up()
        zoomed = page.evaluate(CURVES_X)
        # past two steps of the growing axis (at epochs 9 and 17, figures.training.x_extent)
        page.wait_for_function(f"() => ({CURVES_X})().last >= {max(zoomed['last'], 3) + 15}", timeout=30_000)
        later = page.evaluate(CURVES_X)
        assert later["range"] == zoomed["range"] and zoomed["range"][0] > 0.5, (zoomed, later)
        assert page.evaluate("g => g.isConnected", chart)        # the same chart, redrawn
        page.mouse.move(box["x"] + box["width"] * 0.5, y)      # a hover label stays through two polls
        page.wait_for_selector(".st-key-curves .hoverlayer .legend", timeout=5_000)
        last = later["last"]
        page.wait_for_function(f"() => ({CURVES_X})().last >= {last + 15}", timeout=30_000)
        assert page.locator(".st-key-curves .hoverlayer .legend").count() == 1
        network, curves = page.evaluate("""() => ['lab_network', 'curves'].map(
            k => document.querySelector(`.st-key-${k} .js-plotly-plot`).layout.template)""")
        assert curves == network        # else refresh ui/plotly_theme.json from a Streamlit chart's
        page.mouse.dblclick(box["x"] + box["width"] * 0.5, y)   # the whole run again, as it grows
        page.wait_for_function(f"""() => {{ const c = ({CURVES_X})();
            return c.range[0] === 0.5 && c.range[1] >= c.last && c.last >= {last + 20}; }}""", timeout=30_000)
        # a box zoomed in the loss panel, then the log scale: the loss axis' linear zoom means nothing
        # on a log axis, so it goes; the epochs' zoom stays
        page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.05)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3, steps=5)
        page.mouse.up()
        axes = "() => { const l = document.querySelector('.st-key-curves .js-plotly-plot')._fullLayout; " \
               "return [l.xaxis.range, l.yaxis.type, l.yaxis.range]; }"
        x_zoom, _, y_zoom = page.evaluate(axes)
        page.locator(".st-key-train_log_scale label").first.click()
        page.wait_for_function(f"() => ({axes})()[1] === 'log'", timeout=20_000)
        page.wait_for_timeout(1500)              # a poll or two on
        x_now, _, y_now = page.evaluate(axes)
        assert x_zoom[0] > 0.5 and x_now == x_zoom and y_now != y_zoom, (x_zoom, y_zoom, x_now, y_now)
        assert not errors, errors
    finally:
        page.remove_listener("pageerror", caught)
        stop_run(page)


def test_a_click_on_a_node_opens_it_large_in_the_middle_panel(page, app_url):
    """The diagram is a live chart that takes clicks (ui.live_chart): hidden node 3 of the first
    layer, clicked, replaces the boundary with its picture, large; 'back' shows the boundary."""
    open_at(page, f"{app_url}/?dataset=circle&hidden=4&epochs=3&lang=en", 1400, 900)
    page.get_by_role("button", name="Train").click()
    page.wait_for_selector("text=/finished: 3 epochs/", timeout=60_000)
    wait_until_still(page)
    # column 1 (the first hidden layer), node 3 of 4 at y = (4 - 1) / 2 - 2 (figures.lab.node_at)
    x, y = page.evaluate("""() => { const g = document.querySelector('.st-key-lab_network .js-plotly-plot');
        const r = g.querySelector('.nsewdrag').getBoundingClientRect(), l = g._fullLayout;
        return [r.left + l.xaxis.d2p(1), r.top + l.yaxis.d2p(-0.5)]; }""")
    page.mouse.click(x, y)
    page.locator(".st-key-lab_node_fig .js-plotly-plot").wait_for(timeout=20_000)
    page.get_by_text(re.compile(r"^h1·3 over the input plane · epoch \d")).wait_for()
    assert page.locator(".st-key-boundary").count() == 0
    page.get_by_role("button", name="Back to the boundary").click()
    page.locator(".st-key-boundary .js-plotly-plot").wait_for(timeout=20_000)
    assert page.locator(".st-key-lab_node_fig").count() == 0
