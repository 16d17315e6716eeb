"""How a class reaches the server, without a network: the LAN address read from faked
interfaces (psutil monkeypatched; nothing is ever connected to), the override for a proxy,
the class code, the teacher key, the QR code and `python -m playground class --print-only`."""
from __future__ import annotations

import os
import socket
import subprocess
from collections import namedtuple

import psutil
import pytest
import segno

from playground import cli
from playground.classroom import join

Addr = namedtuple("snicaddr", "family address netmask broadcast ptp")
Stats = namedtuple("snicstats", "isup duplex speed mtu flags")


def v4(address):
    return Addr(socket.AF_INET, address, "255.255.255.0", None, None)


def v6(address):
    return Addr(socket.AF_INET6, address, None, None, None)


UP, DOWN = Stats(True, 2, 1000, 1500, "up"), Stats(False, 0, 0, 1500, "")


@pytest.fixture
def interfaces(monkeypatch):
    """Set this machine's interfaces: {name: ([addresses], up)}."""
    def set_(table):
        monkeypatch.setattr(psutil, "net_if_addrs", lambda: {n: a for n, (a, _) in table.items()})
        monkeypatch.setattr(psutil, "net_if_stats", lambda: {n: UP if up else DOWN for n, (_, up) in table.items()})
    monkeypatch.delenv(join.PUBLIC_URL_ENV, raising=False)
    return set_


def test_the_lan_address_is_the_up_interfaces_private_ipv4(interfaces):
    interfaces({
        "lo": ([v4("127.0.0.1"), v6("::1")], True),
        "docker0": ([v4("172.17.0.1")], True),                   # a container bridge no laptop reaches
        "br-5f2a": ([v4("172.18.0.1")], True),
        "eth1": ([v4("10.9.8.7")], False),                       # down
        "wlan0": ([v4("169.254.3.4"), v6("fe80::1")], True),     # link-local only
        "tun0": ([v4("203.0.113.9")], True),                     # a VPN
        "eth0": ([v6("2001:db8::5"), v4("198.51.100.20"), v4("192.168.1.23")], True),
    })
    assert join.lan_address() == "192.168.1.23"                  # private first, though listed last
    assert join.base_url(8501) == "http://192.168.1.23:8501"
    assert join.student_link(join.base_url(8501), "ACD7K") == "http://192.168.1.23:8501/?class=ACD7K"


def test_a_public_ipv4_is_used_when_no_private_one_exists_and_none_without_any(interfaces):
    interfaces({"lo": ([v4("127.0.0.1")], True), "eth0": ([v4("198.51.100.20")], True)})
    assert join.lan_address() == "198.51.100.20"
    interfaces({"lo": ([v4("127.0.0.1")], True), "wlan0": ([v4("169.254.1.1")], True)})
    assert join.lan_address() is None
    assert join.base_url(8501).startswith(f"http://{socket.gethostname()}:")   # the host name, never 127.0.0.1


def test_the_public_url_setting_wins(interfaces, monkeypatch):
    interfaces({"eth0": ([v4("192.168.1.23")], True)})
    monkeypatch.setenv(join.PUBLIC_URL_ENV, "https://nn.school.example/")
    assert join.base_url(8501) == "https://nn.school.example"
    assert join.teacher_link(join.base_url(8501), "k-1") == "https://nn.school.example/classroom?key=k-1"


def test_class_codes_are_short_and_unambiguous_and_typed_loosely():
    codes = {join.new_code() for _ in range(200)}
    assert len(codes) > 190 and all(len(c) == join.CODE_LENGTH for c in codes)
    assert not set("".join(codes)) & set("0O1IL2Z5S8B")
    assert join.code_matches(" acd-7k ", "ACD7K") and not join.code_matches("ACD7", "ACD7K")
    assert not join.code_matches("", "") and not join.code_matches(None, "ACD7K")


def test_the_teacher_key_compares_whole():
    key = join.new_key()
    assert len(key) >= 16 and join.key_matches(key, key) and join.key_matches(f" {key}\n", key)
    assert not join.key_matches(key[:-1], key) and not join.key_matches("", key) and not join.key_matches(key, "")


