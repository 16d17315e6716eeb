"""`python -m playground lessons [--json] [--check] [--lang ko]`."""
from __future__ import annotations

import json
import sys
import time

from . import all_problems, broken, load_all, text


def _row(values, fmt) -> str:
    return "  ".join(fmt(c) for c in values)


def _value(v) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, tuple):
        return ",".join(map(str, v)) or "()"
    return "–" if v is None else str(v)


def _cond(c: dict) -> str:
    what = c.get("metric") or c.get("config") or "status"
    target = c.get("value", c.get("status"))
    at = f"@{c['at']}" if c.get("at") else ""
    shown = repr(target) if isinstance(target, str) else _value(target)
    return f"{what}{at} {c.get('op', '==')} {shown}"


def list_lessons(as_json: bool, lang: str) -> int:
    """The lessons that read; each file that does not is one line on stderr (exit 2)."""
    lessons = load_all()
    if as_json:
        print(json.dumps([{"id": x.id, "number": x.number, "title": x.title, "dataset": x.dataset}
                          for x in lessons], ensure_ascii=False))
    else:
        width = max((len(x.id) for x in lessons), default=0) + 2
        for x in lessons:
            print(f"{x.number:>2}. {x.id:<{width}}{x.dataset:<15}{text(x.title, lang)}")
    for e in broken():
        print(f"error: {e.text(lang)}", file=sys.stderr)
    return 2 if broken() else 0


def check(lang: str) -> int:
    """Train every reference setup; non-zero when a lesson file is broken or a goal is missed."""
    broken = all_problems()
    for p in broken:
        print(f"invalid: {p}")
    if broken:
        return 1
    from .reference import run
    t0 = time.perf_counter()
    results = run(load_all())
    for r in results:
        mark = "ok  " if r.ok else "FAIL"
        got = "; ".join(f"{_cond(c.cond)}: {_value(c.value)}{'' if c.ok else ' ✗'}" for c in r.checks[1:])
        print(f"{mark} {r.lesson.number:>2}. {r.lesson.id:<31} {r.status:<13} {r.seconds:5.1f}s  {got}")
    failed = [r.lesson.id for r in results if not r.ok]
    print(f"{len(results) - len(failed)}/{len(results)} lessons reach their goal with the reference setup "
          f"({time.perf_counter() - t0:.0f} s)" + (f"; missed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def main(args) -> int:
    return check(args.lang) if args.check else list_lessons(args.json, args.lang)
