"""Times as both apps show them: in the viewer's time zone, short where space is short."""

from __future__ import annotations

from datetime import datetime


def local_now() -> datetime:
    """The apps' clock: aware, in the device's zone (tests pass a fixed one instead)."""
    return datetime.now().astimezone()


def parse_time(value: str | datetime | None) -> datetime | None:
    """An ISO 8601 text (or a datetime) as a datetime; None for nothing or nonsense."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _in_zone(when: datetime, now: datetime) -> datetime:
    if when.tzinfo is not None and now.tzinfo is not None:
        return when.astimezone(now.tzinfo)
    return when


def short_time(value: str | datetime | None, now: datetime) -> str:
    """``08:30`` today, ``11-24 08:30`` another day (in ``now``'s zone), ``""`` for nothing."""
    when = parse_time(value)
    if when is None:
        return ""
    when = _in_zone(when, now)
    if when.date() == now.date():
        return when.strftime("%H:%M")
    return when.strftime("%m-%d %H:%M")


def full_time(value: str | datetime | None, now: datetime) -> str:
    """``2026-11-24 08:30`` in ``now``'s zone, ``""`` for nothing."""
    when = parse_time(value)
    if when is None:
        return ""
    return _in_zone(when, now).strftime("%Y-%m-%d %H:%M")
