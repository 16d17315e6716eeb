"""A finished run, kept for comparing: its settings, learning curves, mid-run changes, test
metrics, time and (on 2-D data) its final decision surface. No model and no data, so a
list of them stays small (history as float32 columns, the surface a 50x50 float32 array).

Records travel as JSON: {"format": FORMAT, "version": VERSION, "runs": [...]}. A file of
another format or version is refused with one ConfigError (nothing half-read).
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..analysis import metric_names
from ..config import FIELDS, TUPLE_FIELDS, RunConfig, data_kind
from ..errors import ConfigError
from . import record_schema

FORMAT = record_schema.FORMAT
VERSION = 1
# the test metrics a record keeps (scalars only: no confusion matrix, no report)
CLASSIFICATION_METRICS = metric_names.CLASSIFICATION
REGRESSION_METRICS = metric_names.REGRESSION
# a longer history is thinned to this many points (an endless run could go on for hours)
MAX_POINTS = 1000


@dataclass
class RunRecord:
    id: str                        # unique (random), survives export and import
    name: str                      # the user may rename it
    config: dict                   # RunConfig.to_dict()
    history: dict                  # column -> float32 array: epoch, loss, val_loss, accuracy / mae, ...
    task: str                      # binary | multiclass | regression
    dataset_kind: str              # toy | tabular | image | remote_image (config.data_kind)
    status: str                    # a playground.status.Status value
    seconds: float                 # training time (pauses excluded)
    finished_at: str               # ISO 8601, UTC
    test_metrics: dict = field(default_factory=dict)   # name -> float | None (empty: not computed)
    changes: list = field(default_factory=list)        # {'epoch': float, 'changes': {field: [old, new]}}
    best_epoch: int = 0
    stopped_epoch: int = 0
    boundary: dict | None = None   # {'x': float32 (n,), 'y': float32 (m,), 'z': float32 (m, n)} on 2-D data

    @property
    def epochs_run(self) -> int:
        ep = self.history.get("epoch")
        return int(ep[-1]) if ep is not None and len(ep) else 0

    def run_config(self) -> RunConfig | None:
        """The RunConfig again (None when a field no longer validates, e.g. a CSV's name)."""
        try:
            return RunConfig(**{k: tuple(v) if k in TUPLE_FIELDS else v
                                for k, v in self.config.items() if k in FIELDS}).replace()
        except (ConfigError, TypeError, ValueError):
            return None

    def history_rows(self) -> list[dict]:
        """The history as Keras-style per-epoch dicts (what the figures take)."""
        cols = {k: np.asarray(v, float) for k, v in self.history.items()}
        n = len(cols.get("epoch", ()))
        return [{k: (int(c[i]) if k == "epoch" else float(c[i])) for k, c in cols.items()} for i in range(n)]

    def nbytes(self) -> int:
        """The arrays' size (the rest is a few hundred bytes)."""
        arrays = list(self.history.values()) + (list(self.boundary.values()) if self.boundary else [])
        return int(sum(np.asarray(a).nbytes for a in arrays))

    # --- JSON -------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("id", "name", "config", "task", "dataset_kind", "status", "seconds",
                                            "finished_at", "test_metrics", "changes", "best_epoch", "stopped_epoch")}
        d["history"] = {k: _floats(v) for k, v in self.history.items()}
        d["boundary"] = {k: _floats(v) for k, v in self.boundary.items()} if self.boundary else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> RunRecord:
        keep = thin_index(len(d["history"]["epoch"]))
        history = {str(k): np.asarray([math.nan if v[i] is None else v[i] for i in keep], np.float32)
                   for k, v in dict(d["history"]).items()}
        if "epoch" not in history or len({len(v) for v in history.values()}) > 1:
            raise ValueError("history columns")
        b = d.get("boundary")
        boundary = None
        if b:
            boundary = {k: np.asarray([math.nan if x is None else x for x in _flat(b[k])], np.float32) for k in "xyz"}
            boundary["z"] = boundary["z"].reshape(len(boundary["y"]), len(boundary["x"]))
        return cls(id=str(d["id"]), name=str(d["name"]), config=dict(d["config"]), history=history,
                   task=str(d["task"]), dataset_kind=str(d["dataset_kind"]), status=str(d["status"]),
                   seconds=float(d["seconds"]), finished_at=str(d["finished_at"]),
                   test_metrics={str(k): (None if v is None else float(v))
                                 for k, v in d.get("test_metrics", {}).items()},
                   changes=list(d.get("changes", [])), best_epoch=int(d.get("best_epoch", 0)),
                   stopped_epoch=int(d.get("stopped_epoch", 0)), boundary=boundary)


def _floats(a) -> list:
    """Rounded floats for JSON (NaN / inf as null: JSON has neither); 2-D arrays as nested lists."""
    arr = np.asarray(a, float)
    out = np.where(np.isfinite(arr), np.round(arr, 6), np.nan).tolist()
    return _nulls(out)


