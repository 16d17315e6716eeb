"""A mixed class on one server: N student sessions press Train together.

    python bench/classroom.py [--students 30] [--timeout 300] [--baseline | --old-line]
                              [--clients light | browser] [--mix 0,7,8,9] [--each]

One `streamlit run` server (as a teacher starts it: a slot per core) and N students on this
machine. `--clients light` (the default): each student is a small websocket client speaking
Streamlit's own protocol (bench/light_students.py), all in this process, costing the
server's 2 cores little, so the bench measures the server (real students' browsers run on
their own laptops; 30 Chromium pages took 1.5 cores, the server 0.35). `--clients browser`:
one headless Chromium with N separate browser contexts, sharing the server's cores (what
a page draws and when, but a harder class than a real one). The students follow
a mix: the defaults of several datasets (toy sets, tables, and small CNNs on digits and
MNIST), some endless runs, some slowed to 1 epoch a second with the lab's speed control,
and some that pause after their first point. Every page loads, then Train is clicked on
each as fast as the clients can.

Prints: seconds from the click to the first curve point (median, p95; every page), to the
end of each finite full-speed run (median, p95, last), frozen pages (no first point, or a
finite run that never finished), exceptions shown on any page, websocket messages per
second per page, and the server's RSS and threads before, after one student's run (the
teacher's try: imports and caches; issue 23's target is the class's RSS within 100 MB of
it), at their peak, and a minute after the tabs closed (`--settle`). `--baseline` runs the
same class a second time on the old first-come-first-served line (PLAYGROUND_TURNS=0) and
prints both side by side; `--old-line` runs only the old line. Times are taken in the pages themselves (a watcher
in each page notes when the first curve point is drawn; a light student, when the message
that brought it arrived), not by a poll from here.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from browser import CHROMIUM_ARGS, Server, wait_for_app  # noqa: E402
from light_students import LightClass  # noqa: E402

# (what the student does, the link's query): cycled over the class
MIX = [
    ("finite", "dataset=circle"),
    ("finite", "dataset=xor"),
    ("finite", "dataset=spiral"),
    ("finite", "dataset=moons"),
    ("finite", "dataset=iris"),
    ("finite", "dataset=titanic"),
    ("finite", "dataset=digits"),           # a small CNN on 8x8 digits
    ("endless", "dataset=circle&epochs=0"),
    ("slowed", "dataset=spiral"),           # the lab's speed control at 1 epoch/s
    ("pauses", "dataset=gauss"),            # Pause once the first point is drawn
    ("finite", "dataset=mnist"),            # a small CNN on 28x28 MNIST
]

# In every page: when the first curve point (a finished epoch, or a long epoch's loss so
# far) was drawn, when the run ended, and how many exceptions the page shows.
WATCHER = """
window.__nnp = {point: null, done: null, exceptions: 0, sends: 0, lastSend: null, lastRecv: null, status: '',
                beat: null, timers: [], visible: '', closed: [], sockets: '', widget: '', clears: [], console: []};
