"""What a date input understood, said back in words beside the field, and what a stored
value looks like when a field is filled with it."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from gridterm.core.dates.parse import Understood
from gridterm.core.dates.zone import in_zone
from gridterm.core.i18n import t


def day_text(day: date, lang: str | None = None) -> str:
    """``2026年12月15日 周二`` / ``Tue 15 Dec 2026``."""
    return t(
        "ux.date.shown",
        lang=lang,
        year=day.year,
        month=day.month,
        day=day.day,
        weekday=t(f"ux.date.weekday.{day.weekday()}", lang=lang),
        month_name=t(f"ux.date.month.{day.month}", lang=lang),
    )


def relative_text(day: date, today: date, lang: str | None = None) -> str:
    """``今天`` ``明天`` ``3天后`` ``2天前`` / ``today`` ``in 3 days`` …"""
    days = (day - today).days
    if days in (-1, 0, 1):
        return t(f"ux.date.rel.{days}", lang=lang)
    if days > 0:
        return t("ux.date.rel.after", lang=lang, n=days)
    return t("ux.date.rel.before", lang=lang, n=-days)


def understood_text(found: Understood, today: date, lang: str | None = None) -> str:
    """The whole line beside a field: the day in words, the time, and how far from today."""
    text = day_text(found.day, lang)
    if found.at is not None:
        text += " " + found.at.strftime("%H:%M")
    return t("ux.date.understood", lang=lang, when=text, rel=relative_text(found.day, today, lang))


def field_text(stored: str | None, zone: tzinfo) -> str:
    """What a field shows for a stored value: ``2026-12-15``, or ``2026-11-30 05:28`` on the
    township's clock for a stored time (never the raw ``…T21:28:53+00:00``)."""
    if not stored:
        return ""
    text = str(stored).strip()
    if len(text) <= 10:
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return in_zone(moment, zone).strftime("%Y-%m-%d %H:%M")


def moment_text(moment: datetime, zone: tzinfo) -> str:
    """A time on the township's clock, as a field is filled with it: ``2026-11-25 10:00``."""
    return in_zone(moment, zone).strftime("%Y-%m-%d %H:%M")
