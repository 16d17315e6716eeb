"""The one exception for bad user input (a module of its own so that config and data,
which both raise it, need not import each other)."""
from __future__ import annotations


class ConfigError(ValueError):
    """Bad user input: one line saying what to change, in either language.

    `key` names a string in locales/errors.json; str(e) is the English text,
    e.text("ko") the Korean one."""

    def __init__(self, key: str, field: str | None = None, **params):
        self.key, self.field, self.params = key, field, params
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        from .i18n import t
        return t(self.key, lang, **self.params)