// the page's interval timers (Streamlit's fragment polls are setInterval): a page whose JS still runs
// (its beat is recent) but holds no poll timer lost its timers; one whose beat stopped was frozen
const timers = new Map(), setI = window.setInterval, clearI = window.clearInterval;
window.setInterval = function (fn, ms, ...rest) { const id = setI.call(window, fn, ms, ...rest); timers.set(id, ms); return id; };
window.clearInterval = function (id) {
  const ms = timers.get(id);
  if (ms !== undefined && ms !== 200) {   // who cleared a poll timer (the frontend's function names survive minifying)
    const w = window.__nnp;
    w.clears = [...w.clears.slice(-2), [Date.now(), ms, new Error().stack.split('\\n').slice(2, 5).map(l => l.trim().split(' ')[1]).join(' < ')]];
  }
  timers.delete(id); return clearI.call(window, id);
};
for (const level of ['error', 'warn']) {
  const orig = console[level];
  console[level] = function (...a) {   // the first messages (what went wrong) and the last ones
    const w = window.__nnp, m = String(a[0]).slice(0, 160);
    w.console = w.console.length < 3 ? [...w.console, m] : [...w.console.slice(0, 3), ...w.console.slice(3).slice(-1), m];
    return orig.apply(console, a); };
}
const send = WebSocket.prototype.send;      // a page that stops asking vs one that asks and hears nothing
WebSocket.prototype.send = function (data) {
  const w = window.__nnp;
  w.sends += 1; w.lastSend = Date.now();
  if (!this.__nnp) {
    this.__nnp = true; (window.__nnpSockets = window.__nnpSockets || []).push(this);
    this.addEventListener('message', () => { window.__nnp.lastRecv = Date.now(); });
    this.addEventListener('close', e => { window.__nnp.closed.push([Date.now(), e.code]); });
  }
  return send.call(this, data);
};
setInterval(() => {
  const w = window.__nnp;
  if (w.point === null) {
    for (const d of document.querySelectorAll('.js-plotly-plot'))
      for (const t of (d.data || []))
        if ((t.name === 'training' || t.name === 'this epoch so far') && t.y && t.y.length) w.point = Date.now();
  }
  const main = document.querySelector("[data-testid='stMain']");
  if (w.done === null && main && /finished: \\d+ epochs|early stopping at epoch|diverged at epoch/.test(main.textContent))
    w.done = Date.now();
  w.exceptions = Math.max(w.exceptions, document.querySelectorAll("[data-testid='stException']").length);
  const line = main && (main.innerText.match(/(training|waiting|finished|stopped|paused).{0,70}/) || [''])[0];
  if (line) w.status = line;
  w.beat = Date.now(); w.visible = document.visibilityState;
  w.reloaded = (performance.getEntriesByType('navigation')[0] || {}).type === 'reload';   // ui.reconnect
  w.sockets = (window.__nnpSockets || []).map(s => s.readyState).join('');   // 1 open, 3 closed
  const sw = document.querySelector("[data-testid='stStatusWidget']"), dlg = document.querySelector("[role='dialog']");
  w.widget = (sw ? sw.innerText.slice(0, 30) : '') + (dlg ? ' dialog: ' + dlg.innerText.slice(0, 60) : '');
  w.timers = [...timers.values()].filter(ms => ms !== 200).sort((a, b) => a - b);
}, 200);
"""


DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && document.querySelectorAll('.js-plotly-plot').length >= 2
    && [...document.querySelectorAll('.js-plotly-plot')].every(g => g.data)"""


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


