"""A class on one server: N real browser sessions press Train together.

    python bench/classroom.py [--students 30] [--dataset circle] [--timeout 300]

One `streamlit run` server (as a teacher starts it, PLAYGROUND_MAX_JOBS unset: a slot
per core) and one headless Chromium with N separate browser contexts, all on this
machine (the students' browsers share the server's 2 cores, which makes it harder than a
real class). Every page loads, then Train is clicked on each as fast as Playwright can.

Prints: how many pages saw their run finish (a page still waiting at the timeout is
frozen), seconds from the click to the first curve point and to the finish (median, p95),
the server's reruns per second (its Classroom page's counter) and websocket messages
per second per page, and the server's RSS and threads before, at their peak, and a minute
after the last run ended.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import Server, wait_for_app  # noqa: E402

FIRST = re.compile(r"training: epoch [1-9]\d*/|finished: \d+ epochs|early stopping at epoch")
DONE = re.compile(r"finished: \d+ epochs|early stopping at epoch|diverged at epoch")


def proc_stats(pid: int) -> tuple[float, int]:
    """(RSS MB, threads) of a process, from /proc."""
    rss, threads = 0.0, 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
        elif line.startswith("Threads:"):
            threads = int(line.split()[1])
    return rss, threads


class Sampler(threading.Thread):
    """The server's RSS and threads every half second: their peaks."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_threads, self.done = pid, 0.0, 0, threading.Event()

    def run(self):
        while not self.done.is_set():
            rss, threads = proc_stats(self.pid)
            self.peak_rss, self.peak_threads = max(self.peak_rss, rss), max(self.peak_threads, threads)
            self.done.wait(0.5)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--dataset", default="circle")
    ap.add_argument("--timeout", type=float, default=300)
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server = Server(PLAYGROUND_MAX_JOBS=str(os.cpu_count()))
    sampler = Sampler(server.proc.pid)
    try:
        before = proc_stats(server.proc.pid)
        sampler.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            pages, frames = [], []
            for i in range(a.students):
                page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                count = [0]
                page.on("websocket", lambda ws, c=count: ws.on("framereceived", lambda _f, c=c: c.__setitem__(0, c[0] + 1)))
                page.goto(f"{server.url}/?dataset={a.dataset}&lang=en")
                pages.append(page)
                frames.append(count)
            for page in pages:
                wait_for_app(page)
            teacher = browser.new_context().new_page()
            teacher.goto(f"{server.url}/classroom?lang=en")
            clicked = []
            for page in pages:
                page.get_by_role("button", name="Train").click()
                clicked.append(time.monotonic())
            frames_at_click = [c[0] for c in frames]
            t_click = time.monotonic()
            first = [None] * len(pages)
            done = [None] * len(pages)
            rates = []
            while time.monotonic() - t_click < a.timeout and None in done:
                for i, page in enumerate(pages):
                    if done[i] is not None:
                        continue
                    try:
                        text = page.locator("[data-testid='stMain']").inner_text(timeout=2000)
                    except Exception:
                        continue
                    now = time.monotonic()
                    if first[i] is None and FIRST.search(text):
                        first[i] = now - clicked[i]
                    if DONE.search(text):
                        done[i] = now - clicked[i]
                        first[i] = first[i] or done[i]
                try:
                    m = re.search(r"All pages together: ([\d.]+) reruns per second",
                                  teacher.locator("[data-testid='stMain']").inner_text(timeout=2000))
                    if m:
                        rates.append(float(m.group(1)))
                except Exception:
                    pass
            elapsed = time.monotonic() - t_click
            msgs = [(c[0] - f0) / elapsed for c, f0 in zip(frames, frames_at_click)]
            finished = [d for d in done if d is not None]
            firsts = [f for f in first if f is not None]
            print(f"students: {a.students}  dataset: {a.dataset}  slots: one per core")
            print(f"runs seen finished: {len(finished)}/{a.students}  frozen pages: {a.students - len(finished)}")
            print(f"first curve point: median {statistics.median(firsts):.1f} s, p95 {pct(firsts, 0.95):.1f} s"
                  if firsts else "first curve point: none")
            print(f"finished: median {statistics.median(finished):.1f} s, p95 {pct(finished, 0.95):.1f} s, "
                  f"last {max(finished):.1f} s" if finished else "finished: none")
            print(f"server reruns/s (all pages): median {statistics.median(rates):.1f}, max {max(rates):.1f}"
                  if rates else "server reruns/s: not read")
            print(f"websocket messages/s per page: median {statistics.median(msgs):.2f}, max {max(msgs):.2f}")
            for page in pages:
                page.context.close()
            browser.close()
        peak = (sampler.peak_rss, sampler.peak_threads)
        time.sleep(60)
        after = proc_stats(server.proc.pid)
        print(f"server RSS MB: before {before[0]:.0f}, peak {peak[0]:.0f}, a minute after {after[0]:.0f}")
        print(f"server threads: before {before[1]}, peak {peak[1]}, a minute after {after[1]}")
        return 0 if len(finished) == a.students else 1
    finally:
        sampler.done.set()
        server.close()


if __name__ == "__main__":
    raise SystemExit(main())
