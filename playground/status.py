"""Where a run is: one enum for the Trainer, the background jobs and the pages.

A StrEnum, so a status is still its plain string in JSON, URLs and i18n keys
(`status.early_stopped`), while code compares members, never bare strings.
"""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    READY = "ready"                 # a Trainer before its first epoch
    QUEUED = "queued"               # waiting for a slot of the scheduler
    LOADING = "loading"             # reading and preparing the data
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"         # every epoch done
    EARLY_STOPPED = "early_stopped"
    DIVERGED = "diverged"
    AT_CHANCE = "at_chance"         # ended by itself, its model no better than a constant guess
    STOPPED = "stopped"             # by the user, or its page went away
    ERROR = "error"

    @property
    def finished(self) -> bool:
        return self in FINISHED


# How a run can end; the Trainer's own end states are all of these but ERROR.
FINISHED = frozenset({Status.COMPLETED, Status.EARLY_STOPPED, Status.DIVERGED, Status.AT_CHANCE, Status.STOPPED, Status.ERROR})


class StatusView:
    """`finished` and `active` for a snapshot that carries a `status`."""

    @property
    def finished(self) -> bool:
        return Status(self.status).finished

    @property
    def active(self) -> bool:
        return not self.finished
