"""Opening a record from the Outbox or Feedback to correct it, and a visit's own detail.

``open_record(app, record_id)`` opens the screen that edits the record's kind: a household
its form, a case its file, a report the report form in edit mode, a visit
:class:`VisitDetailScreen` (its answers read-only, notes and follow-up date editable).
Each of them shows the township's state and reply at the top, and the service's reason when
the record needs attention; saving makes a new rev, which the sync worker then sends.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from gridterm.core import checklists, model
from gridterm.core.dates import field_text
from gridterm.core.i18n import t
from gridterm.core.record_text import summary
from gridterm.core.usecases.date_checks import not_before, visit_day
from gridterm.ui.kit.dates import DateInput, warnings_of
from gridterm.ui.kit.form import Field
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.widgets.township_state import TownshipState


def open_record(app: Any, record_id: str) -> None:
    """Open ``record_id`` for correction on the screen of its kind."""
    record = app.store.get(record_id)
    if record is None:
        app.notify(t("records.gone"), severity="warning")
        return
    kind = record.get("kind")
    if kind == "household":
        app.action_open("household_form", household_id=record_id)
    elif kind == "case":
        app.action_open("case", case_id=record_id)
    elif kind == "report":
        app.action_open("report", record_id=record_id)
    elif kind == "visit":
        app.action_open("visit_detail", visit_id=record_id)
    else:
        app.notify(t("records.unknown_kind", kind=kind or "-"), severity="warning")


def answer_lines(data: dict, store: Any = None) -> list[str]:
    """``label: answer`` per answered checklist item, labels from the visit's template."""
    templates = checklists.available(store)
    template = checklists.find(
        templates, data.get("template_id", ""), data.get("template_version")
    ) or checklists.find(templates, data.get("template_id", ""))
    answers = data.get("answers") or {}
    flagged = set(data.get("flagged") or [])
    lines = []
    items = {item["key"]: item for item in (template or {}).get("items") or []}
    order = [k for k in items if k in answers] + [k for k in answers if k not in items]
    for key in order:
        value = answers[key]
        if value is None:
            continue
        item = items.get(key)
        if item is not None:
            text = f"{checklists.text(item['label'])}: {checklists.format_answer(item, value)}"
        else:
            text = f"{key}: {value}"
        lines.append(("! " if key in flagged else "  ") + text)
    return lines


def _validator(path: str):
    def check(value: str) -> str | None:
        return model.validate_field("visit", path, value or None) if value else None

    return check


class VisitDetailScreen(GridScreen):
    """One visit: the checklist's answers as recorded, and its notes and follow-up to edit."""

    TITLE_KEY = "records.screen.visit"
    CSS_PATH = "record_detail.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "records.key.save", id="records.visit.save"),
        Binding("escape", "app.back", "records.key.back", id="records.visit.back"),
    ]

    def __init__(self, visit_id: str) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.record: dict = {}

    def compose_body(self) -> ComposeResult:
        self.record = self.app.store.get(self.visit_id) or {"data": {}}
        data = self.record.get("data") or {}
        yield TownshipState(self.record, id="rd-state")
        with VerticalScroll(id="rd-body"):
            yield Static(self._heading(data), id="rd-heading", markup=False)
            yield Static(
                "\n".join(answer_lines(data, self.app.store)) or t("records.visit.no_answers"),
                id="rd-answers",
                markup=False,
            )
            yield Field(
                "notes",
                t("records.visit.notes"),
                str(data.get("notes") or ""),
                validator=_validator("notes"),
            )
            zone = self.app.now().tzinfo
            yield Field(
                "follow_up",
                t("records.visit.follow_up"),
                str(data.get("follow_up") or ""),
                validator=_validator("follow_up"),
                date="date",
                checks=[not_before(visit_day(self.record, zone), "ux.what.visit")],
            )
            yield Static(t("records.save_hint"), id="rd-hint", markup=False)

    def _heading(self, data: dict) -> str:
        households = {}
        home = (
            self.app.store.get(data.get("household_id", "")) if data.get("household_id") else None
        )
        if home:
            households[home["id"]] = home
        line = summary(self.record, households)
        when = field_text(
            data.get("visited_at") or self.record.get("created_at"), self.app.now().tzinfo
        )
        return t("records.visit.heading", what=line, when=when)

    def focus_default(self) -> None:
        self.query_one("#input-notes").focus()

    def refresh_data(self) -> None:
        """What is typed stays; only the township's part follows the store."""
        record = self.app.store.get(self.visit_id)
        if record is not None:
            self.query_one("#rd-state", TownshipState).show(record)

    def action_save(self) -> None:
        fields = list(self.query(Field).results(Field))
        bad = [f for f in fields if f.validate()]
        if bad:
            bad[0].input.focus()
            return
        warnings = warnings_of(list(self.query(DateInput).results(DateInput)))
        data = dict(self.record.get("data") or {})
        for field in fields:
            if field.value:
                data[field.field_name] = field.value
            else:
                data.pop(field.field_name, None)
        try:
            record = self.app.store.update(self.visit_id, data=data)
        except model.ValidationError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.store_changed(record["id"])
        self.app.notify(
            warnings[0] if warnings else t("records.saved"),
            severity="warning" if warnings else "information",
        )
        self.app.pop_screen()
