"""Reading a date or a time as people type it, in either language.

Dates: ``2026-12-15``, ``2026/12/15``, ``2026.12.15``, ``20261215``, ``2026年12月15日``,
``12-15``, ``12/15``, ``12月15日`` (``号`` too), ``15日``, ``今天`` ``明天`` ``后天`` ``昨天``
``前天``, ``3天后`` ``2天前``, ``today`` ``tomorrow`` ``yesterday``, ``in 3 days``,
``2 days ago``, ``15 Dec``, ``Dec 15 2026``; Chinese numerals too (``十二月十五日``).
Times: ``14:30``, ``14：30``, ``14点``, ``下午2点半``, ``上午9点一刻``, ``晚上8点``,
``2:30pm``, ``2pm``, ``noon``; ``现在`` / ``now`` is this minute.  A date and a time go
together in either order (``明天下午3点``, ``3pm tomorrow``, ``2026-12-15 14:30``), and a
stored ISO 8601 time (``2026-11-29T21:28:53+00:00``) is read and moved onto the township's
clock.  Full-width digits and punctuation from a Chinese input method count as ASCII.

A month and day without a year is the one nearest today (``1-5`` typed on 20 December is
next January's), as people mean it.  Nothing here knows Textual: the rules are tested alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from gridterm.core.errors import GridtermError

#: what a field takes: a calendar day, or a day with a time if one is given
KINDS = ("date", "moment")


class DateTextError(GridtermError):
    """What was typed is no date (or no time); the message says what is accepted."""

    key = "ux.date.unknown"


@dataclass(frozen=True)
class Understood:
    """A day, and a time on the township's clock when one was typed."""

    day: date
    at: time | None
    zone: tzinfo

    @property
    def moment(self) -> datetime | None:
        if self.at is None:
            return None
        return datetime.combine(self.day, self.at, tzinfo=self.zone)

    def stored(self) -> str:
        """How a record holds it: ``2026-12-15`` or ``2026-12-15T14:30:00+08:00``."""
        moment = self.moment
        if moment is None:
            return self.day.isoformat()
        return moment.isoformat(timespec="seconds")


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_RUN = re.compile(r"([零〇一二两三四五六七八九十]+)(?=[年月日号点時时分天])")
_RELATIVE = {
    "今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1, "后天": 2,
    "後天": 2, "昨天": -1, "昨日": -1, "yesterday": -1, "前天": -2,
}  # fmt: skip
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_END = r"(?=$|[\s,，;；]|[^\d])"

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", re.IGNORECASE)
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?!\d)")
_MD = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?![\d:])")
_DAY_ONLY = re.compile(r"(\d{1,2})\s*[日号]")
_REL_WORD = re.compile("|".join(sorted(_RELATIVE, key=len, reverse=True)))
_DAYS_AFTER = re.compile(r"(\d{1,4})\s*天\s*(后|以后|之后|前|以前|之前)")
_IN_DAYS = re.compile(r"in\s+(\d{1,4})\s+days?" + _END)
_DAYS_AGO = re.compile(r"(\d{1,4})\s+days?\s+ago" + _END)
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+(\d{4}))?")
_MONTH_DAY = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")

_PERIODS = "凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|半夜"
_PERIOD = re.compile(_PERIODS)
_CLOCK = re.compile(r"(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?(?:\s*(am|pm|a\.m\.|p\.m\.))?")
_CN_CLOCK = re.compile(r"(\d{1,2})\s*[点時时]\s*(?:(半)|(一刻)|(三刻)|(\d{1,2})\s*分?)?\s*钟?")
_EN_CLOCK = re.compile(r"(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.)")
_NOW = re.compile(r"现在|此刻|now" + _END)
_NOON = re.compile(r"noon|midday|midnight" + _END)
_GAP = re.compile(r"^[\s,，;；、的]*")


def normalize(text: str) -> str:
    """Full-width forms to ASCII, lower case, Chinese numerals before a unit to digits."""
    out = unicodedata.normalize("NFKC", text or "").replace("。", ".").strip().lower()
    return _CN_RUN.sub(lambda m: str(_cn_number(m.group(1))), out)


def _cn_number(run: str) -> int:
    """``十五`` 15, ``二十`` 20, ``三十一`` 31, ``二〇二六`` 2026 (digit by digit)."""
    if "十" in run:
        tens, _, ones = run.partition("十")
        return (_CN_DIGITS.get(tens[-1:], 1) if tens else 1) * 10 + _CN_DIGITS.get(ones[:1], 0)
    return int("".join(str(_CN_DIGITS[ch]) for ch in run))


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateTextError("ux.date.no_such_day", year=year, month=month, day=day) from None


def _nearest(candidates: list[date], today: date) -> date:
    """The candidate nearest today (the later one on a tie)."""
    return min(candidates, key=lambda d: (abs((d - today).days), -d.toordinal()))


def _month_day(month: int, day: int, today: date) -> date:
    options = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        raise DateTextError("ux.date.no_such_day", year=today.year, month=month, day=day)
    return _nearest(options, today)


def _day_of_month(day: int, today: date) -> date:
    options = []
    for shift in (-1, 0, 1):
        month0 = today.month - 1 + shift
        year, month = today.year + month0 // 12, month0 % 12 + 1
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        raise DateTextError("ux.date.no_such_day", year=today.year, month=today.month, day=day)
    return _nearest(options, today)


