"""One line of text asked for under a title (a question's answer, the reason to set one
aside): enter or ctrl+s sends, escape cancels; empty text is refused in place."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from gridterm.core.i18n import t


class TextDialog(ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", "staff.key.send", id="board.dialog.send", priority=True),
        Binding("escape", "cancel", "staff.key.cancel", id="board.dialog.cancel"),
    ]

    def __init__(self, title: str, *, context: str = "", max_length: int = 2000) -> None:
        super().__init__()
        self.title_text = title
        self.context = context
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.context:
                yield Static(self.context, classes="field-label context", markup=False)
            yield Input(id="td-text", max_length=self.max_length)
            yield Static("", id="td-error", classes="error-line", markup=False)
            yield Static(t("board.console.dialog_keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#td-text", Input).focus()

    @on(Input.Submitted, "#td-text")
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        value = self.query_one("#td-text", Input).value.strip()
        if not value:
            self.query_one("#td-error", Static).update(t("board.console.empty"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
