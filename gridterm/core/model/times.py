"""Times as records hold them: ISO 8601 with a UTC offset, and calendar dates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

# China keeps one time zone, without daylight saving: time limits count in its days, whatever
# the clock of the device or the server says.
CHINA_TIME = timezone(timedelta(hours=8), "CST")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|[Zz])$", re.ASCII
)


def now_iso() -> str:
    """Local time with its UTC offset, to the second: ``2026-11-25T08:00:00+08:00``.

    Code that stamps records calls it as ``gridterm.core.model.now_iso`` (looked up when
    called), so one patch of that name moves every clock in tests and screenshots.
    """
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 timestamp with an offset (``Z`` accepted); raises ValueError."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise ValueError(value)
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(value)
    return parsed


def as_datetime(value: object) -> datetime | None:
    """A datetime from what a database or a record holds — an aware datetime, a naive one
    (read as UTC: SQLite keeps no offset), or ISO text with an offset — else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def parse_date(value: str) -> date:
    """A calendar date ``YYYY-MM-DD``; raises ValueError."""
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(value)
    return date.fromisoformat(value)
