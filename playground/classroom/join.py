"""How a class reaches this server: its LAN address, the class and teacher links, a short
class code and a QR code drawn offline; and the teacher key.

The LAN address is read from the machine's own interfaces (psutil): nothing is sent, so it
works on a school network with no internet and never touches one. PLAYGROUND_PUBLIC_URL
overrides it when students come through a proxy or a name."""
from __future__ import annotations

import argparse
import errno
import io
import ipaddress
import os
import secrets
import socket
from urllib.parse import urlencode

import psutil
import segno

from ..i18n import t

PUBLIC_URL_ENV = "PLAYGROUND_PUBLIC_URL"
KEY_ENV = "PLAYGROUND_TEACHER_KEY"
CODE_ENV = "PLAYGROUND_CLASS_CODE"
CODE_PARAM = "class"            # ?class=CODE: the student link joins the class
KEY_PARAM = "key"               # /classroom?key=KEY: the teacher link
# no 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector is typed right the first time
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 5
# virtual bridges and tunnels no student's laptop can reach (docker, libvirt, podman, k8s CNIs, VPNs)
# the networks a school or home LAN uses (RFC 1918); Python's is_private also counts documentation ranges
LAN_NETWORKS = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
VIRTUAL_PREFIXES = ("lo", "docker", "br-", "veth", "virbr", "vnet", "cni", "flannel", "cali", "weave",
                    "podman", "vmnet", "vboxnet", "kube", "tun", "tap", "zt", "tailscale", "wg")


def new_key() -> str:
    return secrets.token_urlsafe(12)


def key_matches(given: str | None, key: str | None) -> bool:
    """Constant-time: a wrong key's first right letters tell nothing."""
    if not given or not key:
        return False
    return secrets.compare_digest(given.strip().encode(), key.encode())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str:
    """What a student typed, as the code is written: 'acd-e f' -> 'ACDEF'."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def code_matches(given: str | None, code: str | None) -> bool:
    return bool(code) and secrets.compare_digest(normalize_code(given).encode(), normalize_code(code).encode())


def _usable(address: ipaddress.IPv4Address) -> bool:
    return not (address.is_loopback or address.is_link_local or address.is_multicast or address.is_unspecified)


def lan_address(addrs: dict | None = None, stats: dict | None = None) -> str | None:
    """This machine's address on the classroom network: an up interface's IPv4, private
    (10/8, 172.16/12, 192.168/16) first; loopback, link-local, down and virtual interfaces
    skipped. None when there is none (the caller falls back to the host name)."""
    addrs = psutil.net_if_addrs() if addrs is None else addrs
    stats = psutil.net_if_stats() if stats is None else stats
    found = []
    for name, entries in addrs.items():
        st = stats.get(name)
        if st is None or not st.isup or name.lower().startswith(VIRTUAL_PREFIXES):
            continue
        for entry in entries:
            if entry.family != socket.AF_INET:
                continue
            try:
                address = ipaddress.IPv4Address(entry.address)
            except ValueError:
                continue
            if _usable(address):
                lan = any(address in net for net in LAN_NETWORKS)
                found.append((not lan, address))          # a LAN address first, then in order
    return str(min(found, key=lambda f: f[0])[1]) if found else None


def base_url(port: int, env: dict | None = None, addrs=None, stats=None) -> str:
    """Where students open the app: PLAYGROUND_PUBLIC_URL, else http://<LAN address>:<port>."""
    env = os.environ if env is None else env
    public = env.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if public:
        return public
    host = lan_address(addrs, stats) or socket.gethostname()
    return f"http://{host}:{port}"


def student_link(base: str, code: str) -> str:
    return f"{base}/?{urlencode({CODE_PARAM: code})}"


def teacher_link(base: str, key: str) -> str:
    return f"{base}/classroom?{urlencode({KEY_PARAM: key})}"


def qr(text: str) -> segno.QRCode:
    """A QR code of the link (error correction M: still reads from a projector's glare)."""
    return segno.make_qr(text, error="m", boost_error=False)


def qr_png(text: str, scale: int = 10) -> bytes:
    """The QR code as PNG bytes, dark on white with the quiet zone a phone camera needs."""
    out = io.BytesIO()
    qr(text).save(out, kind="png", scale=scale, border=4, dark="#111111", light="#ffffff")
    return out.getvalue()


def qr_terminal(text: str) -> str:
    """The QR code in a terminal (two rows of modules per line of text)."""
    out = io.StringIO()
    qr(text).terminal(out=out, compact=True, border=2)
    return out.getvalue()


def port_number(text: str) -> int:
    """An argparse type for a port: 1-65535, or one clear line (a bigger one was a traceback
    from the server's bind, after the links were printed)."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(t("classroom.cli.bad_port", "en", got=text))
    return port


def port_taken(host: str, port: int) -> bool:
    """Whether a server already listens on host:port: a trial bind here, nothing is sent."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        # as a server binds: a closed server's TIME_WAIT is no obstacle, a listening one is
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            return e.errno in (errno.EADDRINUSE, errno.EACCES)
    return False
