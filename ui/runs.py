"""This session's background jobs: start a training run (registered with the server under
a token its URL keeps, so a reload finds it), a cross-validation, and the one guard that
stops a job when Streamlit drops the session that owns it."""
from __future__ import annotations

import functools
import os
import threading
import weakref

import streamlit as st

from playground.config import FIELDS, LIVE_FIELDS, RunConfig
from playground.data.prepare import Prepared
from playground.errors import ConfigError
from playground.runs import budget, ray_job, warmup
from playground.runs.crossval import CrossValJob
from playground.runs.job import BackgroundJob
from playground.runs.training import TrainingJob

from . import data, registry
from .session import Key

# A tab that stops polling for this long (closed, crashed) has its run stopped. Generous,
# because browsers throttle timers in hidden tabs (down to once a minute).
IDLE_TIMEOUT_S = float(os.environ.get("PLAYGROUND_IDLE_TIMEOUT", 150))
# Only the Evaluate page polls a cross-validation: leave time to look at the other pages.
CV_IDLE_TIMEOUT_S = IDLE_TIMEOUT_S * 5


class JobGuard:
    """Kept in session_state beside its job. When Streamlit drops the session (the registry's
    reaper closes a closed tab's), the guard is collected and the job stops, unless a reloaded
    page (another session) took the run over; the registry keeps a run it knows findable a
    while longer (KEEP_FINISHED_S) and then lets it go."""

    def __init__(self, job: BackgroundJob, token: str | None = None):
        weakref.finalize(self, _release, job, token, registry.session_id())


def _release(job: BackgroundJob, token: str | None, session: str | None) -> None:
    owner = dict(registry.REGISTRY.runs()).get(token) if token else None
    if owner is None or owner.session == session:
        job.stop()


def _replace(job_key: str) -> None:
    """Stop the job a new one is about to replace (and let its memory go)."""
    old = st.session_state.get(job_key)
    if old is not None:
        old.stop()
    if job_key == Key.JOB:
        registry.REGISTRY.forget(st.session_state.pop(Key.RUN_TOKEN, None))


def _hold(job_key: str, guard_key: str, job: BackgroundJob, token: str | None = None) -> None:
    st.session_state[job_key] = job
    st.session_state[guard_key] = JobGuard(job, token)


_warmed, _warm_lock = False, threading.Lock()


def warm_up() -> None:
    """At the end of a page's run (app.py), once per process: the first run will not pay for
    torch's lazy imports, and on Ray its workers are started before the first Train. Started at
    the first page's import instead, the warm-up's ~1 CPU-s of imports beside that page's own
    made a fresh server's first page slower (bench/first_page.py, 3 rounds: cold 6.35 -> 5.73 s
    median; 5.2 s with no warm-up at all, but a first click then 1.7-2.3 s to its first point)."""
    global _warmed
    with _warm_lock:
        if _warmed:
            return
        _warmed = True
    warmup.warm_up_in_background()
    if ray_job.enabled():
        ray_job.warm_pool_in_background()


# --- training ------------------------------------------------------------------------------------

def training_job() -> TrainingJob | None:
    return st.session_state.get(Key.JOB)


def record(job):
    """This rerun's one record of `job`: read at its first use in the rerun, then the same
    record for every part of the page (the curve, the network and the buttons agree)."""
    ss = st.session_state
    rerun = ss.get(Key.RERUN, 0)
    memo = ss.get(Key.RECORDS)
    if memo is None or memo[0] != rerun:
        memo = ss[Key.RECORDS] = (rerun, {})
    if job not in memo[1]:
        memo[1][job] = job.snapshot()
    return memo[1][job]


def serial() -> int:
    """How many runs this session started: memos of one run compare it."""
    return st.session_state.get(Key.JOB_SERIAL, 0)


def start_training(cfg: RunConfig, prepared: Prepared, *, paused: bool = False, probes=None,
                   probe_interval: float = 0.25) -> TrainingJob:
    """Start a run for this session (stopping its previous one). `paused`: wait for step();
    `probes` computed in the training thread at most every `probe_interval` seconds."""
    _replace(Key.JOB)
    limits = budget.Limits.from_env()
    budget.check(cfg, prepared, limits)        # ConfigError: what to change, before anything starts
    # PLAYGROUND_RAY_ADDRESS: the run is a Ray actor with the same interface (Ray imported only then)
    make = (functools.partial(ray_job.RayTrainingJob, gpu=ray_job.wants_gpu()) if ray_job.enabled()
            else TrainingJob)
    job = make(cfg, prepared, dataset=data.dataset_for(cfg), probes=probes, probe_interval=probe_interval,
               idle_timeout=IDLE_TIMEOUT_S,
               time_limit=limits.run_seconds * 1.5)   # the estimate errs on the slow side
    token = registry.REGISTRY.register(job, registry.session_id())
    st.session_state[Key.RUN_TOKEN] = token
    _hold(Key.JOB, Key.JOB_GUARD, job, token)
    st.session_state[Key.JOB_SERIAL] = serial() + 1
    return job.start(paused=paused)


def reattach(token: str | None) -> bool:
    """First run of a session whose URL names a run: take it over (a reload). False when
    the server no longer knows it (it restarted, or the run was let go long ago)."""
    job = registry.REGISTRY.attach(token, registry.session_id())
    if job is None:
        return False
    st.session_state[Key.RUN_TOKEN] = token
    _hold(Key.JOB, Key.JOB_GUARD, job, token)
    st.session_state[Key.JOB_SERIAL] = serial() + 1
    return True


def follow_sidebar(cfg: RunConfig) -> tuple[tuple[str, ...], ConfigError | None]:
    """The sidebar's changes reach this session's live run: the settings a running run can
    take (config.LIVE_FIELDS: learning rate, batch size, L1 / L2, dropout, ...) apply from
    its next batch. Returns the other fields that differ (they need a new run, which only
    the user starts) and the error of a change the run refused."""
    job = training_job()
    if job is None:
        return (), None
    diff = [n for n in FIELDS if getattr(job.cfg, n) != getattr(cfg, n)]
    live = {n: getattr(cfg, n) for n in diff if n in LIVE_FIELDS}
    error = None
    if live and not record(job).finished:
        try:
            job.change(**live)
        except ConfigError as e:       # e.g. batch size 1 with batch normalization
            error = e
    return tuple(n for n in diff if n not in LIVE_FIELDS), error


def run_token() -> str | None:
    return st.session_state.get(Key.RUN_TOKEN)


# --- cross-validation -------------------------------------------------------------------------------

def cv_job() -> CrossValJob | None:
    return st.session_state.get(Key.CV_JOB)


def start_cross_validation(cfg: RunConfig, prepared: Prepared, method: str, k: int) -> CrossValJob:
    """Start a cross-validation (raises ConfigError when the method cannot run on this data,
    or when its trainings together would pass the server's budget for one run)."""
    job = CrossValJob(cfg, prepared, method, k, idle_timeout=CV_IDLE_TIMEOUT_S)
    budget.check(job.cfg, prepared, trainings=len(job.folds))
    _replace(Key.CV_JOB)
    _hold(Key.CV_JOB, Key.CV_GUARD, job)
    return job.start()
