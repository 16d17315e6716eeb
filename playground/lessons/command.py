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
    if "compare" in c:
        wanted = [str(c["values"])] if c.get("values") else []
        wanted += [f"{c['count']} values"] if "count" in c else [] if wanted else ["two values"]
        return f"compare {c['compare']} {' '.join(wanted)}"
    what = c.get("metric") or c.get("config") or ("crossval" if "crossval" in c else "status")
    what += f"[{c['method']}]" if "method" in c else ""
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


def _checks(checks) -> str:
    return "; ".join(f"{_cond(c.cond)}: {_value(c.value)}{'' if c.ok else ' ✗'}" for c in checks)


def check(lang: str, workers: int | None = None) -> int:
    """Train every reference setup and untouched preset; non-zero when a lesson file is broken,
    a reference misses its goal, a preset already meets it, or a claim of the texts is false."""
    broken = all_problems()
    for p in broken:
        print(f"invalid: {p}")
    if broken:
        return 1
    from .reference import run
    t0 = time.perf_counter()
    results = run(load_all(), workers)
    for r in results:
        mark = "ok  " if r.ok else "FAIL"
        print(f"{mark} {r.lesson.number:>2}. {r.lesson.id:<31} {r.status:<13} {r.seconds:5.1f}s  "
              f"reference: {_checks(r.checks[1:])}")
        print(f"{'':>40}preset{' (meets the goal ✗)' if not r.preset_ok else ''}: {_checks(r.preset_checks[1:])}")
        if r.claims:
            print(f"{'':>40}claims: " + "; ".join(f"{run} {_cond(c.cond)}: {_value(c.value)}{'' if c.ok else ' ✗'}"
                                                  for run, c in r.claims))
    failed = [r.lesson.id for r in results if not r.ok]
    print(f"{len(results) - len(failed)}/{len(results)} lessons reach their goal with the reference setup and not "
          f"with the untouched preset ({time.perf_counter() - t0:.0f} s)"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def main(args) -> int:
    return check(args.lang, args.workers) if args.check else list_lessons(args.json, args.lang)
