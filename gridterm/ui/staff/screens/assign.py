"""Whom to assign to: the township's departments and named people, one picked with the
arrows and enter (escape: not now).  ``AssignDialog(entries)`` answers the entry's id or None.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core.i18n import t


def entry_text(entry: dict) -> str:
    """``镇城建办`` for a department, ``王主任（人员）`` for a person."""
    if entry.get("kind") == "person":
        return t("assign.person", name=entry["name"])
    return entry["name"]


class AssignDialog(ModalScreen[str | None]):
    CSS_PATH = ["dialogs.tcss", "assign.tcss"]
    BINDINGS = [Binding("escape", "cancel", "staff.key.cancel", id="staff.assign.cancel")]

    def __init__(self, entries: list[dict], *, title: str | None = None) -> None:
        super().__init__()
        self.entries = list(entries)
        self.title_text = title or t("assign.title")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(
                *(Option(entry_text(e), id=e["id"]) for e in self.entries),
                id="as-to",
                compact=True,
            )
            yield Static(t("assign.keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#as-to", OptionList)
        options.highlighted = 0
        options.focus()

    def chosen(self) -> str | None:
        index = self.query_one("#as-to", OptionList).highlighted
        return self.entries[index]["id"] if index is not None else None

    @on(OptionList.OptionSelected, "#as-to")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_assignee(app, choice: dict, then) -> None:
    """A move to ``assigned`` names whom, picked from the township's list (when it keeps
    one); ``then(choice)`` sends the move, with ``assignee`` when one was picked.  The
    county's move to ``county_assigned`` must name one of the county's departments
    (``department``)."""
    if choice.get("to") == "county_assigned":
        if not app.departments:
            app.notify(t("countyview.department.none"), severity="warning", timeout=8)
            return
        app.push_screen(
            AssignDialog(app.departments, title=t("countyview.department.title")),
            lambda picked: picked and then({**choice, "department": picked}),
        )
        return
    if choice.get("to") != "assigned" or not app.departments:
        then(choice)
        return
    app.push_screen(
        AssignDialog(app.departments),
        lambda picked: picked and then({**choice, "assignee": picked}),
    )
