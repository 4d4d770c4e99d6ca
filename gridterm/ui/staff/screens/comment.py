"""A comment between staff (the officer's device never sees it): enter sends, escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from gridterm.core.i18n import t


class CommentDialog(ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "staff.key.cancel", id="staff.comment.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("staff.comment.title"), classes="dialog-title", markup=False)
            yield Input(id="cm-text", max_length=2000)
            yield Static("", id="cm-error", classes="error-line", markup=False)
            yield Static(t("staff.comment.keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#cm-text", Input).focus()

    @on(Input.Submitted, "#cm-text")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one("#cm-error", Static).update(t("staff.comment.empty"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
