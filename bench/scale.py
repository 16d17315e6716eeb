"""Students served by one process vs by Ray, through the job interface the pages use.

    python bench/scale.py [--students 8] [--cores 2] [--dataset circle] [--modes process,ray]

N simulated students press Train at once (the dataset's defaults) and poll their run every
0.25 s as a page does. Each mode gets `--cores` training slots: the process's scheduler
(PLAYGROUND_MAX_JOBS) or a local Ray instance with that many CPUs (one actor per run: a
fresh worker each, or one from a pool warmed before the clicks).
Prints, per mode, the time to the first curve point and the wait in line (median / max),
when the last run finished, and the memory: the server's RSS growth per finished run kept
(as the registry keeps them), and on Ray each actor's worker process RSS while it trains
plus Ray's own processes. Wall clock on a shared machine: compare modes within one run.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from playground.config import make_config  # noqa: E402
from playground.data.loaders import load_for_config  # noqa: E402
from playground.data.prepare import prepare  # noqa: E402
from playground.runs.scheduler import Scheduler  # noqa: E402
from playground.runs.training import TrainingJob  # noqa: E402
from playground.status import Status  # noqa: E402

POLL_S = 0.25


def rss_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (torch's libraries) divided among the processes."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(root: int) -> list[int]:
    """Processes started (directly or not) by `root`: Ray's GCS, raylet, workers."""
    parent = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, frontier = [], [root]
    while frontier:
        kids = [p for p, pp in parent.items() if pp in frontier]
        out += kids
        frontier = kids
    return out


def trim() -> float:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return rss_mb()


def student(make, out: dict) -> None:
    """One page: press Train, poll until the run is over."""
    t0 = time.perf_counter()
    job = make()
    out["job"] = job
    job.start()
    while True:
        s = job.snapshot()
        now = time.perf_counter() - t0
        if s.status == Status.QUEUED:
            out["queued"] = now
        if s.history and "first" not in out:
            out["first"] = now
        if s.finished:
            out["done"], out["status"] = now, s.status
            return
        time.sleep(POLL_S)


def serve(make, n: int, ray_pids: list | None = None) -> list[dict]:
    outs = [{} for _ in range(n)]
    threads = [threading.Thread(target=student, args=(make, o)) for o in outs]
    for t in threads:
        t.start()
    if ray_pids is not None:       # each actor's worker RSS while it trains
        while any(t.is_alive() for t in threads):
            for o in outs:
                job = o.get("job")
                if job is not None and getattr(job, "_started", False) and "pid" not in o:
                    import ray
                    o["pid"] = ray.get(job._ready_ref)
                if "pid" in o and "worker_mb" not in o and o.get("first"):
                    o["worker_mb"] = (rss_mb(o["pid"]), pss_mb(o["pid"]))
            time.sleep(0.2)
    for t in threads:
        t.join()
    return outs


