"""Records: the envelope, the four kinds, validation, masking, vocabulary and due dates.

No I/O beyond reading ``vocab.json`` once (lazily), no UI.  Both the officer's device and the
township service validate with this module, so they agree on what a good record is.

Every problem found becomes a :class:`FieldError` naming the field by its path
(``data.members[0].id_number``); :class:`ValidationError` carries all of them at once, and its
messages name the field by its translated label, in zh_CN or en.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import get_language, t

KINDS = ("household", "visit", "case", "report")
# China keeps one time zone, without daylight saving: time limits count in its days, whatever
# the clock of the device or the server says.
CHINA_TIME = timezone(timedelta(hours=8), "CST")
DEVICE_ONLY = ("synced_rev", "sync_error", "sync_state", "_wire")
SERVICE_OWNED = ("status", "feedback", "public_reply", "handled_by", "seq", "status_at")
ENVELOPE = ("id", "kind", "rev", "grid", "officer", "device", "created_at", "updated_at", "data")

# Bounds on text.  A name is a person's name; short is a code-like free text; line is one
# line of prose (a place, an address); long allows newlines.
NAME_MAX = 50
SHORT_MAX = 100
LINE_MAX = 200
LONG_MAX = 2000
RECORD_MAX = 5000
ID_MAX = 64

_VOCAB_PATH = Path(__file__).resolve().parent.parent / "vocab.json"


# --------------------------------------------------------------------------- errors


@dataclass
class FieldError:
    """One problem with one field.  ``field`` is a path like ``data.members[0].id_number``."""

    field: str
    key: str
    params: dict = dataclasses.field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, field=field_label(self.field, lang), **self.params)

    def __str__(self) -> str:
        return self.message()


class ValidationError(GridtermError):
    """A record (or one value) is not valid; ``errors`` lists every problem found."""

    key = "model.invalid"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__()
        self.errors = list(errors)

    def __reduce__(self):  # so it crosses a process boundary (multiprocessing) intact
        return (type(self), (self.errors,))

    def message(self, lang: str | None = None) -> str:
        if not self.errors:
            return t(self.key, lang=lang)
        return t("model.sep", lang=lang).join(e.message(lang) for e in self.errors)

    def by_field(self, lang: str | None = None) -> dict[str, str]:
        """``{path: message}``; when a field has several problems the first one wins."""
        out: dict[str, str] = {}
        for err in self.errors:
            out.setdefault(err.field, err.message(lang))
        return out


_INDEX = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>\d+)\])?$")


def field_label(path: str, lang: str | None = None) -> str:
    """The translated label of a field path: ``data.members[0].id_number`` -> ``成员1的身份证号``."""
    parts = [p for p in path.split(".") if p]
    if len(parts) > 1 and parts[0] == "data":
        parts = parts[1:]
    labels: list[str] = []
    parent = ""
    for part in parts:
        m = _INDEX.match(part)
        if m is None:
            labels.append(part)
            parent = part
            continue
        name, index = m.group("name"), m.group("index")
        if index is None:
            labels.append(_name_label(parent, name, lang))
        else:
            item = t(f"model.item.{name}", lang=lang)
            if item == f"model.item.{name}":
                item = _name_label(parent, name, lang)
            labels.append(t("model.path.item", lang=lang, list=item, n=int(index) + 1))
        parent = name
    if not labels:
        return path
    return t("model.path.sep", lang=lang).join(labels)


def _name_label(parent: str, name: str, lang: str | None) -> str:
    for key in (f"model.field.{parent}.{name}", f"model.field.{name}"):
        text = t(key, lang=lang)
        if text != key:
            return text
    return name


# --------------------------------------------------------------------------- vocabulary


@cache
def vocab() -> dict:
    """The parsed ``vocab.json`` (read once).  Do not mutate the result."""
    with _VOCAB_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _lang_short(lang: str | None) -> str:
    return "zh" if (lang or get_language()).startswith("zh") else "en"


def codes(group: str) -> list[str]:
    """The codes of a vocabulary group, in their display order (a new list each call)."""
    return list(_codes(group))


@cache
def _codes(group: str) -> tuple[str, ...]:
    return tuple(c for c in vocab()[group] if not c.startswith("_"))


@cache
def _code_set(group: str) -> frozenset[str]:
    return frozenset(_codes(group))


def label(group: str, code: str, lang: str | None = None) -> str:
    """``label("category", "safety")`` -> ``安全隐患`` (or ``Safety hazard``); unknown -> code."""
    entry = vocab().get(group, {}).get(code)
    if not isinstance(entry, dict):
        return code
    return entry.get(_lang_short(lang)) or entry.get("zh") or code


# --------------------------------------------------------------------------- time


def now_iso() -> str:
    """Local time with its UTC offset, to the second: ``2026-11-25T08:00:00+08:00``."""
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
    try:
        return parse_datetime(value)  # type: ignore[arg-type]
    except ValueError:
        return None


def parse_date(value: str) -> date:
    """A calendar date ``YYYY-MM-DD``; raises ValueError."""
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(value)
    return date.fromisoformat(value)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|[Zz])$", re.ASCII
)


# --------------------------------------------------------------------------- ID numbers, phones

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes; 81/82/83 are the residence permits of Hong Kong, Macao and
# Taiwan residents.  Foreigners' permanent residence cards (2023) start with 9.
_ID_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)


def id_check_char(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError(f"17 digits expected: {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _id_problem(value: str, today: date | None = None) -> tuple[str, dict] | None:
    if len(value) == 15 and value.isdigit():
        return "model.id.legacy15", {}
    if len(value) != 18:
        return "model.id.length", {"n": len(value)}
    if not value.isascii() or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "model.id.chars", {}
    if int(value[:2]) not in _ID_PROVINCES and value[0] != "9":
        return "model.id.area", {"code": value[:6]}
    birth = value[6:14]
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return "model.id.birth_invalid", {"date": f"{birth[:4]}-{birth[4:6]}-{birth[6:8]}"}
    if born.year < 1900:
        return "model.id.birth_too_old", {"date": born.isoformat()}
    if born > (today or date.today()):
        return "model.id.birth_future", {"date": born.isoformat()}
    if id_check_char(value[:17]) != value[17]:
        return "model.id.checksum", {}
    return None


def check_id_number(value: str, field: str = "id_number", *, today: date | None = None) -> str:
    """A valid 18-character resident ID, normalised (spaces dropped, ``x`` -> ``X``).

    Raises :class:`ValidationError` saying what is wrong: length (15-digit legacy numbers
    are refused with a message that 18 characters are needed), characters, area, birth date
    (real, not before 1900, not in the future) or the check character.
    """
    if not isinstance(value, str):
        raise ValidationError([FieldError(field, "model.not_text")])
    # NFKC: a Chinese input method may give full-width digits (１２３).
    normal = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()
    if not normal:
        raise ValidationError([FieldError(field, "model.required")])
    problem = _id_problem(normal, today)
    if problem:
        raise ValidationError([FieldError(field, problem[0], problem[1])])
    return normal


_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_PHONE_JUNK = re.compile(r"[\s\-()]")


def check_phone(value: str, field: str = "phone") -> str:
    """An 11-digit mainland mobile number (1[3-9]…), normalised: spaces, dashes and +86 dropped."""
    if not isinstance(value, str):
        raise ValidationError([FieldError(field, "model.not_text")])
    normal = _PHONE_JUNK.sub("", unicodedata.normalize("NFKC", value))
    if normal.startswith("+86"):
        normal = normal[3:]
    elif normal.startswith("0086"):
        normal = normal[4:]
    if not normal:
        raise ValidationError([FieldError(field, "model.required")])
    if not normal.isdigit() or not normal.isascii():
        raise ValidationError([FieldError(field, "model.phone.chars")])
    if len(normal) != 11:
        raise ValidationError([FieldError(field, "model.phone.length", {"n": len(normal)})])
    if not _MOBILE.match(normal):
        raise ValidationError([FieldError(field, "model.phone.prefix")])
    return normal


# --------------------------------------------------------------------------- masking


def mask_name(name: str | None) -> str:
    """张三明 -> 张*明, 张三 -> 张*, 欧阳娜娜 -> 欧**娜: the first and last characters stay."""
    text = (name or "").strip()
    if len(text) <= 1:
        return "*" if text else ""
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def mask_id(id_number: str | None) -> str:
    """Keep the first 3 and last 4 characters: 500***********123X."""
    text = re.sub(r"\s+", "", id_number or "").upper()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_phone(phone: str | None) -> str:
    """138****5678: the first 3 and last 4 digits stay."""
    text = re.sub(r"[\s\-]", "", phone or "")
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


# --------------------------------------------------------------------------- field specs


@dataclass(frozen=True)
class Spec:
    """What one field may hold.

    type: text | long | name | code | bool | int | date | moment | datetime | id_number |
          phone | list | object | answers | any
    ``moment`` is a date or a timestamp with offset; ``datetime`` requires the timestamp;
    ``answer`` is one checklist answer.
    """

    type: str
    required: bool = False
    max: int = 0  # text length, or list length
    group: str = ""  # vocabulary group of a code
    item: Spec | None = None  # list item
    fields: dict | None = None  # object fields
    min: int | None = None  # int minimum, or list minimum length
    high: int | None = None  # int maximum
    up_to_this_year: bool = False  # int maximum is the current year (years of birth)


def _text(max_len: int = SHORT_MAX, required: bool = False) -> Spec:
    return Spec("text", required, max_len)


def _long(max_len: int = LONG_MAX, required: bool = False) -> Spec:
    return Spec("long", required, max_len)


def _code(group: str, required: bool = False) -> Spec:
    return Spec("code", required, group=group)


def _list(item: Spec, max_items: int, min_items: int = 0, required: bool = False) -> Spec:
    return Spec("list", required or min_items > 0, max_items, item=item, min=min_items)


def _obj(fields: dict, required: bool = False) -> Spec:
    return Spec("object", required, fields=fields)


NAME = Spec("name", True, NAME_MAX)
ID_NUMBER = Spec("id_number")
PHONE = Spec("phone")
TAGS = _list(_code("tag"), 20)

MEMBER = _obj(
    {
        "name": NAME,
        "id_number": ID_NUMBER,
        "relation": _text(20),
        "phone": PHONE,
        "tags": TAGS,
        "birth_year": Spec("int", min=1900, up_to_this_year=True),
    }
)

PARTY = _obj(
    {
        "name": NAME,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": _text(LINE_MAX),
        "role": _text(20),
    }
)

KIND_SPECS: dict[str, Spec] = {
    "household": _obj(
        {
            "village": _text(NAME_MAX, required=True),
            "group": _text(20),
            "number": _text(20),
            "head": NAME,
            "phone": PHONE,
            "tags": TAGS,
            "members": _list(MEMBER, 30),
            "notes": _long(),
        }
    ),
    "visit": _obj(
        {
            "household_id": _text(ID_MAX, required=True),
            "template_id": _text(ID_MAX, required=True),
            "template_version": Spec("int", True, min=1),
            "answers": Spec("answers", True, 300),
            "flagged": _list(_text(ID_MAX), 300),
            "notes": _long(),
            "follow_up": Spec("date"),
            "visited_at": Spec("moment"),
        }
    ),
    "case": _obj(
        {
            "parties": _list(PARTY, 30, min_items=1),
            "dispute_type": _code("dispute_type", required=True),
            "source": _code("source", required=True),
            "summary": _long(required=True),
            "rights_notice_given": Spec("bool"),
            "mediators": _list(
                _obj(
                    {"id": _text(ID_MAX), "name": NAME, "standing": _code("standing")},
                ),
                10,
            ),
            "sessions": _list(
                _obj(
                    {
                        "date": Spec("date"),
                        "place": _text(LINE_MAX),
                        "present": _list(Spec("name", True, NAME_MAX), 40),
                        "record": _long(RECORD_MAX),
                        "result": _long(),
                    }
                ),
                50,
            ),
            "outcome": _code("outcome"),
            "agreement": _obj(
                {
                    "facts": _long(),
                    "matters": _long(),
                    "responsibilities": _long(),
                    "terms": _long(),
                    "performance_manner": _long(),
                    "performance_deadline": Spec("date"),
                    "signed_at": Spec("moment"),
                }
            ),
            "follow_ups": _list(
                _obj(
                    {
                        "due": Spec("date"),
                        "done_at": Spec("moment"),
                        "fulfilled": Spec("bool"),
                        "satisfied": Spec("bool"),
                        "risk": _code("risk"),
                        "note": _long(),
                    }
                ),
                30,
            ),
            "major": Spec("bool"),
            "closed_at": Spec("moment"),
            "case_no": _text(SHORT_MAX),
        }
    ),
    "report": _obj(
        {
            "category": _code("category", required=True),
            "urgency": _code("urgency", required=True),
            "place": _text(LINE_MAX, required=True),
            "description": _long(required=True),
            "raised_by": _text(NAME_MAX),
            "links": _obj({"visit": _text(ID_MAX), "case": _text(ID_MAX)}),
            "closed_on_spot": Spec("bool"),
            "occurred_at": Spec("moment"),
        }
    ),
}

RECEIPT = _obj(
    {
        "number": _text(20, required=True),
        "sig": _text(40, required=True),
        "issued_at": Spec("datetime", True),
        "party": Spec("int", min=0),
    }
)

# Specs used outside KIND_SPECS, made once (not per value checked).
_ID_TEXT = _text(ID_MAX)
_DATETIME_SPEC = Spec("datetime")
_RECEIPTS_SPEC = _list(RECEIPT, 50)
_ANSWER_TEXT = _long()
_ANSWER_CHOICE = _text(LINE_MAX)
_RECORD_KEYS = (
    frozenset(ENVELOPE) | {"receipts"} | frozenset(DEVICE_ONLY) | frozenset(SERVICE_OWNED)
)

SERVICE_SPECS: dict[str, Spec] = {
    "status": _code("status"),
    "feedback": _long(),
    "public_reply": _long(),
    "handled_by": _text(SHORT_MAX),
    "seq": Spec("int", min=0),
    "status_at": Spec("datetime"),
}


# --------------------------------------------------------------------------- checking

# Characters refused everywhere: C0/C1 controls (newline allowed in long text), lone
# surrogates (they cannot be encoded), and bidi overrides (they make text lie about itself).
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_BAD_LONG = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _bad_chars(text: str, allow_newline: bool) -> bool:
    return (_BAD_LONG if allow_newline else _BAD_LINE).search(text) is not None


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


def _shown(value: Any) -> str:
    """A value fit to quote in a message: one short line, controls made visible."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = str(type(value).__name__)
    if len(text) > 40:
        text = text[:39] + "…"
    return "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in text)


