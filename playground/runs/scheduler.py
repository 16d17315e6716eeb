"""Fair turns at the process's training slots.

2 cores: more runs computing at once only make each slower, so at most `max_running`
jobs compute at a time (PLAYGROUND_MAX_JOBS, default the number of cores). Every run that
wants to train gets them in short turns, round-robin: a turn ends after `turn_s` seconds
of batches, or at the end of an epoch once it has lasted EPOCH_TURN_S, whichever comes
first, but only when another run is waiting (alone, a run keeps its slot). A turn of one
toy set's epoch (~2 ms) handed the slot on hundreds of times a second, each hand-over
waking every waiting thread: 20 toy-set runs on 2 slots took 1.15-1.2x as long
(bench/turns.py). A run that has not shown its first curve point
goes before the others, so a class that presses Train together sees its first points
within seconds instead of a minute in a first-come-first-served line.

A job that stops training (paused, waiting for its speed limit, done) releases its slot
and is no longer among the runs sharing the server. A turn may end mid-epoch: the job's
thread simply waits for its next turn, keeping its model and optimizer.

PLAYGROUND_TURNS=0 brings back the old line (first come, first served; a run keeps its
slot until it pauses or ends): bench/classroom.py's baseline.
"""
from __future__ import annotations

import itertools
import os
import threading
import time

TURN_S = 0.3            # a turn's length: short enough for 30 runs to take turns every few seconds
POLL_S = 0.2            # a waiting job re-checks its stop flag this often
EPOCH_TURN_S = 0.05     # the shortest turn that ends at an epoch's end: 30 runs still move every second


class Scheduler:
    def __init__(self, max_running: int | None = None, turn_s: float = TURN_S, fair: bool | None = None):
        self.max_running = max_running or _env_int("PLAYGROUND_MAX_JOBS") or os.cpu_count() or 1
        self.turn_s = turn_s
        self.fair = os.environ.get("PLAYGROUND_TURNS", "1").strip() != "0" if fair is None else fair
        self._cond = threading.Condition()
        self._running: dict = {}       # job -> when its turn began (monotonic)
        self._waiting: dict = {}       # job -> its ticket (lower goes first)
        self._tickets = itertools.count()
        self._mean_turn = turn_s       # measured turns' length (moving average): the wait estimate

    # --- the job's side ------------------------------------------------------------------------
    def acquire(self, job) -> bool:
        """Block until `job` may train; False if it was stopped while waiting."""
        with self._cond:                      # a Condition's lock is re-entrant: try_acquire nests
            while not self.try_acquire(job):
                if job.stop_requested:
                    self.leave(job)
                    return False
                self._cond.wait(POLL_S)
            return True

    def try_acquire(self, job) -> bool:
        """Without blocking: join the line (once) and take a slot if it is `job`'s turn; True
        while it holds one (a remote job asks this way: runs.ray_turns)."""
        with self._cond:
            if job in self._running:
                return True
            self._waiting.setdefault(job, next(self._tickets))
            if not self._admissible(job):
                return False
            del self._waiting[job]
            self._running[job] = time.monotonic()
            self._cond.notify_all()
            return True

    def leave(self, job) -> None:
        """Out of the line without a turn (stopped while waiting)."""
        with self._cond:
            self._waiting.pop(job, None)
            self._cond.notify_all()

    def release(self, job) -> None:
        with self._cond:
            began = self._running.pop(job, None)
            if began is not None:
                self._mean_turn = 0.8 * self._mean_turn + 0.2 * min(time.monotonic() - began, 10 * self.turn_s)
            self._cond.notify_all()

    def turn_over(self, job, epoch_end: bool = False) -> bool:
        """Whether `job` should hand its slot on now: another run waits, and the job has had
        its turn (`turn_s` of batches, or an epoch). Called after every batch: while nobody
        waits it answers without taking the lock (reading a dict's size is atomic)."""
        if not self._waiting:
            return False
        with self._cond:
            if not self._waiting or not self.fair:
                return False
            began = self._running.get(job)
            return began is not None and time.monotonic() - began >= (EPOCH_TURN_S if epoch_end else self.turn_s)

    def next_turn(self, job) -> bool:
        """End `job`'s turn and wait for its next one (behind those already waiting)."""
        self.release(job)
        return self.acquire(job)

    # --- reading (any thread) ----------------------------------------------------------------------
    def _order(self) -> list:
        """Waiting jobs in the order they get slots: first points first, then by ticket (the
        old line: by ticket only)."""
        if not self.fair:
            return sorted(self._waiting, key=self._waiting.get)
        return sorted(self._waiting, key=lambda j: (bool(getattr(j, "shown_point", False)), self._waiting[j]))

    def _admissible(self, job) -> bool:
        free = self.max_running - len(self._running)
        return free > 0 and job in self._order()[:free]

    def sharing(self) -> int:
        """Runs that want to train now: computing or waiting for their turn."""
        with self._cond:
            return len(self._running) + len(self._waiting)

    def holds(self, job) -> bool:
        with self._cond:
            return job in self._running

    def wait_estimate(self, job) -> float:
        """Seconds until `job`'s next turn begins (0 while it computes): the turns of those
        ahead of it, `max_running` at a time."""
        with self._cond:
            if job in self._running or job not in self._waiting:
                return 0.0
            ahead = self._order().index(job)
            free = self.max_running - len(self._running)
            if ahead < free:
                return 0.0
            rounds = (ahead - max(free, 0)) // max(self.max_running, 1) + 1
            return rounds * self._mean_turn

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
