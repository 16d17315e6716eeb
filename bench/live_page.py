"""Live-training benchmark (issues 3 and 13): run with `python bench/live_page.py [mnist|spiral]`.

1. Latency: seconds from the click on Train until the loss curve has its first point
   (target <= 1 s; warm <= 0.5 s), in the page's own clock: from the click's pointerdown to
   the first animation frame that has the point (what a learner waits); beside it, from
   Playwright's `click()` call to its wait seeing the point (adds Playwright's actionability
   checks before the click and its polling after).
2. Throughput: samples/s of the same run with the Train page (the lab: network diagram,
   live view, curves) open and live in headless Chromium vs headless (a TrainingJob in a
   separate process, no probes), alternating A/B; prints the ratio (target >= 0.95, issue 28).
   `mnist`: MLP 784-128-64-10, Adam, batch 32 (the diagram's weights probe, the live
   confusion matrix). `spiral`: 8-8 tanh on 500 points, the lab's 2-D views (boundary,
   every neuron's picture, the diagram) computed in the training thread ~4 times a second.
   80 epochs is ~10 s, the length of a classroom demo run; the ratio covers the whole run,
   start-up included (the page polls every 0.25 s for its first 2 s, then every second).
   Chromium runs on the same machine as the server, so its rendering counts against it.
   `--pin`: the server and the headless reference on core 0, Chromium on core 1 (taskset),
   as if the browser were on the student's own device: what is left is the server's own
   share (the page's reruns beside the training thread, in one process).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import CHROMIUM_ARGS, free_port, wait_for_app  # noqa: E402

SCENARIOS = {   # (config values, epochs of a measured run)
    "mnist": (dict(dataset="mnist", model="mlp", hidden="128,64", activation="relu", lr=0.001, batch_size=32,
                   patience=0), 80),
    "spiral": (dict(dataset="spiral", hidden="8,8"), 1500),
}
HEADLESS = """
from playground.config import make_config
from playground.runs.training import TrainingJob
cfg = make_config(**{values!r}, epochs={epochs})
j = TrainingJob(cfg).start(); j.join()
print(j.snapshot().samples_per_sec)
"""


def query(values: dict, epochs: int) -> str:
    return "&".join(f"{k}={v}" for k, v in {**values, "epochs": epochs, "lang": "en"}.items())


def headless(values: dict, epochs: int, prefix: list[str]) -> float:
    """Samples/s of the run alone in its own interpreter (`prefix`: taskset with --pin)."""
    out = subprocess.run([*prefix, sys.executable, "-c", HEADLESS.format(values=values, epochs=epochs)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


# The page's own clock: the Train button's pointerdown, then the first animation frame whose
# curves hold a point (looked for at each frame from the click on, nothing before or after it)
CLOCK = """
addEventListener('pointerdown', e => {
  const b = e.target.closest && e.target.closest('button');
  if (!b || b.innerText.split('\\n').pop().trim() !== 'Train') return;   // after its icon's name
  const t = window.__firstPoint = {click: e.timeStamp, drawn: null};
  const look = () => {
    const g = document.querySelector('.st-key-curves .js-plotly-plot');
    if (g && g._fullData && g._fullData.length && g._fullData[0].x.length > 0) t.drawn = performance.now();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}, true);
"""


def live(page, url: str, values: dict, epochs: int) -> tuple[float, float, float]:
    """(the page's click -> first point, Playwright's click -> first point, samples/s)."""
    page.goto(f"{url}/?{query(values, epochs)}")
    wait_for_app(page)
    page.wait_for_selector(".st-key-curves_empty .js-plotly-plot", timeout=30_000)   # plotly is loaded before Train
    t0 = time.perf_counter()
    page.get_by_role("button", name="Train").click()
    try:
        page.wait_for_function("""() => { const g = document.querySelector('.st-key-curves .js-plotly-plot');
                                       return g && g._fullData && g._fullData.length && g._fullData[0].x.length > 0; }""",
                               timeout=30_000, polling=20)
    except Exception:
        page.screenshot(path="/tmp/bench-fail.png", full_page=True)
        raise
    first = time.perf_counter() - t0
    clock = page.wait_for_function("() => window.__firstPoint && window.__firstPoint.drawn && window.__firstPoint",
                                   timeout=10_000).json_value()
    page.wait_for_selector(f"text=/finished: {epochs} epochs/", timeout=600_000)
    text = page.locator("[data-testid='stProgress']").first.inner_text()
    sps = float(re.search(r"([\d,]+) samples/s", text).group(1).replace(",", ""))
    return (clock["drawn"] - clock["click"]) / 1000, first, sps


def chromium_on_core(folder: str, core: int) -> str:
    """A launcher that runs Debian's chromium (and so all its processes) on one core."""
    path = Path(folder) / "chromium"
    path.write_text(f'#!/bin/sh\nexec taskset -c {core} {shutil.which("chromium")} "$@"\n')
    path.chmod(0o755)
    return str(path)


def main(scenario: str = "mnist", rounds: int = 4, pin: bool = False) -> None:
    values, epochs = SCENARIOS[scenario]
    from playwright.sync_api import sync_playwright
    prefix = ["taskset", "-c", "0"] if pin else []      # the server and the headless reference
    tmp = tempfile.mkdtemp(prefix="live-page-")
    executable = chromium_on_core(tmp, 1) if pin else shutil.which("chromium")
    port = free_port()
    proc = subprocess.Popen([*prefix, sys.executable, "-m", "streamlit", "run", "app.py",
                             "--server.headless", "true",
                             "--server.port", str(port), "--browser.gatherUsageStats", "false",
                             "--server.fileWatcherType", "none"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(4)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=executable,
                                  args=CHROMIUM_ARGS)
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.add_init_script(CLOCK)
            live(page, f"http://127.0.0.1:{port}", values, 1)   # warm-up: dataset cache, imports
            firsts, calls, lives, heads = [], [], [], []
            for r in range(rounds):
                first, call, sps = live(page, f"http://127.0.0.1:{port}", values, epochs)
                firsts.append(first)
                calls.append(call)
                lives.append(sps)
                heads.append(headless(values, epochs, prefix))
                print(f"round {r + 1}: first curve point {first:.2f} s after the click ({call:.2f} s after "
                      f"Playwright's click call); live {sps:,.0f} samples/s; headless {heads[-1]:,.0f} samples/s",
                      flush=True)
            b.close()
    finally:
        proc.terminate()
        shutil.rmtree(tmp, True)
    print(("pinned: server and headless on core 0, Chromium on core 1\n" if pin else "")
          + f"first curve point after the click: median {statistics.median(firsts):.2f} s "
            f"({min(firsts):.2f}-{max(firsts):.2f} s; warm target <= 0.5 s); after Playwright's click call: "
            f"median {statistics.median(calls):.2f} s")
    ratio = statistics.median(lives) / statistics.median(heads)
    print(f"throughput live/headless: {statistics.median(lives):,.0f} / {statistics.median(heads):,.0f} "
          f"= {ratio:.2f}x (target >= 0.95x)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default="mnist", choices=list(SCENARIOS))
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--pin", action="store_true", help="the server on core 0, Chromium on core 1 (Linux taskset)")
    args = ap.parse_args()
    if args.pin and (shutil.which("taskset") is None or (os.cpu_count() or 1) < 2):
        ap.error("--pin needs taskset and two cores")
    main(args.scenario, args.rounds, args.pin)
