"""Enrolling a member of a village's supervision committee (村务监督委员会): the village
as the notices write it, the member's name, a phone (optional).  ctrl+s sends (enter moves
to the next field, and sends from the last), escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from gridterm.core.i18n import t

FIELDS = (("village", 200), ("name", 200), ("phone", 32))


class EnrolDialog(ModalScreen[dict | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", "staff.key.send", id="board.enrol.send", priority=True),
        Binding("escape", "cancel", "staff.key.cancel", id="board.enrol.cancel"),
    ]

    def __init__(self, village: str = "") -> None:
        super().__init__()
        self.village = village

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("board.console.enrol_title"), classes="dialog-title", markup=False)
            for name, longest in FIELDS:
                yield Static(t(f"board.console.enrol_{name}"), classes="field-label")
                value = self.village if name == "village" else ""
                yield Input(value, id=f"en-{name}", max_length=longest)
            yield Static("", id="en-error", classes="error-line", markup=False)
            yield Static(t("board.console.enrol_keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#en-name" if self.village else "#en-village", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "en-phone":
            self.action_submit()
        else:
            self.focus_next()

    def value(self, name: str) -> str:
        return self.query_one(f"#en-{name}", Input).value.strip()

    def action_submit(self) -> None:
        for name in ("village", "name"):
            if not self.value(name):
                self.query_one("#en-error", Static).update(t(f"board.console.enrol_no_{name}"))
                self.query_one(f"#en-{name}", Input).focus()
                return
        self.dismiss({name: self.value(name) for name, _ in FIELDS})

    def action_cancel(self) -> None:
        self.dismiss(None)
