"""The columns of an export: what each sheet (and the CSV) holds, named the way a clerk reads it.

A :class:`Column` takes an *export row* (see ``export.export_row``: the record, the
service-owned fields and ``refs``, the names the export looked up for the page) and gives one
cell: text, a number, or a China-time ``datetime``/``date`` for Excel to show as a date.
Ids never stand where a name belongs: a household is its head and address, a checklist its
title, a flagged item its label, a mediator a name; what cannot be named stays empty.

Headers come from the ``export`` catalog, always in Chinese: the file is the township's
working paper, whoever downloads it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gridterm.core import checklists, workflow
from gridterm.core.i18n import has, t
from gridterm.core.model import CHINA_TIME, as_datetime
from gridterm.core.record_text import location_text
from gridterm.township.services import export_attachments
from gridterm.township.services.labels import vocab_label

LANG = "zh_CN"
KINDS = ("household", "visit", "case", "report")
SEP = "、"

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One column.  ``style`` says how it is shown: ``text``, ``name`` (a person, place or
    thing by name — never an id), ``long`` (wrapped), ``time``, ``date``, ``number``, ``id``;
    ``extra`` columns are kept for the record but folded away (hidden, one click to show)."""

    key: str
    get: Callable[[Row], Any]
    style: str = "text"
    extra: bool = False

    @property
    def header(self) -> str:
        return t(f"export.col.{self.key}", lang=LANG)


def word(key: str) -> str:
    return t(f"export.{key}", lang=LANG)


# -- values --------------------------------------------------------------------------------


def data_of(row: Row) -> dict[str, Any]:
    data = row.get("data")
    return data if isinstance(data, dict) else {}


def refs(row: Row) -> dict[str, Any]:
    found = row.get("refs")
    return found if isinstance(found, dict) else {}


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return word("yes") if value else word("no")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return SEP.join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


def yes_no(value: Any) -> str:
    return word("yes") if value else word("no")


def moment(value: Any) -> datetime | None:
    """A time as China time (a spreadsheet cell holds no offset); None when it is not one."""
    found = as_datetime(value)
    try:
        return found.astimezone(CHINA_TIME) if found else None
    except OverflowError:  # past the end of year 9999 once in China time
        return None


