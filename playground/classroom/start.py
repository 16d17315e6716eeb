"""`python -m playground class`: start a class with one command.

Prints the teacher link (this machine's LAN address and the teacher key), the student link,
the class code and the student link's QR code in the terminal, then becomes
`streamlit run app.py` (exec) with the key and the code in its environment (the app prints
the teacher link again in its log). Ctrl-C stops the server."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..i18n import t
from . import join

APP = Path(__file__).resolve().parents[2] / "app.py"
CLASS_ENV = "PLAYGROUND_CLASS"       # set: a class is on from the start (students see the join field)


def add_parser(sub) -> None:
    cl = sub.add_parser("class", help="start a class: print the teacher and student links, then serve the app")
    cl.add_argument("--port", type=join.port_number, default=8501, help="the port students open (default 8501)")
    cl.add_argument("--host", default="0.0.0.0", help="the address to listen on (default 0.0.0.0: the whole network)")
    cl.add_argument("--teacher-key", metavar="KEY", help=f"the teacher key (default: ${join.KEY_ENV}, else a random one)")
    cl.add_argument("--code", metavar="CODE", help="the class code (default: a random 5-letter one)")
    cl.add_argument("--lang", choices=("en", "ko"), default="en", help="the language of these lines (default: en)")
    cl.add_argument("--print-only", action="store_true", help="print the links and exit (the server is not started)")


def settings(args, env: dict | None = None) -> tuple[str, str, str]:
    """(base URL, teacher key, class code) for this class."""
    env = os.environ if env is None else env
    key = (args.teacher_key or env.get(join.KEY_ENV, "")).strip() or join.new_key()
    code = join.normalize_code(args.code or env.get(join.CODE_ENV)) or join.new_code()
    return join.base_url(args.port, env), key, code


def announcement(base: str, key: str, code: str, lang: str = "en") -> str:
    student = join.student_link(base, code)
    return "\n".join([
        t("classroom.cli.teacher", lang, link=join.teacher_link(base, key)),
        t("classroom.cli.keep_secret", lang),
        t("classroom.cli.student", lang, link=student),
        t("classroom.cli.code", lang, code=code),
        "",
        join.qr_terminal(student),
    ])


def main(args) -> int:
    if not args.print_only and join.port_taken(args.host, args.port):    # before the links: they would not open
        taken = t("classroom.cli.port_taken", args.lang, port=args.port, next=args.port % 65535 + 1)
        print(f"error: {taken}", file=sys.stderr)
        return 2
    base, key, code = settings(args)
    print(announcement(base, key, code, args.lang), flush=True)
    if args.print_only:
        return 0
    env = {**os.environ, join.KEY_ENV: key, join.CODE_ENV: code, CLASS_ENV: "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(args.port),
           "--server.address", args.host, "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    if os.name == "posix":      # the server takes this process's place: Ctrl-C and kill reach it directly
        os.chdir(APP.parent)
        os.execve(sys.executable, cmd, env)
    try:
        return subprocess.call(cmd, env=env, cwd=APP.parent)
    except KeyboardInterrupt:
        return 0
