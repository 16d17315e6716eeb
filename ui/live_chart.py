"""A chart that a live run redraws in place, so the learner's zoom and hover stay.

`st.plotly_chart` (Streamlit 1.67) makes a chart's element id from its figure, so a changed
figure is drawn as a new chart: a zoom dragged on the live curves was gone at the next poll,
and a hover label vanished every second (both checked in Chromium). Here one keyed element
keeps one plotly chart and hands each new figure to `Plotly.react`, which keeps what the
learner changed while `uirevision` stays (figures.style.layout) and redraws only what differs.

It draws with the plotly that Streamlit's own charts load: Streamlit's PlotlyChart chunk sets
`window.Plotly`; where no chart has loaded it yet, the element imports that chunk from the
same address, so the browser fetches and runs it once. It looks like Streamlit's charts: the
template is Streamlit's theme as its charts resolve it for this app's [theme]
(plotly_theme.json, taken from a Streamlit chart in Chromium; tests/e2e compares the two on
the lab page), and a figure's title is bold as there.
"""
from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st
from plotly.io.json import to_json_plotly
from streamlit import components

THEME = json.loads((Path(__file__).with_name("plotly_theme.json")).read_text(encoding="utf-8"))


def _plotly_chunk() -> str | None:
    """Streamlit's PlotlyChart chunk, as a path beside its entry script (None if renamed)."""
    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return f"./{found[0].name}" if found else None


_JS = """
const THEME = __THEME__;
const CHUNK = __CHUNK__;
let loading = null;

function waitForPlotly(resolve) {
  if (window.Plotly) resolve(window.Plotly); else setTimeout(() => waitForPlotly(resolve), 100);
}

function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    const entry = [...document.querySelectorAll("script[type=module][src]")]
      .find((s) => /\\/static\\/js\\/index\\./.test(s.src));
    const waiting = () => new Promise(waitForPlotly);
    loading = CHUNK && entry
      ? import(new URL(CHUNK, entry.src).href).then(() => window.Plotly || waiting(), waiting)
      : waiting();
  }
  return loading;
}

// A chart drawn `first` (the lab's curves) goes before the others that came with it: a run's
// first point arrives with the network and the boundary, whose draws (~50-150 ms of plotly
// each, in the page's order: they mount before the curves) held the curves back ~0.1-0.25 s.
// The others wait one painted frame (by then the charts mounted with them have registered),
// then for the first ones' draws and another frame (or 100 ms where no frame comes: a hidden tab).
const FIRST = window.__liveFirst || (window.__liveFirst = { pending: 0, waiting: [] });

function afterPaint() {
  return new Promise((resolve) => {
    let done = false;
    const go = () => { if (!done) { done = true; setTimeout(resolve, 0); } };
    requestAnimationFrame(go);
    setTimeout(go, 100);
  });
}

function firstDrawn() {
  if (--FIRST.pending > 0) return;
  const waiting = FIRST.waiting.splice(0);
  afterPaint().then(() => waiting.forEach((go) => go()));
}

function afterFirst() {
  return afterPaint().then(() => FIRST.pending && new Promise((go) => FIRST.waiting.push(go)));
}

function themed(fig) {
  const layout = { ...(fig.layout || {}), template: THEME };
  const title = typeof layout.title === "string" ? { text: layout.title } : layout.title;
  if (title && title.text) layout.title = { ...title, text: `<b>${title.text}</b>` };
  return layout;
}

export default function ({ data, parentElement, setTriggerValue }) {
  let gd = parentElement.querySelector(":scope > .live-chart");
  if (!gd) {
    gd = document.createElement("div");
    gd.className = "live-chart";
    parentElement.appendChild(gd);
    let width = 0;      // the column's width changed (a resized window, the sidebar): fit it
    gd._liveResize = new ResizeObserver(([e]) => {
      const w = Math.round(e.contentRect.width);
      if (w !== width && width && w && gd._fullLayout) {
        window.Plotly.Plots.resize(gd).catch(() => {});     // (gone meanwhile: nothing to fit)
      }
      width = w;
    });
    gd._liveResize.observe(gd);
  }
  gd.style.height = `${data.height}px`;     // the chart's room before plotly has drawn it
  gd._liveSend = setTriggerValue;
  const gone = () => {       // unmounted: let it all go (a later mount draws a new chart)
    gd._liveResize.disconnect();
    if (window.Plotly) window.Plotly.purge(gd);
    gd.remove();
  };
  if (gd._liveSpec === data.spec) return gone;   // a rerun that did not change the figure
  gd._liveSpec = data.spec;
  const spec = data.spec;
  const config = { displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"], ...data.config };
  if (data.first) FIRST.pending += 1;
  // one draw at a time, and only the newest figure: polls can come while plotly loads
  const turn = data.first ? undefined : afterFirst;
  gd._liveDraw = (gd._liveDraw || Promise.resolve()).then(turn).then(plotly).then((P) => {
    if (gd._liveSpec !== spec) return;
    if (data.revision !== null && data.revision !== gd._liveRevision) {    // a new run: its whole axis
      gd._liveZoom = {};
      gd._liveRevision = data.revision;
    }
    gd._liveConfig = config;
    return draw(P, gd).then(() => follow(gd, data.clicks));
  }).catch((err) => console.error("live chart", err)).finally(() => { if (data.first) firstDrawn(); });
  return gone;
}

// The newest figure, parsed anew at each draw: plotly writes a learner's zoom into the objects
// it was given, and a reset must start from the figure's own ranges.
function draw(P, gd) {
  const fig = JSON.parse(gd._liveSpec);
  const layout = themed(fig);
  const types = {};       // the axes' types as given, before plotly writes in the ones it picks
  for (const key of Object.keys(layout)) if (/^[xy]axis\d*$/.test(key)) types[key] = layout[key].type || "-";
  gd._liveTypes = types;
  const shown = { ...layout };
  for (const [axis, zoom] of Object.entries(gd._liveZoom || {})) {
    // a zoom on a linear axis means nothing on a log one (the log scale toggled): that axis'
    // own range then, and plotly's memory of the zoom dropped too (a new uirevision)
    if ((types[axis] || "-") === zoom.type) shown[axis] = { ...shown[axis], range: zoom.range };
    else {
      delete gd._liveZoom[axis];
      gd._liveResets = (gd._liveResets || 0) + 1;
    }
  }
  shown.uirevision = `${layout.uirevision}|${gd._liveRevision}|${gd._liveResets || 0}`;
  return P.react(gd, fig.data, shown, gd._liveConfig);
}

// A range the learner zoomed to stays until they reset it (a double click). `uirevision` alone
// keeps it only while the figure's own range is unchanged, and the live curves' x axis grows.
// A double click's reset gives back the newest figure's ranges (plotly's own would give the
// first figure's: a finished run's curves would show its first epochs). A clicked point goes
// to the server (a clickable chart's).
function follow(gd, clicks) {
  if (gd._liveFollowing) return;
  gd._liveFollowing = true;
  gd._liveZoom = gd._liveZoom || {};
  if (clicks) gd.on("plotly_click", ({ points }) => {
    if (points && points.length) gd._liveSend("click", { x: points[0].x, y: points[0].y });
  });
  const reset = () => {
    gd._liveZoom = {};
    gd._liveResets = (gd._liveResets || 0) + 1;
    gd._liveDraw = gd._liveDraw.then(plotly).then((P) => draw(P, gd)).catch(() => {});
  };
  gd.on("plotly_doubleclick", () => {    // plotly's own reset follows, in the same task
    gd._liveResetting = true;
    setTimeout(() => { gd._liveResetting = false; }, 0);
    reset();
  });
  gd.on("plotly_relayout", (change) => {
    const axes = Object.keys(change).map((key) => /^([xy]axis\d*)\.(range|autorange)/.exec(key)).filter(Boolean);
    if (!axes.length) return;
    if (gd._liveResetting) return reset();   // the double click's own
    for (const [, axis, what] of axes) {
      if (what === "autorange") delete gd._liveZoom[axis];
      else gd._liveZoom[axis] = { range: [...gd.layout[axis].range], type: gd._liveTypes[axis] || "-" };
    }
  });
}
"""

