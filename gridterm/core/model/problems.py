"""What a validation problem is, and how it is told: by the field's translated label.

Every problem found becomes a :class:`FieldError` naming the field by its path
(``data.members[0].id_number``); :class:`ValidationError` carries all of them at once.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from gridterm.core.errors import GridtermError
from gridterm.core.i18n import t

MAX_ERRORS = 100  # a record with thousands of problems is reported by its first hundred

# One step of a field path: a name, maybe with a list index (``members[0]``).
PATH_STEP = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>\d+)\])?$")

# Characters refused in one line of text: C0/C1 controls, lone surrogates (they cannot be
# encoded), and bidi overrides (they make text lie about itself).
BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


@dataclass
class FieldError:
    """One problem with one field.  ``field`` is a path like ``data.members[0].id_number``."""

    field: str
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

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

    def __reduce__(self) -> tuple[type[ValidationError], tuple[list[FieldError]]]:
        # so it crosses a process boundary (multiprocessing) intact
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


class Collector:
    """The problems found so far in one value or record (at most ``MAX_ERRORS``)."""

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
    return path if BAD_LINE.search(path) is None else BAD_LINE.sub("?", path)


def field_label(path: str, lang: str | None = None) -> str:
    """The translated label of a field path: ``data.members[0].id_number`` -> ``成员1的身份证号``."""
    parts = [p for p in path.split(".") if p]
    if len(parts) > 1 and parts[0] == "data":
        parts = parts[1:]
    labels: list[str] = []
    parent = ""
    for part in parts:
        m = PATH_STEP.match(part)
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
