"""Mediation cases (人民调解): which list a case belongs to, its state, its follow-ups (回访),
and what registering a mediator, scheduling a follow-up or closing a case writes.  No UI.

Whether a case is closed is :func:`gridterm.core.model.is_closed` — the rule the store uses
to archive it — so the Cases list, Home and the archive never disagree.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Literal

from gridterm.core.model import is_closed

if TYPE_CHECKING:
    from gridterm.core.store import Store

FILTERS = ("open", "due", "closed", "all")
State = Literal["closed", "due", "has_outcome", "open"]


def pending_follow_ups(data: dict) -> list[str]:
    """The days (YYYY-MM-DD) of the follow-ups scheduled and not yet made, earliest first."""
    return sorted(
        str(f["due"])[:10]
        for f in data.get("follow_ups") or []
        if f.get("due") and not f.get("done_at")
    )


def follow_up_due(data: dict, today: str) -> bool:
    """A follow-up not yet made is due today or was due before."""
    pending = pending_follow_ups(data)
    return bool(pending) and pending[0] <= today


def next_follow_up(data: dict) -> int | None:
    """The position of the first follow-up not yet made (scheduled or not)."""
    for n, entry in enumerate(data.get("follow_ups") or []):
        if not entry.get("done_at"):
            return n
    return None


def case_matches(record: dict, which: str, today: str) -> bool:
    """Whether the case belongs in the list ``which`` (one of :data:`FILTERS`)."""
    if which == "open":
        return not is_closed(record)
    if which == "closed":
        return is_closed(record)
    if which == "due":
        return follow_up_due(record.get("data") or {}, today)
    return True


def case_state(record: dict, today: str) -> State:
    """closed, a follow-up due, an outcome recorded, or still open — in that order."""
    data = record.get("data") or {}
    if is_closed(record):
        return "closed"
    if follow_up_due(data, today):
        return "due"
    if data.get("outcome"):
        return "has_outcome"
    return "open"


def add_mediator(store: Store, case_id: str, data: dict, person: dict) -> dict:
    """Name a mediator from the roster on the case (``data``: its data now); returns the
    case as saved."""
    data = copy.deepcopy(data)
    entry = {"id": person["id"], "name": person["name"]}
    if person.get("standing"):
        entry["standing"] = person["standing"]
    data["mediators"] = [*(data.get("mediators") or []), entry]
    return store.update(case_id, data=data)


def schedule_follow_up(store: Store, case_id: str, data: dict, day: str) -> tuple[dict, int]:
    """Add a follow-up due on ``day``; returns the case as saved and the follow-up's position."""
    data = copy.deepcopy(data)
    data["follow_ups"] = [*(data.get("follow_ups") or []), {"due": day}]
    return store.update(case_id, data=data), len(data["follow_ups"]) - 1


def close_case(store: Store, case_id: str, data: dict, now: str) -> dict:
    """Close the case at ``now`` (it leaves the open list, and the device once synced)."""
    return store.update(case_id, data={**copy.deepcopy(data), "closed_at": now})
