"""runs/ray_job: a training run as a Ray actor, on a local Ray instance of 2 CPUs (started
once for the module: Ray's start-up costs seconds, each actor ~4 s more for its worker's
imports). Skipped when Ray is not installed (requirements-ray.txt)."""
from __future__ import annotations

import pytest
import torch
from unit_helpers import prepared_for, wait_for, without_seconds

from playground.i18n import LANGS, t
from playground.runs import ray_job, ray_pool
from playground.runs.scheduler import Scheduler
from playground.runs.training import Snapshot, TrainingJob
from playground.status import Status

ray = pytest.importorskip("ray", reason="Ray is optional: pip install -r requirements-ray.txt")

LONG = 2000        # epochs: a run that ends only when told to (slowed with set_speed, no CPU burnt)
SLOW = 10.0        # epochs per second for those
TIMEOUT = 120.0    # a deadline: an actor's worker imports torch, seconds (over 40 on a loaded machine)


@pytest.fixture(autouse=True)
def _ray(local_ray):       # the session's one local Ray (tests/unit/conftest.py)
    yield


def make(jobs, epochs=LONG, speed=SLOW, n_samples=100, **kw) -> ray_job.RayTrainingJob:
    cfg, p = prepared_for(dataset="xor", n_samples=n_samples, epochs=epochs)
    j = ray_job.RayTrainingJob(cfg, p, poll=0.1, **kw)
    jobs.append(j)
    j.start()
    if speed:
        j.set_speed(speed)
    return j


def running(j) -> bool:
    return j.snapshot().status == Status.RUNNING


# The order saves fresh workers (~4 CPU-s each): the pool's warm worker serves the controls,
# the four runs' pool the lab and the unpolled run; the runs of another shape (one CPU each)
# and the pool of none, which kill idle workers, come last.


def test_the_local_ray_talks_on_loopback_only():
    """Ray takes the LAN address for a node on Linux by default; a local instance must not."""
    assert {n["NodeManagerAddress"] for n in ray.nodes()} == {"127.0.0.1"}


def test_a_fresh_worker_then_the_same_worker_warm_learn_what_this_process_learns(jobs, monkeypatch):
    """A run on Ray learns exactly what a TrainingJob in this process learns; its clean end
    gives its worker back to the pool, and the next run of the same shape starts in it (the
    same process), learning exactly the same again."""
    monkeypatch.setenv(ray_pool.POOL_ENV, "1")
    ray_pool.drain(ray)
    cfg, p = prepared_for(dataset="moons", n_samples=200, epochs=6, dropout=0.1)
    local = TrainingJob(cfg, p, scheduler=Scheduler(max_running=1)).start()
    first = ray_job.RayTrainingJob(cfg, p, poll=0.05)
    jobs.append(first)
    first.start()
    local.join(30)
    first.join(TIMEOUT)
    a, b = local.snapshot(), first.snapshot()
    assert isinstance(b, Snapshot) and b.status == Status.COMPLETED and b.epoch == 6 and not first._warm
    assert without_seconds(b.history) == without_seconds(a.history)
    assert b.loss_name == a.loss_name and b.weights_epoch == a.weights_epoch
    mine, theirs = local.model_copy().state_dict(), first.model_copy().state_dict()
    assert mine.keys() == theirs.keys() and all(torch.equal(mine[k], theirs[k]) for k in mine)
    assert not first.alive                  # the run is over: its worker idle in the pool, its CPU free
    wait_for(lambda: ray_pool.idle() == 1, TIMEOUT)
    again = ray_job.RayTrainingJob(cfg, p, poll=0.05)
    jobs.append(again)
    again.start()
    again.join(TIMEOUT)
    assert again._warm and ray.get(again._ready_ref) == ray.get(first._ready_ref)      # the same worker
    assert without_seconds(again.snapshot().history) == without_seconds(a.history)
    assert ray_pool.idle() == 1                 # back again, once


def test_controls_reach_the_actor(jobs):
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=LONG)
    j = ray_job.RayTrainingJob(cfg, p, poll=0.1)
    jobs.append(j)
    j.start(paused=True)
    j.wait_for_point(TIMEOUT)             # the Train click's wait (views/train.py) ends at the pause
    assert j.snapshot().status == Status.PAUSED and not j.snapshot().history
    j.step(2)
    wait_for(lambda: j.snapshot().status == Status.PAUSED and j.snapshot().epoch == 2, TIMEOUT)
    new = j.change(lr=0.5)
    assert new.lr == 0.5 and j.cfg.lr == 0.5
    with pytest.raises(ValueError):
        j.change(hidden=(3,))         # not a live setting: needs a new run
    j.set_speed(SLOW)
    j.resume()
    wait_for(lambda: j.snapshot().epoch >= 4, TIMEOUT)
    s = j.snapshot()
    assert s.changes and s.changes[0]["changes"]["lr"][1] == 0.5 and s.speed == SLOW
    assert j.model_copy() is not None
    j.stop()
    j.join(TIMEOUT)
    s = j.snapshot()
    assert s.status == Status.STOPPED and s.stop_reason is None and not j.alive