def _english_day(day: str, month: str, year: str | None, today: date) -> date:
    m = _MONTHS.index(month) + 1
    return _day(int(year), m, int(day)) if year else _month_day(m, int(day), today)


def take_date(text: str, today: date) -> tuple[date, str] | None:
    """A date at the start of ``text`` (normalized) and what follows it; None when none."""
    if m := _YMD.match(text):
        return _day(int(m[1]), int(m[2]), int(m[3])), text[m.end() :]
    if m := _COMPACT.match(text):
        return _day(int(m[1]), int(m[2]), int(m[3])), text[m.end() :]
    if m := _DAYS_AFTER.match(text):
        sign = -1 if m[2].endswith("前") else 1
        return today + timedelta(days=sign * int(m[1])), text[m.end() :]
    if m := _IN_DAYS.match(text):
        return today + timedelta(days=int(m[1])), text[m.end() :]
    if m := _DAYS_AGO.match(text):
        return today - timedelta(days=int(m[1])), text[m.end() :]
    if m := _REL_WORD.match(text):
        return today + timedelta(days=_RELATIVE[m[0]]), text[m.end() :]
    if m := _DAY_MONTH.match(text):
        return _english_day(m[1], m[2], m[3], today), text[m.end() :]
    if m := _MONTH_DAY.match(text):
        return _english_day(m[2], m[1], m[3], today), text[m.end() :]
    if m := _MD.match(text):
        return _month_day(int(m[1]), int(m[2]), today), text[m.end() :]
    if m := _DAY_ONLY.match(text):
        return _day_of_month(int(m[1]), today), text[m.end() :]
    return None


def _hour_in(period: str | None, hour: int) -> tuple[int, int]:
    """The 24-hour hour for ``hour`` said with ``period``, and a day carried (midnight)."""
    if period in ("下午", "午后", "傍晚", "晚上", "夜里", "夜间", "半夜", "pm", "p.m."):
        if hour == 12 and period in ("晚上", "夜里", "夜间", "半夜"):
            return 0, 1
        return (hour + 12 if hour < 12 else hour), 0
    if period == "中午":
        return (hour + 12 if hour < 11 else hour), 0
    if period in ("凌晨", "am", "a.m.") and hour == 12:
        return 0, 0
    return hour, 0


def _clock(hour: int, minute: int, second: int = 0) -> time:
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        raise DateTextError("ux.date.no_such_time", hour=hour, minute=f"{minute:02d}")
    return time(hour, minute, second)


def take_time(text: str, now: datetime) -> tuple[time, int, str] | None:
    """A time at the start of ``text`` (normalized): the time, days carried, what follows."""
    if m := _NOW.match(text):
        return now.time().replace(second=0, microsecond=0), 0, text[m.end() :]
    if m := _NOON.match(text):
        return (time(0) if m[0] == "midnight" else time(12)), 0, text[m.end() :]
    period = None
    rest = text
    if m := _PERIOD.match(rest):
        period, rest = m[0], _GAP.sub("", rest[m.end() :])
    if m := _CLOCK.match(rest):
        hour, carry = _hour_in(m[4] or period, int(m[1]))
        return _clock(hour, int(m[2]), int(m[3] or 0)), carry, rest[m.end() :]
    if m := _CN_CLOCK.match(rest):
        minute = 30 if m[2] else 15 if m[3] else 45 if m[4] else int(m[5] or 0)
        hour, carry = _hour_in(period, int(m[1]))
        return _clock(hour, minute), carry, rest[m.end() :]
    if m := _EN_CLOCK.match(rest):
        hour, carry = _hour_in(m[2], int(m[1]))
        return _clock(hour, 0), carry, rest[m.end() :]
    return None


def _iso(text: str, zone: tzinfo) -> Understood | None:
    """A stored ISO 8601 time (with or without its offset), on the township's clock."""
    if not _ISO.match(text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("z", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        return None
    moment = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
    return Understood(moment.date(), moment.time().replace(microsecond=0), zone)


def understand(text: str, now: datetime, kind: str = "date") -> Understood | None:
    """What ``text`` means, read at ``now`` (aware, on the township's clock); None for
    nothing typed.  ``kind`` "date" refuses a time; "moment" takes a date, a time or both
    (a time alone is today's).  Raises :class:`DateTextError` saying what is accepted."""
    if kind not in KINDS:
        raise ValueError(kind)
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    zone = now.tzinfo
    if zone is None:
        raise ValueError("now must be aware")
    found = _iso(raw, zone)
    if found is None:
        found = _read(normalize(raw), now, zone)
    if found is None:
        raise DateTextError(f"ux.date.unknown_{kind}", text=raw)
    if kind == "date" and found.at is not None:
        raise DateTextError("ux.date.date_only", text=raw)
    return found


def _read(text: str, now: datetime, zone: tzinfo) -> Understood | None:
    today = now.date()
    day: date | None = None
    at: time | None = None
    carry = 0
    if got := take_date(text, today):
        day, rest = got
        rest = _GAP.sub("", rest)
        if rest and (timed := take_time(rest, now)):
            at, carry, rest = timed
    elif timed := take_time(text, now):
        at, carry, rest = timed
        rest = _GAP.sub("", rest)
        if rest and (got := take_date(rest, today)):
            day, rest = got
    else:
        return None
    if _GAP.sub("", rest).strip(" .。"):
        return None  # something left over that is no part of a date or a time
    day = (day or today) + timedelta(days=carry)
    return Understood(day, at, zone)
