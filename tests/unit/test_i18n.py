"""i18n.py + locales/*.json: every string in Korean and English, same placeholders."""
from __future__ import annotations

import json
import re
import string

import pytest

from playground import i18n
from playground.errors import ConfigError

HANGUL = re.compile("[\uac00-\ud7a3]")


def placeholders(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_no_problems():
    assert i18n.problems() == []


def test_every_locale_file_is_valid_and_complete():
    files = sorted(i18n.LOCALES.glob("*.json"))
    assert files, "no locale files"
    for path in files:
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, entry in entries.items():
            assert set(entry) >= {"ko", "en"}, (path.name, key)
            assert entry["ko"].strip() and entry["en"].strip(), (path.name, key)
            assert placeholders(entry["ko"]) == placeholders(entry["en"]), (path.name, key)


def test_every_error_key_formats_in_both_languages():
    for key, entry in i18n.table().items():
        if not key.startswith("err."):
            continue
        params = {p: "X" for p in placeholders(entry["en"])}
        e = ConfigError(key, None, **params)
        en, ko = e.text("en"), e.text("ko")
        assert en == str(e) and en != key
        assert ko != en and HANGUL.search(ko), key


def test_t_and_translator():
    assert i18n.t("err.few_rows", "en", rows=3) == "the table has too few rows with a target (3); at least 10 are needed"
    assert "3" in i18n.t("err.few_rows", "ko", rows=3)
    assert i18n.t("no.such.key") == "no.such.key"
    assert i18n.t("err.out_of_memory", "fr") == i18n.t("err.out_of_memory", "en")   # unknown language -> English
    T = i18n.Translator("ko")
    assert T("err.out_of_memory") == i18n.t("err.out_of_memory", "ko")
    assert i18n.Translator("xx").lang == "en"
    assert T.get("no.such.key", "fallback") == "fallback"
    assert i18n.has("err.range") and not i18n.has("no.such.key")


def test_duplicate_keys_across_files_are_refused(tmp_path, monkeypatch):
    (tmp_path / "a.json").write_text('{"k": {"en": "a", "ko": "가"}}', encoding="utf-8")
    (tmp_path / "b.json").write_text('{"k": {"en": "b", "ko": "나"}}', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.table.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            i18n.table()
    finally:
        monkeypatch.undo()
        i18n.table.cache_clear()
    assert i18n.has("err.range")
