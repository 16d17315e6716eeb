"""Latency of reading one sketch: canvas RGBA -> preprocessing -> prediction (+ hidden activations).

    python bench/sketch_latency.py [--n 300] [--threads 1]

Sketches are held-out MNIST digits drawn on a 280x280 canvas (sketch.as_canvas: upscaled,
pen-like strokes, varied size and place); each is decoded from the PNG the canvas sends,
preprocessed and read by a model, timed separately, median over `n`. Models: the default
digit model (MLP 784-128-64-10), the small CNN on 28x28, and an MLP on the 8x8 digits.
The sketch issue's target: preprocessing + prediction <= 10 ms per sketch.
"""
from __future__ import annotations

import argparse
import base64
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from playground.config import make_config
from playground.data.loaders import load_dataset
from playground.data.prepare import prepare
from playground.nn.model import build_model
from playground.sketch import digit_model, preprocess

TARGET_MS = 10.0


def png_url(rgba: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def decode(url: str) -> np.ndarray:
    """What CanvasResult.image_data does with the data URL the canvas sends."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(";base64,", 1)[1]))))


def untrained(cfg_values: dict, shape) -> digit_model.DigitModel:
    """Latency does not depend on the weights: an untrained net of the same shape will do."""
    cfg = make_config(**cfg_values)
    n = shape[0] * shape[1]
    return digit_model.DigitModel(build_model(cfg, n, 10, shape).eval(), cfg, shape, [str(i) for i in range(10)],
                                  "bench", cfg.dataset)


def time_one(dm, urls) -> dict:
    parts = {"decode": [], "preprocess": [], "predict": []}
    tops = []
    for url in urls:
        t0 = time.perf_counter()
        rgba = decode(url)
        t1 = time.perf_counter()
        img = preprocess.preprocess(rgba, dm.image_shape)
        t2 = time.perf_counter()
        tops.append(digit_model.read(dm, img).top)
        t3 = time.perf_counter()
        parts["decode"].append(t1 - t0)
        parts["preprocess"].append(t2 - t1)
        parts["predict"].append(t3 - t2)
    total = [p + q for p, q in zip(parts["preprocess"], parts["predict"])]
    out = {k: statistics.median(v) * 1e3 for k, v in parts.items()}
    out["pre+pred"] = statistics.median(total) * 1e3
    out["p90 pre+pred"] = float(np.percentile(total, 90) * 1e3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="sketches per model")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (the app's jobs use 1)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    cfg = make_config(dataset="mnist", model="mlp", hidden=[128, 64])
    prep = prepare(load_dataset("mnist"), cfg)
    rng = np.random.default_rng(0)
    images = prep.test.X[:args.n].numpy().reshape(-1, 28, 28)
    urls = [png_url(preprocess.as_canvas(im, scale=rng.uniform(0.5, 1.0), offset=tuple(rng.integers(-40, 41, 2))))
            for im in images]

    t0 = time.perf_counter()
    default = digit_model.train_default()
    train_s = time.perf_counter() - t0
    models = {
        "default MLP 784-128-64-10": default,
        "CNN 28x28 + 64": untrained(dict(dataset="mnist", model="cnn", hidden=[64]), (28, 28)),
        "MLP 64-32-10 (8x8 digits)": untrained(dict(dataset="digits", model="mlp", hidden=[32]), (8, 8)),
    }
    for dm in models.values():      # warm-up: first calls allocate
        for url in urls[:10]:
            digit_model.read(dm, preprocess.preprocess(decode(url), dm.image_shape))

    print(f"{args.n} sketches of 280x280, torch threads {args.threads}; default model trained in "
          f"{train_s:.1f} s (data already loaded), test accuracy {default.test_accuracy:.1%}")
    print(f"{'model':28s} {'decode':>8s} {'prepro':>8s} {'predict':>8s} {'pre+pred':>9s} {'p90':>7s}   (ms, median)")
    worst = 0.0
    for name, dm in models.items():
        r = time_one(dm, urls)
        worst = max(worst, r["pre+pred"])
        print(f"{name:28s} {r['decode']:8.2f} {r['preprocess']:8.2f} {r['predict']:8.2f} "
              f"{r['pre+pred']:9.2f} {r['p90 pre+pred']:7.2f}")
    print(f"target: preprocessing + prediction <= {TARGET_MS:.0f} ms -> "
          f"{'met' if worst <= TARGET_MS else 'NOT met'} (worst median {worst:.2f} ms)")


if __name__ == "__main__":
    main()
