"""The class table: one small presence row per student session, built from its run record,
and the order "needs help" first.

A row holds nothing personal beyond the nickname the student typed: the page, the open
lesson, how many of its goals the last run met, and the run's status, epochs, best
validation score and a few loss values for the sparkline. Times are wall-clock seconds
(time.time()), so replicas on one network compare them."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from ..status import Status

WAITING_TOO_LONG_S = 20.0      # queued or loading this long: the student sees nothing happen
STALLED_S = 30.0               # running with no new curve point this long
SPARK_POINTS = 40              # the sparkline's values (the loss, thinned evenly)
# why a row needs help, most urgent first (i18n: classroom.help.<reason>)
HELP_ORDER = ("error", "diverged", "at_chance", "waiting", "stalled")


@dataclass
class Presence:
    session: str                      # Streamlit's random session id (never shown)
    number: int                       # "Student 3" until a nickname is chosen
    nickname: str = ""
    page: str = ""
    lesson: str | None = None
    lesson_number: int | None = None
    goals_met: int = 0
    goals_total: int = 0
    lesson_done: bool = False
    status: str | None = None         # the run's Status value; None: no run yet
    epoch: int = 0
    epochs: int = 0
    best_name: str = ""               # val_accuracy | val_loss | val_mae ...
    best: float | None = None
    losses: list = field(default_factory=list)
    status_since: float = 0.0         # when this status was first seen
    point_at: float = 0.0             # when the last new curve point (or the run's start) was seen
    seen: float = 0.0                 # when this row was written

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Presence":
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**known)


def best_score(history) -> tuple[str, float | None]:
    """The best validation score so far: accuracy (highest) for classification, else the
    lowest validation loss (or MAE)."""
    for name, pick in (("val_accuracy", max), ("val_mae", min), ("val_loss", min)):
        values = [h[name] for h in history if isinstance(h.get(name), (int, float)) and math.isfinite(h[name])]
        if values:
            return name, float(pick(values))
    return "", None


def sparkline(history, n: int = SPARK_POINTS) -> list[float]:
    """At most n training-loss values spread over the whole run (a diverged run's inf/nan left out)."""
    values = [float(h["loss"]) for h in history if isinstance(h.get("loss"), (int, float)) and math.isfinite(h["loss"])]
    if len(values) <= n:
        return values
    step = (len(values) - 1) / (n - 1)
    return [values[round(i * step)] for i in range(n)]


def with_run(row: Presence, snap, previous: Presence | None, now: float) -> Presence:
    """The row's run fields from this rerun's record; `previous` (this session's last row)
    carries when the status began and when the last point came."""
    if snap is None:
        row.status = None
        return row
    status = str(snap.status)
    same = previous is not None and previous.status is not None
    row.status, row.epoch, row.epochs = status, snap.epoch, snap.epochs
    row.best_name, row.best = best_score(snap.history)
    row.losses = sparkline(snap.history)
    row.status_since = previous.status_since if same and previous.status == status else now
    fresh = not same or snap.epoch < previous.epoch       # a new run starts its clock again
    row.point_at = now if fresh or snap.epoch > previous.epoch else previous.point_at
    return row


def help_reasons(row: Presence, now: float) -> list[str]:
    """Why the teacher should look at this student, most urgent first (empty: fine)."""
    out = []
    if row.status == Status.ERROR:
        out.append("error")
    if row.status == Status.DIVERGED:
        out.append("diverged")
    if row.status == Status.AT_CHANCE:            # ended no better than guessing: learned nothing
        out.append("at_chance")
    if row.status in (Status.QUEUED, Status.LOADING) and now - row.status_since > WAITING_TOO_LONG_S:
        out.append("waiting")
    if row.status == Status.RUNNING and now - row.point_at > STALLED_S:
        out.append("stalled")
    return out


def needs_help_first(rows: list[Presence], now: float) -> list[Presence]:
    """The most urgent first; then active runs; then by nickname (or number)."""
    def key(r: Presence):
        reasons = help_reasons(r, now)
        urgency = min((HELP_ORDER.index(x) for x in reasons), default=len(HELP_ORDER))
        return (urgency, r.status is None, (r.nickname or "").lower(), r.number)
    return sorted(rows, key=key)
