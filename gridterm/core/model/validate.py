"""Validating a kind's ``data``, and one field of it (a form's inline check)."""

from __future__ import annotations

from datetime import date
from typing import Any

from gridterm.core.model.affairs import notice_problems, steps_problems
from gridterm.core.model.checking import add_missing, check, check_fields, is_empty, shown
from gridterm.core.model.identity import id_problem
from gridterm.core.model.problems import Collector, ValidationError
from gridterm.core.model.spec import KIND_SPECS, spec_at


def validate_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The ``data`` of a record of ``kind``, normalised; raises ValidationError with every problem.

    Error paths start with ``data.`` (``data.members[0].id_number``).
    """
    out = Collector()
    result = data_problems(kind, data, out, date.today())
    if out.errors:
        raise ValidationError(out.errors)
    return result


def data_problems(kind: str, data: Any, out: Collector, today: date) -> Any:
    """``data`` normalised, its problems added to ``out`` (the whole record's check uses it)."""
    spec = KIND_SPECS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        out.add("kind", "model.bad_code", value=shown(kind))
        return data
    if not isinstance(data, dict):
        out.add("data", "model.not_object")
        return data
    assert spec.fields is not None, "a kind's spec is an object"
    result = check_fields(spec.fields, data, "data", out, today)
    _CROSS_CHECKS.get(kind, _no_cross_check)(result, out, today)
    if "attachments" in spec.fields:
        evidence_cross_check(kind, result, out)
    return result


# Checks between fields, made only where each field is valid on its own.


def _household_cross_check(data: dict[str, Any], out: Collector, today: date) -> None:
    """A member's year of birth agrees with the one in their ID number."""
    members = data.get("members")
    for i, member in enumerate(members if isinstance(members, list) else ()):
        if not isinstance(member, dict):
            continue
        number, year = member.get("id_number"), member.get("birth_year")
        if (
            isinstance(number, str)
            and isinstance(year, int)
            and not isinstance(year, bool)
            and id_problem(number, today) is None
            and int(number[6:10]) != year
        ):
            out.add(
                f"data.members[{i}].birth_year",
                "model.birth_year_mismatch",
                year=int(number[6:10]),
            )


def _visit_cross_check(data: dict[str, Any], out: Collector, today: date) -> None:
    """Only an answered item can be flagged."""
    answers, flagged = data.get("answers"), data.get("flagged")
    if isinstance(answers, dict) and isinstance(flagged, list):
        for i, key in enumerate(flagged):
            if isinstance(key, str) and key not in answers:
                out.add(f"data.flagged[{i}]", "model.flag_unanswered", value=shown(key))


# Which part of a record of each kind a photo may belong to, and the list that part is in.
_WHERE_PARTS: dict[str, dict[str, str | None]] = {
    "visit": {"item": None},
    "case": {"session": "sessions", "follow_up": "follow_ups"},
}


def evidence_cross_check(kind: str, data: dict[str, Any], out: Collector) -> None:
    """The record's place and each photo's make sense; each photo is there once and belongs
    to a part the record has (a visit's item, a case's session or follow-up by its index); a
    report's photos belong to the report."""
    location_check(data.get("location"), "data.location", out)
    attachments = data.get("attachments")
    if not isinstance(attachments, list):
        return
    for i, photo in enumerate(attachments):
        if isinstance(photo, dict):
            location_check(photo.get("location"), f"data.attachments[{i}].location", out)
    _where_check(kind, attachments, data, out)


def location_check(location: Any, path: str, out: Collector) -> None:
    """A place read from the GPS has its point (both numbers); a typed one has its name."""
    if not isinstance(location, dict):
        return
    # A number that is there but wrong was named by its own check.
    has_lat, has_lon = location.get("lat") is not None, location.get("lon") is not None
    if has_lat != has_lon:
        out.add(f"{path}.{'lon' if has_lat else 'lat'}", "model.location_half")
    elif location.get("source") == "gps" and not has_lat:
        out.add(f"{path}.lat", "model.location_gps_needs_point")
    elif location.get("source") == "typed" and not has_lat and is_empty(location.get("place")):
        out.add(f"{path}.place", "model.required")


def _where_check(kind: str, attachments: list[Any], data: dict[str, Any], out: Collector) -> None:
    parts = _WHERE_PARTS.get(kind, {})
    seen: set[str] = set()
    for i, photo in enumerate(attachments):
        if not isinstance(photo, dict):
            continue
        sha = photo.get("sha256")
        if isinstance(sha, str):
            if sha in seen:
                out.add(f"data.attachments[{i}].sha256", "model.attachment_twice")
            seen.add(sha)
        where = photo.get("where")
        if not isinstance(where, dict) or len(where) != 1:
            continue
        ((name, part),) = where.items()
        if name not in ("item", "session", "follow_up"):
            continue  # already refused by the photo's own check
        if name not in parts:
            out.add(f"data.attachments[{i}].where", "model.where_not_here", value=shown(name))
            continue
        list_key = parts[name]
        listed = data.get(list_key) if list_key else None
        if list_key and isinstance(part, int) and not isinstance(part, bool):
            count = len(listed) if isinstance(listed, list) else 0
            if part >= count:
                out.add(f"data.attachments[{i}].where", "model.where_missing", n=part + 1)


def _no_cross_check(data: dict[str, Any], out: Collector, today: date) -> None:
    return None


def _notice_cross_check(data: dict[str, Any], out: Collector, today: date) -> None:
    notice_problems(data, out)


def _matter_cross_check(data: dict[str, Any], out: Collector, today: date) -> None:
    steps_problems(data.get("steps"), out)


_CROSS_CHECKS = {
    "household": _household_cross_check,
    "visit": _visit_cross_check,
    "notice": _notice_cross_check,
    "matter": _matter_cross_check,
}


def validate_field(kind: str, path: str, value: Any, lang: str | None = None) -> str | None:
    """The message for one field's value (for inline validation in a form), or None if it is fine.

    ``path`` is relative to data or starts with ``data.``: ``members[0].id_number``.
    Raises KeyError for a path the kind does not have.
    """
    spec = spec_at(kind, path)
    full = path if path.startswith("data.") else f"data.{path}"
    out = Collector()
    if is_empty(value):
        if spec.required:
            add_missing(spec, full, out)
    else:
        check(spec, value, full, out, date.today())
    return out.errors[0].message(lang) if out.errors else None
