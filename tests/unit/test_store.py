"""The shared store behind the run registry (ui.store): in this process's memory by default,
in Redis with PLAYGROUND_REDIS_URL. Two Registry objects on one store play two replicas:
a page that reaches the wrong one, or one that restarted, is told which happened. The
Redis tests start a throwaway redis-server on a free port (skipped, saying why, when the
server or the `redis` package is missing)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from playground import i18n
from ui import store as shared
from ui.registry import Registry

pytestmark = pytest.mark.waits      # heartbeats and timeouts run out on a clock: first in its lane (tests/conftest.py)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed (pip install redis)")
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.time() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.time() > deadline:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(5)


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        return shared.MemoryStore()
    url = request.getfixturevalue("redis_url")
    return shared.RedisStore(url, prefix=f"test{time.monotonic_ns()}:")   # a clean namespace per test


class FakeJob:
    def snapshot(self):
        raise AssertionError("not asked: every browser is connected in these tests")


def _replica(store, name: str) -> Registry:
    return Registry(connected=lambda session: True, store=store, me=shared.this_process(name))


def test_claim_read_release(store):
    me = shared.this_process("replica-1")
    assert store.owner("tok") is None
    store.claim("tok", me)
    assert store.owner("tok") == me
    store.release("tok")
    assert store.owner("tok") is None
    assert store.ping()


def test_a_heartbeat_expires(store):
    me = shared.this_process("replica-1")
    assert not store.alive(me)
    store.heartbeat(me, ttl=1)
    assert store.alive(me)
    time.sleep(1.1 if isinstance(store, shared.MemoryStore) else 2.1)   # Redis expires in whole seconds
    assert not store.alive(me)


def test_a_page_is_told_where_its_run_went(store):
    a, b = _replica(store, "replica-1"), _replica(store, "replica-2")
    token = a.register(FakeJob(), "tab-1")
    assert a.lost_reason(token) == shared.ELSEWHERE          # here, for a page still open
    assert b.lost_reason(token) == shared.OTHER_SERVER       # the cookie was lost: the run lives on replica-1
    # replica-1 restarts: same name, a new process that holds nothing
    a2 = _replica(store, "replica-1")
    assert a2.lost_reason(token) == shared.RESTARTED
    a.forget(token)                                          # a run let go is gone everywhere
    assert b.lost_reason(token) == shared.GONE and a2.lost_reason(token) == shared.GONE
    # another replica's process that stopped beating (crashed, its pod replaced): restarted too
    dead = shared.this_process("replica-3")
    store.claim("tok-dead-123", dead)
    assert b.lost_reason("tok-dead-123") == shared.RESTARTED
    store.heartbeat(dead)
    assert b.lost_reason("tok-dead-123") == shared.OTHER_SERVER
    assert b.lost_reason("never-issued") == shared.GONE


@pytest.mark.parametrize("garbage", ["garbage", "<script>", "../../etc", "x" * 500, "", "abc def ghij"])
def test_a_run_link_this_app_never_made_is_unknown_not_a_restart(store, garbage):
    a = _replica(store, "replica-1")
    token = a.register(FakeJob(), "tab-1")
    assert a.lost_reason(token[:-1]) == shared.UNKNOWN and a.lost_reason(token + "x") == shared.UNKNOWN
    assert a.lost_reason(garbage) == shared.UNKNOWN
    en, ko = i18n.t(f"train.run_{shared.UNKNOWN}", "en"), i18n.t(f"train.run_{shared.UNKNOWN}", "ko")
    assert "not known here" in en and "restart" not in en and "링크" in ko and "다시 시작" not in ko


def test_every_reason_a_run_is_lost_has_its_sentence():
    for why in (shared.GONE, shared.ELSEWHERE, shared.RESTARTED, shared.OTHER_SERVER, shared.UNKNOWN):
        assert i18n.has(f"train.run_{why}"), why


def test_the_default_store_is_this_process(monkeypatch):
    monkeypatch.delenv(shared.REDIS_ENV, raising=False)
    assert isinstance(shared.from_env(), shared.MemoryStore)
    reg = Registry(connected=lambda session: True)
    assert isinstance(reg.store, shared.MemoryStore) and not reg.store.shared
    token = reg.register(FakeJob(), "tab-1")
    assert reg.lost_reason(token) == shared.ELSEWHERE
    reg.forget(token)
    assert reg.lost_reason(token) == shared.GONE             # as before: the server does not know it


def test_the_replica_name_comes_from_the_launcher(monkeypatch):
    monkeypatch.setenv(shared.REPLICA_ENV, "replica-7")
    a, b = shared.this_process(), shared.this_process()
    assert a.replica == b.replica == "replica-7" and a.boot != b.boot      # a restart is a new boot


def test_redis_from_the_environment_and_an_outage_breaks_no_page(monkeypatch):
    pytest.importorskip("redis", reason="the redis package is not installed (pip install redis)")
    monkeypatch.setenv(shared.REDIS_ENV, f"redis://127.0.0.1:{_free_port()}/0")   # nothing listens there
    s = shared.from_env()
    assert isinstance(s, shared.RedisStore) and s.shared
    reg = Registry(connected=lambda session: True, store=s, me=shared.this_process("replica-1"))
    t0 = time.monotonic()
    token = reg.register(FakeJob(), "tab-1")               # the run starts all the same
    assert reg.lost_reason("abcdefghijkl") == shared.GONE and not s.ping()
    reg.forget(token)
    assert time.monotonic() - t0 < 5


def test_without_the_redis_package_the_message_says_what_to_install(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_redis(name, *args, **kw):
        if name == "redis":
            raise ImportError("no redis")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_redis)
    with pytest.raises(RuntimeError, match="pip install redis"):
        shared.RedisStore("redis://127.0.0.1:1/0")
