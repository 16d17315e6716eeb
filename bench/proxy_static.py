"""A student's first page through deploy/serve.py's proxy, with Streamlit's scripts served by
nginx (compressed) and by the replica (`--static-from-replicas`), in one run:
`python bench/proxy_static.py [--visits 5]`.

For each mode: one replica behind nginx, headless Chromium on this machine; each visit a new
browser context (an empty cache, as a student's first visit), after one visit that warms the
server. Per visit: the bytes on the wire (Chromium's encoded lengths), the replica process's
CPU seconds during the visit, and the seconds until the Train button is enabled.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

QUERY = "/?dataset=circle&epochs=200&lang=en"


def serve(work: Path, port: int, extra: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py"), "--replicas", "1", "--host",
                             "127.0.0.1", "--port", str(port), "--workdir", str(work), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return proc
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("serve.py did not start")
            time.sleep(0.3)


def visit(browser, url: str, replica: psutil.Process) -> tuple[float, float, float]:
    """(MB on the wire, the replica's CPU seconds, seconds to an enabled Train button)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    wire = [0]
    cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(0, wire[0] + e["encodedDataLength"]))
    cpu0, t0 = sum(replica.cpu_times()[:2]), time.perf_counter()
    page.goto(url + QUERY)
    button = page.get_by_role("button", name="Train", exact=True)
    button.wait_for(timeout=120_000)
    page.wait_for_function("b => !b.disabled", arg=button.element_handle(), timeout=120_000, polling=20)
    usable = time.perf_counter() - t0
    page.wait_for_timeout(1500)               # the rest of the page's requests
    ctx.close()
    return wire[0] / 1e6, sum(replica.cpu_times()[:2]) - cpu0, usable


def measure(browser, extra: list[str], visits: int) -> list[tuple[float, float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = serve(Path(tmp), port, extra)
        try:
            replica = psutil.Process(int((Path(tmp) / "replica-1.pid").read_text()))
            url = f"http://127.0.0.1:{port}"
            visit(browser, url, replica)                  # the server's first page (its imports)
            return [visit(browser, url, replica) for _ in range(visits)]
        finally:
            proc.terminate()
            proc.wait(20)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=5)
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        modes = {"nginx serves Streamlit's files": [], "the replica serves them": ["--static-from-replicas"]}
        results = {name: measure(browser, extra, args.visits) for name, extra in modes.items()}
        browser.close()
    print(f"a visitor's first page, median of {args.visits} (MB on the wire / replica CPU s / s to Train):")
    for name, rows in results.items():
        wire, cpu, usable = (statistics.median(r[k] for r in rows) for k in range(3))
        print(f"  {name:32} {wire:5.2f} MB  {cpu:5.2f} s  {usable:5.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
