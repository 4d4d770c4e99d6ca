"""The elder mediators' roster (乡贤, 老党员, 老干部, 老军人, 老教师): people who sit in on
mediation with the parties' consent (People's Mediation Law Art. 20).  They do not use the
app; they are named on cases.

``RosterScreen(pick=False)``: the list; n adds, e (or enter) edits.  With ``pick=True`` enter
chooses the highlighted person and the screen dismisses with them (a case adds them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.visit_kit import (
    Field,
    FormScreen,
    code_options,
    select_field,
    text_field,
)


def mediator_line(mediator: dict) -> str:
    standing = model.label("standing", mediator.get("standing") or "")
    return (
        f"{mediator.get('name', '')} ({standing})"
        if mediator.get("standing")
        else str(mediator.get("name", ""))
    )


class RosterScreen(GridScreen):
    TITLE_KEY = "wf.screen.roster"
    CSS_PATH = "roster.tcss"
    BINDINGS = [
        Binding("n", "new", "wf.key.new_mediator", id="wf.roster.new"),
        Binding("e", "edit", "wf.key.edit", id="wf.roster.edit"),
        Binding("enter", "choose", "wf.key.choose", id="wf.roster.choose"),
        Binding("escape", "back", "wf.key.back", id="wf.roster.back"),
    ]

    def __init__(self, pick: bool = False, exclude: Iterable[str] = ()) -> None:
        super().__init__()
        self.pick = pick
        self.exclude = set(exclude)
        self.people: list[dict] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="roster-body"):
            yield Static(
                t("wf.roster.pick_intro") if self.pick else t("wf.roster.intro"),
                id="roster-intro",
                markup=False,
            )
            yield DataTable(id="roster-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="roster-empty", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            t("wf.roster.name"),
            t("wf.roster.standing"),
            t("wf.roster.village"),
            t("wf.roster.phone"),
        )
        super().on_mount()
        table.focus()

    def refresh_data(self) -> None:
        table = self.query_one(DataTable)
        self.people = [
            m for m in self.app.store.roster.list_mediators() if m.get("id") not in self.exclude
        ]
        table.clear()
        for person in self.people:
            table.add_row(
                person.get("name", ""),
                model.label("standing", person.get("standing") or "")
                if person.get("standing")
                else "",
                person.get("village") or "",
                person.get("phone") or "",
                key=person["id"],
            )
        empty = self.query_one("#roster-empty", Static)
        empty.update("" if self.people else t("wf.roster.empty"))
        empty.display = not self.people

    def current(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.people or table.cursor_row is None or table.cursor_row >= len(self.people):
            return None
        return self.people[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.pick or action != "choose"

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.pick:
            self.action_choose()
        else:
            self.action_edit()

    def action_choose(self) -> None:
        person = self.current()
        if self.pick and person is not None:
            self.dismiss(person)

    def action_new(self) -> None:
        def saved(person: dict | None) -> None:
            self.refresh_data()
            if person and self.pick:
                self.dismiss(person)

        self.app.push_screen(MediatorFormScreen(), saved)

    def action_edit(self) -> None:
        person = self.current()
        if person is not None:
            self.app.push_screen(MediatorFormScreen(person), lambda _p: self.refresh_data())

    def action_back(self) -> None:
        self.dismiss(None)


class MediatorFormScreen(FormScreen):
    """Add or edit one roster person: name, standing, village, phone."""

    TITLE_KEY = "wf.screen.mediator"
    CSS_PATH = "roster.tcss"

    def __init__(self, person: dict | None = None) -> None:
        super().__init__()
        self.person = dict(person or {})

    def fields(self) -> Iterable[Field]:
        p = self.person
        yield text_field("name", t("wf.roster.name"), p.get("name"))
        yield select_field(
            "standing", t("wf.roster.standing"), code_options("standing"), p.get("standing")
        )
        yield text_field("village", t("wf.roster.village"), p.get("village"))
        yield text_field("phone", t("wf.roster.phone"), p.get("phone"))

    def check_one(self, path: str, value: Any) -> str | None:
        if path == "name":
            if not value:
                return t("wf.error.required", field=t("wf.roster.name"))
            if len(value) > model.NAME_MAX:
                return t("wf.error.too_long", field=t("wf.roster.name"), max=model.NAME_MAX)
        if path == "standing" and not value:
            return t("wf.error.required", field=t("wf.roster.standing"))
        if path == "village" and value and len(value) > model.NAME_MAX:
            return t("wf.error.too_long", field=t("wf.roster.village"), max=model.NAME_MAX)
        if path == "phone" and value:
            try:
                model.check_phone(value)
            except model.ValidationError as exc:
                return exc.errors[0].message()
        return None

    def save(self, values: dict[str, Any]) -> None:
        person = {**self.person, **{k: v for k, v in values.items()}}
        if person.get("phone"):
            person["phone"] = model.check_phone(person["phone"])
        saved = self.app.store.roster.save_mediator(person)
        self.app.notify(t("wf.roster.saved", name=saved["name"]))
        self.dismiss(saved)