_ELEMENT = components.v2.component(
    "live_chart.plotly",
    js=_JS.replace("__THEME__", json.dumps(THEME)).replace("__CHUNK__", json.dumps(_plotly_chunk())),
    isolate_styles=False)     # plotly's own styles (its hover labels, modebar) are the page's


def spec(fig: go.Figure) -> str:
    """The figure as the element gets it: plotly's JSON (arrays packed), without the default
    template (the element has the resolved one)."""
    d = fig.to_plotly_json()
    d["layout"] = {k: v for k, v in d["layout"].items() if k != "template"}
    return to_json_plotly(d)


def chart(fig: go.Figure, key: str, config: dict | None = None, revision: int | None = None,
          clickable: bool = False, first: bool = False) -> dict | None:
    """Draw `fig` under `key`, as `st.plotly_chart(fig, key=key, config=config)` would, but as
    one chart updated in place from rerun to rerun (its height: the figure's). A new
    `revision` (the run's serial) drops the learner's zoom: a new run shows its whole axis.
    `clickable`: a click on a point reruns (the fragment, as a widget does), and that rerun
    gets the point, {"x", "y"}; otherwise None. `first`: drawn before the page's other live
    charts that arrive with it (the lab's curves: the first point shows sooner)."""
    data = {"spec": spec(fig), "config": config or {}, "height": fig.layout.height or 450, "revision": revision,
            "clicks": clickable, "first": first}
    if not clickable:
        _ELEMENT(key=key, data=data)
        return None
    return _ELEMENT(key=key, data=data, on_click_change=_clicked).get("click")


def _clicked() -> None:
    """A click's rerun (Streamlit reruns on a trigger that has a callback); the value is read there."""