def test_the_qr_code_holds_the_link():
    link = "http://192.168.1.23:8501/?class=ACD7K"
    code = join.qr(link)
    assert code.matrix == segno.make_qr(link, error="m", boost_error=False).matrix   # the same symbol as the link's
    assert code.mode == "byte" and code.version >= 2 and sum(map(sum, code.matrix)) > 100
    assert join.qr(link + "X").matrix != code.matrix
    png = join.qr_png(link, scale=16)
    assert png.startswith(b"\x89PNG") and len(png) > 300
    assert join.qr_terminal(link).count("\n") > 10


def test_the_class_command_prints_the_links_code_and_qr(interfaces, capsys):
    interfaces({"lo": ([v4("127.0.0.1")], True), "eth0": ([v4("10.1.2.3")], True)})
    assert cli.main(["class", "--port", "8611", "--teacher-key", "s3cret-key", "--code", "acd7k",
                     "--print-only"]) == 0
    out = capsys.readouterr().out
    assert "http://10.1.2.3:8611/classroom?key=s3cret-key" in out
    assert "http://10.1.2.3:8611/?class=ACD7K" in out and "ACD7K" in out
    assert "█" in out and "127.0.0.1" not in out
    assert cli.main(["class", "--print-only", "--lang", "ko", "--code", "ACD7K"]) == 0
    assert "선생님 화면" in capsys.readouterr().out


def test_the_class_command_refuses_a_bad_or_taken_port_before_printing_links(interfaces, capsys, monkeypatch):
    def must_not_serve(*_args, **_kw):
        raise AssertionError("the server was started")
    monkeypatch.setattr(os, "execve", must_not_serve)
    monkeypatch.setattr(subprocess, "call", must_not_serve)
    interfaces({"eth0": ([v4("10.1.2.3")], True)})
    with pytest.raises(SystemExit) as bad:
        cli.main(["class", "--port", "99999"])
    assert bad.value.code == 2 and "1 to 65535 (got 99999)" in capsys.readouterr().err
    with socket.socket() as busy:          # a server already on the port (loopback only)
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["class", "--port", str(port), "--host", "127.0.0.1"]) == 2
        out, err = capsys.readouterr()
        assert f"port {port} is already in use" in err and "10.1.2.3" not in out
        assert cli.main(["class", "--port", str(port), "--host", "127.0.0.1", "--lang", "ko"]) == 2
        assert f"포트 {port}" in capsys.readouterr().err


def _serve_py():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "deploy" / "serve.py"
    spec = importlib.util.spec_from_file_location("serve_for_test", path)
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    return serve


def test_serve_py_refuses_a_bad_port_and_names_the_taken_ones(capsys):
    serve = _serve_py()
    with pytest.raises(SystemExit):
        serve.parse(["--redis-port", "70000"])
    assert "--redis-port: a port is a whole number from 1 to 65535 (got 70000)" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve.ports_in_use("127.0.0.1", [port]) == [port]
    assert serve.ports_in_use("127.0.0.1", [port]) == []         # closed: free again


def test_serve_py_gives_every_replica_one_key_one_code_and_the_proxys_lan_link(interfaces, tmp_path, monkeypatch):
    serve = _serve_py()
    interfaces({"lo": ([v4("127.0.0.1")], True), "eth0": ([v4("10.1.2.3")], True)})
    monkeypatch.delenv(join.KEY_ENV, raising=False)
    monkeypatch.delenv(join.CODE_ENV, raising=False)
    env = serve.Launcher(serve.parse(["--replicas", "2", "--port", "8500"]), tmp_path).env
    assert env[join.PUBLIC_URL_ENV] == "http://10.1.2.3:8500"          # the proxy's port, not a replica's
    assert len(env[join.KEY_ENV]) >= 16 and len(env[join.CODE_ENV]) == join.CODE_LENGTH
    monkeypatch.setenv(join.KEY_ENV, "given-key")
    assert serve.Launcher(serve.parse([]), tmp_path).env[join.KEY_ENV] == "given-key"
