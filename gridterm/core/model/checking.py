"""Checking one value against its :class:`Spec`: every problem is collected, none raised.

Each type of the spec language has one checker; a checker returns the value's normalised
form (text trimmed and NFC, ID numbers upper case, duplicate tags dropped) and adds what is
wrong to the :class:`Collector`.  Only present, non-empty values reach a checker: whether an
absent value is allowed is the caller's question (:func:`check_fields`).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from gridterm.core import vocab
from gridterm.core.model.affairs import MoneyError, money_text, parse_money
from gridterm.core.model.identity import check_id_number, check_phone
from gridterm.core.model.problems import BAD_LINE, Collector, ValidationError
from gridterm.core.model.spec import ANSWER_CHOICE, ANSWER_TEXT, ID_MAX, Spec
from gridterm.core.model.times import parse_date, parse_datetime

# Long text may hold newlines; every other control character is refused (see BAD_LINE).
_BAD_LONG = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_ANSWER = Spec("answer")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_WHERE_KEY = Spec("text", max=ID_MAX)

Checker = Callable[[Spec, Any, str, Collector, date], Any]


def bad_chars(text: str, allow_newline: bool) -> bool:
    return (_BAD_LONG if allow_newline else BAD_LINE).search(text) is not None


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


def shown(value: Any) -> str:
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


def check(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    """Validate one present, non-empty value; return its normalised form."""
    checker = _CHECKERS.get(spec.type)
    return value if checker is None else checker(spec, value, path, out, today)


def add_missing(spec: Spec, path: str, out: Collector) -> None:
    if spec.type == "list" and spec.min:
        out.add(path, "model.too_few", min=spec.min)
    else:
        out.add(path, "model.required")


def check_fields(
    fields: dict[str, Spec], value: dict[str, Any], path: str, out: Collector, today: date
) -> dict[str, Any]:
    """An object's fields: unknown names refused, required ones present, each one checked."""
    result: dict[str, Any] = {}
    prefix = f"{path}." if path else ""
    for name in value:
        if name not in fields:
            out.add(f"{prefix}{name}", "model.unknown_field", name=shown(name))
    for name, sub in fields.items():
        item = value.get(name)
        if item is None or is_empty(item):
            if sub.required:
                add_missing(sub, f"{prefix}{name}", out)
            elif name in value:
                result[name] = item
            continue
        result[name] = check(sub, item, f"{prefix}{name}", out, today)
    return result


# --------------------------------------------------------------------------- one checker a type


