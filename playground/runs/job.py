"""What every background job shares: its thread, stop, join, turns at the scheduler's slots,
the idle timeout kept away by an explicit heartbeat, and turning any exception into a
message a page can show.

The thread never touches the UI. Commands and the state a snapshot reads are guarded
by one Condition (`self._cond`); subclasses publish under it and snapshot under it.
Reading a job never changes it: only `heartbeat()`, called by the page that owns the
job, keeps it alive.
"""
from __future__ import annotations

import threading
import time
import traceback

import torch

from ..errors import ConfigError
from ..status import Status
from .scheduler import SCHEDULER, Scheduler


class Watched:
    """What a page relies on in any job, in process or on Ray: the thread that follows it
    (`self._thread`), and the idle timeout (`idle_timeout`, `_last_seen`) kept off by the
    owner's heartbeats."""
    _thread: threading.Thread
    idle_timeout: float | None
    _last_seen: float

    def join(self, timeout: float | None = None) -> None:
        if self._thread.is_alive():       # a job never started has nothing to wait for
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def heartbeat(self) -> None:
        """The page that owns this job is still open (its polling fragment ran): keeps the
        idle timeout away. Nothing else does: snapshots and other pages' reads are pure."""
        self._last_seen = time.monotonic()

    def abandoned(self) -> bool:
        return self.idle_timeout is not None and time.monotonic() - self._last_seen > self.idle_timeout


class BackgroundJob(Watched):
    kind = "job"   # thread name prefix

    def __init__(self, name: str, *, scheduler: Scheduler = SCHEDULER, idle_timeout: float | None = None):
        self.scheduler = scheduler
        self.idle_timeout = idle_timeout  # stop if nobody asked for a snapshot this long
        self._cond = threading.Condition()
        self.stop_requested = False       # read by the scheduler while this job waits in line
        self.stop_reason: str | None = None   # budget | idle when not stopped by its user
        self._status = Status.QUEUED
        self._error: str | None = None
        self._holding = False
        self._t_start: float | None = None
        self._last_seen = time.monotonic()
        self._thread = threading.Thread(target=self._main, daemon=True, name=f"{self.kind}-{name}")

    # --- control (any thread) -------------------------------------------------------------------
    def start(self) -> "BackgroundJob":
        self._thread.start()
        return self

    def stop(self, reason: str | None = None) -> None:
        with self._cond:
            if not self.stop_requested:
                self.stop_reason = reason
            self.stop_requested = True
            self._on_stop()
            self._status_changed()          # the record names the reason at once
            self._cond.notify_all()

    def _on_stop(self) -> None:
        """Called under the lock when stop() is requested (e.g. interrupt a trainer mid-epoch)."""

    @property
    def elapsed(self) -> float:
        """Seconds since the work began (0 while still waiting for its first slot)."""
        return (time.perf_counter() - self._t_start) if self._t_start else 0.0

    def _mark_started(self) -> None:
        if self._t_start is None:
            self._t_start = time.perf_counter()

    # --- helpers for the thread -----------------------------------------------------------------------
    def _set_status(self, status: Status, error: str | None = None) -> None:
        with self._cond:
            self._status = status
            if error is not None:
                self._error = error
            self._status_changed()

    def _status_changed(self) -> None:
        """Under the lock, after the status (or the error) changed: a job that publishes
        records publishes the next one here."""

    @property
    def shown_point(self) -> bool:
        """Whether the page has seen a first result (the scheduler serves the others first)."""
        return False

    def wait_for_point(self, timeout: float) -> None:
        """Up to `timeout` s, until the job has shown its first result or no longer works toward
        it (paused, over): the page that pressed Train then draws the first curve point in that
        click's own rerun, not at its next poll. Changes nothing (a job notifies as it publishes)."""
        with self._cond:
            self._cond.wait_for(lambda: self.shown_point or self._status == Status.PAUSED or self._status.finished,
                                timeout)

    def _take_slot(self, queued: bool = True) -> bool:
        """Wait for a turn at a slot (`queued`: say so in the status: a run that only waits
        for its speed limit's next epoch stays running); False when stopped while waiting."""
        if queued:
            self._set_status(Status.QUEUED)
        if not self.scheduler.acquire(self):
            return False
        self._holding = True
        return True

    def _next_turn(self) -> float | None:
        """Hand the slot to a waiting run and wait for this job's next turn (the thread keeps
        its model and optimizer meanwhile); returns the seconds waited, None when stopped
        while waiting."""
        t0 = time.perf_counter()
        self._holding = False
        if not self.scheduler.next_turn(self):
            return None
        self._holding = True
        return time.perf_counter() - t0

    def _end_turn_if_over(self, epoch_end: bool = False) -> bool:
        """Between two pieces of work: if another run waits and this one had its turn, hand
        the slot on and wait for the next turn. False when stopped while waiting."""
        return not self.scheduler.turn_over(self, epoch_end) or self._next_turn() is not None

    def _give_slot(self) -> None:
        if self._holding:
            self._holding = False
            self.scheduler.release(self)

    # --- the thread ----------------------------------------------------------------------------------
    def _main(self) -> None:
        torch.set_num_threads(1)   # intra-op threads are per OS thread; small nets gain nothing from more
        try:
            self._run()
        except ConfigError as e:
            self._set_status(Status.ERROR, str(e))
        except Exception as e:   # a UI must see a message, not a dead thread
            self._set_status(Status.ERROR, f"{type(e).__name__}: {e}")
            traceback.print_exc()
        finally:
            self._give_slot()

    def _run(self) -> None:
        raise NotImplementedError
