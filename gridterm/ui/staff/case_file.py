"""A mediation case as a case file (卷宗): who the parties are and in what role, who mediated,
each session with the people present, the outcome, the agreement and the follow-ups — names
and words, never a role code, a JSON list or a roster id.  No Textual: the detail screen shows
the lines it returns.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from gridterm.core.i18n import has, t
from gridterm.core.model import field_label, label
from gridterm.ui.kit.times import full_time

INDENT = "  "


def role_word(role: Any) -> str:
    """``申请人`` for ``applicant``; a role the officer typed stays as typed."""
    if not isinstance(role, str) or not role:
        return ""
    key = f"wf.case.role.{role}"
    return t(key) if has(key) else role


def names(values: Any) -> str:
    """Names of a list (people present at a session) joined as a person writes them."""
    items = values if isinstance(values, list) else [values] if values else []
    return t("staff.list_sep").join(str(v) for v in items if isinstance(v, str) and v)


def mediator_text(entry: Any) -> str:
    if not isinstance(entry, dict) or not entry.get("name"):
        return ""
    standing = label("standing", entry["standing"]) if entry.get("standing") else ""
    return t("casefile.with_note", text=entry["name"], note=standing) if standing else entry["name"]


def _fact(out: Text, name: str, value: Any, indent: str = "") -> None:
    if value is None or value == "" or value == []:
        return
    if out:
        out.append("\n")
    out.append(indent + name + t("staff.colon"), style="dim")
    out.append(str(value))


def _heading(out: Text, key: str) -> None:
    if out:
        out.append("\n")
    out.append(t(key), style="bold")


def _when(value: Any, now: Any) -> str:
    """A date as written (``2026-11-16``), a time as a time in the viewer's zone."""
    if isinstance(value, str) and len(value) == 10:
        return value
    return full_time(value, now) if value else ""


def _yes_no(value: Any) -> str:
    return t("staff.yes") if value else t("staff.no")


def _parties(out: Text, parties: list) -> None:
    _heading(out, "casefile.parties")
    for party in parties:
        if not isinstance(party, dict):
            continue
        role = role_word(party.get("role")) or t("casefile.party")
        details = [party.get("name") or "", party.get("phone") or "", party.get("address") or ""]
        out.append("\n" + INDENT)
        out.append(role + t("staff.colon"), style="dim")
        out.append(" · ".join(d for d in details if d))
        if party.get("id_number"):
            out.append(" · " + str(party["id_number"]))


def _sessions(out: Text, sessions: list, now: Any) -> None:
    _heading(out, "casefile.sessions")
    for number, entry in enumerate(sessions, start=1):
        if not isinstance(entry, dict):
            continue
        when = _when(entry.get("date"), now)
        head = " · ".join(x for x in (when, entry.get("place") or "") if x)
        out.append("\n" + INDENT + t("casefile.session", n=number) + " " + head)
        _fact(out, field_label("present"), names(entry.get("present")), INDENT * 2)
        _fact(out, t("model.field.sessions.record"), entry.get("record"), INDENT * 2)
        _fact(out, field_label("result"), entry.get("result"), INDENT * 2)


def _agreement(out: Text, agreement: dict, now: Any) -> None:
    _heading(out, "casefile.agreement")
    for key in ("facts", "matters", "responsibilities", "terms", "performance_manner"):
        _fact(out, field_label(key), agreement.get(key), INDENT)
    for key in ("performance_deadline", "signed_at"):
        _fact(out, field_label(key), _when(agreement.get(key), now), INDENT)


def _follow_ups(out: Text, follow_ups: list, now: Any) -> None:
    _heading(out, "casefile.follow_ups")
    for entry in follow_ups:
        if not isinstance(entry, dict):
            continue
        due = _when(entry.get("due"), now)
        if entry.get("done_at"):
            state = t("casefile.followed_up", when=_when(entry["done_at"], now))
            if "fulfilled" in entry:
                state += (
                    " · "
                    + field_label("fulfilled")
                    + t("staff.colon")
                    + _yes_no(entry["fulfilled"])
                )
        else:
            state = t("casefile.not_yet")
        out.append("\n" + INDENT + " · ".join(x for x in (due, state) if x))
        _fact(out, field_label("note"), entry.get("note"), INDENT * 2)


def case_file(data: dict, now: Any = None) -> Text:
    """The case's data as a case file, in the viewer's language."""
    out = Text()
    _fact(out, field_label("case_no"), data.get("case_no"))
    kind = label("dispute_type", data["dispute_type"]) if data.get("dispute_type") else ""
    _fact(out, field_label("dispute_type"), kind)
    _fact(out, field_label("source"), label("source", data["source"]) if data.get("source") else "")
    if data.get("parties"):
        _parties(out, data["parties"])
    mediators = [m for m in (mediator_text(e) for e in data.get("mediators") or []) if m]
    _fact(out, field_label("mediators"), t("staff.list_sep").join(mediators))
    _fact(out, field_label("summary"), data.get("summary"))
    if "rights_notice_given" in data:
        _fact(out, field_label("rights_notice_given"), _yes_no(data["rights_notice_given"]))
    if data.get("sessions"):
        _sessions(out, data["sessions"], now)
    outcome = label("outcome", data["outcome"]) if data.get("outcome") else ""
    _fact(out, field_label("outcome"), outcome)
    if isinstance(data.get("agreement"), dict) and data["agreement"]:
        _agreement(out, data["agreement"], now)
    if data.get("follow_ups"):
        _follow_ups(out, data["follow_ups"], now)
    if "major" in data:
        _fact(out, field_label("major"), _yes_no(data["major"]))
    _fact(out, field_label("closed_at"), _when(data.get("closed_at"), now))
    return out
