"""A saved record's place in the outbox, its stored wire bytes, and the orders records come in.

Every record saved carries, besides its content, ``synced_rev`` (the last rev the service
acknowledged), ``sync_error`` (why the service refused this rev), ``sync_state`` and
``_wire`` (the canonical bytes of this rev, exactly what the sync client sends).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from gridterm.core import model

# What ``Store.query(state=…)`` filters by: the outbox states, and "open" (not yet closed).
STATES = ("unsent", "attention", "sent", "open")


def wire_text(rec: Mapping[str, Any]) -> str:
    return model.canonical_json(model.wire_form(rec)).decode("utf-8")


def sync_state(rec: Mapping[str, Any]) -> str:
    """``unsent`` | ``sent`` | ``attention`` (the service refused this rev: see sync_error)."""
    if rec.get("sync_error"):
        return "attention"
    return "sent" if rec.get("synced_rev") == rec.get("rev") else "unsent"


def state_of(rec: Mapping[str, Any]) -> str:
    """The outbox state of a record: ``unsent``, ``attention`` or ``sent``."""
    return sync_state(rec)


def matches(rec: Mapping[str, Any], kind: str | None, state: str | None) -> bool:
    if kind is not None and rec.get("kind") != kind:
        return False
    if state is None:
        return True
    if state == "open":
        return not model.is_closed(rec)
    return state_of(rec) == state


def _instant(value: Any) -> float:
    """Seconds since the epoch of an ISO 8601 time (offsets honoured; naive means UTC)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return float("-inf")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def oldest_first(rec: Mapping[str, Any]) -> tuple[float, str]:
    """The outbox's order: the oldest change first, then id."""
    return (_instant(rec.get("updated_at")), rec.get("id", ""))


def created_order(rec: Mapping[str, Any]) -> tuple[float, str]:
    """A query's order: oldest created first, then id."""
    return (_instant(rec.get("created_at")), rec.get("id", ""))