def day(value: Any) -> date | datetime | None:
    """A date field: a ``date`` for ``YYYY-MM-DD``, a China-time datetime for a full time."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return moment(value)


def when(value: Any) -> date | datetime | None:
    """A "moment" field (a date or a time with offset)."""
    return day(value)


def labels(group: str, codes: Any) -> str:
    items = codes if isinstance(codes, list) else [codes] if codes else []
    return SEP.join(vocab_label(group, c) for c in items if isinstance(c, str) and c)


def household_address(data: dict[str, Any]) -> str:
    """``石桥村3组12号``: village, group and number as one address."""
    village = str(data.get("village") or "")
    group = str(data.get("group") or "")
    number = str(data.get("number") or "")
    if group and group.isdigit():
        group += word("group_suffix")
    if number and number.isdigit():
        number += word("number_suffix")
    return "".join(p for p in (village, group, number) if p)


def role_word(role: Any) -> str:
    if not isinstance(role, str) or not role:
        return ""
    key = f"wf.case.role.{role}"
    return t(key, lang=LANG) if has(key, LANG) else role


def parties(data: dict[str, Any]) -> str:
    """``赵小红（申请人）、钱大伟（被申请人）``."""
    out = []
    for party in data.get("parties") or []:
        if not isinstance(party, dict) or not party.get("name"):
            continue
        role = role_word(party.get("role"))
        out.append(f"{party['name']}（{role}）" if role else str(party["name"]))
    return SEP.join(out)


def mediators(data: dict[str, Any]) -> str:
    """``周德明（乡贤）``: the mediators by name, with their standing; never their roster id."""
    out = []
    for entry in data.get("mediators") or []:
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        name = entry["name"]
        standing = vocab_label("standing", entry.get("standing"))
        out.append(f"{name}（{standing}）" if standing else str(name))
    return SEP.join(out)


def sessions(data: dict[str, Any]) -> str:
    """Each mediation session: date, place, who was there."""
    out = []
    for entry in data.get("sessions") or []:
        if not isinstance(entry, dict):
            continue
        present = entry.get("present") or []
        names = SEP.join(str(p) for p in present if isinstance(p, str))
        parts = [str(entry.get("date") or ""), str(entry.get("place") or "")]
        if names:
            parts.append(word("present") + names)
        out.append(" ".join(p for p in parts if p))
    return "；".join(out)


def agreement(data: dict[str, Any]) -> str:
    found = data.get("agreement")
    if not isinstance(found, dict):
        return ""
    return text(found.get("terms"))


def template_title(row: Row) -> str:
    template = refs(row).get("template")
    if template:
        return checklists.text(template.get("title") or {}, LANG)
    return ""


def _items(row: Row) -> dict[str, dict]:
    template = refs(row).get("template") or {}
    return {i["key"]: i for i in template.get("items") or [] if isinstance(i, dict) and "key" in i}


def flagged_items(row: Row) -> str:
    items = _items(row)
    keys = data_of(row).get("flagged") or []
    return SEP.join(
        checklists.text(items[k]["label"], LANG) if k in items else str(k)
        for k in keys
        if isinstance(k, str)
    )


def answer_text(item: dict | None, value: Any) -> str:
    if item is None:
        return text(value)
    if item.get("type") == "yes_no" and isinstance(value, bool):
        return yes_no(value)
    for option in item.get("options") or []:
        if isinstance(option, dict) and option.get("value") == value:
            return checklists.text(option.get("label") or {}, LANG)
    return text(value)


def answers(row: Row) -> str:
    """``燃气报警器：未安装；…``: every answer under its item's label, worded."""
    items = _items(row)
    given = data_of(row).get("answers")
    if not isinstance(given, dict):
        return ""
    out = []
    for key, value in given.items():
        item = items.get(key)
        label = checklists.text(item["label"], LANG) if item else str(key)
        out.append(f"{label}：{answer_text(item, value)}")
    return "；".join(out)


def household_ref(row: Row, field: str) -> str:
    found = refs(row).get("household") or {}
    return str(found.get(field) or "")


def members(data: dict[str, Any]) -> str:
    out = []
    for member in data.get("members") or []:
        if isinstance(member, dict) and member.get("name"):
            relation = member.get("relation")
            out.append(f"{member['name']}（{relation}）" if relation else str(member["name"]))
    return SEP.join(out)


def member_count(data: dict[str, Any]) -> int | str:
    found = data.get("members")
    return len(found) if isinstance(found, list) else ""


def _d(field: str) -> Callable[[Row], Any]:
    return lambda row: text(data_of(row).get(field))


# -- the columns ---------------------------------------------------------------------------

COMMON: list[Column] = [
    Column("id", lambda r: r.get("id"), "id", extra=True),
    Column("kind", lambda r: vocab_label("kind", r.get("kind"))),
    Column("rev", lambda r: r.get("rev"), "number", extra=True),
    Column("grid", lambda r: r.get("grid_name") or "", "name"),
    Column("village", lambda r: r.get("village") or "", "name"),
    Column("officer", lambda r: r.get("officer_name") or "", "name"),
    Column("device", lambda r: r.get("device_name") or "", "name", extra=True),
    Column("status", lambda r: workflow.label(r["status"]) if r.get("status") else ""),
    Column("created_at", lambda r: moment(r.get("created_at")), "time"),
    Column("updated_at", lambda r: moment(r.get("updated_at")), "time", extra=True),
    Column("received_at", lambda r: moment(r.get("received_at")), "time", extra=True),
    Column("status_at", lambda r: moment(r.get("status_at")), "time"),
    Column("due_at", lambda r: moment(r.get("due_at")), "time"),
    Column("overdue", lambda r: yes_no(r.get("overdue"))),
    Column("feedback", lambda r: text(r.get("feedback")), "long"),
    Column("public_reply", lambda r: text(r.get("public_reply")), "long"),
    Column("handled_by", lambda r: text(r.get("handled_by")), "name"),
    Column("assignee", lambda r: text(r.get("assignee_name")), "name"),
    Column("receipts", lambda r: SEP.join(r.get("receipt_numbers") or [])),
    # Photos by name and by link, never the images (issue 16); the place with coordinates.
    Column("location", lambda r: location_text(data_of(r).get("location"))),
    Column("attachments", export_attachments.names_cell, "long"),
    Column("attachment_links", export_attachments.links_cell, "long"),
]

