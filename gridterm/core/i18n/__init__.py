"""Message catalogs (zh_CN, en) and the one lookup every visible string goes through.

Catalogs are JSON files under ``gridterm/core/i18n/<lang>/``, one file per area of the program
(``core.json``, ``tui.json``, ``service.json`` …); the files of a language are merged at
first use.  Keys are dotted (``model.id_number.checksum``); values are ``str.format``
templates with named fields.

    from gridterm.core.i18n import t
    t("model.required", field=t("field.name"))
"""

from __future__ import annotations

import json
import locale
import os
from functools import cache
from pathlib import Path

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

_HERE = Path(__file__).resolve().parent
_current = None  # resolved lazily so importing this module costs nothing


class UnknownLanguage(ValueError):
    pass


def normalize(lang: str | None) -> str | None:
    """Map what a user or a locale says ("zh", "zh-CN", "zh_CN.UTF-8", "en_US") to a catalog."""
    if not lang:
        return None
    code = lang.strip().split(".")[0].replace("-", "_").lower()
    if code in ("c", "posix", ""):
        return None
    if code.startswith("zh"):
        return "zh_CN"
    if code.startswith("en"):
        return "en"
    return None


def detect() -> str:
    """The language to use when the user said nothing: GRIDTERM_LANG, then the locale.

    Officers are Chinese speakers; a device with no locale at all (common on Termux) gets
    Chinese, an explicitly non-Chinese locale gets English.
    """
    explicit = normalize(os.environ.get("GRIDTERM_LANG"))
    if explicit:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            found = normalize(value.split(":")[0])
            if found:
                return found
            if value.split(".")[0].upper() in ("C", "POSIX"):
                # The C locale says nothing about the reader (Termux, containers, cron):
                # Python would alias it to en_US, but officers read Chinese.
                return DEFAULT_LANGUAGE
            return "en"
    try:
        found = normalize(locale.getlocale()[0])
    except ValueError:
        found = None
    return found or DEFAULT_LANGUAGE


def set_language(lang: str | None) -> str:
    """Choose the language for this process; ``None`` means detect.  Returns the catalog code."""
    global _current
    if lang is None:
        _current = detect()
    else:
        code = normalize(lang)
        if code is None:
            raise UnknownLanguage(lang)
        _current = code
    return _current


def get_language() -> str:
    global _current
    if _current is None:
        _current = detect()
    return _current


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = _HERE / lang
    for path in sorted(folder.glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            merged.update(json.load(fh))
    return merged


def has(key: str, lang: str | None = None) -> bool:
    return key in catalog(lang or get_language())


def t(key: str, /, lang: str | None = None, **params: object) -> str:
    """The message for ``key`` in the current (or given) language, formatted with ``params``.

    A key missing from the language falls back to the other catalog, then to the key itself
    (tests check that neither ever happens).
    """
    lang = lang or get_language()
    template = catalog(lang).get(key)
    if template is None:
        for other in LANGUAGES:
            template = catalog(other).get(key)
            if template is not None:
                break
        else:
            return key
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
