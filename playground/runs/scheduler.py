"""The process-wide line for training slots.

2 cores: more runs at once only make each slower, so at most `max_running` jobs
hold a slot (PLAYGROUND_MAX_JOBS, default the number of cores); the rest wait in
line, first come first served, and can see their position.
"""
from __future__ import annotations

import os
import threading


class Scheduler:
    def __init__(self, max_running: int | None = None):
        self.max_running = max_running or _env_int("PLAYGROUND_MAX_JOBS") or os.cpu_count() or 1
        self._cond = threading.Condition()
        self._running: set = set()
        self._waiting: list = []

    def acquire(self, job) -> bool:
        """Block until `job` may train; False if it was stopped while waiting."""
        with self._cond:
            self._waiting.append(job)
            try:
                while self._waiting[0] is not job or len(self._running) >= self.max_running:
                    if job.stop_requested:
                        return False
                    self._cond.wait(0.2)
                self._running.add(job)
                return True
            finally:
                self._waiting.remove(job)
                self._cond.notify_all()

    def release(self, job) -> None:
        with self._cond:
            self._running.discard(job)
            self._cond.notify_all()

    def position(self, job) -> int:
        """1-based place in the waiting line, 0 when not waiting."""
        with self._cond:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    @property
    def running(self) -> int:
        return len(self._running)


def _env_int(name: str) -> int:
    """A teacher's setting; empty or not a whole number means unset (the default applies)."""
    try:
        return max(int(os.environ.get(name, "") or 0), 0)
    except ValueError:
        return 0


SCHEDULER = Scheduler()
