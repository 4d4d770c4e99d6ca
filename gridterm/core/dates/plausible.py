"""Dates that are possible but probably mistyped: said beside the field, before saving.

Each rule returns the warning to show, or None.  A warning does not refuse the value (a
follow-up may really be backdated); the form asks once more before keeping it.
"""

from __future__ import annotations

from datetime import date

from gridterm.core.dates.shown import day_text
from gridterm.core.i18n import t

FAR_DAYS = 400  # beyond this many days from today a typed date is more likely a typo


def before(value: date, floor: date, what: str) -> str | None:
    """``value`` (a follow-up) falls before ``floor`` (the visit, the agreement it follows);
    ``what`` is the catalog key naming the floor."""
    if value >= floor:
        return None
    return t("ux.warn.before", days=(floor - value).days, what=t(what), when=day_text(floor))


def in_future(value: date, today: date, what: str) -> str | None:
    """``value`` (a birth date, when something happened) is after today."""
    if value <= today:
        return None
    return t("ux.warn.future", what=t(what), days=(value - today).days)


def far_away(value: date, today: date) -> str | None:
    """More than about a year from today: a year typed wrong (2062 for 2026)?"""
    if abs((value - today).days) <= FAR_DAYS:
        return None
    return t("ux.warn.far", year=value.year)
