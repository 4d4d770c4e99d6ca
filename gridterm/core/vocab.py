"""The editable vocabulary (``vocab.json``): the codes of each group and their labels.

``vocab.json`` holds labels (zh, en) for every code the records use, the promised time limits
of reports and the visit rules.  Which workflow states exist and how a record moves between
them is not vocabulary: that is :mod:`gridterm.core.workflow`; this file only names them.

Read once, lazily, on first use; nothing else here touches the disk.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from gridterm.core.i18n import get_language

_VOCAB_PATH = Path(__file__).resolve().parent / "vocab.json"


@cache
def vocab() -> dict[str, Any]:
    """The parsed ``vocab.json`` (read once).  Do not mutate the result."""
    with _VOCAB_PATH.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def lang_short(lang: str | None) -> str:
    """``zh`` or ``en``: the key of a label in ``vocab.json`` for a language code."""
    return "zh" if (lang or get_language()).startswith("zh") else "en"


def codes(group: str) -> list[str]:
    """The codes of a vocabulary group, in their display order (a new list each call)."""
    return list(_codes(group))


@cache
def _codes(group: str) -> tuple[str, ...]:
    return tuple(c for c in vocab()[group] if not c.startswith("_"))


@cache
def code_set(group: str) -> frozenset[str]:
    """The codes of a group, for membership tests."""
    return frozenset(_codes(group))


def label(group: str, code: str, lang: str | None = None) -> str:
    """``label("category", "safety")`` -> ``安全隐患`` (or ``Safety hazard``); unknown -> code."""
    entry = vocab().get(group, {}).get(code)
    if not isinstance(entry, dict):
        return code
    text = entry.get(lang_short(lang)) or entry.get("zh") or code
    return str(text)
