"""Korean / English strings.

Strings live in playground/locales/<area>.json as {"key": {"en": "...", "ko": "..."}},
one file per area of the app so parallel work does not collide. `t(key, lang, **kw)`
formats with str.format. A missing language falls back to English, a missing key
to the key itself (tests check that neither happens).
"""
from __future__ import annotations

import functools
import json
import string
from pathlib import Path

LANGS = ("ko", "en")
LOCALES = Path(__file__).parent / "locales"


@functools.lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES.glob("*.json")):
        for key, entry in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"i18n key '{key}' defined twice ({path.name})")
            merged[key] = entry
    return merged


def has(key: str) -> bool:
    return key in table()


def t(key: str, lang: str = "en", **kw) -> str:
    entry = table().get(key)
    if entry is None:
        return key
    s = entry.get(lang) or entry.get("en") or key
    return s.format(**kw) if kw else s


class Translator:
    """Bound to one language: `T = Translator('ko'); T('train.start')`."""

    def __init__(self, lang: str = "en"):
        self.lang = lang if lang in LANGS else "en"

    def __call__(self, key: str, **kw) -> str:
        return t(key, self.lang, **kw)

    def get(self, key: str, default: str | None = None, **kw) -> str:
        return t(key, self.lang, **kw) if has(key) else (default if default is not None else key)


def problems() -> list[str]:
    """Keys lacking a language or with differing {placeholders} between languages."""
    out = []
    for key, entry in table().items():
        for lang in LANGS:
            if not entry.get(lang):
                out.append(f"{key}: no {lang}")
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry.get(lang, "")) if f} for lang in LANGS]
        if fields[0] != fields[1]:
            out.append(f"{key}: placeholders differ {fields}")
    return out
