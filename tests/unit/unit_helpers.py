"""Helpers shared by the unit tests (a unique module name: tests/ has no packages)."""
from __future__ import annotations

import functools
import time

import pytest

from playground.config import make_config
from playground.data import load_for_config, prepare


@functools.lru_cache(maxsize=None)
def _prepared(items: tuple):
    cfg = make_config(**dict(items))
    return cfg, prepare(load_for_config(cfg), cfg)


def prepared_for(**values):
    """(config, Prepared) for these config values; cached, so treat both as read-only."""
    return _prepared(tuple(sorted(values.items())))


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.02):
    """Poll until predicate() is truthy; returns its value or fails the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


def without_seconds(history) -> list[dict]:
    """History entries minus the wall-clock field, for determinism checks."""
    return [{k: v for k, v in e.items() if k != "seconds"} for e in history]
