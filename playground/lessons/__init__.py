"""Lessons: the course one experiment at a time, as data.

Each lesson is one TOML file in content/ (Korean and English side by side, read with
tomllib): an id, a title, the concept, a preset (config fields as a share link writes
them, applied with config.from_query), steps, a question and its answer, a goal the app
checks on the student's run (goals.py describes its small language) and a reference
setup (config fields on top of the preset) that reaches the goal, which
`python -m playground lessons --check` trains, with what the reference learner does
besides (`[reference_also]`: the threshold they set, the cross-validation they run, the
runs they made before); `--check` also trains the untouched preset, which must not reach
the goal, and checks the `[claims]` the texts make about both runs. Texts may name numbers
of the data (`{n_train}`, see numbers.py), filled in when they are shown.

Loading is light (no torch): the CLI lists lessons and the app reads them on every page.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..config import FIELDS, RunConfig, from_query
from ..data.registry import DATASETS
from ..errors import ConfigError
from ..i18n import LANGS
from . import goals, numbers

CONTENT = Path(__file__).parent / "content"
GLOSSARY = Path(__file__).parent / "glossary.toml"
# the app's pages a step may link to (url paths of app.PAGES; tests check they exist)
PAGES = ("train", "data", "evaluate", "inside", "sketch", "compare", "lessons", "glossary")
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HANGUL = re.compile("[\uac00-\ud7a3]")
TEXTS = ("title", "concept", "question", "answer")
AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)")
CLAIMS = ("preset", "reference")
ALSO = ("threshold", "crossval", "earlier")


@dataclass(frozen=True)
class Step:
    text: dict            # {ko, en}
    page: str | None      # a page of the app this step happens on (a link), or None


@dataclass(frozen=True)
class Lesson:
    number: int           # 1-based, in file-name order
    id: str
    title: dict
    concept: dict
    preset: dict          # config field -> text, as in a link
    steps: tuple
    question: dict
    answer: dict
    goal: goals.Goal
    reference: dict       # config field -> text, on top of the preset
    path: Path
    also: dict = None     # the reference learner's threshold, crossval {method, k}, earlier runs [{field: text}]
    claims: dict = None   # {"preset": [conditions], "reference": [conditions]}: what the texts say the runs show

    @property
    def dataset(self) -> str:
        return self.preset.get("dataset", FIELDS["dataset"].default)

    def config(self) -> RunConfig:
        """The preset as the app opens it (a link's way: bad values would be skipped)."""
        return from_query(self.preset)[0]

    def reference_config(self) -> RunConfig:
        return from_query({**self.preset, **self.reference})[0]

    def earlier_configs(self) -> list[dict]:
        """The reference learner's earlier runs (config dicts, as the Compare list keeps them)."""
        return [from_query({**self.preset, **{k: str(v) for k, v in e.items()}})[0].to_dict()
                for e in (self.also or {}).get("earlier", [])]


def text(entry: dict, lang: str) -> str:
    """One language of a {ko, en} entry (English when the language is unknown)."""
    return entry.get(lang) or entry.get("en", "")


def say(lesson: Lesson, entry: dict, lang: str) -> str:
    """One language of a lesson's text with the numbers of its data filled in ({n_train})."""
    return numbers.fill(lesson, text(entry, lang))


def _texts(raw: dict, name: str) -> dict:
    v = raw.get(name)
    return {lang: str(v.get(lang, "")) for lang in LANGS} if isinstance(v, dict) else {}


def _strings(raw, name: str) -> dict:
    v = raw.get(name, {})
    return {str(k): str(x) for k, x in v.items()} if isinstance(v, dict) else {}


def read_toml(path: Path) -> dict:
    """A TOML file as a dict; ConfigError naming the file and the line for one that is not
    valid TOML (a lesson edited by hand: the author needs the place, not a traceback)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("err.lesson_toml", None, file=path.name, line="?", why="not UTF-8 text")
    except tomllib.TOMLDecodeError as e:
        where = AT_LINE.search(str(e))         # tomllib (3.11) puts the place in its message
        line = getattr(e, "lineno", None) or (where.group(1) if where else "?")
        why = getattr(e, "msg", None) or AT_LINE.sub("", str(e)).strip()
        raise ConfigError("err.lesson_toml", None, file=path.name, line=str(line), why=why)


def parse(path: Path, number: int) -> Lesson:
    raw = read_toml(path)
    steps = tuple(Step({lang: str(s.get(lang, "")) for lang in LANGS}, s.get("page"))
                  for s in raw.get("steps", []) if isinstance(s, dict))
    return Lesson(number=number, id=str(raw.get("id", "")), **{n: _texts(raw, n) for n in TEXTS},
                  preset=_strings(raw, "preset"), steps=steps, goal=goals.parse(raw.get("goal", {})),
                  reference=_strings(raw, "reference"), path=path,
                  also=dict(raw.get("reference_also", {})) if isinstance(raw.get("reference_also"), dict) else {},
                  claims={k: [dict(c) for c in v if isinstance(c, dict)] for k, v in raw.get("claims", {}).items()
                          if k in CLAIMS and isinstance(v, list)} if isinstance(raw.get("claims"), dict) else {})


@functools.lru_cache(maxsize=1)
def _load() -> tuple[tuple[Lesson, ...], tuple[ConfigError, ...]]:
    good, bad = [], []
    for i, p in enumerate(sorted(CONTENT.glob("*.toml")), 1):
        try:
            good.append(parse(p, i))
        except ConfigError as e:
            bad.append(e)
    return tuple(good), tuple(bad)


def load_all() -> tuple[Lesson, ...]:
    """Every lesson that reads, in the order of its file name (01-..., 02-...); a file that
    does not read leaves its number out (the others keep theirs) and is in `broken()`."""
    return _load()[0]


def broken() -> tuple[ConfigError, ...]:
    """The lesson files that are not valid TOML, each as one sentence with its file and line."""
    return _load()[1]


def get(lesson_id: str | None) -> Lesson | None:
    return next((x for x in load_all() if x.id == lesson_id), None)


def problems(lesson: Lesson) -> list[str]:
    """What is wrong with a lesson file (empty: it is complete in both languages, its
    preset and reference are accepted by the config, its goal is well formed)."""
    out = []
    name = lesson.path.name
    if not ID.match(lesson.id):
        out.append(f"{name}: id '{lesson.id}' is not a lower-case slug")
    elif not lesson.path.stem.endswith(lesson.id):
        out.append(f"{name}: the file name should end with its id '{lesson.id}'")
    entries = [(n, getattr(lesson, n)) for n in TEXTS] + [("goal", lesson.goal.text)]
    entries += [(f"step {i}", s.text) for i, s in enumerate(lesson.steps, 1)]
    for what, entry in entries:
        for lang in LANGS:
            if not entry.get(lang, "").strip():
                out.append(f"{name}: {what} has no {lang}")
        if entry.get("ko") and not HANGUL.search(entry["ko"]):
            out.append(f"{name}: {what} ko is not Korean")
    if not lesson.steps:
        out.append(f"{name}: no steps")
    out += [f"{name}: step {i} links to unknown page '{s.page}'" for i, s in enumerate(lesson.steps, 1)
            if s.page is not None and s.page not in PAGES]
    if lesson.dataset not in DATASETS:
        out.append(f"{name}: preset dataset '{lesson.dataset}' is not an embedded dataset")
    for what, values in (("preset", lesson.preset), ("reference", {**lesson.preset, **lesson.reference})):
        unknown = [k for k in values if k not in FIELDS]
        if unknown:
            out.append(f"{name}: {what} has unknown fields {unknown}")
        _, bad = from_query(values)
        out += [f"{name}: {what}: {e}" for e in bad]
    if lesson.reference_config().epochs == 0:
        out.append(f"{name}: the reference must end (epochs > 0)")
    out += [f"{name}: goal: {p}" for p in goals.problems(lesson.goal)]
    out += _also_problems(lesson)
    for run, conds in (lesson.claims or {}).items():
        out += [f"{name}: claims.{run}: {p}" for p in goals.problems(goals.Goal({}, tuple(conds)))]
    out += [f"{name}: {p}" for p in numbers.problems(lesson)]
    return out


def _also_problems(lesson: Lesson) -> list[str]:
    also, name = lesson.also or {}, lesson.path.name
    out = [f"{name}: reference_also has unknown keys {sorted(set(also) - set(ALSO))}"] if set(also) - set(ALSO) else []
    thr = also.get("threshold", 0.5)
    if not isinstance(thr, (int, float)) or not 0 <= thr <= 1:
        out.append(f"{name}: reference_also.threshold must be a number in [0, 1]")
    cv = also.get("crossval", {"method": "kfold", "k": 5})
    if not isinstance(cv, dict) or cv.get("method") not in goals.CV_METHODS or not isinstance(cv.get("k", 0), int):
        out.append(f"{name}: reference_also.crossval is {{method = {goals.CV_METHODS}, k = folds}}")
    for e in also.get("earlier", []):
        _, bad = from_query({**lesson.preset, **{k: str(v) for k, v in e.items()}}) if isinstance(e, dict) else (0, ["not a table"])
        out += [f"{name}: reference_also.earlier: {b}" for b in bad]
        out += [f"{name}: reference_also.earlier: unknown field {k}" for k in (e if isinstance(e, dict) else ()) if k not in FIELDS]
    return out


def all_problems() -> list[str]:
    lessons = load_all()
    out = [str(e) for e in broken()] + [p for x in lessons for p in problems(x)]
    ids = [x.id for x in lessons]
    out += [f"lesson id '{i}' is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return out


@functools.lru_cache(maxsize=1)
def glossary() -> tuple[dict, ...]:
    """The course's terms: {en, ko, page, lesson, where: {ko, en}, def: {ko, en}}, in file order
    (the file writes a term's names as `name = {en, ko}` and its place as `at = {page, lesson}`)."""
    raw = read_toml(GLOSSARY)
    return tuple({**t.get("name", {}), **t.get("at", {}), **{k: v for k, v in t.items() if k not in ("name", "at")}}
                 for t in raw.get("term", []))
