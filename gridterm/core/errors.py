"""Typed errors that carry a message a user can act on, in the user's language.

Every error is built from a catalog key and named parameters, so the same error can be
shown in zh_CN on an officer's phone and in en in a log.  The CLI prints ``str(error)`` on
one line and exits with ``error.exit_code`` — never a traceback.
"""

from __future__ import annotations

from gridterm.core.i18n import t


class GridtermError(Exception):
    """Base of every error gridterm shows to a person."""

    key = "error.generic"
    exit_code = 2

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        if key is not None:
            self.key = key
        self.params = params
        super().__init__(self.key)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class ConfigError(GridtermError):
    key = "error.config"
