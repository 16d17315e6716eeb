"""A short piece of work (training the default digit model, fine-tuning on sketches)
that trains in turns at the scheduler's slots like any run (a turn ends at a report when
another run waits), so a classroom's clicks share the cores instead of all training at
once in the pages' threads."""
from __future__ import annotations

from typing import Any, Callable

from ..status import Status
from .job import BackgroundJob
from .scheduler import SCHEDULER, Scheduler


class _Stopped(Exception):
    """Stopped while waiting for its next turn."""


Report = Callable[[float, dict], None]   # (fraction done, details such as the epoch's logs)


class TaskJob(BackgroundJob):
    kind = "task"

    def __init__(self, name: str, work: Callable[[Report], Any], *, scheduler: Scheduler = SCHEDULER):
        super().__init__(name, scheduler=scheduler)
        self._work = work
        self._reports: list[tuple[float, dict]] = []   # every report, so a waiter misses none
        self._result: Any = None
        self._exception: BaseException | None = None

    def _report(self, fraction: float, details: dict | None = None) -> None:
        with self._cond:
            self._reports.append((float(fraction), dict(details or {})))
        if not self._end_turn_if_over(epoch_end=True):
            raise _Stopped

    def _run(self) -> None:
        if not self._take_slot():
            self._set_status(Status.STOPPED)
            return
        self._mark_started()
        self._set_status(Status.RUNNING)
        try:
            result = self._work(self._report)
        except _Stopped:
            self._set_status(Status.STOPPED)
            return
        except BaseException as e:
            self._exception = e
            self._set_status(Status.ERROR, f"{type(e).__name__}: {e}")
            raise
        with self._cond:
            self._result, self._status = result, Status.COMPLETED

    @property
    def status(self) -> Status:
        with self._cond:
            return self._status

    def reports(self, start: int = 0) -> list[tuple[float, dict]]:
        """The (fraction done, details) reports from number `start` on."""
        with self._cond:
            return self._reports[start:]

    def wait(self, on_progress: Callable[[float, dict, int], None] | None = None, poll: float = 0.1) -> Any:
        """Block the caller until the work is done, calling on_progress(fraction, details,
        runs sharing the server) for every report, and while it waits for its first turn
        (with the number of runs it shares the server with; 0 once it trains); return the
        work's result or raise its exception."""
        seen, last_sharing = 0, 0
        while True:
            self.join(poll)
            if on_progress:
                sharing = self.scheduler.sharing() if self.status == Status.QUEUED else 0
                if sharing != last_sharing:
                    on_progress(0.0, {}, sharing)
                    last_sharing = sharing
                new = self.reports(seen)
                seen += len(new)
                for fraction, details in new:
                    on_progress(fraction, details, 0)
            if not self.alive:
                break
        if self._exception is not None:
            raise self._exception
        if self.status != Status.COMPLETED:
            raise RuntimeError(f"{self._thread.name} ended as {self.status}")
        return self._result


def run_queued(name: str, work: Callable[[Report], Any], on_progress=None, *,
               scheduler: Scheduler = SCHEDULER) -> Any:
    """Run `work(report)` in a queued background job and wait for it here."""
    return TaskJob(name, work, scheduler=scheduler).start().wait(on_progress)