MAX_ERRORS = 100  # a record with thousands of problems is reported by its first hundred


class _Collector:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, key: str, **params: Any) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(FieldError(_safe_path(path), key, params))

    def extend(self, errors: list[FieldError]) -> None:
        for err in errors:
            self.add(err.field, err.key, **err.params)


def _safe_path(path: str) -> str:
    # A path comes from the record's own keys: an unknown key may be huge or hold controls.
    if len(path) > 200:
        path = path[:199] + "…"
    return path if _BAD_LINE.search(path) is None else _BAD_LINE.sub("?", path)


def _check(spec: Spec, value: Any, path: str, out: _Collector, today: date) -> Any:
    """Validate one present, non-empty value; return its normalised form."""
    kind = spec.type
    if kind in ("text", "long", "name"):
        if not isinstance(value, str):
            out.add(path, "model.not_text")
            return value
        text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
        text = unicodedata.normalize("NFC", text)
        text = text.strip() if kind != "long" else text.strip("\n ").rstrip()
        if _bad_chars(text, allow_newline=kind == "long"):
            out.add(path, "model.control_chars" if kind == "long" else "model.control_chars_line")
            return value
        if len(text) > spec.max:
            out.add(path, "model.too_long", max=spec.max, n=len(text))
        return text
    if kind == "code":
        if not isinstance(value, str) or value not in _code_set(spec.group):
            out.add(path, "model.bad_code", value=_shown(value))
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            out.add(path, "model.not_bool")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            out.add(path, "model.not_int")
            return value
        if spec.min is not None and value < spec.min:
            out.add(path, "model.too_small", min=spec.min)
        high = today.year if spec.up_to_this_year else spec.high
        if high is not None and value > high:
            out.add(path, "model.too_big", max=high)
        return value
    if kind == "date":
        try:
            parse_date(value)
        except (ValueError, TypeError):
            out.add(path, "model.bad_date", value=_shown(value))
        return value
    if kind in ("moment", "datetime"):
        try:
            parsed = parse_datetime(value)
        except (ValueError, TypeError):
            if kind == "moment":
                try:
                    parse_date(value)
                    return value
                except (ValueError, TypeError):
                    pass
            out.add(
                path,
                "model.bad_moment" if kind == "moment" else "model.bad_datetime",
                value=_shown(value),
            )
            return value
        return value if parsed.microsecond == 0 else parsed.replace(microsecond=0).isoformat()
    if kind == "id_number":
        try:
            return check_id_number(value, path, today=today)
        except ValidationError as exc:
            out.extend(exc.errors)
            return value
    if kind == "phone":
        try:
            return check_phone(value, path)
        except ValidationError as exc:
            out.extend(exc.errors)
            return value
    if kind == "list":
        if not isinstance(value, list):
            out.add(path, "model.not_list")
            return value
        if len(value) > spec.max:
            out.add(path, "model.too_many", max=spec.max)
            return value
        result = []
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            if _is_empty(item):
                if spec.item.type != "object":  # an empty row of a list of objects is dropped
                    out.add(item_path, "model.required")
                continue
            normal = _check(spec.item, item, item_path, out, today)
            if spec.item.type == "code" and normal in result:
                continue  # the same tag twice means it once
            result.append(normal)
        if spec.min and len(result) < spec.min:
            out.add(path, "model.too_few", min=spec.min)
        return result
    if kind == "object":
        if not isinstance(value, dict):
            out.add(path, "model.not_object")
            return value
        return _check_fields(spec.fields, value, path, out, today)
    if kind == "answers":
        return _check_answers(spec, value, path, out, today)
    if kind == "answer":
        return _check_answer(value, path, out, today)
    return value