def row(mode: str, outs: list[dict], extra: str) -> str:
    first = sorted(o.get("first", float("nan")) for o in outs)
    wait = sorted(o.get("queued", 0.0) for o in outs)
    done = max(o["done"] for o in outs)
    ok = sum(o["status"] == Status.COMPLETED or o["status"] == Status.EARLY_STOPPED for o in outs)
    return (f"| {mode} | {len(outs)} | {ok} / {len(outs)} | {statistics.median(first):.1f} / {first[-1]:.1f} s "
            f"| {statistics.median(wait):.1f} / {wait[-1]:.1f} s | {done:.1f} s | {extra} |")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=8)
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dataset", default="circle")
    ap.add_argument("--modes", default="process,ray-fresh,ray",
                    help="process; ray-fresh: a new worker per run (PLAYGROUND_RAY_POOL=0); ray: a warm pool")
    ap.add_argument("--memory", default="circle,titanic,mnist", help="datasets for the memory table ('' for none)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    cfg = make_config(dataset=args.dataset)
    prepared = prepare(load_for_config(cfg), cfg)
    print(f"{args.students} students, {args.dataset} defaults ({cfg.epochs} epochs, hidden {cfg.hidden}), "
          f"{args.cores} slots; this machine: {os.cpu_count()} cores")
    rows = []
    TrainingJob(cfg, prepared, scheduler=Scheduler(1)).start().join()   # lazy imports, first-call costs
    if "process" in args.modes:
        sched = Scheduler(max_running=args.cores)
        before = trim()
        outs = serve(lambda: TrainingJob(cfg, prepared, scheduler=sched), args.students)
        per_run = (trim() - before) / args.students        # finished runs still held, as the registry does
        rows.append(row("one process", outs, f"server +{per_run:.1f} MB per run kept"))
        del outs
    modes = args.modes.split(",")
    if "ray-fresh" in modes or "ray" in modes:
        from playground.runs import ray_job, ray_pool
        t0 = time.perf_counter()
        ray = ray_job.connect(ray_job.LOCAL, num_cpus=args.cores)
        started = time.perf_counter() - t0
        idle = sum(rss_mb(p) for p in descendants(os.getpid()))
    for mode in [m for m in modes if m in ("ray-fresh", "ray")]:
        ray_pool.drain(ray)
        os.environ[ray_pool.POOL_ENV] = "0" if mode == "ray-fresh" else str(args.students)
        note = "a fresh worker per run"
        if mode == "ray":
            t0 = time.perf_counter()
            ray_job.warm_pool(gpu=False)
            ray_pool.wait_warm(ray)
            note = f"a warm pool of {args.students} (warmed in {time.perf_counter() - t0:.1f} s, before the clicks)"
        before = trim()
        outs = serve(lambda: ray_job.RayTrainingJob(cfg, prepared), args.students, ray_pids=[])
        per_run = (trim() - before) / args.students
        sampled = [o["worker_mb"] for o in outs if o.get("worker_mb")]    # runs too short may have none
        worker = (f"a training worker {statistics.median(r for r, _ in sampled):.0f} MB RSS / "
                  f"{statistics.median(p for _, p in sampled):.0f} MB PSS" if sampled else "workers not sampled")
        rows.append(row(f"Ray, local, {note}", outs, f"server +{per_run:.1f} MB per run kept; {worker}; "
                        f"Ray itself {idle:.0f} MB RSS (start-up {started:.1f} s)"))
    print("\n| mode | students | finished | first curve point (median / max) | in line (median / max) "
          "| all finished by | memory |\n| --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    if args.memory:
        print("\n| dataset | rows x features | its tensors | server RSS per finished run kept "
              "| per run training (peak, one at a time) |\n| --- | --- | --- | --- | --- |")
        for name in args.memory.split(","):
            print(memory_row(name))


def memory_row(name: str, runs: int = 6) -> str:
    """In process: RSS growth per finished run held (the registry keeps them a while), and
    the peak growth while one run trains, sampled every 20 ms."""
    cfg = make_config(dataset=name)
    p = prepare(load_for_config(cfg), cfg)
    size = sum(t.numel() * t.element_size() for sp in (p.train, p.val, p.test) for t in (sp.X, sp.y)) / 2**20
    TrainingJob(cfg, p, scheduler=Scheduler(1)).start().join()      # warm
    base, peak, held = trim(), 0.0, []
    for _ in range(runs):
        job = TrainingJob(cfg, p, scheduler=Scheduler(1)).start()
        start = rss_mb()
        while job.alive:
            peak = max(peak, rss_mb() - start)
            time.sleep(0.02)
        held.append(job)
    per_run = (trim() - base) / runs
    rows, cols = p.train.X.shape[0] + p.val.X.shape[0] + p.test.X.shape[0], p.n_features
    return f"| {name} | {rows:,} x {cols} | {size:.1f} MB | {per_run:.1f} MB | {peak:.1f} MB |"


if __name__ == "__main__":
    main()
