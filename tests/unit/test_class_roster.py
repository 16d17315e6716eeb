"""One student's presence row from its run records, and the class table's order: the
students who need help first (an error, a diverged run, a long wait, no new point)."""
from __future__ import annotations

from playground.classroom.roster import (
    STALLED_S,
    WAITING_TOO_LONG_S,
    Presence,
    best_score,
    help_reasons,
    needs_help_first,
    sparkline,
    with_run,
)
from playground.runs.snapshot import Snapshot
from playground.status import Status


def snap(status, history=(), epochs=50):
    return Snapshot(status=status, epoch=len(history), epochs=epochs, history=tuple(history))


def points(n, acc=True):
    return [{"epoch": i + 1, "loss": 1 / (i + 1), "val_loss": 1.2 / (i + 1),
             **({"val_accuracy": 0.5 + i / (2 * n)} if acc else {"val_mae": 3 - i / n})} for i in range(n)]


def test_best_score_and_sparkline():
    assert best_score(points(10)) == ("val_accuracy", 0.5 + 9 / 20)
    assert best_score(points(10, acc=False))[0] == "val_mae"
    assert best_score([]) == ("", None)
    line = sparkline(points(200))
    assert len(line) == 40 and line[0] == 1.0 and line[-1] == 1 / 200
    assert sparkline([{"loss": float("nan")}, {"loss": 0.5}]) == [0.5]


def test_a_row_tracks_when_the_status_began_and_the_last_point_came():
    first = with_run(Presence("s", 1), snap(Status.QUEUED), None, now=100.0)
    assert (first.status, first.status_since) == ("queued", 100.0)
    still = with_run(Presence("s", 1), snap(Status.QUEUED), first, now=130.0)
    assert still.status_since == 100.0 and help_reasons(still, 130.0) == ["waiting"]
    running = with_run(Presence("s", 1), snap(Status.RUNNING, points(3)), still, now=131.0)
    assert running.point_at == 131.0 and running.epoch == 3 and help_reasons(running, 131.0) == []
    same = with_run(Presence("s", 1), snap(Status.RUNNING, points(3)), running, now=131.0 + STALLED_S + 1)
    assert same.point_at == 131.0 and help_reasons(same, 131.0 + STALLED_S + 1) == ["stalled"]
    assert Presence.from_dict(same.to_dict()) == same
    assert with_run(Presence("s", 1), None, same, now=200.0).status is None


def test_needs_help_first():
    now = 1000.0
    rows = [Presence("a", 1, nickname="Zoe", status="running", point_at=now),
            Presence("b", 2, nickname="amy"),
            Presence("c", 3, status="diverged", point_at=now),
            Presence("d", 4, nickname="Bo", status="queued", status_since=now - WAITING_TOO_LONG_S - 1),
            Presence("e", 5, status="error"),
            Presence("f", 6, nickname="Al", status="at_chance", point_at=now)]
    assert [r.session for r in needs_help_first(rows, now)] == ["e", "c", "f", "d", "a", "b"]
    assert help_reasons(rows[-1], now) == ["at_chance"]