def _add_missing(spec: Spec, path: str, out: _Collector) -> None:
    if spec.type == "list" and spec.min:
        out.add(path, "model.too_few", min=spec.min)
    else:
        out.add(path, "model.required")


def _check_fields(fields: dict, value: dict, path: str, out: _Collector, today: date) -> dict:
    result: dict = {}
    prefix = f"{path}." if path else ""
    for name in value:
        if name not in fields:
            out.add(f"{prefix}{name}", "model.unknown_field", name=_shown(name))
    for name, sub in fields.items():
        item = value.get(name)
        if item is None or _is_empty(item):
            if sub.required:
                _add_missing(sub, f"{prefix}{name}", out)
            elif name in value:
                result[name] = item
            continue
        result[name] = _check(sub, item, f"{prefix}{name}", out, today)
    return result


def _check_answers(spec: Spec, value: Any, path: str, out: _Collector, today: date) -> Any:
    if not isinstance(value, dict):
        out.add(path, "model.not_object")
        return value
    if len(value) > spec.max:
        out.add(path, "model.too_many", max=spec.max)
        return value
    result = {}
    for key, answer in value.items():
        if not isinstance(key, str) or not key or len(key) > ID_MAX or _bad_chars(key, False):
            out.add(path, "model.bad_answer_key", value=_shown(key))
            continue
        result[key] = _check_answer(answer, f"{path}.{key}", out, today)
    return result


