"""Checklist templates: the five built-ins shipped as JSON beside this file, the township's
published versions (``store.reference.templates()``), a validator, and answer parsing.

A template is data, not code::

    {"id": "safety", "version": 1, "title": {"zh": …, "en": …},
     "items": [{"key", "label": {"zh", "en"}, "type", "required",
                "options": [{"value", "label": {"zh", "en"}}],   # choice only
                "flag_if": …, "report_category": …}]}

``type`` is ``yes_no`` (answer ``true``/``false``), ``choice`` (an option's ``value``),
``number`` (int or float), ``text`` or ``date`` (``YYYY-MM-DD``).  ``flag_if`` names the
answers that need follow-up and offer an event report: a bool for ``yes_no``, a list of option
values for ``choice``, ``{"lt": n}`` and/or ``{"gt": n}`` for ``number``, ``"nonempty"`` for
``text``.  ``report_category`` (a report category code) goes with every ``flag_if``.

No Textual here: the service validates published templates with the same code.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import get_language

ITEM_TYPES = ("yes_no", "choice", "number", "text", "date")
# docs/contracts.md "report category"; gridterm.core.model's vocabulary holds the labels.
REPORT_CATEGORIES = (
    "dispute",
    "safety",
    "public_order",
    "sanitation",
    "livelihood",
    "special_groups",
    "facilities",
    "other",
)
BUILTIN_IDS = ("basic_info", "safety", "special_care", "poverty_watch", "peace_environment")
MAX_ITEMS = 100
MAX_TEXT = 2000

_HERE = Path(__file__).resolve().parent


class TemplateError(GridtermError):
    """A template that cannot be used; the message names the template, where, and what."""

    key = "checklist.invalid"


class AnswerError(GridtermError):
    """An answer an item cannot take; the message says what the item expects."""

    key = "checklist.answer.invalid"


def _problem(tid: object, where: str, problem: str, **params: object) -> TemplateError:
    from gridterm.core.i18n import t

    return TemplateError(
        "checklist.invalid",
        template=str(tid),
        where=where,
        problem=t(f"checklist.problem.{problem}", None, **params),
    )


def _bilingual(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    texts = [value.get(k) for k in ("zh", "en")]
    return all(isinstance(text, str) and text.strip() and len(text) <= 500 for text in texts)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def validate(template: object) -> dict:
    """Return ``template`` when it is usable, else raise :class:`TemplateError`."""
    if not isinstance(template, dict):
        raise _problem("?", "-", "not_object")
    tid = template.get("id")
    if not isinstance(tid, str) or not tid.strip() or len(tid) > 64:
        raise _problem(tid, "id", "bad_id")
    version = template.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _problem(tid, "version", "bad_version")
    if not _bilingual(template.get("title")):
        raise _problem(tid, "title", "bad_label")
    items = template.get("items")
    if not isinstance(items, list) or not items:
        raise _problem(tid, "items", "no_items")
    if len(items) > MAX_ITEMS:
        raise _problem(tid, "items", "too_many", limit=MAX_ITEMS)
    seen: set[str] = set()
    for n, item in enumerate(items, 1):
        where = f"items[{n}]"
        if not isinstance(item, dict):
            raise _problem(tid, where, "not_object")
        key = item.get("key")
        if not isinstance(key, str) or not key.strip() or len(key) > 64:
            raise _problem(tid, where, "bad_key")
        where = f"items[{n}] {key}"
        if key in seen:
            raise _problem(tid, where, "duplicate_key")
        seen.add(key)
        if not _bilingual(item.get("label")):
            raise _problem(tid, where, "bad_label")
        kind = item.get("type")
        if kind not in ITEM_TYPES:
            raise _problem(tid, where, "bad_type", types=", ".join(ITEM_TYPES))
        if not isinstance(item.get("required", False), bool):
            raise _problem(tid, where, "bad_required")
        options = item.get("options")
        if kind == "choice":
            if not isinstance(options, list) or not 2 <= len(options) <= 9:
                raise _problem(tid, where, "bad_options")
            values = set()
            for option in options:
                if (
                    not isinstance(option, dict)
                    or not isinstance(option.get("value"), str)
                    or not option["value"]
                    or not _bilingual(option.get("label"))
                ):
                    raise _problem(tid, where, "bad_options")
                values.add(option["value"])
            if len(values) != len(options):
                raise _problem(tid, where, "bad_options")
        elif options is not None:
            raise _problem(tid, where, "options_not_choice")
        if "flag_if" in item:
            _check_flag(tid, where, item)
        elif "report_category" in item:
            raise _problem(tid, where, "category_without_flag")
    return template


def _check_flag(tid: object, where: str, item: dict) -> None:
    flag = item["flag_if"]
    kind = item["type"]
    ok = False
    if kind == "yes_no":
        ok = isinstance(flag, bool)
    elif kind == "choice":
        values = {o["value"] for o in item["options"]}
        ok = isinstance(flag, list) and bool(flag) and all(v in values for v in flag)
    elif kind == "number":
        ok = (
            isinstance(flag, dict)
            and bool(flag)
            and set(flag) <= {"lt", "gt"}
            and all(_is_number(v) for v in flag.values())
        )
    elif kind == "text":
        ok = flag == "nonempty"
    if not ok:
        raise _problem(tid, where, f"bad_flag_{kind}")
    if item.get("report_category") not in REPORT_CATEGORIES:
        raise _problem(tid, where, "bad_category", categories=", ".join(REPORT_CATEGORIES))


@cache
def _builtins() -> dict[str, dict]:
    found = {}
    for path in sorted(_HERE.glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            template = validate(json.load(fh))
        found[template["id"]] = template
    return found


def builtin_templates() -> list[dict]:
    """The templates shipped in the package, in the order of DOMAIN.md."""
    found = _builtins()
    order = {tid: n for n, tid in enumerate(BUILTIN_IDS)}
    return sorted(found.values(), key=lambda tpl: (order.get(tpl["id"], 99), tpl["id"]))


def merge(township: list | None) -> tuple[list[dict], list[TemplateError]]:
    """Built-ins overridden by id by the township's templates where their version is newer.

    Returns the usable templates and the problems of the township templates left out (a bad
    published template never hides the built-in one).
    """
    chosen = {tpl["id"]: tpl for tpl in builtin_templates()}
    order = [tpl["id"] for tpl in builtin_templates()]
    problems: list[TemplateError] = []
    for candidate in township or []:
        try:
            template = validate(candidate)
        except TemplateError as exc:
            problems.append(exc)
            continue
        current = chosen.get(template["id"])
        if current is None:
            order.append(template["id"])
            chosen[template["id"]] = template
        elif template["version"] > current["version"]:
            chosen[template["id"]] = template
    return [chosen[tid] for tid in order], problems


def available(store: Any | None = None) -> list[dict]:
    """The templates an officer can use now: built-ins plus what the township published."""
    township = None
    if store is not None:
        try:
            township = store.reference.templates()
        except AttributeError:
            township = None
    return merge(township)[0]


def find(templates: list[dict], template_id: str, version: int | None = None) -> dict | None:
    for template in templates:
        if template["id"] == template_id and (version is None or template["version"] == version):
            return template
    return None


def text(label: dict, lang: str | None = None) -> str:
    """A template's bilingual text in the current language."""
    lang = lang or get_language()
    return label.get("zh" if lang.startswith("zh") else "en") or label.get("en") or ""