def _check_text(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    if not isinstance(value, str):
        out.add(path, "model.not_text")
        return value
    long = spec.type == "long"
    text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    text = unicodedata.normalize("NFC", text)
    text = text.strip("\n ").rstrip() if long else text.strip()
    if bad_chars(text, allow_newline=long):
        out.add(path, "model.control_chars" if long else "model.control_chars_line")
        return value
    if len(text) > spec.max:
        out.add(path, "model.too_long", max=spec.max, n=len(text))
    return text


def _check_code(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    known = spec.choices if spec.choices is not None else vocab.code_set(spec.group)
    if not isinstance(value, str) or value not in known:
        out.add(path, "model.bad_code", value=shown(value))
    return value


def _check_bool(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    if not isinstance(value, bool):
        out.add(path, "model.not_bool")
    return value


def _check_int(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        out.add(path, "model.not_int")
        return value
    if spec.min is not None and value < spec.min:
        out.add(path, "model.too_small", min=spec.min)
    high = today.year if spec.up_to_this_year else spec.high
    if high is not None and value > high:
        out.add(path, "model.too_big", max=high)
    return value


def _check_float(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    """A number (a JSON integer is a float too), finite, within the spec's bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        out.add(path, "model.not_number")
        return value
    if spec.min is not None and value < spec.min:
        out.add(path, "model.too_small", min=spec.min)
    if spec.high is not None and value > spec.high:
        out.add(path, "model.too_big", max=spec.high)
    return float(value)


def _check_sha256(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    if not isinstance(value, str) or _SHA256.match(value) is None:
        out.add(path, "model.bad_sha256", value=shown(value))
    return value


def _check_where(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    """The part of a record a photo belongs to: ``{"item": key}`` (a visit's checklist item),
    ``{"session": i}`` or ``{"follow_up": i}`` (a case's); whether that part exists is the
    record's check (``validate``)."""
    if not isinstance(value, dict) or len(value) != 1:
        out.add(path, "model.bad_where", value=shown(value))
        return value
    ((name, part),) = value.items()
    if name == "item":
        return {"item": check(_WHERE_KEY, part, f"{path}.item", out, today)}
    if name in ("session", "follow_up"):
        if isinstance(part, bool) or not isinstance(part, int) or part < 0:
            out.add(f"{path}.{name}", "model.bad_where", value=shown(value))
        return value
    out.add(path, "model.bad_where", value=shown(value))
    return value


def _check_money(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    """An amount in yuan as decimal text; stored with two decimals (``"1234.50"``)."""
    try:
        return money_text(parse_money(value))
    except MoneyError as exc:
        out.add(path, exc.key, value=shown(value), **exc.params)
        return value


def _check_date(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    try:
        parse_date(value)
    except (ValueError, TypeError):
        out.add(path, "model.bad_date", value=shown(value))
    return value


def _check_moment(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    """``datetime``: a timestamp with offset; ``moment``: that or a calendar date."""
    try:
        parsed = parse_datetime(value)
    except (ValueError, TypeError):
        if spec.type == "moment":
            try:
                parse_date(value)
                return value
            except (ValueError, TypeError):
                pass
        key = "model.bad_moment" if spec.type == "moment" else "model.bad_datetime"
        out.add(path, key, value=shown(value))
        return value
    return value if parsed.microsecond == 0 else parsed.replace(microsecond=0).isoformat()


def _check_id_number(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    try:
        return check_id_number(value, path, today=today)
    except ValidationError as exc:
        out.extend(exc.errors)
        return value


def _check_phone(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    try:
        return check_phone(value, path)
    except ValidationError as exc:
        out.extend(exc.errors)
        return value


def _check_list(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    if not isinstance(value, list):
        out.add(path, "model.not_list")
        return value
    if len(value) > spec.max:
        out.add(path, "model.too_many", max=spec.max)
        return value
    item_spec = spec.item
    assert item_spec is not None, "a list spec names its item"
    result: list[Any] = []
    for i, item in enumerate(value):
        item_path = f"{path}[{i}]"
        if is_empty(item):
            if item_spec.type != "object":  # an empty row of a list of objects is dropped
                out.add(item_path, "model.required")
            continue
        normal = check(item_spec, item, item_path, out, today)
        if item_spec.type == "code" and normal in result:
            continue  # the same tag twice means it once
        result.append(normal)
    if spec.min and len(result) < spec.min:
        out.add(path, "model.too_few", min=spec.min)
    return result


def _check_object(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    if not isinstance(value, dict):
        out.add(path, "model.not_object")
        return value
    assert spec.fields is not None, "an object spec names its fields"
    return check_fields(spec.fields, value, path, out, today)


def _check_answers(spec: Spec, value: Any, path: str, out: Collector, today: date) -> Any:
    """A visit's answers: ``{item key: answer}``."""
    if not isinstance(value, dict):
        out.add(path, "model.not_object")
        return value
    if len(value) > spec.max:
        out.add(path, "model.too_many", max=spec.max)
        return value
    result = {}
    for key, answer in value.items():
        if not isinstance(key, str) or not key or len(key) > ID_MAX or bad_chars(key, False):
            out.add(path, "model.bad_answer_key", value=shown(key))
            continue
        result[key] = _check_answer(_ANSWER, answer, f"{path}.{key}", out, today)
    return result


def _check_answer(spec: Spec, answer: Any, path: str, out: Collector, today: date) -> Any:
    """One checklist answer: yes/no, a finite number, text, a date, or a list of choices."""
    if answer is None or isinstance(answer, (bool, int)):
        return answer
    if isinstance(answer, float):
        if not math.isfinite(answer):
            out.add(path, "model.bad_answer", value=shown(answer))
        return answer
    if isinstance(answer, str):
        return check(ANSWER_TEXT, answer, path, out, today)
    if isinstance(answer, list) and len(answer) <= 50 and all(isinstance(a, str) for a in answer):
        return [check(ANSWER_CHOICE, a, path, out, today) for a in answer]
    out.add(path, "model.bad_answer", value=shown(answer))
    return answer


_CHECKERS: dict[str, Checker] = {
    "text": _check_text,
    "long": _check_text,
    "name": _check_text,
    "code": _check_code,
    "bool": _check_bool,
    "int": _check_int,
    "float": _check_float,
    "sha256": _check_sha256,
    "where": _check_where,
    "money": _check_money,
    "date": _check_date,
    "moment": _check_moment,
    "datetime": _check_moment,
    "id_number": _check_id_number,
    "phone": _check_phone,
    "list": _check_list,
    "object": _check_object,
    "answers": _check_answers,
    "answer": _check_answer,
}