def _check_answer(answer: Any, path: str, out: _Collector, today: date) -> Any:
    """One checklist answer: yes/no, a finite number, text, a date, or a list of choices."""
    if answer is None or isinstance(answer, (bool, int)):
        return answer
    if isinstance(answer, float):
        if not math.isfinite(answer):
            out.add(path, "model.bad_answer", value=_shown(answer))
        return answer
    if isinstance(answer, str):
        return _check(_ANSWER_TEXT, answer, path, out, today)
    if isinstance(answer, list) and len(answer) <= 50 and all(isinstance(a, str) for a in answer):
        return [_check(_ANSWER_CHOICE, a, path, out, today) for a in answer]
    out.add(path, "model.bad_answer", value=_shown(answer))
    return answer


# --------------------------------------------------------------------------- public validation


def validate_data(kind: str, data: dict) -> dict:
    """The ``data`` of a record of ``kind``, normalised; raises ValidationError with every problem.

    Error paths start with ``data.`` (``data.members[0].id_number``).
    """
    out = _Collector()
    result = _validate_data(kind, data, out, date.today())
    if out.errors:
        raise ValidationError(out.errors)
    return result


def _validate_data(kind: str, data: Any, out: _Collector, today: date) -> Any:
    spec = KIND_SPECS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        out.add("kind", "model.bad_code", value=_shown(kind))
        return data
    if not isinstance(data, dict):
        out.add("data", "model.not_object")
        return data
    result = _check_fields(spec.fields, data, "data", out, today)
    _cross_check(kind, result, out, today)
    return result


