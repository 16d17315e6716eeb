"""Two Streamlit replicas behind nginx (deploy/serve.py) in a real browser: two sessions
land on the two replicas and stay there (the proxy's cookie), both train over the
WebSocket, an upload goes through the proxy to the session's own replica, a reload finds
its run, and a browser whose cookie points at the other replica is told its run is on
another server (the shared store, Redis). nginx's access log then shows every request of
each cookie, HTTP and WebSocket, on one replica."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import ARTIFACTS, ROOT, screenshot, wait_for_app

COOKIE = "nnp_affinity"
STREAMLIT_ASSETS = Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "static"
FINISHED = "text=/finished: \\d+ epochs|early stopping at epoch \\d+/"
REQUIRED = bool(os.environ.get("PLAYGROUND_REQUIRE_E2E"))


def _need(what: str, present: bool, how: str) -> None:
    if not present:
        (pytest.fail if REQUIRED else pytest.skip)(f"{what} is not installed ({how})")


def _free_block(n: int) -> int:
    """The first of n consecutive free ports."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + n < 65000 and all(_free(base + i) for i in range(n)):
            return base
    raise RuntimeError("no block of free ports")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    _need("nginx", bool(shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")), "apt-get install -y nginx")
    try:
        import redis  # noqa: F401
        has_redis = shutil.which("redis-server") is not None
    except ImportError:
        has_redis = False
    _need("redis-server or the redis package", has_redis, "apt-get install -y redis-server; pip install redis")
    work = tmp_path_factory.mktemp("serve")
    port = _free_block(4)           # the proxy, two replicas, redis
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "serve-replicas.log", "w")     # noqa: SIM115 -- serve.py writes it until teardown
    proc = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "serve.py"), "--replicas", "2", "--host", "127.0.0.1",
                             "--port", str(port), "--start-redis", "--redis-port", str(port + 3), "--workdir", str(work)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PLAYGROUND_MAX_JOBS": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).headers.get("X-Playground-Replica"):
                break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"deploy/serve.py did not start: {(ARTIFACTS / 'serve-replicas.log').read_text()[-1500:]}")
        time.sleep(0.3)
    yield url, work, port
    proc.terminate()
    proc.wait(20)
    log.close()
    shutil.copy(work / "access.log", ARTIFACTS / "serve-access.log")
    for name in ("replica-1.log", "replica-2.log"):
        shutil.copy(work / name, ARTIFACTS / f"serve-{name}")


def _replica_of(url: str, cookie: str) -> str:
    req = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": f"{COOKIE}={cookie}"})
    return urllib.request.urlopen(req, timeout=5).headers["X-Playground-Replica"]


def _cookie(ctx) -> str:
    return next(c["value"] for c in ctx.cookies() if c["name"] == COOKIE)


def _table(tmp_path):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"size": rng.normal(10, 3, 120), "weight": rng.normal(50, 10, 120)})
    df["kind"] = np.where(df["size"] + rng.normal(0, 1, 120) > 10, "big", "small")
    path = tmp_path / "fruit.csv"
    df.to_csv(path, index=False)
    return path


def _log_by_key(work, keys: set[str], wait_for: str) -> dict[str, list[tuple[str, str, str]]]:
    """access.log lines of these cookies: key -> [(request, status, upstream)]. A WebSocket is
    logged when it closes, so wait until `wait_for` (a request path) shows up."""
    line = re.compile(r'"(\S+ \S+) [^"]*" (\d+) key=(\S+) upstream=(\S+)')
    deadline = time.time() + 10
    while True:
        out: dict = {k: [] for k in keys}
        for m in line.finditer((work / "access.log").read_text()):
            if m.group(3) in keys:
                out[m.group(3)].append((m.group(1), m.group(2), m.group(4)))
        if all(any(wait_for in r for r, _, _ in v) for v in out.values()) or time.time() > deadline:
            return out
        time.sleep(0.3)


def _wait_restarted(work, number: int, port: int) -> None:
    old = (work / f"replica-{number}.pid").read_text()
    deadline = time.time() + 60
    while time.time() < deadline:
        if (work / f"replica-{number}.pid").read_text() != old:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                return
            except OSError:
                pass
        time.sleep(0.3)
    pytest.fail(f"replica-{number} was not started again")


