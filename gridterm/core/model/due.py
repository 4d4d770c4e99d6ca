"""Due dates: a report's promised time limit (working days) and a household's next visit.

The limits and the visit intervals are data, in ``vocab.json`` (``time_limits``,
``visit_rules``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from gridterm.core.model.times import CHINA_TIME, parse_date, parse_datetime
from gridterm.core.vocab import vocab


def _add_working_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def due_at(record: Mapping[str, Any], from_iso: str | None = None) -> str | None:
    """The promised time limit of a report (ISO with offset), from vocab ``time_limits``.

    Counted from ``from_iso`` or the record's ``created_at``.  ``hours``: that many calendar
    hours later; ``working_days``: the end of the Nth working day after (Saturdays and Sundays
    skipped); a report closed on the spot: the end of its own day.  Other kinds: None.
    """
    if record.get("kind") != "report":
        return None
    data = record.get("data") or {}
    start_text = from_iso or record.get("created_at")
    if not isinstance(start_text, str):
        return None
    try:
        start = parse_datetime(start_text).astimezone(CHINA_TIME)
    except (ValueError, TypeError):
        return None
    end_of = time(23, 59, 59)
    if data.get("closed_on_spot"):
        return datetime.combine(start.date(), end_of, start.tzinfo).isoformat()
    limit = vocab().get("time_limits", {}).get(data.get("urgency"))
    if not isinstance(limit, dict):
        return None
    if "hours" in limit:
        return (start + timedelta(hours=limit["hours"])).replace(microsecond=0).isoformat()
    if "working_days" in limit:
        day = _add_working_days(start.date(), int(limit["working_days"]))
        return datetime.combine(day, end_of, start.tzinfo).isoformat()
    return None


def household_tags(data: Mapping[str, Any]) -> list[str]:
    """The tags of a household and of all its members, once each, in order of appearance."""
    seen: dict[str, None] = {}
    for tag in data.get("tags") or ():
        seen.setdefault(tag, None)
    for member in data.get("members") or ():
        for tag in (member or {}).get("tags") or ():
            seen.setdefault(tag, None)
    return list(seen)


def visit_interval(tags: list[str], rules: Mapping[str, Any] | None = None) -> int:
    """Days between visits for a household with ``tags``: the shortest interval of its tags."""
    rules = rules or vocab()["visit_rules"]
    per_tag = rules.get("tags", {})
    days = [int(per_tag[tag]) for tag in tags or () if tag in per_tag]
    return min(days) if days else int(rules.get("default_days", 90))


def visit_due(
    tags: list[str],
    last_visit_iso: str | None,
    rules: Mapping[str, Any] | None = None,
    today: date | str | None = None,
) -> tuple[str, bool]:
    """``(due date YYYY-MM-DD, overdue)`` for a household's next visit.

    A household never visited is due today (not yet overdue).  ``rules`` has the shape of
    vocab ``visit_rules``: ``{"default_days": 90, "tags": {"living_alone_elder": 7, …}}``.
    """
    if today is None:
        today_d = date.today()
    elif isinstance(today, str):
        today_d = parse_date(today[:10])
    elif isinstance(today, datetime):
        today_d = today.date()
    else:
        today_d = today
    if not last_visit_iso:
        return today_d.isoformat(), False
    last = parse_date(last_visit_iso[:10])
    due = last + timedelta(days=visit_interval(tags, rules))
    return due.isoformat(), today_d > due
