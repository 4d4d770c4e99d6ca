"""The township's time zone: what every time the officer sees or types is read in.

China keeps one zone without daylight saving, so the default is China time whatever the
device's own clock is set to (a phone bought abroad, a laptop left on UTC).  A township
elsewhere sets another IANA name in Settings (meta ``timezone``).  Where the system has no
zone database (some Termux installs), China time is still known: a fixed +08:00.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
CHINA_TIME = timezone(timedelta(hours=8), "CST")
_CHINA_NAMES = {"asia/shanghai", "asia/chongqing", "asia/harbin", "prc", "china", "cst", ""}
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")


def zone_named(name: str | None) -> tzinfo | None:
    """The zone ``name`` stands for (an IANA name, ``UTC``, ``+08:00``, ``UTC+8``); None when
    it names none.  China's names always resolve, with or without a zone database."""
    text = (name or "").strip()
    if text.lower() in _CHINA_NAMES:
        try:
            return ZoneInfo(DEFAULT_ZONE)
        except (ZoneInfoNotFoundError, ValueError):
            return CHINA_TIME
    if text.upper() in ("UTC", "GMT", "Z"):
        return timezone.utc
    offset = _OFFSET.match(text.lower())
    if offset:
        sign, hours, minutes = offset.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > timedelta(hours=14):
            return None
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def township_zone(name: str | None = None) -> tzinfo:
    """The zone to show and store times in: ``name`` when it names one, else China time."""
    return zone_named(name) or zone_named(DEFAULT_ZONE) or CHINA_TIME


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` on the township's clock (a naive one is taken as already on it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def day_of(stored: object, zone: tzinfo) -> date | None:
    """The township's calendar day of a stored value (``2026-12-15`` or an ISO 8601 time);
    None for nothing or nonsense."""
    text = str(stored or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return in_zone(datetime.fromisoformat(text.replace("Z", "+00:00")), zone).date()
    except ValueError:
        return None