def test_two_sessions_on_two_replicas_train_upload_and_stay(browser, proxy, tmp_path):
    url, work, port = proxy
    t0 = time.monotonic()
    start = f"{url}/?dataset=circle&epochs=15&lang=en"
    ctx_a = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    ctx_b = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        a, b = ctx_a.new_page(), ctx_b.new_page()
        first = a.goto(start)                   # no cookie yet: the proxy sets one
        replica_a = first.headers["x-playground-replica"]
        key_a = _cookie(ctx_a)
        # the second browser gets a cookie that the proxy's hash sends to the other replica
        key_b = next(k for k in (f"student-{i}" for i in range(100)) if _replica_of(url, k) != replica_a)
        ctx_b.add_cookies([{"name": COOKIE, "value": key_b, "url": url}])
        replica_b = b.goto(start).headers["x-playground-replica"]
        assert {replica_a, replica_b} == {"replica-1", "replica-2"}
        wait_for_app(a)
        wait_for_app(b)

        # both train at once, each on its own replica (the live updates come over the WebSocket)
        a.get_by_role("button", name="Train").click()
        b.get_by_role("button", name="Train").click()
        a.wait_for_selector(FINISHED, timeout=60_000)
        b.wait_for_selector(FINISHED, timeout=60_000)
        a.wait_for_function("() => location.search.includes('run=')", timeout=10_000)

        # an upload is an HTTP request that must reach the replica holding the session
        b.get_by_text("Your own table (CSV)").click()
        b.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(_table(tmp_path)))
        b.wait_for_selector("text=/Loaded 120 rows · binary classification/", timeout=30_000)
        wait_for_app(b)
        b.get_by_role("button", name="Train").click()

        # meanwhile a reload of A reaches the same replica and finds its run, curves and all
        assert a.reload().headers["x-playground-replica"] == replica_a
        wait_for_app(a)
        a.wait_for_selector(FINISHED, timeout=30_000)
        assert a.locator("text=/run this page showed/").count() == 0
        b.wait_for_selector(FINISHED, timeout=60_000)
        screenshot(b, "replicas-upload-trained")

        # A's browser loses its cookie for B's: the other replica cannot take the run over,
        # but the shared store lets it say where the run is
        run_url = a.url
        ctx_a.clear_cookies()
        ctx_a.add_cookies([{"name": COOKIE, "value": key_b, "url": url}])
        assert a.goto(run_url).headers["x-playground-replica"] == replica_b
        wait_for_app(a)
        a.wait_for_selector("text=/is on another server process of this site/", timeout=20_000)
        screenshot(a, "replicas-other-server")

        # A's replica crashes; the launcher starts it again on its port: the run is lost, and
        # the page that comes back to it (its own cookie again) says so
        number = int(replica_a.rsplit("-", 1)[1])
        os.kill(int((work / f"replica-{number}.pid").read_text()), signal.SIGKILL)
        _wait_restarted(work, number, port + number)       # replica-i listens on the proxy's port + i
        ctx_a.clear_cookies()
        ctx_a.add_cookies([{"name": COOKIE, "value": key_a, "url": url}])
        assert a.goto(run_url).headers["x-playground-replica"] == replica_a
        wait_for_app(a)
        a.wait_for_selector("text=/on a server process that has stopped or restarted/", timeout=20_000)
    finally:
        ctx_a.close()
        ctx_b.close()

    # every request of each cookie went to one replica: pages, uploads and the WebSockets
    log = _log_by_key(work, {key_a, key_b}, "/_stcore/stream")
    ports = {}
    for key, entries in log.items():
        # Streamlit's scripts came from nginx itself (no upstream), the rest from one replica
        assert any(r.startswith("GET /static/js/") and s == "200" and u == "-" for r, s, u in entries), key
        upstreams = {u for r, _, u in entries if not r.startswith("GET /static/")}
        assert len(upstreams) == 1, (key, upstreams)
        ports[key] = upstreams.pop()
        assert any("/_stcore/stream" in r and s == "101" for r, s, _ in entries), key     # the WebSocket
    assert ports[key_a] != ports[key_b]
    assert any("/_stcore/upload_file" in r and s.startswith("2") for r, s, _ in log[key_b])
    print(f"two replicas: A on {replica_a}, B on {replica_b}; {time.monotonic() - t0:.1f} s")


def _serve(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "deploy" / "serve.py"), *args], capture_output=True, text=True,
                          timeout=30, check=False)


def test_the_generated_config_is_sticky_for_http_and_websocket():
    conf = _serve("--print-nginx", "--replicas", "3", "--port", "9000").stdout
    assert "hash $affinity_key consistent;" in conf and f"map $cookie_{COOKIE} $affinity_key" in conf
    assert conf.count("server 127.0.0.1:900") == 3                 # replicas on 9001, 9002, 9003
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "proxy_read_timeout 1d;" in conf
    assert "client_max_body_size 21m;" in conf                     # .streamlit/config.toml maxUploadSize = 20
    # Streamlit's scripts and styles from the installed package, compressed, scripts as JavaScript
    static = conf.split("location /static/ {", 1)[1].split("}\n", 2)
    assert f'alias "{STREAMLIT_ASSETS}/";' in static[0] and (STREAMLIT_ASSETS / "js").is_dir()
    assert "application/javascript js;" in static[0] and "gzip on;" in static[1]
    bare = _serve("--print-nginx", "--replicas", "3", "--port", "9000", "--static-from-replicas").stdout
    assert "location /static/" not in bare and "location / {" in bare          # an nginx without Streamlit


def test_without_nginx_the_launcher_says_what_to_install():
    done = _serve("--nginx", "/nonexistent/nginx", "--port", str(_free_block(3)))
    assert done.returncode != 0 and "apt-get install -y nginx" in done.stderr and "Traceback" not in done.stderr