def _cross_check(kind: str, data: dict, out: _Collector, today: date) -> None:
    """Checks between fields, made only where each field is valid on its own."""
    if kind == "household":
        members = data.get("members")
        for i, member in enumerate(members if isinstance(members, list) else ()):
            if not isinstance(member, dict):
                continue
            number, year = member.get("id_number"), member.get("birth_year")
            if (
                isinstance(number, str)
                and isinstance(year, int)
                and not isinstance(year, bool)
                and _id_problem(number, today) is None
                and int(number[6:10]) != year
            ):
                out.add(
                    f"data.members[{i}].birth_year",
                    "model.birth_year_mismatch",
                    year=int(number[6:10]),
                )
    elif kind == "visit":
        answers, flagged = data.get("answers"), data.get("flagged")
        if isinstance(answers, dict) and isinstance(flagged, list):
            for i, key in enumerate(flagged):
                if isinstance(key, str) and key not in answers:
                    out.add(f"data.flagged[{i}]", "model.flag_unanswered", value=_shown(key))


def validate_record(record: dict) -> dict:
    """The whole record (envelope + data), normalised; raises ValidationError with every problem.

    Device-only keys are kept as they are; service-owned keys are checked for type.
    """
    out = _Collector()
    if not isinstance(record, dict):
        raise ValidationError([FieldError("record", "model.not_object")])
    today = date.today()  # once per record: every check of this record sees the same day
    result: dict = {}
    for key in record:
        if key not in _RECORD_KEYS:
            out.add(str(key), "model.unknown_field", name=_shown(key))

    rid = record.get("id")
    try:
        if not isinstance(rid, str):
            raise ValueError
        result["id"] = str(uuid.UUID(rid))
    except ValueError:
        if _is_empty(rid):
            out.add("id", "model.required")
        else:
            out.add("id", "model.bad_uuid", value=_shown(rid))
    kind = record.get("kind")
    if kind not in KINDS:
        if _is_empty(kind):
            out.add("kind", "model.required")
        else:
            out.add("kind", "model.bad_code", value=_shown(kind))
    result["kind"] = kind
    rev = record.get("rev")
    if isinstance(rev, bool) or not isinstance(rev, int) or rev < 1:
        out.add("rev", "model.bad_rev")
    result["rev"] = rev
    for key in ("grid", "officer"):
        value = record.get(key, "")
        if value is None:
            value = ""
        result[key] = _check(_ID_TEXT, value, key, out, today) if value else value
    device = record.get("device")
    if _is_empty(device):
        out.add("device", "model.required")
        result["device"] = device
    else:
        result["device"] = _check(_ID_TEXT, device, "device", out, today)
    for key in ("created_at", "updated_at"):
        value = record.get(key)
        if _is_empty(value):
            out.add(key, "model.required")
            result[key] = value
        else:
            result[key] = _check(_DATETIME_SPEC, value, key, out, today)
    if kind in KINDS:
        result["data"] = _validate_data(kind, record.get("data"), out, today)
    else:
        result["data"] = record.get("data")
    if "receipts" in record:
        receipts = record["receipts"]
        if receipts is None:
            result["receipts"] = None
        else:
            result["receipts"] = _check(_RECEIPTS_SPEC, receipts, "receipts", out, today)
            _check_receipt_parties(result, out)
    for key, spec in SERVICE_SPECS.items():
        if key in record:
            value = record[key]
            result[key] = value if value is None else _check(spec, value, key, out, today)
    for key in DEVICE_ONLY:
        if key in record:
            result[key] = record[key]
    if out.errors:
        raise ValidationError(out.errors)
    return result


