"""The first page and the first click, as a student meets them (issue 28):
`python bench/first_page.py [--rounds 3]`.

Each round starts a fresh server (`streamlit run app.py`, the repository's config) and
times, in headless Chromium on the same machine:
  cold page   the first visitor's page: address opened -> Train button enabled (and ->
              the page settled: no "running" widget; -> its preview charts drawn, `charts`:
              a tab's first page draws them after its controls, ui/charts_later.py);
  warm page   a second visitor on the same server, once the first page is complete, the
              same three times;
  first point the first visitor's click on Train -> the loss curve's first point.
Beside each, in the same round, the same times for a bare Streamlit app (a button and a
line chart: Streamlit's own floor on this machine) — our figure is read against it.
Targets: cold page <= 6 s, warm <= 2 s, first point <= 1 s after the first click.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import CHROMIUM_ARGS, free_port  # noqa: E402

BARE_APP = """import streamlit as st
if st.button("Train"):
    st.line_chart({"loss": [1.0, 0.5]})
"""
QUERY = "?dataset=circle&epochs=200&lang=en"
# every 20 ms (a locator's wait backs off to 0.5 s and could miss a button shown before a long task)
TRAIN_ENABLED = """() => [...document.querySelectorAll('button')]
                          .some(b => b.textContent.trim().endsWith('Train') && !b.disabled)"""
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
FIRST_POINT = """() => { const g = document.querySelector('.st-key-curves .js-plotly-plot');
                         return g && g._fullData && g._fullData.length && g._fullData[0].x.length > 0; }"""
BARE_POINT = "() => document.querySelector('[data-testid=\"stVegaLiteChart\"], canvas')"
CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')]
                   .filter(g => g.querySelector('.main-svg')).length >= 3"""   # the lab's three preview charts


def start(app: Path) -> tuple[subprocess.Popen, str, float]:
    """A server on a free port (cwd: the repository, so its .streamlit/config.toml holds);
    returns it, its address and the seconds until it answered its health check."""
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return proc, url, time.perf_counter() - t0
        except Exception:
            if time.perf_counter() - t0 > 120:
                proc.terminate()
                raise RuntimeError("the server did not start")
            time.sleep(0.1)


def open_page(browser, url: str, charts: str | None) -> tuple[object, float, float, float | None]:
    """(page, seconds to an enabled Train button, to a settled page, to its `charts` drawn)."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(TRAIN_ENABLED, timeout=120_000, polling=20)
    usable = time.perf_counter() - t0
    page.wait_for_function(SETTLED, timeout=120_000, polling=50)
    settled = time.perf_counter() - t0
    if charts is None:
        return page, usable, settled, None
    page.wait_for_function(charts, timeout=120_000, polling=20)
    page.wait_for_function(SETTLED, timeout=120_000, polling=50)
    return page, usable, settled, time.perf_counter() - t0


def first_point(page, shown: str) -> float:
    t0 = time.perf_counter()
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function(shown, timeout=120_000, polling=20)
    return time.perf_counter() - t0


def one_round(browser, app: Path, query: str, point: str, charts: str | None) -> dict:
    proc, url, started = start(app)
    try:
        first, cold, cold_settled, cold_charts = open_page(browser, url + query, charts)
        second, warm, warm_settled, warm_charts = open_page(browser, url + query, charts)
        second.context.close()
        click = first_point(first, point)         # the first visitor's first click on a fresh server
        first.context.close()
        times = dict(server=started, cold=cold, cold_settled=cold_settled, cold_charts=cold_charts, warm=warm,
                     warm_settled=warm_settled, warm_charts=warm_charts, first_point=click)
        return {k: v for k, v in times.items() if v is not None}
    finally:
        proc.terminate()
        proc.wait(20)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=CHROMIUM_ARGS)
        ours, floor = [], []
        for r in range(args.rounds):
            ours.append(one_round(browser, ROOT / "app.py", QUERY, FIRST_POINT, CHARTS))
            floor.append(one_round(browser, bare, "", BARE_POINT, None))
            print(f"round {r + 1}: " + "; ".join(
                f"{k} {v:.2f} s" + (f" (bare {floor[-1][k]:.2f})" if k in floor[-1] else "")
                for k, v in ours[-1].items()), flush=True)
        browser.close()
    print("\nmedian of", args.rounds, "rounds (ours / bare Streamlit app / target):")
    targets = dict(cold=6.0, warm=2.0, first_point=1.0)
    for k in ours[0]:
        med = statistics.median(r[k] for r in ours)
        ref = f"{statistics.median(r[k] for r in floor):5.2f} s" if k in floor[0] else "    -  "
        print(f"  {k:13} {med:6.2f} s / {ref}" + (f" / <= {targets[k]:.0f} s" if k in targets else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
