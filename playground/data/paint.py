"""Points a learner paints on the plane [-6, 6]², kept as compact text so a config (and
a link) carries them: "x,y,v;x,y,v" with 1-decimal coordinates; v is the class (0 / 1)
of `paint` or the target value of `paint-regression`. Pure Python (config validation
reads it); the loader turns it into arrays."""
from __future__ import annotations

import math
import random

from ..errors import ConfigError

LIMIT = 6.0               # the plane's half width, as the toy sets'
MAX_POINTS = 500
MIN_POINTS = 10
VALUE_RANGE = (-1.0, 1.0)  # the painted regression target (the plane set's targets lie there too)

Point = tuple[float, float, float]


def parse(text: str) -> list[Point]:
    """Points from text; ConfigError (field `points`) when unreadable or off the plane."""
    out = []
    for part in str(text).replace(" ", "").split(";"):
        if not part:
            continue
        bits = part.split(",")
        try:
            x, y, v = (float(b) for b in bits) if len(bits) == 3 else (math.nan,) * 3
        except ValueError:
            x = y = v = math.nan
        if not all(math.isfinite(c) for c in (x, y, v)):
            raise ConfigError("err.points_format", "points", text=part[:40])
        if abs(x) > LIMIT or abs(y) > LIMIT:
            raise ConfigError("err.points_range", "points", text=part[:40], limit=f"{LIMIT:g}")
        out.append((x, y, v))
    if len(out) > MAX_POINTS:
        raise ConfigError("err.points_too_many", "points", max=MAX_POINTS, got=len(out))
    return out


def check(points: list[Point], task: str) -> None:
    """What a painted dataset needs to train: enough points, both classes, and regression
    values in VALUE_RANGE (the editor's slider; a link's 1e300 made every metric null)."""
    if len(points) < MIN_POINTS:
        raise ConfigError("err.points_too_few", "points", min=MIN_POINTS, got=len(points))
    if task == "regression":
        lo, hi = VALUE_RANGE
        bad = [v for _, _, v in points if not lo <= v <= hi]
        if bad:
            raise ConfigError("err.points_value", "points", got=f"{bad[0]:g}", lo=f"{lo:g}", hi=f"{hi:g}")
    if task == "binary":
        bad = [v for _, _, v in points if v not in (0.0, 1.0)]
        if bad:
            raise ConfigError("err.points_class", "points", got=f"{bad[0]:g}")
        if len({v for _, _, v in points}) < 2:
            raise ConfigError("err.points_one_class", "points")


def _num(v: float) -> str:
    s = f"{round(v, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt(points: list[Point]) -> str:
    """The compact text: coordinates to one decimal, values to two."""
    return ";".join(f"{_num(round(x, 1))},{_num(round(y, 1))},{_num(v)}" for x, y, v in points)


def snap(c: float) -> float:
    """A clicked coordinate on the plane, to one decimal."""
    return round(min(LIMIT, max(-LIMIT, float(c))), 1)


def _example(task: str) -> list[Point]:
    """The example a painted set starts from (deterministic): two clusters of 20 for
    `paint`; for `paint-regression` 40 points whose value grows with x1 + x2."""
    rng = random.Random(13)
    pts = []
    for i in range(40):
        if task == "binary":
            cls = i % 2
            cx, cy = (-2.5, -2.0) if cls == 0 else (2.5, 2.0)
            pts.append((snap(cx + rng.gauss(0, 1.1)), snap(cy + rng.gauss(0, 1.1)), float(cls)))
        else:
            x, y = snap(rng.uniform(-5, 5)), snap(rng.uniform(-5, 5))
            pts.append((x, y, round(max(-1.0, min(1.0, (x + y) / 10)), 2)))
    return pts


EXAMPLE = fmt(_example("binary"))
EXAMPLE_REGRESSION = fmt(_example("regression"))


def columns(task: str) -> tuple[str, str, str]:
    """The CSV columns of painted points: a table our boundary code reads as a 2-D set."""
    return ("x1", "x2", "y" if task == "regression" else "class")


def to_csv(points: list[Point], task: str) -> str:
    """The points as a CSV (x1,x2,class or x1,x2,y): upload it back as your own table."""
    rows = [",".join(columns(task))]
    rows += [f"{_num(x)},{_num(y)},{int(v) if task != 'regression' else _num(v)}" for x, y, v in points]
    return "\n".join(rows) + "\n"


def nearest(points: list[Point], x: float, y: float, within: float) -> int | None:
    """Index of the point nearest (x, y) if it lies within `within`, else None."""
    best, best_d = None, within * within
    for i, (px, py, _) in enumerate(points):
        d = (px - x) ** 2 + (py - y) ** 2
        if d <= best_d:
            best, best_d = i, d
    return best
