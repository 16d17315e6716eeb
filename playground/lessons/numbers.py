"""Numbers a lesson's text states about its data and models, taken from them when shown.

A text names them in braces: `{n_train}` training rows, `{n_val}`, `{n_test}`, `{n_dev}`
(training + validation: what cross-validation splits), `{n_rows}`, `{n_classes}`,
`{val_row_pct}` (what one validation row is worth in accuracy), `{n_inputs}` (the network's
inputs after preprocessing), `{in_out_weights}` (`{n_inputs}` × outputs: the weights of a
network with no hidden layer), `{pixel_max}` (an image set's brightest pixel value), `{pos_pct}` / `{neg_pct}` (binary: the share of class 1 / 0 among all rows),
`{min[col]}` / `{max[col]}` (a table's column), `{batches[256]}` (weight updates per
epoch at that batch size), `{params_preset}` / `{params_reference}`
(the parameter count of the preset's / the reference's network, counted from the real
module). Everything comes from the lesson's preset (its dataset, split and seed), so a
sentence stays true when the data or the split changes. Unknown names are left as written
and reported by `problems` (the lesson check).
"""
from __future__ import annotations

import functools
import re

NAME = re.compile(r"\{([a-z_]+)(?:\[([A-Za-z0-9_ .-]+)\])?\}")
PLAIN = ("n_rows", "n_train", "n_val", "n_test", "n_dev", "n_classes", "val_row_pct", "n_inputs", "in_out_weights",
         "pixel_max", "pos_pct", "neg_pct",
         "params_preset", "params_reference")
COLUMNS = ("min", "max")


def _count(n: int) -> str:
    return f"{n:,}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _num(x) -> str:
    x = float(x)
    return _count(int(x)) if x.is_integer() else f"{x:g}"


def _params(cfg, prep=None) -> str:
    """A config's parameter count (`prep`: its prepared data, when already at hand)."""
    from ..data import loaders, prepare
    from ..nn.model import count_params
    prep = prep or prepare.prepare(loaders.load_for_config(cfg), cfg)
    return _count(count_params(prep.n_features, prep.n_outputs, cfg, prep.image_shape))


@functools.lru_cache(maxsize=64)
def _values(cfg, reference, with_params: bool) -> dict:
    import numpy as np
    import pandas as pd

    from ..data import loaders, prepare
    ds = loaders.load_for_config(cfg)
    prep = prepare.prepare(ds, cfg)
    n_train, n_val, n_test = (len(s.index) for s in (prep.train, prep.val, prep.test))
    out = {"n_rows": _count(ds.n_rows), "n_train": _count(n_train), "n_val": _count(n_val),
           "n_test": _count(n_test), "n_dev": _count(n_train + n_val),
           "n_classes": _count(len(ds.class_names or ())), "val_row_pct": _pct(1 / max(n_val, 1)),
           "train_rows": n_train, "n_inputs": _count(prep.n_features),
           "in_out_weights": _count(prep.n_features * prep.n_outputs)}
    if ds.image_shape is not None:
        out["pixel_max"] = _num(ds.pixel_max)
    if ds.task == "binary":
        pos = float(np.mean(np.asarray(ds.y) == 1))
        out.update(pos_pct=_pct(pos), neg_pct=_pct(1 - pos))
    if isinstance(ds.X, pd.DataFrame):
        num = ds.X.select_dtypes("number")
        out["min"] = {c: _num(num[c].min()) for c in num}
        out["max"] = {c: _num(num[c].max()) for c in num}
    if with_params:        # builds the networks: only for a lesson that names them
        same_data = all(getattr(cfg, f) == getattr(reference, f) for f in ("dataset", "features", "columns", "target", "task"))
        out["params_preset"] = _params(cfg, prep)
        out["params_reference"] = _params(reference, prep if same_data else None)
    return out


def texts(lesson) -> list[str]:
    """Every text of a lesson, both languages."""
    entries = [lesson.title, lesson.concept, lesson.question, lesson.answer, lesson.goal.text,
               *(s.text for s in lesson.steps)]
    return [v for e in entries for v in e.values()]


def used(lesson) -> bool:
    return any(NAME.search(t) for t in texts(lesson))


def values(lesson) -> dict:
    if not used(lesson):
        return {}
    return _values(lesson.config(), lesson.reference_config(), any("{params_" in t for t in texts(lesson)))


def _lookup(vals: dict, m: re.Match) -> str | None:
    name, key = m.group(1), m.group(2)
    if key is None:
        v = vals.get(name) if name in PLAIN else None
        return v if isinstance(v, str) else None
    if name == "batches" and key.isdigit() and int(key) > 0:
        return _count(-(-vals["train_rows"] // int(key)))
    v = vals.get(name) if name in COLUMNS else None
    return v.get(key) if isinstance(v, dict) else None


def fill(lesson, text: str) -> str:
    """The text with its numbers from the data ({n_train} -> 3,200); unknown names stay."""
    if lesson is None or "{" not in text:
        return text
    vals = values(lesson)
    return NAME.sub(lambda m: _lookup(vals, m) or m.group(0), text)


def problems(lesson) -> list[str]:
    """Names in the texts that the lesson's data does not have."""
    if not used(lesson):
        return []
    vals = values(lesson)
    bad = sorted({m.group(0) for t in texts(lesson) for m in NAME.finditer(t) if _lookup(vals, m) is None})
    return [f"unknown number {b} (numbers.py lists them)" for b in bad]
