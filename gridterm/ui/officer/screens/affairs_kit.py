"""Pieces the village-affairs screens share: a field of several lines (a notice's text, a
step's record) and reading it back, counts typed as digits, names typed in one line, and
what a step's rule made of its figures."""

from __future__ import annotations

import re
from typing import Any

from textual.widgets import TextArea

from gridterm.core.i18n import t
from gridterm.core.model import affairs
from gridterm.ui.officer.screens.visit_kit import Field, FormScreen, field_id

COUNT_FIELDS = ("members", "present", "for", "against", "abstain")
# Names typed in one line, as people separate them: 、，, ; ； or spaces.
_NAME_SEP = re.compile(r"[、,，;；\s]+")


def area_field(path: str, label: str, value: str = "", *, hint: str = "") -> Field:
    """A field of several lines (enter starts a new line; tab goes on to the next field)."""
    area = TextArea(value or "", soft_wrap=True, compact=True, id=field_id(path))
    return Field(path, label, area, hint=hint)


def names(text: str) -> list[str]:
    return [name for name in _NAME_SEP.split(text) if name]


def read(field: Field) -> Any:
    """A field's value as the model takes it: a TextArea's text, a count as a number (digits
    only: anything else stays text and the model says what is wrong), names as a list."""
    if isinstance(field.widget, TextArea):
        return field.widget.text.strip() or None
    value = FormScreen.value_of(field)
    name = field.path.rsplit(".", 1)[-1]
    if isinstance(value, str) and name in COUNT_FIELDS and value.isdigit():
        return int(value)
    if isinstance(value, str) and name == "attendees":
        return names(value)
    return value


def outcome_text(step: dict) -> str:
    """What the step's rule made of its figures: ``通过：需到会≥30人，赞成≥20票``."""
    found = affairs.outcome(step)
    if found is None:
        return ""
    key = "affairs.matter.passed" if found.passed else "affairs.matter.failed"
    return t(key, needed_present=found.needed_present, needed_for=found.needed_for)
