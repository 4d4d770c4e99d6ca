"""What changed between two revs of a record's data, as a person reads it.

Nested objects are walked to their leaves (``address.village``); lists are compared item by
item when both sides are lists of objects of the same length, else as one value.  No UI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MISSING = object()


@dataclass(frozen=True)
class Change:
    op: str  # "added" | "changed" | "removed"
    path: str  # dotted, with [i] for list items: members[0].phone
    old: Any = None
    new: Any = None


def _walk(old: Any, new: Any, path: str, out: list[Change]) -> None:
    # A whole object added or removed: name each of its fields.
    if old is MISSING and isinstance(new, dict):
        old = {}
    if new is MISSING and isinstance(old, dict):
        new = {}
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            _walk(old.get(key, MISSING), new.get(key, MISSING), sub, out)
        return
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and len(old) == len(new)
        and all(isinstance(v, dict) for v in old + new)
    ):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _walk(a, b, f"{path}[{i}]", out)
        return
    if old is MISSING and new is MISSING:
        return
    if old is MISSING:
        if not _empty(new):
            out.append(Change("added", path, None, new))
    elif new is MISSING:
        if not _empty(old):
            out.append(Change("removed", path, old, None))
    elif old != new and not (_empty(old) and _empty(new)):
        # An empty value filled in (or emptied) reads as added (removed), not "→ nothing".
        if _empty(old):
            out.append(Change("added", path, None, new))
        elif _empty(new):
            out.append(Change("removed", path, old, None))
        else:
            out.append(Change("changed", path, old, new))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def diff(old: dict | None, new: dict | None) -> list[Change]:
    """The changes from ``old`` to ``new`` (``old`` None: everything in ``new`` is added)."""
    out: list[Change] = []
    _walk(old or {}, new or {}, "", out)
    return out


def show(value: Any, width: int = 60) -> str:
    """A value on one line, cut to ``width`` characters."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None:
        text = json.dumps(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
