"""What the county must see first: the items escalated to it, the items it supervises
(督办) and every township's red items — one list, each item once, in the order a county
leader works them.

The order: a county leader's own villages (包村) first; then what is under supervision, what
the county owns (escalated), what is late; newest change first within each.  The service
answers each question with its own filter (``level=county``, ``supervised=true``,
``tier=red``); this module merges the pages.
"""

from __future__ import annotations

from collections.abc import Iterable

from gridterm.ui.staff.tiers import supervision_open

# The three questions the items list asks the service (all open items only).
QUERIES: tuple[dict[str, object], ...] = (
    {"level": "county"},
    {"supervised": True},
    {"tier": "red"},
)


def merge(pages: Iterable[list[dict]], villages: Iterable[str] = ()) -> list[dict]:
    """Every item once (the newest copy of it wins: a later page may have seen a change)."""
    seen: dict[str, dict] = {}
    for page in pages:
        for item in page:
            seen[item["id"]] = item
    return ordered(seen.values(), villages)


def ordered(items: Iterable[dict], villages: Iterable[str] = ()) -> list[dict]:
    mine = set(villages)
    newest_first = sorted(items, key=_changed_at, reverse=True)
    return sorted(
        newest_first,
        key=lambda item: (
            item.get("village") not in mine,
            not supervision_open(item),
            item.get("level") != "county",
            not item.get("overdue"),
        ),
    )


def _changed_at(item: dict) -> str:
    return str(item.get("status_at") or item.get("received_at") or "")


def counts(items: list[dict]) -> dict[str, int]:
    """How many of the list are escalated, supervised, red, late (the status line)."""
    return {
        "escalated": sum(1 for i in items if i.get("level") == "county"),
        "supervised": sum(1 for i in items if supervision_open(i)),
        "red": sum(1 for i in items if i.get("tier") == "red"),
        "overdue": sum(1 for i in items if i.get("overdue")),
    }