def test_four_runs_on_two_cpus_take_turns_and_all_finish(jobs, monkeypatch):
    monkeypatch.setenv(ray_pool.POOL_ENV, "4")
    ray_job.warm_pool(gpu=False)
    ray_pool.wait_warm(ray, TIMEOUT)           # four warm workers: the runs start together
    four = [make(jobs, epochs=300, speed=None) for _ in range(4)]     # each longer than a turn
    assert all(j._warm for j in four)
    seen = []

    def done():
        snaps = [j.snapshot() for j in four]
        seen.append(([s.status for s in snaps], max(s.sharing for s in snaps)))
        return all(s.finished for s in snaps)

    wait_for(done, 3 * TIMEOUT, interval=0.05)
    assert {j.snapshot().status for j in four} == {Status.COMPLETED}
    assert all(j.snapshot().epoch == 300 for j in four)
    # no Ray line: the four trained at the same time, taking turns at the two CPUs
    assert any(sharing >= 3 and statuses.count(Status.RUNNING) >= 3 for statuses, sharing in seen), seen[-5:]
    assert not any(j.snapshot().queue_position for j in four)


def test_the_lab_on_ray_says_a_lost_run_and_train_starts_another(jobs, monkeypatch):
    """The Train page, unchanged, on a RayTrainingJob: its probes travel to the actor, a
    killed actor shows the lost-run message and Train starts a new run."""
    from streamlit.testing.v1 import AppTest

    from ui.session import Key

    monkeypatch.setenv(ray_job.ADDRESS_ENV, ray_job.LOCAL)
    at = AppTest.from_file(str(ray_job._ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in {"lang": "en", "dataset": "circle", "epochs": str(LONG), "hidden": "4"}.items():
        at.query_params[k] = v
    at.run()
    next(b for b in at.button if b.label == "Train").click().run()
    job = at.session_state[Key.JOB]
    jobs.append(job)
    assert isinstance(job, ray_job.RayTrainingJob)
    job.set_speed(SLOW)
    wait_for(lambda: {"boundary", "graph"} <= set(job.snapshot().probes), TIMEOUT)
    ray.kill(job._actor)
    wait_for(lambda: job.snapshot().finished, TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(w.value == t("train.stopped_lost", "en") for w in at.warning)
    next(b for b in at.button if b.label == "Train").click().run()
    again = at.session_state[Key.JOB]
    jobs.append(again)
    assert again is not job and isinstance(again, ray_job.RayTrainingJob) and again.snapshot().active


def test_a_run_nobody_polls_stops(jobs):
    j = make(jobs, idle_timeout=0.3)          # a warm worker from the pool: it starts, nobody polls it
    j.join(TIMEOUT)
    assert j.snapshot().status == Status.STOPPED and j.snapshot().stop_reason == "idle"


def test_stop_frees_the_cpu_and_a_killed_actor_is_a_lost_run(jobs, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RAY_RUNS_PER_CPU", "1")      # a CPU per run: the third waits in Ray's line
    a, b = make(jobs), make(jobs)
    wait_for(lambda: running(a) and running(b), TIMEOUT)
    c, d = make(jobs), make(jobs)
    line = [(Status.QUEUED, 1), (Status.QUEUED, 2)]               # Ray has no CPU for them: in line
    wait_for(lambda: [(x.snapshot().status, x.snapshot().queue_position) for x in (c, d)] == line, TIMEOUT)
    assert running(a) and running(b)
    d.stop("closed")                                              # a closed tab, while in line
    d.join(10)
    assert (d.snapshot().status, d.snapshot().stop_reason, d.snapshot().epoch, d.alive) == (
        Status.STOPPED, "closed", 0, False)
    a.stop()
    wait_for(lambda: running(c), TIMEOUT)                         # a's CPU went to c
    assert a.snapshot().status == Status.STOPPED and a.snapshot().stop_reason is None
    epochs = b.snapshot().epoch
    ray.kill(b._actor)                                            # as if its node were lost
    wait_for(lambda: b.snapshot().finished, TIMEOUT)
    s = b.snapshot()
    assert s.status == Status.STOPPED and s.stop_reason == ray_job.LOST and s.epoch >= epochs
    assert b.model_copy() is not None                             # what it learned is kept
    for lang in LANGS:                                            # the lab says so, in each language
        assert t(f"train.stopped_{ray_job.LOST}", lang) != f"train.stopped_{ray_job.LOST}"


def test_a_pool_of_none_kills_each_worker_and_a_dead_idle_worker_is_replaced(jobs, monkeypatch):
    monkeypatch.setenv(ray_pool.POOL_ENV, "1")
    ray_pool.drain(ray)
    assert ray_job.warm_pool(gpu=False) == 1 and ray_pool.idle() == 1
    assert ray_job.warm_pool(gpu=False) == 0               # full already
    dead = ray_pool._idle[0][1]
    ray.kill(dead)                                         # a worker lost while idle
    cfg, p = prepared_for(dataset="xor", n_samples=100, epochs=3)
    j = ray_job.RayTrainingJob(cfg, p, poll=0.05)
    jobs.append(j)
    j.start(paused=True)
    j.step(3)                                              # sent before the retry: sent again
    j.join(TIMEOUT)
    assert j.snapshot().status == Status.COMPLETED and j.snapshot().epoch == 3 and not j._warm
    monkeypatch.setenv(ray_pool.POOL_ENV, "0")
    ray_pool.drain(ray)
    k = ray_job.RayTrainingJob(cfg, p, poll=0.05)
    jobs.append(k)
    k.start()
    k.join(TIMEOUT)
    assert k.snapshot().status == Status.COMPLETED and ray_pool.idle() == 0
    wait_for(lambda: _gone(k._actor), TIMEOUT)              # killed, not kept


def _gone(actor) -> bool:
    try:
        ray.get(actor.heartbeat.remote(), timeout=5)
    except ray.exceptions.RayActorError:
        return True
    return False
