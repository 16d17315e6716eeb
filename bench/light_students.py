"""Light students for bench/classroom.py (`--clients light`): each a small websocket client
speaking Streamlit's own protocol (BackMsg / ForwardMsg protobufs), not a browser page.

Why: 30 headless Chromium pages on the class's 2-core server used 1.5 cores themselves (the
server 0.35): the browser bench measured Chromium, while real students' browsers run on
their own laptops. A light student sends and keeps what the Streamlit 1.67 frontend does
(its bundle, streamlit/static/static/js/index.*.js, and the server's runtime) and draws
nothing:
- connecting: subprotocols ["streamlit", <xsrf token or the frontend's placeholder>]; the
  first rerun has the link's query, no page hash nor name (the server picks st.navigation's
  default page); later ones name the page `navigation` reported, and the address the app
  last set (page_info_changed).
- widget states: every widget value the page holds, in every rerun (the server would keep
  a missing one, but a browser sends them all); a click adds a one-shot trigger and reruns
  the button's fragment if it is in one.
- auto_rerun: the frontend polls st.fragment(run_every=...): a timer per fragment reruns it
  (is_auto_rerun) every `interval` s; a full run's new_session clears them all (its
  auto_rerun messages set them again), stop_auto_rerun the ones it names.
- ref_hash: each rerun lists the cached messages' hashes (cached_message_hashes); the
  server then sends references for those. 1.67 has no /_stcore/message to fetch a missing
  one: a miss is an error (fatal in the frontend). Entries expire after
  maxCachedMessageAge unused runs.
- a successful script_finished drops the elements its run did not send again (in its
  fragments, for a fragment run), and their widgets' states.
- a components.v2 element whose script sets a trigger once mounted (MOUNT_TRIGGERS: the
  lab's charts_later.shown, run when the browser shows a tab's first page): its fragment's
  rerun with that trigger, sent when the element first arrives.
Times are those of the arrival of the message that brought a point or an end.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time
from pathlib import Path

import websockets
from frontend_state import MessageCache, element_text, widget_state
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# the browser watcher's rules (bench/classroom.py WATCHER)
POINT_TRACES = ("training", "this epoch so far")
DONE = re.compile(r"finished: \d+ epochs|early stopping at epoch|diverged at epoch")
STATUS = re.compile(r"(training|waiting|finished|stopped|paused).{0,70}")
FINISHED = ForwardMsg.ScriptFinishedStatus
MAIN = 0                              # delta_path[0] of the main area (1: the sidebar)
XSRF_PLACEHOLDER = "PLACEHOLDER_AUTH_TOKEN"   # what the frontend sends without an xsrf cookie
SPEED_KEY = "lab_speed"               # the lab's speed control (ui/lab.py)
# components.v2 elements whose script calls setTriggerValue(event, value) once mounted (ui/charts_later.py)
MOUNT_TRIGGERS = {"charts_later.shown": ("shown", True)}
TRIGGER_ID = "$$STREAMLIT_INTERNAL_KEY_{}__events"   # its trigger list: a bidi component's `_make_trigger_id`


def chart_spec(kind: str, w) -> str | None:
    """A plotly chart's figure JSON: `st.plotly_chart`'s, or a live chart's (ui.live_chart)."""
    if kind == "plotly_chart":
        return w.spec
    if kind == "bidi_component" and w.component_name == "live_chart.plotly":
        return json.loads(w.json)["spec"]
    return None


def has_point(spec: str) -> bool:
    """A plotly figure (its JSON) with a curve point: a trace named as the watcher's with a
    non-empty y (plotly 6 sends numpy arrays as {"dtype", "bdata"})."""
    if not any(name in spec for name in POINT_TRACES):
        return False                     # most charts: no JSON parse needed
    for trace in json.loads(spec).get("data", []):
        y = trace.get("y")
        if trace.get("name") in POINT_TRACES and (y.get("bdata") if isinstance(y, dict) else y):
            return True
    return False


