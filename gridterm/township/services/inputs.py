"""Checks on what staff typed into a query: times, free text, record kinds.

Each refuses a value it cannot use with :class:`InvalidInput` naming the value, so the caller
is told what to fix (never a 500, never a silently empty answer).
"""

from __future__ import annotations

import datetime as dt
import re

from gridterm.core import model
from gridterm.township.services import bounds
from gridterm.township.services.errors import InvalidInput

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_QUERY_TIME = re.compile(bounds.QUERY_TIME_PATTERN, re.ASCII)


def is_day(value: str | None) -> bool:
    """Is ``value`` a bare date (``YYYY-MM-DD``) rather than a time?"""
    return bool(value) and len(value.strip()) == 10


def parse_moment(
    value: str | None, *, end: bool = False, key: str = "staff.bad_since"
) -> dt.datetime | None:
    """A date (``YYYY-MM-DD``, China time; ``end`` means the end of that day) or ISO time,
    in the years the service holds (:mod:`~gridterm.township.services.bounds`)."""
    if value is None or value == "":
        return None
    text = value.strip()
    if bounds.out_of_window(text):
        raise InvalidInput("hardening.bounds.query_time", value=value[:40], **bounds.WINDOW)
    try:
        if not _QUERY_TIME.match(text):
            raise ValueError(text)
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day, dt.time(), model.CHINA_TIME)
            return start + dt.timedelta(days=1) if end else start
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(key, value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=model.CHINA_TIME)
    return moment


def clean_text(value: str | None) -> str | None:
    """Free text without its surrounding space, None when nothing is left."""
    if value is None:
        return None
    if CONTROL.search(value):
        raise InvalidInput("staff.bad_text")
    return value.strip() or None


def kinds(values: list[str] | None) -> list[str]:
    """``kind=report,case`` and ``kind=report&kind=case`` alike: the kinds asked for, each
    known, in first-seen order; a kind we do not know is refused, naming it."""
    out: list[str] = []
    for value in values or ():
        for part in value.split(","):
            name = part.strip()
            if not name:
                continue
            if name not in model.KINDS:
                raise InvalidInput("staff.bad_kind", kind=name[:40], known=", ".join(model.KINDS))
            if name not in out:
                out.append(name)
    return out
