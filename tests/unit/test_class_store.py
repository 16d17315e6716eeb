"""The class in the shared store (ui.store), the same in memory and in Redis: the class
state's round trips, students' presence rows that expire, and the teacher's pause / stop
command reaching the runs of two replicas (two registries on one store), only the runs
that were there when it was given."""
from __future__ import annotations

import time

import pytest
from test_store import redis_url, store  # noqa: F401  (fixtures: a throwaway redis-server)

from playground.runs.snapshot import Snapshot
from playground.status import Status
from ui import store as shared
from ui.registry import Registry

pytestmark = pytest.mark.waits      # heartbeats and timeouts run out on a clock: first in its lane (tests/conftest.py)


def test_class_state_round_trips(store):  # noqa: F811
    assert store.class_state() == {}
    store.set_class(lesson="l03-activation", hidden=["lr", "optimizer"], opened_at=12.5)
    store.set_class(setup="dataset=spiral&hidden=8%2C8")
    assert store.class_state() == {"lesson": "l03-activation", "hidden": ["lr", "optimizer"], "opened_at": 12.5,
                                   "setup": "dataset=spiral&hidden=8%2C8"}
    assert [store.bump_class("lesson_seq") for _ in range(3)] == [1, 2, 3]
    assert store.class_state()["lesson_seq"] == 3
    assert store.class_default("key", "first") == "first"
    assert store.class_default("key", "second") == "first"          # set once, for every replica


def test_presence_rows_round_trip_and_expire(store):  # noqa: F811
    row = {"session": "s1", "number": 1, "nickname": "민지", "losses": [0.7, 0.5], "best": None}
    store.publish("s1", row)
    store.publish("s2", {**row, "session": "s2", "nickname": ""})
    assert sorted(store.presence(), key=lambda r: r["session"]) == [row, {**row, "session": "s2", "nickname": ""}]
    store.withdraw("s2")
    assert store.presence() == [row]
    store.publish("s3", {"session": "s3"}, ttl=1)
    time.sleep(1.3)                                                  # redis' shortest expiry is a second
    assert store.presence() == [row]


class FakeRun:
    def __init__(self):
        self.status = Status.RUNNING

    def snapshot(self):
        return Snapshot(status=self.status, epoch=1, epochs=10, history=())

    def pause(self):
        self.status = Status.PAUSED

    def resume(self):
        self.status = Status.RUNNING

    def stop(self, reason=None):
        self.status, self.reason = Status.STOPPED, reason


def _replica(store, name):  # noqa: F811
    reg = Registry(connected=lambda session: True, store=store, me=shared.this_process(name))
    reg._start_reaper = lambda: None        # the test plays the reaper's rounds itself
    return reg


def test_pause_and_stop_all_reach_every_replicas_runs(store):  # noqa: F811
    one, two = _replica(store, "replica-1"), _replica(store, "replica-2")
    runs = [FakeRun() for _ in range(3)]
    one.register(runs[0], "tab-a")
    one.register(runs[1], "tab-b")
    two.register(runs[2], "tab-c")
    time.sleep(0.01)
    shared.class_command(store, "pause")
    assert one.follow_class() == "pause" and two.follow_class() == "pause"
    assert [r.status for r in runs] == [Status.PAUSED] * 3
    assert one.follow_class() is None                                # applied once
    later = FakeRun()
    two.register(later, "tab-d")                                     # started after the command
    assert two.follow_class() is None and later.status == Status.RUNNING
    shared.class_command(store, "resume")
    one.follow_class(), two.follow_class()
    assert [r.status for r in runs] == [Status.RUNNING] * 3
    time.sleep(0.01)
    shared.class_command(store, "stop")
    one.follow_class(), two.follow_class()
    assert all(r.status == Status.STOPPED and r.reason == "teacher" for r in [*runs, later])
    fresh = _replica(store, "replica-3")                             # a replica (re)started after it all
    newcomer = FakeRun()
    fresh.register(newcomer, "tab-e")
    assert fresh.follow_class() == "stop" and newcomer.status == Status.RUNNING   # an old command is history


def test_an_unknown_command_is_refused(store):  # noqa: F811
    with pytest.raises(ValueError):
        shared.class_command(store, "delete")