def _nulls(x):
    if isinstance(x, list):
        return [_nulls(v) for v in x]
    return None if isinstance(x, float) and math.isnan(x) else x


def _flat(v) -> list:
    return [x for row in v for x in row] if v and isinstance(v[0], list) else list(v)


def dumps(records: list[RunRecord]) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "runs": [r.to_dict() for r in records]},
                      ensure_ascii=False, allow_nan=False)


def loads(text: str | bytes) -> list[RunRecord]:
    """Records from an exported file, long histories thinned to MAX_POINTS as a live run's
    are; ConfigError (err.runs_*) when the file is not one, of another version, or does not
    fit the schema (record_schema): all or nothing."""
    doc = record_schema.parse(text)
    if doc.get("version") != VERSION:
        raise ConfigError("err.runs_version", None, version=str(doc.get("version"))[:20], expected=str(VERSION))
    record_schema.check(doc)
    try:
        return [RunRecord.from_dict(d) for d in doc["runs"]]
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise ConfigError("err.runs_file", None)


# --- from a finished job ------------------------------------------------------------------------

def thin_index(n: int) -> list[int]:
    """Which of n epochs a record keeps: all up to MAX_POINTS, else MAX_POINTS evenly spaced,
    the first and the last kept (an endless run, or an imported file, could hold hours)."""
    if n <= MAX_POINTS:
        return list(range(n))
    return np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(int)).tolist()


def _history_columns(history) -> dict:
    rows = list(history)
    rows = [rows[i] for i in thin_index(len(rows))]
    if not rows:
        return {"epoch": np.zeros(0, np.float32)}
    keys = [k for k, v in rows[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return {k: np.asarray([r.get(k, math.nan) for r in rows], np.float32) for k in keys}


def test_metrics(model, prepared) -> dict:
    """The scalar test metrics of a model (empty after a diverged run: NaN outputs)."""
    from ..analysis import evaluation
    pred = evaluation.predictions(model, prepared, "test")
    if not pred.finite:
        return {}
    s = evaluation.summary(pred)
    names = REGRESSION_METRICS if pred.task == "regression" else CLASSIFICATION_METRICS
    return {k: (None if s.get(k) is None else float(s[k])) for k in names}


def from_job(job, name: str) -> RunRecord:
    """A record of a finished TrainingJob: test metrics from its final weights (the best
    epoch's when early stopping restored them), the boundary from its last probe."""
    s = job.snapshot()
    prep = job.prepared
    metrics = {}
    model = job.model_copy(s)
    if model is not None and prep is not None and s.epoch:
        metrics = test_metrics(model, prep)
    probe = s.probes.get("boundary")
    boundary = None
    if probe and isinstance(probe[1], dict):
        boundary = {k: np.asarray(probe[1][k], np.float32) for k in "xyz"}
    return RunRecord(
        id=secrets.token_hex(6), name=name, config=job.cfg.to_dict(), history=_history_columns(s.history),
        task=prep.task if prep is not None else "", dataset_kind=data_kind(job.cfg.dataset, job.cfg.read_as), status=str(s.status),
        seconds=round(float(job._train_seconds), 3),   # training only: a pause's wait is not the run's time
        finished_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        test_metrics=metrics,
        changes=[{"epoch": float(c["epoch"]),
                  "changes": {k: [_plain(old), _plain(new)] for k, (old, new) in c["changes"].items()}}
                 for c in s.changes],
        best_epoch=int(s.best_epoch), stopped_epoch=int(s.stopped_epoch), boundary=boundary)


def _plain(v: Any):
    return list(v) if isinstance(v, tuple) else v


# --- comparing ----------------------------------------------------------------------------------

def differing_fields(records: list[RunRecord]) -> list[str]:
    """The config fields whose values are not the same in every record, in FIELDS order."""
    out = []
    for name in FIELDS:
        values = {json.dumps(r.config.get(name), sort_keys=True) for r in records}
        if len(values) > 1:
            out.append(name)
    return out


def merge(existing: list[RunRecord], incoming: list[RunRecord], keep: int) -> tuple[list[RunRecord], int, int]:
    """Existing records plus the incoming ones not already there (by id), the newest `keep`
    by finish time. Returns (records, how many were added, how many were left out)."""
    have = {r.id for r in existing}
    new = [r for r in incoming if r.id not in have]
    merged = sorted(existing + new, key=lambda r: r.finished_at)
    dropped = max(len(merged) - keep, 0)
    kept = merged[dropped:]
    kept_ids = {r.id for r in kept}
    return kept, sum(1 for r in new if r.id in kept_ids), dropped


def renamed(record: RunRecord, name: str) -> RunRecord:
    return replace(record, name=name.strip() or record.name)