def option_label(item: dict, value: object) -> str:
    for option in item.get("options") or []:
        if option["value"] == value:
            return text(option["label"])
    return "" if value is None else str(value)


def is_flagged(item: dict, value: object) -> bool:
    """Whether ``value`` is an answer to ``item`` that needs follow-up."""
    if "flag_if" not in item or value is None:
        return False
    flag = item["flag_if"]
    kind = item["type"]
    if kind == "yes_no":
        return value is flag
    if kind == "choice":
        return value in flag
    if kind == "number":
        if not _is_number(value):
            return False
        return ("lt" in flag and value < flag["lt"]) or ("gt" in flag and value > flag["gt"])
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    return False


def parse_answer(item: dict, raw: str) -> object:
    """Turn what the officer typed into the item's value; ``None`` means "no answer".

    Raises :class:`AnswerError` for a value the item cannot take, or a missing answer to a
    required item.
    """
    raw = (raw or "").strip()
    kind = item["type"]
    if not raw:
        if item.get("required"):
            raise AnswerError("checklist.answer.required")
        return None
    if kind == "number":
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            raise AnswerError("checklist.answer.number", value=raw) from None
        if not math.isfinite(value) or abs(value) > 1e12:
            raise AnswerError("checklist.answer.number", value=raw)
        return int(value) if value.is_integer() else value
    if kind == "date":
        try:
            return _dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise AnswerError("checklist.answer.date", value=raw) from None
    if kind == "text":
        if len(raw) > MAX_TEXT:
            raise AnswerError("checklist.answer.too_long", limit=MAX_TEXT)
        return raw
    if kind == "yes_no":
        lowered = raw.lower()
        if lowered in ("y", "yes", "1", "true", "是"):
            return True
        if lowered in ("n", "no", "0", "false", "否"):
            return False
        raise AnswerError("checklist.answer.yes_no", value=raw)
    if kind == "choice":
        options = item["options"]
        if raw.isdigit() and 1 <= int(raw) <= len(options):
            return options[int(raw) - 1]["value"]
        for option in options:
            if raw == option["value"]:
                return raw
        raise AnswerError("checklist.answer.choice", count=len(options))
    raise AnswerError("checklist.answer.invalid")


def format_answer(item: dict, value: object) -> str:
    """An answer as the officer reads it back (summary, report description)."""
    from gridterm.core.i18n import t

    if value is None:
        return t("checklist.answer.none")
    if item["type"] == "yes_no":
        return t("checklist.yes") if value else t("checklist.no")
    if item["type"] == "choice":
        return option_label(item, value)
    return str(value)


def missing_required(template: dict, answers: dict) -> list[str]:
    """Keys of required items with no answer (a visit is only saved when this is empty)."""
    return [
        item["key"]
        for item in template["items"]
        if item.get("required") and answers.get(item["key"]) is None
    ]


def flagged_keys(template: dict, answers: dict) -> list[str]:
    return [item["key"] for item in template["items"] if is_flagged(item, answers.get(item["key"]))]
