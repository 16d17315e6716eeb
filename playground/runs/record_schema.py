"""What Compare's import accepts: a run-list file checked against one JSON Schema before any
of it is read, so a hostile or broken file gets one sentence and never a traceback, a hang or
a page that crashes later while drawing it.

Checked, in order: the size (MAX_BYTES), the JSON itself (a nesting too deep for the parser,
a number that is not finite, such as 1e400, NaN or Infinity), the nesting (MAX_DEPTH), the
schema (types, enums, bounds, at least one epoch, boundary axes of 2-MAX_GRID points), then
what a schema cannot say: equal history columns, a boundary z of len(y) rows of len(x),
multiclass boundaries holding class numbers, and run ids that occur once.

The long number columns are checked by one added keyword, `numbers`, in a plain loop:
jsonschema's own per-item check took 11 s for 1.5 million numbers (measured).
"""
from __future__ import annotations

import json
import math

import jsonschema
from jsonschema import validators

from ..data.registry import DataKind
from ..data.table import MAX_CLASSES
from ..errors import ConfigError
from ..status import Status

FORMAT = "nn-playground-runs"
MAX_BYTES = 8 * 2**20        # an export of 20 runs is ~2 MB; a 300,000-epoch run ~5 MB (thinned on import)
MAX_DEPTH = 8                # a run list's deepest: file / runs / run / changes / change / changes / [old, new] / list
MAX_RUNS = 200
MAX_GRID = 400               # boundary points per axis (the app draws 50)
FLOAT32_MAX = 3.4028234e38   # columns are kept as float32: a larger number would become inf

_NUMBER = {"type": "number", "minimum": -FLOAT32_MAX, "maximum": FLOAT32_MAX}
_SCALAR = {"type": ["string", "number", "boolean", "null"], "maxLength": 100_000}   # painted points: ~8,000
_SETTING = {"anyOf": [_SCALAR, {"type": "array", "maxItems": 1000, "items": _SCALAR}]}
_COUNT = {"type": "integer", "minimum": 0, "maximum": 10**9}
_TEXT = {"type": "string", "maxLength": 5000}
_AXIS = {"type": "array", "minItems": 2, "maxItems": MAX_GRID, "numbers": "finite"}

RUN = {
    "type": "object",
    "required": ["id", "name", "config", "history", "task", "dataset_kind", "status", "seconds", "finished_at"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 64},
        "name": _TEXT,
        "config": {"type": "object", "maxProperties": 200, "additionalProperties": _SETTING,
                   "properties": {"hidden": {"type": "array", "maxItems": 1000, "items": _COUNT},
                                  "features": {"type": "array", "maxItems": 1000, "items": _TEXT}}},
        "history": {"type": "object", "required": ["epoch"], "maxProperties": 64,
                    "propertyNames": {"maxLength": 64},
                    "properties": {"epoch": {"type": "array", "minItems": 1, "numbers": "finite"}},
                    "additionalProperties": {"type": "array", "minItems": 1, "numbers": "or null"}},
        "task": {"enum": ["binary", "multiclass", "regression", ""]},   # "": a run whose data never loaded
        "dataset_kind": {"enum": [k.value for k in DataKind]},
        "status": {"enum": [s.value for s in Status]},
        "seconds": {**_NUMBER, "minimum": 0},
        "finished_at": {"type": "string", "maxLength": 64},
        "test_metrics": {"type": "object", "maxProperties": 64, "propertyNames": {"maxLength": 64},
                         "additionalProperties": {"anyOf": [_NUMBER, {"type": "null"}]}},
        "changes": {"type": "array", "maxItems": 10_000, "items": {
            "type": "object", "required": ["epoch", "changes"], "additionalProperties": False,
            "properties": {"epoch": _NUMBER,
                           "changes": {"type": "object", "maxProperties": 200, "additionalProperties": {
                               "type": "array", "minItems": 2, "maxItems": 2, "items": _SETTING}}}}},
        "best_epoch": _COUNT,
        "stopped_epoch": _COUNT,
        "boundary": {"anyOf": [{"type": "null"}, {
            "type": "object", "required": ["x", "y", "z"], "additionalProperties": False,
            "properties": {"x": _AXIS, "y": _AXIS,
                           "z": {"type": "array", "minItems": 2, "maxItems": MAX_GRID,
                                 "items": {"type": "array", "numbers": "or null"}}}}]},
    },
    "additionalProperties": False,
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "version", "runs"],
    "properties": {"runs": {"type": "array", "maxItems": MAX_RUNS, "items": RUN}},
}