BY_KIND: dict[str, list[Column]] = {
    "household": [
        Column("address", lambda r: household_address(data_of(r)), "name"),
        Column("head", _d("head"), "name"),
        Column("phone", _d("phone")),
        Column("member_count", lambda r: member_count(data_of(r)), "number"),
        Column("members", lambda r: members(data_of(r)), "long"),
        Column("tags", lambda r: labels("tag", data_of(r).get("tags"))),
    ],
    "visit": [
        Column("visit_head", lambda r: household_ref(r, "head"), "name"),
        Column("visit_address", lambda r: household_ref(r, "address"), "name"),
        Column("template", template_title, "name"),
        Column("template_version", lambda r: data_of(r).get("template_version"), "number", True),
        Column("visited_at", lambda r: when(data_of(r).get("visited_at")), "time"),
        Column("flagged", flagged_items, "long"),
        Column("answers", answers, "long"),
        Column("notes", _d("notes"), "long"),
        Column("follow_up", lambda r: day(data_of(r).get("follow_up")), "date"),
    ],
    "case": [
        Column("case_no", _d("case_no")),
        Column(
            "dispute_type", lambda r: vocab_label("dispute_type", data_of(r).get("dispute_type"))
        ),
        Column("source", lambda r: vocab_label("source", data_of(r).get("source"))),
        Column("parties", lambda r: parties(data_of(r)), "name"),
        Column("summary", _d("summary"), "long"),
        Column("mediators", lambda r: mediators(data_of(r)), "name"),
        Column("sessions", lambda r: sessions(data_of(r)), "long"),
        Column("outcome", lambda r: vocab_label("outcome", data_of(r).get("outcome"))),
        Column("agreement", lambda r: agreement(data_of(r)), "long"),
        Column("major", lambda r: yes_no(data_of(r).get("major"))),
        Column("closed_at", lambda r: when(data_of(r).get("closed_at")), "time"),
    ],
    "report": [
        Column("category", lambda r: vocab_label("category", data_of(r).get("category"))),
        Column("urgency", lambda r: vocab_label("urgency", data_of(r).get("urgency"))),
        Column("place", _d("place"), "name"),
        Column("description", _d("description"), "long"),
        Column("raised_by", _d("raised_by"), "name"),
        Column("occurred_at", lambda r: when(data_of(r).get("occurred_at")), "time"),
        Column("closed_on_spot", lambda r: yes_no(data_of(r).get("closed_on_spot"))),
    ],
}

_OWNER = {id(c): k for k in KINDS for c in BY_KIND[k]}

DATA = Column(
    "data",
    lambda r: json.dumps(data_of(r), ensure_ascii=False, sort_keys=True, default=str),
    "long",
    extra=True,
)


def columns(kind: str | None) -> list[Column]:
    """One kind's sheet, or (``None``) the CSV of every kind: the common columns, each kind's
    own, and the record's data as JSON last."""
    kinds = [kind] if kind else list(KINDS)
    return COMMON + [c for k in kinds for c in BY_KIND[k]] + [DATA]


def cells(row: Row, cols: list[Column]) -> list[Any]:
    """The row's cells for ``cols``; a kind's own columns are empty on another kind's row."""
    kind = row.get("kind")
    out: list[Any] = []
    for col in cols:
        owner = _OWNER.get(id(col))
        if owner is not None and owner != kind:
            out.append("")
            continue
        try:
            out.append(col.get(row))
        except (AttributeError, KeyError, TypeError, ValueError):
            out.append("")  # data the device sent in a shape this column cannot read
    return out
