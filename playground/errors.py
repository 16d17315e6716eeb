"""The one exception for bad user input, and its data-specific kind. Both carry an
i18n key, so the CLI prints one line and a page shows the message in its language."""
from __future__ import annotations

from .i18n import t


class ConfigError(ValueError):
    """Bad user input: one line saying what to change, in either language.

    `key` names a string in locales/errors.json; str(e) is the English text,
    e.text("ko") the Korean one; `field` is the option to change (or None)."""

    def __init__(self, key: str, field: str | None = None, **params):
        self.key, self.field, self.params = key, field, params
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.params)


class DataError(ConfigError):
    """A dataset cannot be used as asked (bad CSV, no network for a download...)."""
