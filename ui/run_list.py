"""This session's list of finished runs (for Compare): kept on the server, so a reload finds it.

A reload starts a new Streamlit session and loses session_state, but the address keeps
this tab's run token (`?run=`, ui.registry). Every token a session's runs had is mapped
here to the session's list; the first run of a reloaded page adopts the list its
address's token names. As ui.registry does for the run itself, a list is adopted only
when the session that holds it has no connected browser (an address copied into a second
tab does not share the list), and it is let go after LIST_IDLE_S without a visit.

Memory stays bounded: at most KEEP runs per list (the oldest go first) and MAX_LISTS lists
per server; a record holds no model and no data (settings, float32 curves, test metrics,
and on 2-D data the final 50x50 decision surface).
"""
from __future__ import annotations

import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field

import streamlit as st

from playground.config import data_kind
from playground.runs import record as rec
from playground.runs.record import RunRecord
from playground.status import Status

from . import column_picker, lab, registry, runs
from .lang import T
from .session import Key

KEEP = 20                    # runs per session's list
MAX_LISTS = 200              # lists per server (the least recently seen go first)
LIST_IDLE_S = 3 * 3600.0     # a list nobody looked at for a lesson's length is let go


@dataclass
class RunList:
    records: list = field(default_factory=list)    # RunRecord, oldest first
    made: int = 0                                   # runs recorded so far (the default names count on)
    owner: str | None = None                        # the Streamlit session that holds it
    seen: float = field(default_factory=time.monotonic)


class Store:
    """Every session's run list, by a random id; tokens of runs -> list id."""

    def __init__(self, connected=None):
        self._lock = threading.Lock()
        self._lists: dict[str, RunList] = {}
        self._tokens: dict[str, str] = {}
        self._recorded: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # job -> record id
        self._connected = connected or registry.browser_connected   # the registry's own test

    def get(self, list_id: str | None) -> RunList | None:
        with self._lock:
            lst = self._lists.get(list_id or "")
            if lst is not None:
                lst.seen = time.monotonic()
            return lst

    def new(self, owner: str | None) -> str:
        list_id = secrets.token_urlsafe(9)
        with self._lock:
            self._lists[list_id] = RunList(owner=owner)
            self._trim()
        return list_id

    def link(self, token: str | None, list_id: str) -> None:
        if token:
            with self._lock:
                self._tokens[token] = list_id

    def adopt(self, token: str | None, session: str | None) -> str | None:
        """The list a reloaded page's run token names, now this session's; None if there is
        none or its own page is still open."""
        with self._lock:
            list_id = self._tokens.get(token or "")
            lst = self._lists.get(list_id or "")
        if lst is None or (lst.owner not in (None, session) and self._connected(lst.owner)):
            return None
        with self._lock:
            lst.owner, lst.seen = session, time.monotonic()
        return list_id

    def recorded(self, job) -> bool:
        with self._lock:
            return job in self._recorded

    def add(self, list_id: str, job, make) -> RunRecord | None:
        """Record `job` once: `make(n)` builds the record of the list's n-th run."""
        with self._lock:
            lst = self._lists.get(list_id)
            if lst is None or job in self._recorded:
                return None
            self._recorded[job] = None            # claimed: a second poll meanwhile records nothing
            lst.made += 1
            n = lst.made
        r = make(n)
        with self._lock:
            self._recorded[job] = r.id
            lst.records = (lst.records + [r])[-KEEP:]
        return r

    def replace_records(self, list_id: str, records: list) -> None:
        with self._lock:
            lst = self._lists.get(list_id)
            if lst is not None:
                lst.records = list(records)[-KEEP:]

    def _trim(self) -> None:
        now = time.monotonic()
        for lid in [k for k, v in self._lists.items() if now - v.seen > LIST_IDLE_S]:
            del self._lists[lid]
        while len(self._lists) > MAX_LISTS:
            del self._lists[min(self._lists, key=lambda k: self._lists[k].seen)]
        live = set(self._lists)
        self._tokens = {t: lid for t, lid in self._tokens.items() if lid in live}


STORE = Store()


# --- this session's list ----------------------------------------------------------------------------

def follow() -> None:
    """Every run of the app: a reloaded page adopts its list; the current run's token is
    linked to this session's list (so a reload in the middle of a run finds it too)."""
    ss = st.session_state
    if Key.RUN_LIST_ID not in ss:
        adopted = STORE.adopt(st.query_params.get(registry.RUN_PARAM), registry.session_id())
        ss[Key.RUN_LIST_ID] = adopted
    if ss[Key.RUN_LIST_ID] and STORE.get(ss[Key.RUN_LIST_ID]) is None:   # let go after long idleness
        ss[Key.RUN_LIST_ID] = None
    if ss[Key.RUN_LIST_ID]:
        STORE.link(runs.run_token(), ss[Key.RUN_LIST_ID])


def _list_id(create: bool = False) -> str | None:
    ss = st.session_state
    if Key.RUN_LIST_ID not in ss:
        follow()
    if ss.get(Key.RUN_LIST_ID) is None and create:
        ss[Key.RUN_LIST_ID] = STORE.new(registry.session_id())
        STORE.link(runs.run_token(), ss[Key.RUN_LIST_ID])
    return ss.get(Key.RUN_LIST_ID)


def records() -> list[RunRecord]:
    """This session's finished runs, oldest first (at most KEEP)."""
    lst = STORE.get(_list_id())
    return list(lst.records) if lst else []


def record(job) -> RunRecord | None:
    """Keep a finished (or stopped) run in this session's list, once per job; a run still
    going, one that never trained an epoch, or one that failed is not kept. Cheap to call
    on every poll. Returns the new record (None when nothing was added)."""
    if job is None or STORE.recorded(job):
        return None
    s = runs.record(job)
    if not s.finished or s.status == Status.ERROR or not s.epoch:
        return None
    list_id = _list_id(create=True)
    if job is runs.training_job():
        STORE.link(runs.run_token(), list_id)

    def make(n: int) -> RunRecord:
        name = T("lab.run_label", n=n, dataset=column_picker.dataset_text(job.cfg), net=lab.net_text(job.cfg))
        try:
            return rec.from_job(job, name)
        except Exception:            # a failed evaluation must not break the lab: keep the curves
            return _without_metrics(job, name)

    return STORE.add(list_id, job, make)


def _without_metrics(job, name: str) -> RunRecord:
    s = runs.record(job)
    return RunRecord(id=secrets.token_hex(6), name=name, config=job.cfg.to_dict(),
                     history=rec._history_columns(s.history), task=job.prepared.task if job.prepared else "",
                     dataset_kind=data_kind(job.cfg.dataset, job.cfg.read_as), status=str(s.status), seconds=0.0,
                     finished_at=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))


def rename(record_id: str, name: str) -> None:
    list_id = _list_id()
    if list_id is None or not name.strip():
        return
    STORE.replace_records(list_id, [rec.renamed(r, name) if r.id == record_id else r for r in records()])


# --- export / import ---------------------------------------------------------------------------------

def export_text() -> str:
    return rec.dumps(records())


def import_text(text: bytes | str) -> tuple[int, int]:
    """Add an exported list's runs to this session's (those already here are skipped).
    Returns (added, left out over KEEP); playground.errors.ConfigError, and nothing changed, for a file that
    is not an exported run list or is of another version."""
    incoming = rec.loads(text)
    list_id = _list_id(create=True)
    merged, added, dropped = rec.merge(records(), incoming, KEEP)
    STORE.replace_records(list_id, merged)
    return added, dropped

