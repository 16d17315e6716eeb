"""Training throughput with the "Inside the network" page open vs headless, on `mnist`.

    python bench/live_views.py [--epochs 12] [--rounds 5] [--hidden 128,64]

Modes, interleaved for `rounds` rounds in this one process:
  headless  a TrainingJob with no probes;
  probes    the page's LiveProbe registered (it runs in the training thread between epochs);
  page      the probe plus what the open page does in the server process every
            LIVE_SECONDS: poll the snapshot, build every figure and serialise it as the
            page's live charts do (ui.live_chart.spec); this competes with the training
            thread for the GIL;
  page+gc   the same plus the full gc.collect(2) Streamlit runs after every script or
            fragment run while `runner.postScriptGC` is true (its default; the app's
            .streamlit/config.toml turns it off, this mode shows what that saves).

Two measures, because wall-clock throughput on a shared 2-core box swings with other
processes' load:
  wall  samples/s (best and median of the rounds);
  cpu   CPU seconds of the training thread itself (time.thread_time, read by a no-op probe
        at the start and end of every run), and CPU seconds the page spends per redraw.
        probes ratio = 1 / (1 + probe CPU / training CPU in that thread); the open page's estimate
        assumes the small MLP's loop is GIL-bound, so every second the page holds the GIL
        is lost to training: page ratio = probes ratio x (1 - page CPU per second).
The live-training issue's target: page-open throughput >= 0.85x headless.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from playground.config import make_config
from playground.data.loaders import load_for_config
from playground.data.prepare import prepare
from playground.figures import inside as inside_figs
from playground.figures import network as network_figs
from playground.i18n import Translator  # noqa: E402
from playground.inspect import live
from playground.runs.training import Scheduler, TrainingJob
from ui import live_chart

MODES = ("headless", "probes", "page", "page+gc")


def render(view, prep, T) -> int:
    """Every figure the page draws for one view, as its live charts send it; returns bytes."""
    layer = next(iter(view["layers"]))
    lv = view["layers"][layer]
    figs = [network_figs.network_figure(view["graph"], T),
            inside_figs.activation_heatmap(lv, view["y"], view["groups"], prep.task, prep.class_names, T, layer),
            inside_figs.histogram_figure(lv, T, layer),
            inside_figs.representation_figure(lv["repr"], view["y"], prep.task, prep.class_names, T, layer),
            inside_figs.grad_norms_figure(view["grad_norms"], T)]
    if "pictures" in view:
        figs.append(inside_figs.pictures_figure(view["pictures"], T))
    if "cnn" in view:
        figs.append(inside_figs.cnn_figure(view["cnn"], 0, prep.image_shape, T))
    if "plane" in view:
        figs.append(inside_figs.thumbnails_figure(view["plane"], T))
    if layer in view["weights"]:
        figs.append(inside_figs.input_weights_figure(view["weights"][layer], T, layer))
    return sum(len(live_chart.spec(f)) for f in figs)


class Timed:
    """Wraps the LiveProbe to count its own CPU time in the training thread."""

    def __init__(self, probe):
        self.probe, self.cpu, self.calls = probe, 0.0, 0

    def __call__(self, trainer):
        t0 = time.thread_time()
        out = self.probe(trainer)
        self.cpu += time.thread_time() - t0
        self.calls += 1
        return out


def run(cfg, prep, mode: str) -> dict:
    clock = []                                                     # training thread's CPU time, per probe round
    fns = {"clock": lambda trainer: clock.append(time.thread_time())}
    timed = None                                                   # the page's probe, timed
    if mode != "headless":
        timed = Timed(live.LiveProbe(prep, cfg.activation))
        fns["inside"] = timed
    job = TrainingJob(cfg, prep, scheduler=Scheduler(1), probes=fns).start()
    renders, sent, page_cpu, last = 0, 0, 0.0, -1e9
    while job.snapshot().active:
        if timed is not None:
            timed.probe.touch()
        got = job.snapshot().probes.get("inside")
        if mode.startswith("page") and got and got[1] is not None and time.monotonic() - last >= live.LIVE_SECONDS:
            last = time.monotonic()
            t0 = time.thread_time()
            sent += render(got[1], prep, Translator("en"))
            if mode == "page+gc":
                gc.collect(2)
            page_cpu += time.thread_time() - t0
            renders += 1
        time.sleep(0.05)
    job.join()
    s = job.snapshot()
    n = s.epoch * len(prep.train.X)
    thread_cpu = clock[-1] - clock[0]
    return {"sps": s.samples_per_sec, "thread_cpu_per_sample": thread_cpu / n,
            "probe_share": timed.cpu / (thread_cpu - timed.cpu) if timed else 0.0,
            "probe_ms": timed.cpu / max(timed.calls, 1) * 1000 if timed else 0.0,
            "page_ms": page_cpu / max(renders, 1) * 1000, "renders": renders, "kb": sent / max(renders, 1) / 1024}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="mnist")
    ap.add_argument("--hidden", default="128,64")
    ap.add_argument("--model", default="mlp")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    cfg = make_config(dataset=a.dataset, hidden=a.hidden, model=a.model, epochs=a.epochs, patience=0)
    prep = prepare(load_for_config(cfg), cfg)
    print(f"{a.dataset} {a.model} hidden={a.hidden}: {len(prep.train.X)} training rows x {a.epochs} epochs, "
          f"{a.rounds} interleaved rounds, page redraw every {live.LIVE_SECONDS} s", flush=True)
    run(cfg, prep, "page")   # warm-up (imports, first PCA, plotly validators)
    results = {m: [] for m in MODES}
    for r in range(a.rounds):
        for mode in MODES:
            res = run(cfg, prep, mode)
            results[mode].append(res)
            print(f"  round {r + 1} {mode:8s} {res['sps']:9,.0f} samples/s  "
                  f"thread {res['thread_cpu_per_sample'] * 1e6:5.1f} us/sample  probe {res['probe_ms']:5.1f} ms"
                  + (f"  page {res['page_ms']:6.1f} ms CPU/redraw x{res['renders']} ({res['kb']:.0f} KiB)"
                     if mode.startswith("page") else ""), flush=True)
    print("wall clock (other processes' load makes these swing):")
    for name, pick in (("best", max), ("median", statistics.median)):
        v = {m: pick(r["sps"] for r in rs) for m, rs in results.items()}
        print(f"  {name:6s} samples/s " + " | ".join(f"{m} {x:,.0f}" for m, x in v.items())
              + "\n  " + " " * 6 + " ratio     " + " | ".join(f"{m} {x / v['headless']:.3f}" for m, x in v.items()
                                                          if m != "headless"))
    cpu = {m: statistics.median(r["thread_cpu_per_sample"] for r in rs) for m, rs in results.items()}
    share = statistics.median(r["probe_share"] for r in results["probes"])
    probe_ratio = 1 / (1 + share)
    print("CPU time (robust to load):")
    print(f"  training thread {cpu['headless'] * 1e6:.1f} us/sample headless, {cpu['probes'] * 1e6:.1f} with the probe;"
          f" the probe itself adds {share:.1%} to the thread's training CPU -> probes ratio {probe_ratio:.3f}")
    for m in ("page", "page+gc"):
        per_s = statistics.median(r["page_ms"] for r in results[m]) / 1000 / live.LIVE_SECONDS
        print(f"  {m:8s} {per_s * 1000:5.0f} ms of GIL per second -> estimated page-open ratio "
              f"{probe_ratio * (1 - per_s):.3f}")
    print("target for the open page: >= 0.85 x headless")


if __name__ == "__main__":
    main()
