"""2-D toy datasets, TensorFlow Playground style: pure functions of (n, noise, seed).

Coordinates lie in about [-6, 6]; `noise` in [0, 1] (TF Playground's 0-50 % slider
maps to 0-0.5 here).
"""
from __future__ import annotations

import numpy as np
from sklearn.datasets import make_moons

RADIUS = 5.0


def circle(n: int, noise: float, rng: np.random.RandomState):
    # inner disc (class 1) vs outer ring (class 0), like playground's classifyCircleData
    half = n // 2
    r = np.concatenate([rng.uniform(0, RADIUS * 0.5, half), rng.uniform(RADIUS * 0.7, RADIUS, n - half)])
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.c_[r * np.sin(angle), r * np.cos(angle)]
    xy_noisy = xy + rng.uniform(-RADIUS, RADIUS, (n, 2)) * noise
    # label by the clean radius, so noise blurs the picture, not the rule
    y = (r < RADIUS * 0.5).astype(int)
    return xy_noisy, y


def xor(n: int, noise: float, rng: np.random.RandomState):
    pad = 0.3
    xy = rng.uniform(-5, 5, (n, 2))
    xy += np.where(xy > 0, pad, -pad)
    y = (xy[:, 0] * xy[:, 1] >= 0).astype(int)
    return xy + rng.uniform(-5, 5, (n, 2)) * noise, y


def gauss(n: int, noise: float, rng: np.random.RandomState):
    std = np.sqrt(0.5 + 3.5 * min(noise, 0.5) / 0.5)  # playground: variance 0.5..4
    half = n // 2
    a = rng.normal(2, std, (half, 2))
    b = rng.normal(-2, std, (n - half, 2))
    return np.r_[a, b], np.r_[np.ones(half, int), np.zeros(n - half, int)]


def spiral(n: int, noise: float, rng: np.random.RandomState):
    half = n // 2
    pts, labels = [], []
    for label, delta, count in ((1, 0.0, half), (0, np.pi, n - half)):
        i = np.arange(count)
        r = i / count * RADIUS
        t = 1.75 * i / count * 2 * np.pi + delta
        xy = np.c_[r * np.sin(t), r * np.cos(t)] + rng.uniform(-1, 1, (count, 2)) * noise
        pts.append(xy)
        labels.append(np.full(count, label))
    return np.concatenate(pts), np.concatenate(labels)


def moons(n: int, noise: float, rng: np.random.RandomState):
    xy, y = make_moons(n, noise=noise, random_state=rng)
    return (xy - [0.5, 0.25]) * 3.0, y


def plane(n: int, noise: float, rng: np.random.RandomState):
    # regression: a tilted plane, target in about [-1, 1]
    xy = rng.uniform(-6, 6, (n, 2))
    y = (xy[:, 0] + xy[:, 1]) / 12 + rng.uniform(-1, 1, n) * noise
    return xy, y.astype(float)


GENERATORS = {"circle": circle, "xor": xor, "gauss": gauss, "spiral": spiral, "moons": moons, "plane": plane}


def make(name: str, n: int, noise: float, seed: int):
    xy, y = GENERATORS[name](n, noise, np.random.RandomState(seed))
    return xy.astype(np.float64), y