def _check_receipt_parties(record: dict, out: _Collector) -> None:
    """A receipt's ``party`` is the index of a party of the case, or null."""
    receipts, data = record.get("receipts"), record.get("data")
    if not isinstance(receipts, list):
        return
    parties = data.get("parties") if record.get("kind") == "case" and isinstance(data, dict) else []
    count = len(parties) if isinstance(parties, list) else 0
    for i, receipt in enumerate(receipts):
        party = receipt.get("party") if isinstance(receipt, dict) else None
        if isinstance(party, int) and not isinstance(party, bool) and party >= count:
            out.add(f"receipts[{i}].party", "model.no_such_party", n=party + 1)


def _spec_at(kind: str, path: str) -> Spec:
    spec = KIND_SPECS[kind]
    parts = [p for p in path.split(".") if p]
    if parts and parts[0] == "data":
        parts = parts[1:]
    for part in parts:
        if spec.type == "answers":  # answers.<item key>: one checklist answer
            spec = Spec("answer")
            continue
        m = _INDEX.match(part)
        if m is None or spec.type != "object" or m.group("name") not in spec.fields:
            raise KeyError(path)
        spec = spec.fields[m.group("name")]
        if m.group("index") is not None:
            if spec.type != "list":
                raise KeyError(path)
            spec = spec.item
    return spec


