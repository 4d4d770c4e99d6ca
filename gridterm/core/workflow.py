"""The township's review workflow for synced records, as data (DOMAIN.md "Event reports").

    reported ─┬─> accepted ─┬─> assigned ─┬─> in_hand ─┬─> done ──> checked_back
              │             │             │            └─> extended ─┬─> in_hand
              └─> returned  ├─> in_hand   └─> returned               └─> done
                            ├─> done
                            └─> extended
    closed_on_spot ──> checked_back       (the officer fixed it on the spot)

A returned record comes back as ``reported`` when the officer sends a new rev
(:func:`status_after_new_rev`); that is the device's move, never a staff transition.
Which changes need a reason is data too (``REASON_REQUIRED``).

This module imports nothing from FastAPI or SQLAlchemy: the staff router, the sync router
and the staff console all ask it the same questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from gridterm.core.model import as_datetime

STATES: tuple[str, ...] = (
    "reported",
    "accepted",
    "returned",
    "assigned",
    "in_hand",
    "extended",
    "done",
    "checked_back",
    "closed_on_spot",
)

INITIAL = "reported"

TRANSITIONS: dict[str, frozenset[str]] = {
    "reported": frozenset({"accepted", "returned"}),
    "accepted": frozenset({"assigned", "in_hand", "done", "extended"}),
    "returned": frozenset(),
    "assigned": frozenset({"in_hand", "returned"}),
    "in_hand": frozenset({"done", "extended"}),
    "extended": frozenset({"in_hand", "done"}),
    "done": frozenset({"checked_back"}),
    "checked_back": frozenset(),
    "closed_on_spot": frozenset({"checked_back"}),
}

# Changes the resident or the officer must be told the reason for.
REASON_REQUIRED: frozenset[str] = frozenset({"returned", "extended"})

# States in which the township still owes the resident something (the overdue clock runs).
OPEN_STATES: frozenset[str] = frozenset({"reported", "accepted", "assigned", "in_hand", "extended"})
CLOSED_STATES: frozenset[str] = frozenset({"done", "checked_back", "closed_on_spot"})

LABELS: dict[str, dict[str, str]] = {
    "reported": {"zh": "已上报", "en": "reported"},
    "accepted": {"zh": "已受理", "en": "accepted"},
    "returned": {"zh": "退回", "en": "returned"},
    "assigned": {"zh": "已分派", "en": "assigned"},
    "in_hand": {"zh": "处置中", "en": "in hand"},
    "extended": {"zh": "延期", "en": "extended"},
    "done": {"zh": "已办结", "en": "done"},
    "checked_back": {"zh": "已回访", "en": "checked back"},
    "closed_on_spot": {"zh": "就地办结", "en": "closed on the spot"},
}


class TransitionError(Exception):
    """A change the workflow does not allow; ``code`` tells the router which answer to give."""

    def __init__(self, code: str, from_status: str, to_status: str) -> None:
        self.code = code  # "invalid_transition" | "unknown_status" | "reason_required"
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(f"{code}: {from_status} -> {to_status}")


def label(status: str, lang: str = "zh") -> str:
    return LABELS.get(status, {}).get(lang, status)


def allowed(from_status: str) -> list[str]:
    """The states a record in ``from_status`` may move to, in workflow order."""
    targets = TRANSITIONS.get(from_status, frozenset())
    return [s for s in STATES if s in targets]


def check(from_status: str, to_status: str, reason: str | None = None) -> None:
    """Raise :class:`TransitionError` unless ``from_status -> to_status`` is allowed."""
    if to_status not in TRANSITIONS:
        raise TransitionError("unknown_status", from_status, to_status)
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise TransitionError("invalid_transition", from_status, to_status)
    if to_status in REASON_REQUIRED and not (reason or "").strip():
        raise TransitionError("reason_required", from_status, to_status)


def initial_status(kind: str, data: Mapping[str, Any] | None) -> str:
    """The state a record enters the township with on its first push."""
    data = data or {}
    if kind == "report" and (data.get("closed_on_spot") or data.get("on_spot")):
        return "closed_on_spot"
    return INITIAL


def status_after_new_rev(status: str | None) -> str | None:
    """A returned record the officer fixed and sent again is back in the queue."""
    if status == "returned":
        return INITIAL
    return status


_parse_time = as_datetime


def due_at(record: Mapping[str, Any]) -> datetime | None:
    """When the township promised to have ``record`` handled, or None when no limit applies.

    The time limits live in gridterm/vocab.json; ``gridterm.core.model.due_at`` reads them, so the
    officer's receipt and the township's overdue flag promise the same moment.
    """
    try:
        from gridterm.core import model
    except ImportError:  # pragma: no cover - the model ships with the package
        return None
    fn = getattr(model, "due_at", None)
    if fn is None:
        return None
    try:
        return _parse_time(fn(dict(record)))
    except (KeyError, TypeError, ValueError):
        return None


def is_overdue(record: Mapping[str, Any], status: str | None, now: datetime | None = None) -> bool:
    """An open record whose promised time has passed."""
    if status not in OPEN_STATES:
        return False
    due = due_at(record)
    if due is None:
        return False
    now = now or datetime.now(timezone.utc)
    return now > due
