"""Which thread does what with Ray, without Ray (a fake module): a local Ray is started from a
thread that outlives its caller, and the turn keeper is created by one thread at a time. Both
broke a server on Ray at its first Train (exit 1: its raylet was killed with the thread that
started it; two threads creating the keeper at once leave one with a dead actor)."""
from __future__ import annotations

import sys
import threading
import time
import types

from playground.runs import ray_job, ray_local, ray_turns


class _KeeperClass:
    """The actor class `ray.remote(...)(Keeper)` gives: counts the creations under way at once."""

    def __init__(self):
        self.inside = self.most = 0
        self.lock = threading.Lock()

    def options(self, **_options):
        return self

    def remote(self, _slots):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        time.sleep(0.05)            # Ray's round trip to its control store
        with self.lock:
            self.inside -= 1
        return "keeper"


class _FakeRay:
    def __init__(self):
        self.actor_class = _KeeperClass()

    def remote(self, **_options):
        return lambda cls: self.actor_class


def _no_loopback_setup() -> None:
    """ray_local._loopback_only reads ray._private, which a fake module has not: run alone, the
    tests below failed there (in the suite the real Ray was imported first). The loopback is
    tested with the real Ray (test_ray_job.py)."""


def test_two_threads_never_create_the_keeper_at_once():
    ray = _FakeRay()
    threads = [threading.Thread(target=ray_turns.keeper, args=(ray, 2)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert ray.actor_class.most == 1


def test_a_local_ray_started_from_a_short_thread_outlives_it(monkeypatch):
    """Ray kills its raylet when the thread that ran ray.init ends (PR_SET_PDEATHSIG): a page's
    script or the pool's warm-up thread must not be that thread."""
    started_in = []
    fake = types.SimpleNamespace(is_initialized=lambda: bool(started_in),
                                 init=lambda **options: started_in.append(threading.current_thread()))
    monkeypatch.setitem(sys.modules, "ray", fake)
    monkeypatch.setattr(ray_local, "_loopback_only", _no_loopback_setup)
    short = threading.Thread(target=ray_job.connect, args=("local", 2))
    short.start()
    short.join(5)
    assert not short.is_alive() and len(started_in) == 1
    assert started_in[0] is not short and started_in[0].is_alive()


def test_a_local_ray_that_cannot_start_raises_in_the_caller(monkeypatch):
    def init(**_options):
        raise RuntimeError("no room for the object store")
    monkeypatch.setitem(sys.modules, "ray", types.SimpleNamespace(is_initialized=lambda: False, init=init))
    monkeypatch.setattr(ray_local, "_loopback_only", _no_loopback_setup)
    heads = lambda: sum(t.name == "ray-head" and t.is_alive() for t in threading.enumerate())   # noqa: E731
    before, failed = heads(), []

    def caller():
        try:
            ray_job.connect("local", 2)
        except RuntimeError as e:
            failed.append(str(e))
    short = threading.Thread(target=caller)
    short.start()
    short.join(5)
    assert failed == ["no room for the object store"]
    deadline = time.monotonic() + 5
    while heads() > before and time.monotonic() < deadline:     # the failed start's thread ends
        time.sleep(0.01)
    assert heads() == before
