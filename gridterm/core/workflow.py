"""The township's review workflow for synced records, as data (DOMAIN.md "Event reports").

    reported ─┬─> accepted ─┬─> assigned ─┬─> in_hand ─┬─> done ──> checked_back
              │             │             │            └─> extended ─┬─> in_hand
              └─> returned  ├─> in_hand   └─> returned               └─> done
                            ├─> done
                            └─> extended
    closed_on_spot ──> checked_back       (the officer closed it: a report fixed on the spot,
                                           a mediation case the village settled and closed)

The county ladder (issue 15; docs/county.md): township staff escalate any record they still
owe (``escalated``, with a reason); the county signs for it (``signed``, 签收: its clock
starts), assigns it to a county department (``county_assigned``), returns it to the township
with a reason (``returned_to_township``, 退回) or marks it ``done`` with feedback::

    reported|accepted|assigned|in_hand|extended|returned_to_township ──> escalated
    escalated ─┬─> signed ─┬─> county_assigned ─┬─> done
               │           ├─> done             └─> returned_to_township
               │           └─> returned_to_township
               └─> returned_to_township ──> assigned | in_hand | done | extended | escalated

Who may make a move is said by the state it leaves (:func:`mover`): the county moves a record
out of :data:`COUNTY_STATES`, the township every other.

A record the officer closed (:func:`closed_by_officer`) enters the township as
``closed_on_spot``: there is nothing left to accept or return, only a check back.  A returned
record comes back as ``reported`` when the officer sends a new rev — or as ``closed_on_spot``
when that rev closes it (:func:`status_after_new_rev`); that is the device's move, never a
staff transition.
Which changes need a reason is data too (``REASON_REQUIRED``).

The village's own affairs (三务公开, issue 17) have a second, smaller machine beside it,
in this same module (``VILLAGE_STATES``, ``VILLAGE_TRANSITIONS``):

    notice:  submitted ─┬─> published ──> superseded   (by the service, when a correction
                        └─> returned (reason)            of it is published)
    matter:  filed                                     (四议两公开: the township keeps it on
                                                        file; its notices are published)

A notice enters as ``submitted`` and a returned one comes back as ``submitted`` with the
officer's next rev.  ``superseded`` is never a staff move (``BY_SERVICE``): publishing a
correction makes it.  ``ALL_STATES`` is every state a record can carry.

This is the one list of states and moves: the model's "closed" test, the staff API's schema
and the vocabulary's labels all follow it (tests/core/test_workflow.py checks that
``vocab.json`` labels exactly these states).  Labels live in ``vocab.json``, with the other
words a user reads.  This module imports nothing from FastAPI or SQLAlchemy: the staff
router, the sync router and the staff console all ask it the same questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridterm.core import vocab

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
    "escalated",
    "signed",
    "county_assigned",
    "returned_to_township",
)

INITIAL = "reported"

TRANSITIONS: dict[str, frozenset[str]] = {
    "reported": frozenset({"accepted", "returned", "escalated"}),
    "accepted": frozenset({"assigned", "in_hand", "done", "extended", "escalated"}),
    "returned": frozenset(),
    "assigned": frozenset({"in_hand", "returned", "escalated"}),
    "in_hand": frozenset({"done", "extended", "escalated"}),
    "extended": frozenset({"in_hand", "done", "escalated"}),
    "done": frozenset({"checked_back"}),
    "checked_back": frozenset(),
    "closed_on_spot": frozenset({"checked_back"}),
    "escalated": frozenset({"signed", "returned_to_township"}),
    "signed": frozenset({"county_assigned", "returned_to_township", "done"}),
    "county_assigned": frozenset({"done", "returned_to_township"}),
    "returned_to_township": frozenset({"assigned", "in_hand", "done", "extended", "escalated"}),
}

# Changes the resident or the officer must be told the reason for; the county must be told
# why a matter is sent up, the township why it comes back.
REASON_REQUIRED: frozenset[str] = frozenset(
    {"returned", "extended", "escalated", "returned_to_township"}
)

# States in which the township still owes the resident something (the overdue clock runs).
# ``returned`` is in neither set: the township owes nothing until the officer sends a new rev,
# and the officer still owes a fix.
OPEN_STATES: frozenset[str] = frozenset(
    {
        "reported",
        "accepted",
        "assigned",
        "in_hand",
        "extended",
        "escalated",
        "signed",
        "county_assigned",
        "returned_to_township",
    }
)
CLOSED_STATES: frozenset[str] = frozenset({"done", "checked_back", "closed_on_spot"})

# States in which the county owns the record: only county staff and leaders move it on.
COUNTY_STATES: frozenset[str] = frozenset({"escalated", "signed", "county_assigned"})

# The moves only the county makes (out of COUNTY_STATES), and where a township's own moves
# may not go: ``signed`` and ``county_assigned`` are the county's words.
COUNTY_MOVES: frozenset[str] = frozenset({"signed", "county_assigned", "returned_to_township"})


# The village's affairs: labels in ``vocab.json``'s ``village_status`` group.
VILLAGE_STATES: tuple[str, ...] = ("submitted", "published", "superseded", "filed")

VILLAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"published", "returned"}),
    "published": frozenset({"superseded"}),
    "superseded": frozenset(),
    "filed": frozenset(),
}

# Moves the service makes as the consequence of another, never chosen by staff: a published
# notice is superseded when its correction is published.
BY_SERVICE: frozenset[str] = frozenset({"superseded"})

# Waiting for the township (a review), and done with.
VILLAGE_OPEN: frozenset[str] = frozenset({"submitted"})
VILLAGE_CLOSED: frozenset[str] = frozenset({"published", "superseded", "filed"})

ALL_STATES: tuple[str, ...] = STATES + VILLAGE_STATES

_MOVES: dict[str, frozenset[str]] = {**TRANSITIONS, **VILLAGE_TRANSITIONS}

# The kinds of the village's affairs and the state each enters the township in.
_VILLAGE_ENTRY = {"notice": "submitted", "matter": "filed"}


class TransitionError(Exception):
    """A change the workflow does not allow; ``code`` tells the router which answer to give."""

    def __init__(self, code: str, from_status: str, to_status: str) -> None:
        self.code = code  # "invalid_transition" | "unknown_status" | "reason_required"
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(f"{code}: {from_status} -> {to_status}")


def label(status: str, lang: str = "zh") -> str:
    """The state's name for the service's pages and sentences (``zh`` or ``en``).

    English names are lower case: the service puts them in the middle of a sentence
    ("cannot move from in hand to reported").  Any other status or language: unchanged.
    """
    if status not in ALL_STATES or lang not in ("zh", "en"):
        return status
    text = vocab.label(vocab_group(status), status, lang)
    return text.lower() if lang == "en" else text


def vocab_group(status: str) -> str:
    """The ``vocab.json`` group that names ``status``: ``status`` or ``village_status``."""
    return "village_status" if status in VILLAGE_STATES else "status"


def allowed(from_status: str, level: str | None = None) -> list[str]:
    """The states staff may move a record in ``from_status`` to, in workflow order (the
    service's own moves, ``BY_SERVICE``, are not among them); with ``level`` (``"township"``
    or ``"county"``) only the moves that level may make (:func:`mover`)."""
    if level is not None and mover(from_status) != level:
        return []
    targets = _MOVES.get(from_status, frozenset()) - BY_SERVICE
    return [s for s in ALL_STATES if s in targets]


def mover(from_status: str) -> str:
    """Who moves a record on out of ``from_status``: ``"county"`` out of the county's states,
    ``"township"`` out of every other."""
    return "county" if from_status in COUNTY_STATES else "township"


def check(
    from_status: str, to_status: str, reason: str | None = None, *, by_service: bool = False
) -> None:
    """Raise :class:`TransitionError` unless ``from_status -> to_status`` is allowed (to
    staff; ``by_service``: to the service itself, which alone makes the ``BY_SERVICE`` moves)."""
    if to_status not in _MOVES:
        raise TransitionError("unknown_status", from_status, to_status)
    if to_status not in _MOVES.get(from_status, frozenset()) or (
        to_status in BY_SERVICE and not by_service
    ):
        raise TransitionError("invalid_transition", from_status, to_status)
    if to_status in REASON_REQUIRED and not (reason or "").strip():
        raise TransitionError("reason_required", from_status, to_status)


def closed_by_officer(kind: str, data: Mapping[str, Any] | None) -> bool:
    """Whether the officer closed the record on the device: a report handled on the spot, a
    mediation case with its closing time (the rule ``model.is_closed`` uses for cases)."""
    data = data or {}
    if kind == "report":
        return bool(data.get("closed_on_spot") or data.get("on_spot"))
    if kind == "case":
        return bool(data.get("closed_at"))
    return False


def initial_status(kind: str, data: Mapping[str, Any] | None) -> str:
    """The state a record enters the township with on its first push."""
    if kind in _VILLAGE_ENTRY:
        return _VILLAGE_ENTRY[kind]
    return "closed_on_spot" if closed_by_officer(kind, data) else INITIAL


def status_after_new_rev(
    status: str | None, kind: str | None = None, data: Mapping[str, Any] | None = None
) -> str | None:
    """A returned record the officer fixed and sent again is back in the queue — or closed,
    when the officer closed it (``kind`` and ``data``: the new rev's)."""
    if status == "returned":
        return initial_status(kind or "", data)
    return status
