"""The spec language: what each field of each kind may hold, as data.

A :class:`Spec` says a field's type, whether it is required and its bounds; ``KIND_SPECS``
spells out the kinds with it (docs/model.md has the same as a table).  Checking a value
against a spec is :mod:`gridterm.core.model.checking`.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridterm.core import workflow
from gridterm.core.model.problems import PATH_STEP

# Bounds on text.  A name is a person's name; short is a code-like free text; line is one
# line of prose (a place, an address); long allows newlines.
NAME_MAX = 50
SHORT_MAX = 100
LINE_MAX = 200
LONG_MAX = 2000
RECORD_MAX = 5000
ID_MAX = 64
NOTICE_BODY_MAX = 20000  # a notice may be a whole regulation (村规民约) pinned to the board


@dataclass(frozen=True)
class Spec:
    """What one field may hold.

    type: text | long | name | code | bool | int | float | money | date | moment | datetime |
          id_number | phone | list | object | answers | sha256 | where | any
    ``moment`` is a date or a timestamp with offset; ``datetime`` requires the timestamp;
    ``answer`` is one checklist answer; ``sha256`` 64 lowercase hex digits; ``where`` the
    part of a record a photo belongs to; ``money`` an amount in yuan as decimal text
    (``"1234.50"``, :mod:`gridterm.core.model.affairs`).
    """

    type: str
    required: bool = False
    max: int = 0  # text length, or list length
    group: str = ""  # vocabulary group of a code
    item: Spec | None = None  # list item
    fields: dict[str, Spec] | None = None  # object fields
    min: int | None = None  # int or float minimum, or list minimum length
    high: int | None = None  # int or float maximum
    up_to_this_year: bool = False  # int maximum is the current year (years of birth)
    choices: tuple[str, ...] | None = None  # the codes of a code, when not a vocabulary group


def _text(max_len: int = SHORT_MAX, required: bool = False) -> Spec:
    return Spec("text", required, max_len)


def _long(max_len: int = LONG_MAX, required: bool = False) -> Spec:
    return Spec("long", required, max_len)


def _code(group: str, required: bool = False) -> Spec:
    return Spec("code", required, group=group)


def _list(item: Spec, max_items: int, min_items: int = 0, required: bool = False) -> Spec:
    return Spec("list", required or min_items > 0, max_items, item=item, min=min_items)


def _obj(fields: dict[str, Spec], required: bool = False) -> Spec:
    return Spec("object", required, fields=fields)


NAME = Spec("name", True, NAME_MAX)
ID_NUMBER = Spec("id_number")
PHONE = Spec("phone")
TAGS = _list(_code("tag"), 20)

MEMBER = _obj(
    {
        "name": NAME,
        "id_number": ID_NUMBER,
        "relation": _text(20),
        "phone": PHONE,
        "tags": TAGS,
        "birth_year": Spec("int", min=1900, up_to_this_year=True),
    }
)

PARTY = _obj(
    {
        "name": NAME,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": _text(LINE_MAX),
        "role": _text(20),
    }
)

# Evidence (issue 16): photos and a place on a report, visit or case.  Both the device and
# the service validate with these (docs/evidence.md).
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/webp")
ATTACHMENTS_MAX = 20  # photos on one record
ATTACHMENT_BYTES_MAX = 10 * 1024 * 1024  # one photo, as sent (after shrinking, if any)
LOCATION_SOURCES = ("gps", "typed")

# Its rules between fields (a point needs both numbers; GPS needs the point; typed needs the
# place's name) are ``validate.evidence_cross_check``'s.
LOCATION = _obj(
    {
        "lat": Spec("float", min=-90, high=90),
        "lon": Spec("float", min=-180, high=180),
        "accuracy_m": Spec("float", min=0, high=1_000_000),
        "source": Spec("code", True, choices=LOCATION_SOURCES),
        "place": _text(LINE_MAX),
        "at": Spec("datetime"),
    }
)

ATTACHMENT = _obj(
    {
        "sha256": Spec("sha256", True),
        "name": _text(LINE_MAX, required=True),
        "size": Spec("int", True, min=1, high=ATTACHMENT_BYTES_MAX),
        "type": Spec("code", True, choices=ATTACHMENT_TYPES),
        "taken_at": Spec("datetime"),
        "where": Spec("where"),
        "location": LOCATION,
    }
)
ATTACHMENTS = _list(ATTACHMENT, ATTACHMENTS_MAX)

KIND_SPECS: dict[str, Spec] = {
    "household": _obj(
        {
            "village": _text(NAME_MAX, required=True),
            "group": _text(20),
            "number": _text(20),
            "head": NAME,
            "phone": PHONE,
            "tags": TAGS,
            "members": _list(MEMBER, 30),
            "notes": _long(),
        }
    ),
    "visit": _obj(
        {
            "household_id": _text(ID_MAX, required=True),
            "template_id": _text(ID_MAX, required=True),
            "template_version": Spec("int", True, min=1),
            "answers": Spec("answers", True, 300),
            "flagged": _list(_text(ID_MAX), 300),
            "notes": _long(),
            "follow_up": Spec("date"),
            "visited_at": Spec("moment"),
            "attachments": ATTACHMENTS,
            "location": LOCATION,
        }
    ),
    "case": _obj(
        {
            "parties": _list(PARTY, 30, min_items=1),
            "dispute_type": _code("dispute_type", required=True),
            "source": _code("source", required=True),
            "summary": _long(required=True),
            "rights_notice_given": Spec("bool"),
            "mediators": _list(
                _obj(
                    {"id": _text(ID_MAX), "name": NAME, "standing": _code("standing")},
                ),
                10,
            ),
            "sessions": _list(
                _obj(
                    {
                        "date": Spec("date"),
                        "place": _text(LINE_MAX),
                        "present": _list(Spec("name", True, NAME_MAX), 40),
                        "record": _long(RECORD_MAX),
                        "result": _long(),
                    }
                ),
                50,
            ),
            "outcome": _code("outcome"),
            "agreement": _obj(
                {
                    "facts": _long(),
                    "matters": _long(),
                    "responsibilities": _long(),
                    "terms": _long(),
                    "performance_manner": _long(),
                    "performance_deadline": Spec("date"),
                    "signed_at": Spec("moment"),
                }
            ),
            "follow_ups": _list(
                _obj(
                    {
                        "due": Spec("date"),
                        "done_at": Spec("moment"),
                        "fulfilled": Spec("bool"),
                        "satisfied": Spec("bool"),
                        "risk": _code("risk"),
                        "note": _long(),
                    }
                ),
                30,
            ),
            "major": Spec("bool"),
            "closed_at": Spec("moment"),
            "case_no": _text(SHORT_MAX),
            "attachments": ATTACHMENTS,
            "location": LOCATION,
        }
    ),
    "report": _obj(
        {
            "category": _code("category", required=True),
            "urgency": _code("urgency", required=True),
            "place": _text(LINE_MAX, required=True),
            "description": _long(required=True),
            "raised_by": _text(NAME_MAX),
            "links": _obj({"visit": _text(ID_MAX), "case": _text(ID_MAX)}),
            "closed_on_spot": Spec("bool"),
            "occurred_at": Spec("moment"),
            "attachments": ATTACHMENTS,
            "location": LOCATION,
        }
    ),
}

# Issue 16's attachment (docs/contracts.md): the evidence helper owns its spec; this one holds
# the same shape so a notice can carry attachments before the two are merged.
ATTACHMENTS = _list(
    _obj(
        {
            "sha256": _text(64, required=True),
            "name": _text(LINE_MAX, required=True),
            "size": Spec("int", True, min=0),
            "type": Spec("code", True, choices=("image/jpeg", "image/png", "image/webp")),
            "taken_at": Spec("datetime"),
            "where": Spec("any"),
            "location": Spec("any"),
        }
    ),
    20,
)

MONEY = Spec("money")
COUNT = Spec("int", min=0, high=1_000_000)  # people at a meeting, votes

# A village notice (三务公开) and a 四议两公开 matter; the rules between their fields are in
# gridterm.core.model.affairs.
KIND_SPECS["notice"] = _obj(
    {
        "village": _text(NAME_MAX, required=True),
        "type": _code("notice_type", required=True),
        "title": _text(LINE_MAX, required=True),
        "body": _long(NOTICE_BODY_MAX),
        "period": _obj({"from": Spec("date", True), "to": Spec("date", True)}),
        "items": _list(
            _obj(
                {
                    "item": _text(LINE_MAX, required=True),
                    "income": MONEY,
                    "spending": MONEY,
                    "voucher": _text(50),
                }
            ),
            500,
        ),
        "totals": _obj({"income": MONEY, "spending": MONEY}),
        "matter_id": _text(ID_MAX),
        "attachments": ATTACHMENTS,
        "correction_of": _text(ID_MAX),
        "reason": _long(),
    }
)

KIND_SPECS["matter"] = _obj(
    {
        "village": _text(NAME_MAX, required=True),
        "title": _text(LINE_MAX, required=True),
        "background": _long(),
        "steps": _list(
            _obj(
                {
                    "step": _code("matter_step", required=True),
                    "date": Spec("date", True),
                    "place": _text(LINE_MAX),
                    "meeting": _code("matter_meeting"),
                    "attendees": _list(Spec("name", True, NAME_MAX), 300),
                    "members": Spec("int", min=1, high=1_000_000),
                    "present": COUNT,
                    "vote": _obj({"for": COUNT, "against": COUNT, "abstain": COUNT}),
                    "text": _long(RECORD_MAX, required=True),
                    "notice_id": _text(ID_MAX),
                }
            ),
            6,
        ),
    }
)

RECEIPT = _obj(
    {
        "number": _text(20, required=True),
        "sig": _text(40, required=True),
        "issued_at": Spec("datetime", True),
        "party": Spec("int", min=0),
    }
)

# Specs used outside KIND_SPECS, made once (not per value checked).
ID_TEXT = _text(ID_MAX)
DATETIME = Spec("datetime")
RECEIPTS = _list(RECEIPT, 50)
ANSWER_TEXT = _long()
ANSWER_CHOICE = _text(LINE_MAX)

# The service-owned keys of a record, checked for type when a record carries them.
SERVICE_SPECS: dict[str, Spec] = {
    "status": Spec("code", choices=workflow.STATES),
    "feedback": _long(),
    "public_reply": _long(),
    "handled_by": _text(SHORT_MAX),
    "seq": Spec("int", min=0),
    "status_at": Spec("datetime"),
    # A published notice, as the township numbered and signed it (pulled; docs/village_affairs.md).
    "notice_number": Spec("any"),
    "notice_version": Spec("int", min=1),
    "published_at": Spec("datetime"),
    "notice_qr": _text(LINE_MAX * 2),
}


def spec_at(kind: str, path: str) -> Spec:
    """The spec of the field at ``path`` in a record of ``kind``; KeyError when there is none."""
    spec = KIND_SPECS[kind]
    parts = [p for p in path.split(".") if p]
    if parts and parts[0] == "data":
        parts = parts[1:]
    for part in parts:
        if spec.type == "answers":  # answers.<item key>: one checklist answer
            spec = Spec("answer")
            continue
        m = PATH_STEP.match(part)
        fields = spec.fields if spec.type == "object" else None
        if m is None or fields is None or m.group("name") not in fields:
            raise KeyError(path)
        spec = fields[m.group("name")]
        if m.group("index") is not None:
            if spec.type != "list" or spec.item is None:
                raise KeyError(path)
            spec = spec.item
    return spec
