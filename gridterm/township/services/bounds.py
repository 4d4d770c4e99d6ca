"""Bounds on every number and time the service accepts — the same on SQLite and PostgreSQL.

* A record's ``rev`` is 1 … 2³¹−1: it must fit PostgreSQL's ``integer`` column (SQLite would
  store more, PostgreSQL would refuse it in the middle of the batch).
* Any other whole number in a record is within ±(2⁵³−1), what every JSON reader holds
  exactly (I-JSON, RFC 7493); no number is infinite or NaN.
* Every time — a record's ``created_at`` and ``updated_at``, a receipt's ``issued_at``, every
  date and time in its data, every date a staff query names — lies in the years
  :data:`YEAR_MIN` … :data:`YEAR_MAX`.  Python and both databases hold far more, but the
  service adds days to times (time limits, "to the end of that day") and converts them to
  UTC; a window with room on both sides keeps every such sum a date (year 9999 + 1 day is
  an OverflowError).  A device whose clock fell back to 1970 is still inside it.

:class:`RecordIn` states the envelope's bounds as a Pydantic model: the push request's
schema names it (so /openapi.json says it and schemathesis aims at it), and :func:`problem`
checks each pushed record with it — a record out of bounds is ``rejected`` with the reason,
and the rest of its batch goes on.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from gridterm.core.i18n import t
from gridterm.core.model.spec import KIND_SPECS, Spec

YEAR_MIN = 1900
YEAR_MAX = 2999
REV_MAX = 2**31 - 1
INT_MAX = 2**53 - 1
BATCH_MAX = 500
RECEIPTS_MAX = 50

_YEAR = r"(19\d\d|2\d\d\d)"
_DAY = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
_CLOCK = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
_OFFSET = r"([+-]([01]\d|2[0-3]):[0-5]\d|[Zz])"
#: A record's timestamp: ISO 8601 with its UTC offset, in the window.
TIME_PATTERN = f"^{_DAY}T{_CLOCK}{_OFFSET}$"
#: A date a staff query names: a day, or a time (without offset: China time).
QUERY_TIME_PATTERN = f"^{_DAY}([T ]{_CLOCK}{_OFFSET}?)?$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_YEAR_AT_START = re.compile(r"^(\d{4})-\d\d-\d\d", re.ASCII)

Time = Annotated[
    str,
    Field(
        pattern=TIME_PATTERN,
        description=f"ISO 8601 with offset, years {YEAR_MIN}–{YEAR_MAX}",
        examples=["2026-11-25T08:00:00+08:00"],
    ),
]


class ReceiptIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    number: str = Field(max_length=20)
    sig: str = Field(max_length=40)
    issued_at: Time
    party: Annotated[int, Field(ge=0, le=1000)] | None = None


class RecordIn(BaseModel):
    """A pushed record's envelope (docs/contracts.md "Records"), with its bounds.  The kind's
    ``data`` is checked by gridterm's record model, the same the device checks it with."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(max_length=64, pattern=UUID_PATTERN, description="uuid4, made on the device")
    kind: Literal["household", "visit", "case", "report"]
    rev: int = Field(ge=1, le=REV_MAX)
    grid: str = Field(default="", max_length=64, description='"" or the enrollment\'s grid')
    officer: str = Field(default="", max_length=64, description='"" or the enrollment\'s officer')
    device: str = Field(max_length=64)
    created_at: Time
    updated_at: Time
    data: dict[str, Any]
    receipts: list[ReceiptIn] | None = Field(default=None, max_length=RECEIPTS_MAX)


_RECORD = TypeAdapter(RecordIn)


def in_window(year: int) -> bool:
    return YEAR_MIN <= year <= YEAR_MAX


WINDOW = {"low": f"{YEAR_MIN}-01-01", "high": f"{YEAR_MAX}-12-31"}


def out_of_window(value: Any) -> bool:
    """Does ``value`` start with a date (``YYYY-MM-DD``) whose year is outside the window?"""
    found = _YEAR_AT_START.match(value) if isinstance(value, str) else None
    return found is not None and not in_window(int(found.group(1)))


def problem(raw: Any, lang: str | None = None) -> str | None:
    """Why a pushed record is out of bounds (one sentence naming the field), or None.

    What is not a record at all (not an object, a key missing or of the wrong type) is left
    to the record model, which says so in the user's words."""
    if not isinstance(raw, dict):
        return None
    rev = raw.get("rev")
    if isinstance(rev, int) and not isinstance(rev, bool) and not 1 <= rev <= REV_MAX:
        return t("hardening.bounds.rev", lang=lang, value=rev, high=REV_MAX)
    found = _numbers(raw, "")
    if found is not None:
        return t("hardening.bounds.number", lang=lang, field=found, high=INT_MAX)
    found = _envelope_times(raw)
    spec = KIND_SPECS.get(raw["kind"]) if isinstance(raw.get("kind"), str) else None
    if found is None and spec is not None:
        found = _times(spec, raw.get("data"), "data")
    if found is not None:
        return t("hardening.bounds.time", lang=lang, field=found, **WINDOW)
    return None


def _envelope_times(raw: dict[str, Any]) -> str | None:
    """The first of the envelope's and the receipts' times out of the window, by the model."""
    try:
        _RECORD.validate_python(raw)
    except ValidationError as exc:
        for error in exc.errors():
            if error["type"] == "string_pattern_mismatch" and out_of_window(error.get("input")):
                return ".".join(str(p) for p in error["loc"])
    return None


def _numbers(value: Any, path: str) -> str | None:
    """The path of the first number no JSON reader holds exactly (or not finite), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return path or "." if abs(value) > INT_MAX else None
    if isinstance(value, float):
        return None if math.isfinite(value) and abs(value) <= INT_MAX else path or "."
    if isinstance(value, dict):
        for key, item in value.items():
            found = _numbers(item, f"{path}.{key}" if path else str(key))
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _numbers(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _times(spec: Spec | None, value: Any, path: str) -> str | None:
    """The path of the first date or time (by the record model's spec) out of the window."""
    if spec is None or value is None:
        return None
    if spec.type in ("date", "moment", "datetime"):
        return path if out_of_window(value) else None
    if spec.type == "object" and isinstance(value, dict) and spec.fields:
        for key, field_spec in spec.fields.items():
            found = _times(field_spec, value.get(key), f"{path}.{key}")
            if found:
                return found
    if spec.type == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            found = _times(spec.item, item, f"{path}[{i}]")
            if found:
                return found
    return None