def _numbers(validator, mode, instance, schema):
    """Every item a finite float32-sized number ('or null': null too); ints and floats only."""
    if not isinstance(instance, list):
        return
    nullable = mode == "or null"
    for i, x in enumerate(instance):
        if x is None and nullable:
            continue
        if type(x) not in (int, float) or not -FLOAT32_MAX <= x <= FLOAT32_MAX:
            yield jsonschema.ValidationError(f"item {i} is not a number in range", path=[i])
            return


_Validator = validators.extend(validators.Draft202012Validator, {"numbers": _numbers})
VALIDATOR = _Validator(SCHEMA)


def _invalid(run: int, place: str) -> ConfigError:
    return ConfigError("err.runs_invalid", None, run=run, place=place or "-")


def _refuse_number(s: str):
    raise ValueError(f"not a finite number: {s}")


def _float(s: str) -> float:
    x = float(s)
    if not math.isfinite(x):
        _refuse_number(s)
    return x


def _depth(doc) -> int:
    """The deepest nesting of lists and objects (iteratively: a deep file cannot recurse here)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, d + 1) for c in children if isinstance(c, (list, dict)))
    return deepest


def parse(text: str | bytes) -> dict:
    """The checked document; ConfigError (err.runs_*) for anything that is not a run list."""
    if len(text) > MAX_BYTES:
        raise ConfigError("err.runs_too_big", None, mb=f"{len(text) / 2**20:.1f}", most=MAX_BYTES // 2**20)
    try:
        doc = json.loads(text, parse_float=_float, parse_constant=_refuse_number)
    except RecursionError:
        raise ConfigError("err.runs_too_deep", None, most=MAX_DEPTH)
    except ValueError as e:          # JSONDecodeError, UnicodeDecodeError, a number that is not finite
        if "not a finite number" in str(e):
            raise ConfigError("err.runs_number", None, value=str(e).rpartition(": ")[2][:40])
        raise ConfigError("err.runs_file", None)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("runs"), list):
        raise ConfigError("err.runs_file", None)
    if _depth(doc) > MAX_DEPTH:
        raise ConfigError("err.runs_too_deep", None, most=MAX_DEPTH)
    return doc


def check(doc: dict) -> None:
    """The schema, then what it cannot say (ConfigError naming the run and the place)."""
    error = jsonschema.exceptions.best_match(VALIDATOR.iter_errors(doc))
    if error is not None:
        path = list(error.absolute_path)
        if len(path) < 2 or path[0] != "runs":
            raise ConfigError("err.runs_file", None)
        raise _invalid(int(path[1]) + 1, "/".join(str(p) for p in path[2:]))
    seen = set()
    for i, run in enumerate(doc["runs"], start=1):
        if len({len(v) for v in run["history"].values()}) > 1:
            raise _invalid(i, "history")
        b = run.get("boundary")
        if b and (len(b["z"]) != len(b["y"]) or any(len(row) != len(b["x"]) for row in b["z"])):
            raise _invalid(i, "boundary/z")
        if b and run["task"] == "multiclass" and any(
                z is not None and (z != int(z) or not 0 <= z < MAX_CLASSES) for row in b["z"] for z in row):
            raise _invalid(i, "boundary/z")
        if run["id"] in seen:
            raise ConfigError("err.runs_duplicate", None, id=run["id"][:64])
        seen.add(run["id"])
