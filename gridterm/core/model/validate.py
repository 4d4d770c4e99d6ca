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
