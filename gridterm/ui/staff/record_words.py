"""What a record's data fields are called and how their values read in the staff console's
detail and rev diff, beyond the generic field labels: a visit's checklist answers under the
item's label (options and yes/no worded, flagged answers marked), the checklist's title
instead of its id, and the household or linked record instead of a bare id.

No Textual: the detail screen builds a :class:`Words` for the record it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gridterm.core import checklists
from gridterm.core.i18n import t

# Data fields holding another record's id: (path in the data, the kind it points at).
REFERENCES = {
    "household_id": "household",
    "links.visit": "visit",
    "links.case": "case",
}
_INDEX = re.compile(r"\[\d+\]$")
# A case's fields that hold codes or lists a person should not read raw.
_PARTY_ROLE = re.compile(r"^parties\[\d+\]\.role$")
_MEDIATOR_ID = re.compile(r"^(mediators\[(\d+)\])\.id$")
_PRESENT = re.compile(r"^sessions\[\d+\]\.present(\[\d+\])?$")


def referenced_ids(record: dict) -> list[str]:
    """The ids of the records this one points at (its household, its linked visit or case)."""
    data = record.get("data") or {}
    out = []
    for path in REFERENCES:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str) and value and value not in out:
            out.append(value)
    return out


def visit_template(data: dict) -> dict | None:
    """The built-in checklist a visit was filled in on: its exact version, else the newest
    built-in of that id (item keys carry over between versions); ``None`` when the township
    published it and the console has never seen it."""
    tid = data.get("template_id")
    if not isinstance(tid, str) or not tid:
        return None
    templates = checklists.builtin_templates()
    version = data.get("template_version")
    return checklists.find(templates, tid, version if isinstance(version, int) else None) or (
        checklists.find(templates, tid)
    )


@dataclass
class Words:
    """Naming for one record's data; ``linked`` maps ids to the records the console fetched."""

    record: dict = field(default_factory=dict)
    linked: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = self.record.get("data") or {}
        self.is_visit = self.record.get("kind") == "visit"
        self.template = visit_template(data) if self.is_visit else None
        self.items = {i["key"]: i for i in (self.template or {}).get("items", [])}
        flagged = data.get("flagged") if self.is_visit else None
        self.flagged = {k for k in flagged or [] if isinstance(k, str)}
        self.is_case = self.record.get("kind") == "case"

    # -- field names ------------------------------------------------------------------------
    def answer_key(self, path: str) -> str | None:
        """``dispute_signs`` for ``answers.dispute_signs`` in a visit, else ``None``."""
        if not self.is_visit or not path.startswith("answers."):
            return None
        return path[len("answers.") :]

    def field_name(self, path: str) -> str | None:
        """The item's label for a visit answer (the key when the checklist is unknown);
        ``None``: the generic field label applies."""
        if path.startswith("links.") and path in REFERENCES:
            return t(f"model.field.{path}")  # "关联走访", not "关联的关联走访"
        mediator = _MEDIATOR_ID.match(path) if self.is_case else None
        if mediator:
            from gridterm.core.model import field_label

            return field_label(mediator.group(1))  # "调解员2", not "调解员2的调解员编号"
        key = self.answer_key(path)
        if key is None:
            return None
        item = self.items.get(key)
        return checklists.text(item["label"]) if item else key

    # -- values -----------------------------------------------------------------------------
    def value(self, path: str, value: Any) -> str | None:
        """The value as a person reads it, or ``None``: the generic wording applies."""
        if self.is_case:
            return self.case_value(path, value)
        key = self.answer_key(path)
        if key is not None:
            item = self.items.get(key)
            if item is None:
                return None
            if item["type"] == "yes_no" and isinstance(value, bool):
                return t("staff.yes") if value else t("staff.no")
            if item["type"] == "choice":
                return checklists.option_label(item, value)
            return None
        if not self.is_visit and _INDEX.sub("", path) not in REFERENCES:
            return None
        if self.is_visit and path == "template_id" and isinstance(value, str):
            return checklists.text(self.template["title"]) if self.template else value
        if self.is_visit and _INDEX.sub("", path) == "flagged":
            keys = value if isinstance(value, list) else [value]
            if all(isinstance(k, str) for k in keys):
                return t("staff.list_sep").join(self._item_label(k) for k in keys)
            return None
        if path in REFERENCES and isinstance(value, str):
            return self.reference(value)
        return None

    def case_value(self, path: str, value: Any) -> str | None:
        """A party's role in words, a mediator by name, the people present as names."""
        from gridterm.ui.staff.case_file import mediator_text, names, role_word

        if _PARTY_ROLE.match(path):
            return role_word(value)
        mediator = _MEDIATOR_ID.match(path)
        if mediator:
            entries = (self.record.get("data") or {}).get("mediators") or []
            index = int(mediator.group(2))
            entry = entries[index] if index < len(entries) else None
            return mediator_text(entry) or t("casefile.not_on_roster")
        if _PRESENT.match(path):
            return names(value)
        return None

    def flag(self, path: str, value: Any) -> bool:
        """Whether this visit answer needs follow-up (the officer's flag or the checklist's)."""
        key = self.answer_key(path)
        if key is None:
            return False
        item = self.items.get(key)
        return key in self.flagged or (item is not None and checklists.is_flagged(item, value))

    def _item_label(self, key: str) -> str:
        item = self.items.get(key)
        return checklists.text(item["label"]) if item else key

    def reference(self, rid: str) -> str:
        """``张伟 · 东河村3组12号`` for a household the console could read, the linked record's
        one-line topic for a visit or case; the id itself when it could not be read."""
        other = self.linked.get(rid)
        if not other:
            return rid
        if other.get("kind") == "household":
            from gridterm.core.record_text import address

            data = other.get("data") or {}
            shown = " · ".join(x for x in (data.get("head") or "", address(data)) if x)
            return shown or rid
        from gridterm.ui.staff import text

        shown = text.topic(other)
        when = other.get("created_at") or other.get("received_at")
        day = str(when)[:10] if when else ""
        return " · ".join(x for x in (shown, day) if x) or rid