class LightStudent:
    """One student's page: a websocket and what the page holds. Its sync methods (ready,
    click, seen, close: a browser page's in bench/classroom.py) are called from the bench's
    thread and run on the loop's."""

    def __init__(self, loop: asyncio.AbstractEventLoop, port: int, query: str):
        self.loop, self.port, self.query = loop, port, query
        self.elements: dict[tuple, tuple] = {}   # delta path -> (kind, its proto (None: a block), run id, fragment)
        self.widgets: dict[str, WidgetState] = {}
        self.cache = MessageCache()
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}   # fragment id -> (interval, its poll)
        self.page_hash = self.run_id = ""
        self.fresh_session = False   # a new_session since the last rerun sent (the frontend's hasReceivedNewSession)
        self.max_age, self.full_runs, self.runs_done = 2, 0, 0     # whole runs; every run, a fragment's too
        self.frames = self.sends = self.exceptions = 0   # frames: websocket messages received
        self.point = self.done = self.last_send = self.last_recv = None
        self.status, self.closed, self.errors = "", [], []
        self.ws = self.outbox = None
        self.tasks: list[asyncio.Task] = []
        self.mounted: set[str] = set()           # components whose mount trigger was sent

    # --- from the bench's thread ---------------------------------------------------------
    def _call(self, coro, timeout: float | None = None):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def ready(self, timeout: float, slowed: bool) -> None:
        """Drawn, as a class looks at it before Train; `slowed`: first the speed to 1 epoch/s."""
        self._call(self._until(self._drawn, timeout), timeout + 5)
        if slowed:
            self._call(self._slow_down(timeout), timeout + 5)

    def click(self, label: str, timeout: float = 30) -> None:
        self._call(self._click(label, timeout), timeout + 5)

    def seen(self) -> dict:
        return self._call(self._seen(), 10)

    def close(self) -> None:
        self._call(self._close(), 15)

    # --- the connection ------------------------------------------------------------------
    async def _connect(self) -> None:
        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/_stcore/stream", subprotocols=["streamlit", XSRF_PLACEHOLDER],
            origin=f"http://127.0.0.1:{self.port}", proxy=None,   # loopback only, never an environment's proxy
            ping_interval=None,       # a browser's WebSocket sends no pings (it answers the server's)
            max_size=None, max_queue=None)   # charts' messages exceed 1 MiB; no back-pressure, as a browser
        self.outbox = asyncio.Queue()
        self.tasks = [asyncio.create_task(self._read()), asyncio.create_task(self._write())]
        self.rerun()                  # the page's first run, as the frontend asks once connected

    async def _write(self) -> None:
        """One writer: reruns reach the server in the order they were made."""
        while True:
            await self.ws.send(await self.outbox.get())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                try:
                    self.on_message(raw, time.time())
                except Exception as e:       # the bench goes on; the error is shown per student
                    self.errors.append(f"{type(e).__name__}: {e}"[:160])
        except websockets.ConnectionClosed:
            pass
        self.closed.append((time.time() * 1000, self.ws.close_code))
        self._stop_polls(self.timers)     # a closed page polls no more (no reconnection here)
        self.tasks[1].cancel()

    async def _close(self) -> None:
        await self.ws.close()             # the reader then stops the polls and the writer
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def rerun(self, fragment_id: str = "", auto: bool = False, trigger: WidgetState | None = None) -> None:
        """A rerun_script as the frontend's sendRerunBackMsg builds it."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash     # "" at first: the server picks the default page
        state.fragment_id, state.is_auto_rerun = fragment_id, auto
        state.widget_states.widgets.extend(w for i, w in self.widgets.items() if not trigger or i != trigger.id)
        if trigger:
            state.widget_states.widgets.append(trigger)
        state.cached_message_hashes.extend(self.cache.entries)
        info = state.context_info      # what Chromium sent in this bench (its url without the query)
        info.timezone, info.timezone_offset, info.locale, info.is_embedded = "UTC", 0, "en-US", False
        info.url, info.color_scheme = f"http://127.0.0.1:{self.port}/", "light"
        self.fresh_session = False
        self.outbox.put_nowait(back.SerializeToString())    # the writer sends it, in order
        self.sends += 1
        self.last_send = time.time()

    # --- what the server sends -----------------------------------------------------------
    def on_message(self, raw: bytes, now: float) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        self.frames += 1
        self.last_recv = now
        if msg.WhichOneof("type") != "ref_hash":
            self.cache.keep(msg)
        elif (msg := self.cache.resolve(ref := msg)) is None:
            self.errors.append(f"cached message missing: {ref.ref_hash}")
            return
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash    # st.navigation's current page
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string     # the app rewrote its address
        elif kind == "stop_auto_rerun":
            self._stop_polls(msg.stop_auto_rerun.fragment_ids)
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.errors.append("script compilation exception")
        elif handler := getattr(self, f"_on_{kind}", None):
            handler(msg, now)

    def _on_new_session(self, msg: ForwardMsg, now: float) -> None:
        self.fresh_session = True
        self.run_id = msg.metadata.run.script_run_id
        self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
        if not msg.metadata.run.fragment_ids:    # a full run: its polls are set up anew
            self._stop_polls(self.timers)
            self.page_hash = msg.new_session.page_script_hash or self.page_hash

    def _on_delta(self, msg: ForwardMsg, now: float) -> None:
        """An element (or a block) at its path: what it tells the bench, its widget's state."""
        path, delta = tuple(msg.metadata.delta_path), msg.delta
        if delta.WhichOneof("type") == "new_transient":
            return                    # spinners, toasts: nothing the bench reads
        el = delta.new_element if delta.WhichOneof("type") == "new_element" else None
        kind = el.WhichOneof("type") if el is not None else "block"
        w = getattr(el, kind) if el is not None else None
        if el is not None:            # an element where a block was: the block's children go with it
            for other in [q for q in self.elements if len(q) > len(path) and q[:len(path)] == path]:
                del self.elements[other]
        self.elements[path] = (kind, w, self.run_id, delta.fragment_id)
        if self.point is None and (spec := chart_spec(kind, w)) and has_point(spec):
            self.point = now
        if kind == "exception":
            self._count_exceptions()
        elif kind == "bidi_component":
            self._mounted(w, delta.fragment_id)
        wid = getattr(w, "id", None)
        if wid and (wid not in self.widgets or getattr(w, "set_value", False)) \
                and (state := widget_state(kind, w)) is not None:
            self.widgets[wid] = state
        text = element_text(kind, w)
        if text and path[0] == MAIN:
            if self.done is None and DONE.search(text):
                self.done = now
            if m := STATUS.search(text):
                self.status = m.group(0)

    def _mounted(self, w, fragment: str) -> None:
        """The component's script, run by the browser as it mounts the element: a trigger
        value reruns its fragment (the same element again is not mounted again)."""
        if w.component_name in MOUNT_TRIGGERS and w.id not in self.mounted:
            self.mounted.add(w.id)
            event, value = MOUNT_TRIGGERS[w.component_name]
            self.rerun(fragment, trigger=WidgetState(id=TRIGGER_ID.format(w.id),
                                                     json_trigger_value=json.dumps([{"event": event, "value": value}])))

    def _on_script_finished(self, msg: ForwardMsg, now: float) -> None:
        """The frontend's handleScriptFinished: stale elements dropped, the cache aged."""
        status, run, has_run = msg.script_finished, msg.metadata.run, msg.metadata.HasField("run")
        fragments = list(run.fragment_ids)
        if has_run and status in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY) \
                and (fragments or run.script_run_id == self.run_id):     # a full run: the page's latest
            self._drop_stale(run.script_run_id, fragments)
        if has_run and status != FINISHED.FINISHED_EARLY_FOR_RERUN and self.fresh_session:
            self.cache.age(self.max_age, fragments)
        if status == FINISHED.FINISHED_SUCCESSFULLY and not fragments:
            self.full_runs += 1
        if status in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
            self.runs_done += 1

    def _drop_stale(self, run_id: str, fragments: list[str]) -> None:
        """The frontend's clearStaleNodes, then its removeInactiveWidgetState."""
        for path, (_k, _w, rid, fragment) in list(self.elements.items()):
            if rid != run_id and (not fragments or fragment in fragments):
                del self.elements[path]
        active = {getattr(w, "id", None) for _k, w, _r, _f in self.elements.values()}
        for wid in set(self.widgets) - active:
            del self.widgets[wid]
        self._count_exceptions()

    def _count_exceptions(self) -> None:
        shown = sum(1 for kind, *_ in self.elements.values() if kind == "exception")
        self.exceptions = max(self.exceptions, shown)

    def _on_auto_rerun(self, msg: ForwardMsg, now: float) -> None:
        fragment, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
        if fragment and self.timers.get(fragment, (None,))[0] != interval:   # else the frontend keeps its timer
            self._stop_polls([fragment])
            self.timers[fragment] = (interval, asyncio.create_task(self._poll(fragment, interval)))

    def _stop_polls(self, fragments) -> None:
        """clearInterval: the poll timers of the fragments named."""
        for fragment in list(fragments):
            if fragment in self.timers:
                self.timers.pop(fragment)[1].cancel()

    async def _poll(self, fragment: str, interval: float) -> None:
        """setInterval: the fragment's rerun every `interval` s, with the latest widget states."""
        while True:
            await asyncio.sleep(interval)
            self.rerun(fragment, auto=True)

    # --- what the student does -----------------------------------------------------------
    def _drawn(self) -> bool:
        """As the browser bench's DRAWN: a full run done, two charts or more (plotly's own, or
        ui.live_chart's: the preview's curves), no placeholder."""
        kinds = [kind for kind, *_ in self.elements.values()]
        charts = sum(1 for kind, w, *_ in self.elements.values() if kind == "plotly_chart"
                     or (kind == "bidi_component" and "live_chart" in w.component_name))
        return self.full_runs > 0 and charts >= 2 and "skeleton" not in kinds

    async def _until(self, ready, timeout: float, what: str = "drawn"):
        """ready()'s first true value, waited for as Playwright waits (polling)."""
        end = time.monotonic() + timeout
        while not (found := ready()):
            if time.monotonic() > end or self.closed:
                raise TimeoutError(f"{self.query}: not {what} ({self.errors[-1:] or self.closed})")
            await asyncio.sleep(0.1)
        return found

    def _match(self, kind: str, match) -> tuple | None:
        """(element proto, fragment id) of the first `kind` element that `match`es."""
        for _path, (k, w, _rid, fragment) in sorted(self.elements.items(), key=lambda item: item[0]):
            if k == kind and match(w):
                return w, fragment
        return None

    async def _click(self, label: str, timeout: float) -> None:
        """A button's click once it is there and enabled: a one-shot trigger, rerunning the
        button's fragment if it is in one."""
        clickable = (lambda b: b.label == label and not b.disabled)
        button, fragment = await self._until(lambda: self._match("button", clickable), timeout, f"a {label} button")
        self.rerun(fragment, trigger=WidgetState(id=button.id, trigger_value=True))

    async def _slow_down(self, timeout: float) -> None:
        """The lab's speed to its slowest option (the browser bench's End key), then drawn."""
        speed = (lambda s: s.id.endswith(f"-{SPEED_KEY}"))       # a keyed widget's id ends with its key
        slider, fragment = await self._until(lambda: self._match("slider", speed), timeout, "a speed control")
        slowest = slider.options[int(slider.max)]                  # options: labels, max: the last index
        self.widgets[slider.id] = WidgetState(id=slider.id, string_array_value={"data": [slowest]})
        runs = self.runs_done
        self.rerun(fragment)            # the lab's fragment (views/train.lab_fragment), or the page
        await self._until(lambda: self.runs_done > runs, timeout)

    async def _seen(self) -> dict:
        """What the browser's watcher (window.__nnp) reports, in its units (ms since the epoch)."""
        ms = (lambda t: t and t * 1000)
        return {"point": ms(self.point), "done": ms(self.done), "exceptions": self.exceptions,
                "sends": self.sends, "lastSend": ms(self.last_send), "lastRecv": ms(self.last_recv),
                "status": self.status, "timers": sorted(int(i * 1000) for i, _t in self.timers.values()),
                "sockets": "3" if self.closed else "1", "closed": list(self.closed),
                "console": self.errors[:3] + self.errors[3:][-1:], "visible": "light"}


class LightClass:
    """The light students' event loop, in a thread of the bench's own process (its CPU is
    the clients' CPU)."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def open(self, port: int, query: str) -> LightStudent:
        student = LightStudent(self.loop, port, query)
        student._call(student._connect(), 30)
        return student

    @staticmethod
    def cpu(server_pid: int) -> tuple[float, float]:
        """CPU seconds so far: (the server's, from /proc; this bench process's, every thread:
        the students' loop, the sampler, the bench's own polls)."""
        fields = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), time.process_time()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
