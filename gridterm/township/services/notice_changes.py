"""What changed between two published versions of a notice, for the public to read.

The notice's page lists each correction with its reason and these changes; a scanned paper
of an older version says what the current one changed.  Finance rows are compared as the
public sees them (names masked); the body line by line (difflib), only the lines that differ.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gridterm.township import db

MAX_LINES = 20  # of a long body's changes, the first ones: the page links the full text


@dataclass(frozen=True)
class Change:
    """One field that changed: ``what`` names it; ``removed`` and ``added`` are its old and
    new values (for the body, the lines; for finance rows, the rows as text)."""

    what: str  # "title" | "type" | "village" | "period" | "body" | "rows" | "totals"
    removed: tuple[str, ...]
    added: tuple[str, ...]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _period(data: dict[str, Any]) -> str:
    period = data.get("period")
    if not isinstance(period, dict):
        return ""
    return "—".join(p for p in (_text(period.get("from")), _text(period.get("to"))) if p)


def _totals(data: dict[str, Any]) -> str:
    totals = data.get("totals")
    if not isinstance(totals, dict):
        return ""
    return " / ".join(_text(totals.get(k)) for k in ("income", "spending"))


def _lines(text: Any) -> list[str]:
    return [line.rstrip() for line in _text(text).splitlines() if line.strip()]


def _body(old: Any, new: Any) -> Change | None:
    removed, added = [], []
    for line in difflib.ndiff(_lines(old), _lines(new)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    if not removed and not added:
        return None
    return Change("body", tuple(removed[:MAX_LINES]), tuple(added[:MAX_LINES]))


def _rows(
    old: list[Any], new: list[Any], row_text: Callable[[dict[str, Any]], str]
) -> Change | None:
    before = Counter(row_text(r) for r in old if isinstance(r, dict))
    after = Counter(row_text(r) for r in new if isinstance(r, dict))
    removed = tuple((before - after).elements())
    added = tuple((after - before).elements())
    if not removed and not added:
        return None
    return Change("rows", removed[:MAX_LINES], added[:MAX_LINES])


def changes(
    old: db.NoticeVersion, new: db.NoticeVersion, row_text: Callable[[dict[str, Any]], str]
) -> list[Change]:
    """The fields that differ from ``old`` to ``new``, in the order the page shows them."""
    a = old.content if isinstance(old.content, dict) else {}
    b = new.content if isinstance(new.content, dict) else {}
    out: list[Change] = []
    for what, read in (
        ("title", lambda d: _text(d.get("title"))),
        ("type", lambda d: _text(d.get("type"))),
        ("village", lambda d: _text(d.get("village"))),
        ("period", _period),
    ):
        if read(a) != read(b):
            out.append(Change(what, (read(a),), (read(b),)))
    body = _body(a.get("body"), b.get("body"))
    if body is not None:
        out.append(body)
    rows = _rows(old.public_items or [], new.public_items or [], row_text)
    if rows is not None:
        out.append(rows)
    if _totals(a) != _totals(b):
        out.append(Change("totals", (_totals(a),), (_totals(b),)))
    return out