def cpu_seconds(server_pid: int) -> tuple[float, float]:
    """(the server's, every Chromium process's) CPU seconds so far (utime + stime, /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    server = browsers = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid = int(stat.parent.name)
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmd = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        if pid == server_pid:
            server += used
        elif b"chromium" in cmd:
            browsers += used
    return server, browsers


class Browsers:
    """--clients browser: one headless Chromium, a browser context per student."""

    def __init__(self):
        from playwright.sync_api import sync_playwright
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=CHROMIUM_ARGS)

    def open(self, port: int, query: str) -> BrowserPage:
        return BrowserPage(self.browser, f"http://127.0.0.1:{port}/?{query}")

    @staticmethod
    def cpu(server_pid: int) -> tuple[float, float]:
        return cpu_seconds(server_pid)

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


class BrowserPage:
    """A student's page, the watcher in it; the same methods as a light student's."""

    def __init__(self, browser, url: str):
        ctx = browser.new_context(viewport={"width": 1280, "height": 720})
        ctx.add_init_script(WATCHER)
        self.page = ctx.new_page()
        self.count = [0]       # websocket messages received (Playwright's frame events)
        c = self.count
        self.page.on("websocket", lambda ws: ws.on("framereceived", lambda _f: c.__setitem__(0, c[0] + 1)))
        self.page.goto(url)

    @property
    def frames(self) -> int:
        return self.count[0]

    def ready(self, timeout: float, slowed: bool) -> None:
        wait_for_app(self.page)
        # a class presses Train on a page it has looked at: every chart drawn, no placeholder left
        self.page.wait_for_function(DRAWN, timeout=timeout * 1000, polling=500)
        if slowed:     # the lab's speed control, to its slowest (1 epoch/s)
            self.page.locator(".st-key-lab_speed input[type='range']").first.focus()
            self.page.keyboard.press("End")
            wait_for_app(self.page)

    def click(self, label: str, timeout: float = 30) -> None:
        self.page.get_by_role("button", name=label).click(timeout=timeout * 1000)

    def seen(self) -> dict:
        return self.page.evaluate("() => window.__nnp") or {}

    def close(self) -> None:
        self.page.context.close()


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def one_class(students: int, fair: bool, timeout: float, settle: float, clients: str = "light",
              mix: list = MIX, again: bool = False) -> dict:
    server = Server(PLAYGROUND_MAX_JOBS=str(os.cpu_count()), PLAYGROUND_TURNS="1" if fair else "0")
    sampler = Sampler(server.proc.pid)
    out: dict = {"clients": clients}
    try:
        before = proc_stats(server.proc.pid)
        sampler.start()
        group = LightClass() if clients == "light" else Browsers()   # the teacher's try first: imports, caches
        try:
            class_run(group, server, 1, timeout, mix[:1])
        finally:
            group.close()
        time.sleep(settle)
        out["warm"] = proc_stats(server.proc.pid)
        group = LightClass() if clients == "light" else Browsers()
        try:
            out.update(class_run(group, server, students, timeout, mix))
        finally:
            group.close()
        out["peak"] = (sampler.peak_rss, sampler.peak_threads)
        time.sleep(settle)
        out["before"], out["after"] = before, proc_stats(server.proc.pid)
        if again:      # a second lesson on the same server: memory kept once, or growing with each class
            group = LightClass() if clients == "light" else Browsers()
            try:
                class_run(group, server, students, timeout, mix)
            finally:
                group.close()
            time.sleep(settle)
            out["after_again"] = proc_stats(server.proc.pid)
        server.log.flush()
        out["revived"] = Path(server.log.name).read_text().count("rerun from the server")
        return out
    finally:
        sampler.done.set()
        server.close()


def class_run(group, server, students: int, timeout: float, mix: list) -> dict:
    """The class on `group`'s pages (browser pages or light students): load, Train, watch."""
    pages, kinds, queries = [], [], []
    for i in range(students):
        kind, query = mix[i % len(mix)]
        pages.append(group.open(server.port, f"{query}&lang=en"))
        kinds.append(kind)
        queries.append(query)
    for page, kind in zip(pages, kinds):
        page.ready(timeout, slowed=kind == "slowed")
    loaded = proc_stats(server.proc.pid)       # the app imported, every page drawn
    clicked = []
    for page in pages:
        clicked.append(time.time())
        page.click("Train")
    frames_at_click = [page.frames for page in pages]
    cpu_at_click = group.cpu(server.proc.pid)
    t0 = time.monotonic()
    seen: list[dict] = [{}] * students
    paused = set()
    finite = [i for i, k in enumerate(kinds) if k == "finite"]
    while time.monotonic() - t0 < timeout:
        for i, page in enumerate(pages):
            try:
                seen[i] = page.seen()
            except Exception:
                continue
            if kinds[i] == "pauses" and seen[i].get("point") and i not in paused:
                try:
                    page.click("Pause", timeout=5)
                    paused.add(i)
                except Exception:
                    pass
        if all(s.get("point") for s in seen) and all(seen[i].get("done") for i in finite):
            break
        time.sleep(1.0)
    elapsed = time.monotonic() - t0
    cpu = [b - a for a, b in zip(cpu_at_click, group.cpu(server.proc.pid))]
    msgs = [(page.frames - f0) / elapsed for page, f0 in zip(pages, frames_at_click)]
    firsts = [s["point"] / 1000 - c for s, c in zip(seen, clicked) if s.get("point")]
    done = [seen[i]["done"] / 1000 - clicked[i] for i in finite if seen[i].get("done")]
    for page in pages:
        page.close()
    return dict(
        students=students, cpu=cpu, elapsed=elapsed, firsts=firsts, done=done, finite=len(finite), loaded=loaded,
        frozen=len({i for i, s in enumerate(seen) if not s.get("point")}
                   | {i for i in finite if not seen[i].get("done")}),      # pages, each once
        reloaded=sum(1 for s in seen if s.get("reloaded")),
        exceptions=sum(s.get("exceptions", 0) for s in seen), msgs=msgs,
        paused=len(paused), pausing=kinds.count("pauses"),
        each=[(kinds[i], queries[i], s.get("point") and s["point"] / 1000 - clicked[i],
               s.get("done") and s["done"] / 1000 - clicked[i],
               # at the end: seconds since the page last sent / heard, its messages sent, its status line
               s.get("lastSend") and time.time() - s["lastSend"] / 1000,
               s.get("lastRecv") and time.time() - s["lastRecv"] / 1000, s.get("sends"), s.get("status"),
               s.get("beat") and time.time() - s["beat"] / 1000, s.get("timers"), s.get("visible"),
               s.get("sockets"), [(round(time.time() - t / 1000), c) for t, c in s.get("closed", [])],
               s.get("widget"), [(round(time.time() - t / 1000), ms, who) for t, ms, who in s.get("clears", [])],
               s.get("console"))
              for i, s in enumerate(seen)])


