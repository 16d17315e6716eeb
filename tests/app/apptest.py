"""AppTest helpers (imported as `from apptest import open_app, figures`)."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import streamlit.testing.v1.app_test as _app_test
import streamlit.testing.v1.local_script_runner as _script_runner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")

# AppTest makes a new ScriptCache for every run, so each run (a click's included) compiled
# app.py and its page again, with Streamlit's magic rewrite of the syntax tree: 12% of
# tests/app's CPU in a profile. A server keeps one cache for its life; the tests share one
# too (no file changes during a test run).
_SCRIPTS = ScriptCache()
_app_test.ScriptCache = _script_runner.ScriptCache = lambda: _SCRIPTS


_components = None


def _shared_components():
    """Streamlit's registry of installed custom components, scanned once per test process: each
    new AppTest scans every installed package's metadata for them (~0.1 CPU-s; 164 AppTests
    in tests/app spent 16.5 CPU-s on it). The packages do not change during a test run."""
    global _components
    if _components is None:
        from streamlit.components.v2.component_manager import BidiComponentManager
        _components = BidiComponentManager()
        _components.discover_and_register_components(start_file_watching=False)
    return _components


def open_app(page: str | None = None, query: dict | None = None, timeout: float = 60) -> AppTest:
    """Run the app once; `page` is a views/ file name like 'train.py'."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if hasattr(at, "_bidi_component_manager"):       # AppTest scans when it is None (Streamlit 1.67)
        at._bidi_component_manager = _shared_components()
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(f"views/{page}")
        at.run()
    return at


def trained(query: dict):
    """Train on the Train page (a real click), wait for the run, then open Evaluate."""
    from playground.i18n import Translator
    from playground.status import Status
    from ui.session import Key
    at = open_app("train.py", query=query)
    T = Translator(query.get("lang", "en"))
    next(b for b in at.button if b.label == T("train.start")).click().run()
    job = at.session_state[Key.JOB]
    job.join(60)
    assert job.snapshot().status == Status.COMPLETED, job.snapshot().error
    at.switch_page("views/evaluate.py")
    at.run(timeout=60)
    return at, job


def open_expanders(at: AppTest, *keys: str) -> AppTest:
    """Open the lazy expanders with these keys (what a click does: their state, then a rerun)."""
    for key in keys:
        at.session_state[key] = True
    return at.run()


def wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    """Poll until predicate() is truthy (a run's thread gets there on its own time: a busy
    machine is slower, never a failure); returns its value, or fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"{what}: not met within {timeout:g} s"
        time.sleep(0.05)
    return value


# --- figures, read through their data (never substrings of plotly's JSON: plotly 7 writes "·" as "\u00b7") ---

def tables(at: AppTest) -> list:
    """The page's tables as a reader sees them (not the hidden one ui.warm draws to load their code)."""
    from ui import warm
    return [d.value for d in at.dataframe if not d.value.equals(warm.TABLE)]


def charts(at: AppTest) -> list[tuple[str, dict]]:
    """The main area's plotly charts in page order as (key, figure), each parsed: {'data':
    [traces], 'layout': {...}}: `st.plotly_chart`'s and the live ones (ui.live_chart)."""
    found = []
    for el in at.main:
        if el.type == "plotly_chart":
            found.append((el.key or "", json.loads(el.proto.spec)))
        elif el.type == "bidi_component" and el.proto.component_name == "live_chart.plotly":
            found.append((el.key or "", json.loads(json.loads(el.proto.json)["spec"])))
    return found


def figures(at: AppTest) -> list[dict]:
    """The page's plotly figures, parsed (see `charts`)."""
    return [fig for _, fig in charts(at)]


def texts(fig: dict) -> list[str]:
    """A figure's title and annotation texts (make_subplots writes the panels' titles as annotations)."""
    lay = fig.get("layout", {})
    title = (lay.get("title") or {}).get("text")
    return [t for t in [title, *(a.get("text") for a in lay.get("annotations", []))] if t]


def figure_titled(at: AppTest, text: str) -> dict:
    """The one figure whose title or a panel's title starts with `text`."""
    (fig,) = [f for f in figures(at) if any(t.startswith(text) for t in texts(f))]
    return fig


def trace_names(fig: dict) -> list[str]:
    return [t.get("name", "") for t in fig.get("data", [])]


def trace(fig: dict, name: str) -> dict:
    """The first trace named `name`."""
    return next(t for t in fig["data"] if t.get("name") == name)


def y_axis(fig: dict, tr: dict) -> dict:
    """The layout of the y axis a trace is drawn on ('y2' -> layout['yaxis2'])."""
    return fig["layout"].get("yaxis" + tr.get("yaxis", "y")[1:], {})


def array(v) -> np.ndarray:
    """A figure's array: a JSON list, or plotly's base64 typed array {'dtype', 'bdata', 'shape'}."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return a.reshape([int(n) for n in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.asarray(v)
