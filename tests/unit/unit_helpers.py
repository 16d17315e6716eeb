"""Helpers shared by the unit tests (a unique module name: tests/ has no packages)."""
from __future__ import annotations

import functools
import time

import pytest

from playground.config import make_config
from playground.data.loaders import load_for_config
from playground.data.prepare import prepare


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


def stop_all(jobs, timeout: float = 10.0) -> None:
    """Stop every job a test made and wait for each to go (no thread or actor outlives its test)."""
    for j in jobs:
        j.stop()
    for j in jobs:
        j.join(timeout)
        assert not j.alive


def without_seconds(history) -> list[dict]:
    """History entries minus the wall-clock field, for determinism checks."""
    return [{k: v for k, v in e.items() if k != "seconds"} for e in history]


# --- subprocesses started early ---------------------------------------------------------
# A fresh interpreter pays ~4-5 s of imports (torch, sklearn). Test modules register their
# commands at import; right after collection (tests/conftest.py) a background thread runs
# them one at a time, so they use the second core while the app and browser tests (which
# mostly wait on one core) run first; the tests that read the results are marked `late`.

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_commands: dict[str, list[str]] = {}
_procs: dict = {}
_results: dict = {}
_lock = threading.Lock()          # _procs: the runner thread and a test may start the same command
_killed = threading.Event()


# Runs scripts one after another in one interpreter (torch, and Keras, imported once, ~3 CPU-s
# each time): each exported script seeds everything it uses, so it prints what it prints
# alone. One JSON line out: {name: [stdout, error or None]}.
BATCH_RUNNER = """
import contextlib, io, json, runpy, sys, traceback
out = {}
for name, argv in json.loads(sys.argv[1]).items():
    buf, error = io.StringIO(), None
    sys.argv = argv
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        error = None if e.code in (0, None) else f"exit status {e.code}"
    except BaseException:
        error = traceback.format_exc()
    out[name] = [buf.getvalue(), error]
print(json.dumps(out))
"""
_batches: dict[str, dict[str, list[str]]] = {}
# A batch runs where a user would run an exported script: in a folder of its own, `playground`
# not importable, Keras on torch, one thread.
BATCH_DIR = Path(tempfile.mkdtemp(prefix="playground-batches-"))
atexit.register(shutil.rmtree, BATCH_DIR, True)


def batch_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"}


def register(name: str, args: list[str], batch: str | None = None) -> None:
    """Declare `python *args` (run in the repository root) for start_registered(). With
    `batch`, the script `args[0]` (an absolute path; the rest its arguments) runs in that
    batch's one interpreter instead (BATCH_RUNNER, in BATCH_DIR, batch_env); result(name)
    reads it the same way."""
    if batch is None:
        _commands.setdefault(name, list(args))
        return
    members = _batches.setdefault(batch, {})
    members.setdefault(name, list(args))
    _commands[batch] = ["-c", BATCH_RUNNER, json.dumps(members)]


def start_registered() -> None:
    """Run every registered command in the background, one after another (one core's worth)."""
    def run_all():
        for name in list(_commands):
            if _killed.is_set():
                return
            proc = _start(name)
            if proc is not None:
                proc.wait()
    threading.Thread(target=run_all, daemon=True, name="registered-subprocesses").start()


def _start(name: str):
    """Start a command unless it already started; its Popen, or None when it had."""
    with _lock:
        if name in _procs or _killed.is_set():
            return None
        out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
        env, cwd = ({**os.environ, "PYTHONPATH": str(ROOT)}, ROOT) if name not in _batches else (batch_env(), BATCH_DIR)
        proc = subprocess.Popen([sys.executable, *_commands[name]], cwd=cwd, env=env, stdout=out, stderr=err,
                                text=True)
        _procs[name] = (proc, out, err)
        return proc


def result(name: str, timeout: float = 240) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a registered command, starting it if needed and waiting.
    A batch's script: exit code 1 and the traceback as stderr when it raised."""
    batch = next((b for b, members in _batches.items() if name in members), None)
    if batch is not None:
        rc, out, err = result(batch, timeout)
        if rc != 0:
            return rc, "", err
        stdout, error = json.loads(out.strip().splitlines()[-1])[name]
        return (0 if error is None else 1), stdout, error or ""
    if name not in _results:
        _start(name)
        proc, out, err = _procs[name]
        proc.wait(timeout)
        out.seek(0)
        err.seek(0)
        _results[name] = (proc.returncode, out.read(), err.read())
        out.close()
        err.close()
    return _results[name]


def kill_started() -> None:
    """End the processes this session started that still run (each by its own handle)."""
    _killed.set()
    with _lock:
        for proc, _, _ in _procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