def figures(r: dict) -> dict[str, str]:
    f, d = r["firsts"], r["done"]
    return {
        "first curve point, median / p95 (s)": f"{statistics.median(f):.1f} / {pct(f, 0.95):.1f}" if f else "none",
        "finite runs finished, median / p95 / last (s)":
            f"{statistics.median(d):.1f} / {pct(d, 0.95):.1f} / {max(d):.1f}" if d else "none",
        "finite runs finished": f"{len(d)} / {r['finite']}",
        "frozen pages": str(r["frozen"]),
        "exceptions shown": str(r["exceptions"]),
        "pages rerun by the server after their polls stopped (ui.revive)": str(r["revived"]),
        "pages that reloaded themselves, their connection given up (ui.reconnect)": str(r.get("reloaded", 0)),
        "paused after the first point": f"{r['paused']} / {r['pausing']}",
        # light: the bench process's own CPU (its students' event loop); browser: every Chromium process
        "cores used from the clicks on: server / " + ("clients" if r["clients"] == "light" else "browsers"):
            f"{r['cpu'][0] / r['elapsed']:.2f} / {r['cpu'][1] / r['elapsed']:.2f}",
        "websocket messages/s per page, median / max": f"{statistics.median(r['msgs']):.2f} / {max(r['msgs']):.2f}",
        "server RSS MB: started / one student done / pages drawn / peak / after the settle":
            f"{r['before'][0]:.0f} / {r['warm'][0]:.0f} / {r['loaded'][0]:.0f} / {r['peak'][0]:.0f} / {r['after'][0]:.0f}",
        "server threads: before / peak / after": f"{r['before'][1]} / {r['peak'][1]} / {r['after'][1]}",
        **({"server RSS MB after the same class again (--again)": f"{r['after_again'][0]:.0f}"}
           if "after_again" in r else {}),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--settle", type=float, default=60, help="seconds after the tabs close before RSS is read")
    ap.add_argument("--baseline", action="store_true", help="also run the old first-come-first-served line")
    ap.add_argument("--old-line", action="store_true", help="run only the old line")
    ap.add_argument("--each", action="store_true", help="also print every student's times")
    ap.add_argument("--clients", choices=("browser", "light"), default="light",
                    help="light: websocket clients speaking Streamlit's protocol (bench/light_students.py), "
                         "so the server's cost alone is measured; browser: headless Chromium pages")
    ap.add_argument("--mix", help="the MIX entries to cycle, by index (e.g. 0,7,8,9: a small class with every "
                                  "kind of student); default: all")
    ap.add_argument("--again", action="store_true",
                    help="then the same class a second time on the same server, and its RSS after the settle")
    a = ap.parse_args(argv)
    mix = [MIX[int(i)] for i in a.mix.split(",")] if a.mix else MIX
    cycled = ", ".join(f"{k}:{q.replace('dataset=', '')}" for k, q in mix)
    print(f"students ({a.clients}): {a.students} on {os.cpu_count()} cores, slots: one per core; mix (cycled): {cycled}")
    runs = {}
    if not a.old_line:
        runs["fair turns"] = one_class(a.students, True, a.timeout, a.settle, a.clients, mix, a.again)
    if a.baseline or a.old_line:
        runs["old line (FIFO)"] = one_class(a.students, False, a.timeout, a.settle, a.clients, mix, a.again)
    if a.each:
        for name, r in runs.items():
            for kind, query, first, done, sent, heard, sends, status, beat, timers, visible, sockets, closed, widget, \
                    clears, console in r["each"]:
                print(f"{name:>16}  {kind:8} {query:28} first {first or float('nan'):6.1f} s  "
                      f"done {done or float('nan'):6.1f} s  last sent {sent or float('nan'):5.1f} s ago, "
                      f"heard {heard or float('nan'):5.1f} s ago ({sends} sent)  {status!r}  "
                      f"JS beat {beat or float('nan'):4.1f} s ago, {visible}, interval timers (ms) {timers}, "
                      f"sockets' states {sockets} (closed: s ago, code {closed}), status widget {widget!r}, "
                      f"poll timers cleared (s ago, ms, by) {clears}, console {console}")
    table = {name: figures(r) for name, r in runs.items()}
    names = list(table)
    width = max(len(k) for k in next(iter(table.values())))
    print(f"{'':{width}}  " + "  ".join(f"{n:>24}" for n in names))
    for key in next(iter(table.values())):
        print(f"{key:{width}}  " + "  ".join(f"{table[n][key]:>24}" for n in names))
    ok = all(r["frozen"] == 0 and r["exceptions"] == 0 for r in runs.values())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
