"""Where a run token's owner is written down, so that every replica can read it.

A run itself (a training thread, its model) lives in the one server process that started
it; the proxy's sticky cookie sends its page back there. What must outlive that process,
and be readable from the others, is small: which process holds each token, and which
processes are alive. With it a page whose token this process does not know can say why:
the run was on a process that restarted, or it is on another one (the browser lost its
proxy cookie), instead of a bare "gone".

Two stores with one interface: `MemoryStore` (the default: one process, nothing to set
up; it knows only this process's runs) and `RedisStore` (`PLAYGROUND_REDIS_URL`, shared
by every replica). No Streamlit and no playground imports: the store is plain data.

The teacher's room uses the same store: each student session's presence row (expiring
unless refreshed) and the class state (the teacher key, the class code, the lesson and
setup pushed to everyone, the hidden controls, the numbered pause / stop commands), so the
teacher sees, and acts on, every replica's students.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import asdict, dataclass

from cachetools import TLRUCache

REDIS_ENV = "PLAYGROUND_REDIS_URL"
REPLICA_ENV = "PLAYGROUND_REPLICA"
PREFIX = "nnplayground:"
CLAIM_TTL_S = 6 * 3600          # a token outlives any lesson; forget() deletes it sooner
MAX_ENTRIES = 100_000          # tokens and processes one server could know (the oldest go first)
HEARTBEAT_TTL_S = 8             # a process silent this long is taken as stopped (it beats every 2 s)
PRESENCE_TTL_S = 60             # a student's row outlives this long without a refresh (ui.presence refreshes it)
CLASS_TTL_S = 12 * 3600         # the class state (key, code, teacher's pushes) outlives any school day
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Owner:
    """One server process: its replica's stable name (the same after a restart) and a
    random id of this start of it."""
    replica: str
    boot: str


def this_process(replica: str | None = None) -> Owner:
    """This process: PLAYGROUND_REPLICA (set by deploy/serve.py; a pod's name in Kubernetes)
    or host:pid, and a fresh boot id."""
    name = replica or os.environ.get(REPLICA_ENV) or f"{socket.gethostname()}:{os.getpid()}"
    return Owner(name, secrets.token_hex(4))


def _expires(key, value, now: float) -> float:
    return now + value[1]


class MemoryStore:
    """Claims and heartbeats in this process's memory (shared by registries in one process,
    which is how the tests play several replicas without Redis)."""

    shared = False

    def __init__(self):
        self._lock = threading.Lock()      # cachetools' caches are not thread-safe
        # values are (what, ttl): each entry expires ttl seconds after it was written
        self._claims: TLRUCache = TLRUCache(maxsize=MAX_ENTRIES, ttu=_expires)
        self._beats: TLRUCache = TLRUCache(maxsize=MAX_ENTRIES, ttu=_expires)
        self._presence: TLRUCache = TLRUCache(maxsize=MAX_ENTRIES, ttu=_expires)
        self._class: dict = {}

    def claim(self, token: str, owner: Owner, ttl: float = CLAIM_TTL_S) -> None:
        with self._lock:
            self._claims[token] = (owner, ttl)

    def owner(self, token: str) -> Owner | None:
        with self._lock:
            found = self._claims.get(token)
        return found[0] if found else None

    def release(self, token: str) -> None:
        with self._lock:
            self._claims.pop(token, None)

    def heartbeat(self, owner: Owner, ttl: float = HEARTBEAT_TTL_S) -> None:
        with self._lock:
            self._beats[owner] = (True, ttl)

    def alive(self, owner: Owner) -> bool:
        with self._lock:
            return self._beats.get(owner) is not None

    def ping(self) -> bool:
        return True

    # --- the class (ui.classroom) ------------------------------------------------------------------
    def class_state(self) -> dict:
        with self._lock:
            return dict(self._class)

    def set_class(self, **fields) -> None:
        with self._lock:
            self._class.update(json.loads(json.dumps(fields)))   # the same plain values Redis gives back

    def bump_class(self, name: str) -> int:
        """Add one to a counter of the class state; the new value (atomic)."""
        with self._lock:
            self._class[name] = int(self._class.get(name, 0)) + 1
            return self._class[name]

    def class_default(self, name: str, value):
        """The class state's `name`, set to `value` first if nobody has set it."""
        with self._lock:
            return self._class.setdefault(name, value)

    def publish(self, session: str, row: dict, ttl: float = PRESENCE_TTL_S) -> None:
        with self._lock:
            self._presence[session] = (json.loads(json.dumps(row)), ttl)

    def withdraw(self, session: str) -> None:
        with self._lock:
            self._presence.pop(session, None)

    def presence(self) -> list[dict]:
        with self._lock:
            return [row for row, _ in self._presence.values()]