def validate_field(kind: str, path: str, value: Any, lang: str | None = None) -> str | None:
    """The message for one field's value (for inline validation in a form), or None if it is fine.

    ``path`` is relative to data or starts with ``data.``: ``members[0].id_number``.
    Raises KeyError for a path the kind does not have.
    """
    spec = _spec_at(kind, path)
    full = path if path.startswith("data.") else f"data.{path}"
    out = _Collector()
    if _is_empty(value):
        if spec.required:
            _add_missing(spec, full, out)
    else:
        _check(spec, value, full, out, date.today())
    return out.errors[0].message(lang) if out.errors else None


# --------------------------------------------------------------------------- records


def new_record(
    kind: str,
    data: dict,
    *,
    grid: str = "",
    officer: str = "",
    device: str,
    receipts: list | None = None,
    now: str | datetime | None = None,
) -> dict:
    """A new validated record: a fresh uuid4 id, rev 1, created_at == updated_at == now."""
    if isinstance(now, datetime):
        stamp = (now if now.tzinfo else now.astimezone()).replace(microsecond=0).isoformat()
    else:
        stamp = now or now_iso()
    record = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "rev": 1,
        "grid": grid,
        "officer": officer,
        "device": device,
        "created_at": stamp,
        "updated_at": stamp,
        "data": data,
    }
    if receipts is not None:
        record["receipts"] = receipts
    return validate_record(record)


_NOT_WIRE = frozenset(DEVICE_ONLY) | frozenset(SERVICE_OWNED)


def wire_form(record: dict) -> dict:
    """The record as it is pushed: without device-only and service-owned keys."""
    return {k: v for k, v in record.items() if k not in _NOT_WIRE}


def canonical_json(obj: Any) -> bytes:
    """One byte form for one value: sorted keys, UTF-8, no spaces."""
    text = json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


_CLOSED_STATUSES = ("done", "checked_back", "closed_on_spot")


def is_closed(record: dict) -> bool:
    """Whether a record needs no more work on the device (it may be archived once synced)."""
    kind = record.get("kind")
    data = record.get("data") or {}
    if kind in ("visit", "household"):
        return True
    if kind == "report":
        return record.get("status") in _CLOSED_STATUSES or bool(data.get("closed_on_spot"))
    if kind == "case":
        return bool(data.get("closed_at"))
    return False


def _add_working_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def due_at(record: dict, from_iso: str | None = None) -> str | None:
    """The promised time limit of a report (ISO with offset), from vocab ``time_limits``.

    Counted from ``from_iso`` or the record's ``created_at``.  ``hours``: that many calendar
    hours later; ``working_days``: the end of the Nth working day after (Saturdays and Sundays
    skipped); a report closed on the spot: the end of its own day.  Other kinds: None.
    """
    if record.get("kind") != "report":
        return None
    data = record.get("data") or {}
    start_text = from_iso or record.get("created_at")
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


def household_tags(data: dict) -> list[str]:
    """The tags of a household and of all its members, once each, in order of appearance."""
    seen: dict[str, None] = {}
    for tag in data.get("tags") or ():
        seen.setdefault(tag, None)
    for member in data.get("members") or ():
        for tag in (member or {}).get("tags") or ():
            seen.setdefault(tag, None)
    return list(seen)


def visit_interval(tags: list[str], rules: dict | None = None) -> int:
    """Days between visits for a household with ``tags``: the shortest interval of its tags."""
    rules = rules or vocab()["visit_rules"]
    per_tag = rules.get("tags", {})
    days = [int(per_tag[tag]) for tag in tags or () if tag in per_tag]
    return min(days) if days else int(rules.get("default_days", 90))


def visit_due(
    tags: list[str],
    last_visit_iso: str | None,
    rules: dict | None = None,
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
