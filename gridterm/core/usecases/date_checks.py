"""What a typed date is checked against: the day it should not fall before, and days that
should not be after today.  The warnings themselves are ``gridterm.core.dates.plausible``'s;
screens hand these checks to their date inputs (``DateInput(checks=…)``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, tzinfo

from gridterm.core.dates import Understood, day_of, plausible

Check = Callable[[Understood], "str | None"]


def not_before(floor: date | None, what: str) -> Check:
    """Warn when the typed day falls before ``floor`` (``what`` names it: a catalog key)."""

    def check(found: Understood) -> str | None:
        return plausible.before(found.day, floor, what) if floor else None

    return check


def not_after(today: date, what: str) -> Check:
    """Warn when the typed day is after ``today`` (something that has already happened)."""

    def check(found: Understood) -> str | None:
        return plausible.in_future(found.day, today, what)

    return check


def visit_day(visit: dict, zone: tzinfo) -> date | None:
    """The day a visit (a record, or a walk's draft) was made."""
    data = visit.get("data") or visit
    return day_of(data.get("visited_at") or visit.get("created_at") or data.get("started_at"), zone)


def case_follow_up_floor(case: dict, zone: tzinfo) -> tuple[date, str] | None:
    """What a case's follow-up (回访) follows: the agreement's signing, else its last session
    — with the catalog key naming it; None before either."""
    data = case.get("data") or {}
    signed = day_of((data.get("agreement") or {}).get("signed_at"), zone)
    if signed:
        return signed, "ux.what.agreement"
    sessions = [day_of(s.get("date"), zone) for s in data.get("sessions") or []]
    held = [d for d in sessions if d]
    return (max(held), "ux.what.session") if held else None