class RedisStore:
    """The same in Redis: `<prefix>run:<token>` -> the owner as JSON (expires after
    CLAIM_TTL_S), `<prefix>alive:<replica>:<boot>` refreshed by the owner's heartbeat.
    A Redis that stops answering never breaks a page: reads answer "unknown" (logged)."""

    shared = True

    def __init__(self, url: str, prefix: str = PREFIX, client=None):
        if client is None:
            try:
                import redis
            except ImportError as e:
                raise RuntimeError(f"{REDIS_ENV} is set but the 'redis' package is not installed "
                                   "(pip install redis)") from e
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.url, self.prefix, self.r = url, prefix, client
        self._last_warning = float("-inf")

    def _safely(self, what: str, fn, default=None):
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 -- RedisError, OSError, ...: an outage is no page error
            if time.monotonic() - self._last_warning > 60:     # once a minute, not every heartbeat
                self._last_warning = time.monotonic()
                log.warning("shared store %s failed (%s): %s", what, self.url, e)
            return default

    def claim(self, token: str, owner: Owner, ttl: float = CLAIM_TTL_S) -> None:
        self._safely("claim", lambda: self.r.set(f"{self.prefix}run:{token}", json.dumps(asdict(owner)),
                                                 ex=int(ttl)))

    def owner(self, token: str) -> Owner | None:
        raw = self._safely("read", lambda: self.r.get(f"{self.prefix}run:{token}"))
        if not raw:
            return None
        try:
            return Owner(**json.loads(raw))
        except (ValueError, TypeError):
            return None

    def release(self, token: str) -> None:
        self._safely("release", lambda: self.r.delete(f"{self.prefix}run:{token}"))

    def heartbeat(self, owner: Owner, ttl: float = HEARTBEAT_TTL_S) -> None:
        self._safely("heartbeat", lambda: self.r.set(self._beat_key(owner), "1", ex=max(1, int(ttl))))

    def alive(self, owner: Owner) -> bool:
        return bool(self._safely("read", lambda: self.r.exists(self._beat_key(owner)), 0))

    def ping(self) -> bool:
        return bool(self._safely("ping", self.r.ping, False))

    def _beat_key(self, owner: Owner) -> str:
        return f"{self.prefix}alive:{owner.replica}:{owner.boot}"

    # --- the class: one hash of JSON values, and one key per student's row ----------------------------
    def class_state(self) -> dict:
        raw = self._safely("read", lambda: self.r.hgetall(f"{self.prefix}class"), {}) or {}
        out = {}
        for k, v in raw.items():
            try:
                out[k.decode() if isinstance(k, bytes) else k] = json.loads(v)
            except ValueError:
                pass
        return out

    def set_class(self, **fields) -> None:
        key = f"{self.prefix}class"

        def write():
            pipe = self.r.pipeline()
            pipe.hset(key, mapping={k: json.dumps(v) for k, v in fields.items()})
            pipe.expire(key, CLASS_TTL_S)
            pipe.execute()
        self._safely("class", write)

    def bump_class(self, name: str) -> int:
        return int(self._safely("class", lambda: self.r.hincrby(f"{self.prefix}class", name, 1), 0))

    def class_default(self, name: str, value):
        key = f"{self.prefix}class"
        self._safely("class", lambda: self.r.hsetnx(key, name, json.dumps(value)))
        raw = self._safely("read", lambda: self.r.hget(key, name))
        return json.loads(raw) if raw else value

    def publish(self, session: str, row: dict, ttl: float = PRESENCE_TTL_S) -> None:
        self._safely("presence", lambda: self.r.set(f"{self.prefix}presence:{session}", json.dumps(row),
                                                    ex=max(1, int(ttl))))

    def withdraw(self, session: str) -> None:
        self._safely("presence", lambda: self.r.delete(f"{self.prefix}presence:{session}"))

    def presence(self) -> list[dict]:
        def read():
            keys = list(self.r.scan_iter(match=f"{self.prefix}presence:*", count=500))
            return self.r.mget(keys) if keys else []
        rows = []
        for raw in self._safely("read", read, []) or []:
            try:
                rows.append(json.loads(raw)) if raw else None
            except ValueError:
                pass
        return rows


COMMANDS = ("pause", "resume", "stop")     # the teacher's commands to every run (ui.registry.follow_class)


def class_command(store, action: str, now: float | None = None) -> int:
    """Write the teacher's command for every replica: the action and its time first, then its
    number (a replica that sees the new number reads the command with it). Returns the number."""
    if action not in COMMANDS:
        raise ValueError(action)
    store.set_class(command=action, command_at=time.time() if now is None else now)
    return store.bump_class("command_seq")


def from_env() -> MemoryStore | RedisStore:
    url = os.environ.get(REDIS_ENV, "").strip()
    return RedisStore(url) if url else MemoryStore()


# Why a page's run token names no run in this process (a RUN_LOST value; train.run_<why>)
GONE = "gone"               # nobody holds it: let go long ago, or every record of it is lost
ELSEWHERE = "elsewhere"     # this process holds it, for a page that is still open
RESTARTED = "restarted"     # it was held by a server process that has stopped or restarted since
OTHER_SERVER = "other_server"   # another live process holds it: the browser reached the wrong replica
UNKNOWN = "unknown"         # not a token this app makes (cut short or edited): no run ever had it


def why_unknown(store, me: Owner, token: str) -> str:
    """For a token this process does not hold: what the shared store says about it."""
    owner = store.owner(token)
    if owner is None or owner == me:
        return GONE
    if owner.replica == me.replica or not store.alive(owner):
        return RESTARTED
    return OTHER_SERVER
