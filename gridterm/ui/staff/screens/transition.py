"""The transition dialog: the moves the service allows, a reason, feedback, a public reply.

``TransitionDialog(states, title=…)`` answers ``{"to", "reason", "feedback", "public_reply"}``
(empty fields left out) or ``None``.  With no states it writes feedback and a public reply
only (at least one).  ``returned`` and ``extended`` need a reason (workflow.REASON_REQUIRED).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core import workflow
from gridterm.core.i18n import t
from gridterm.ui.staff import text


class TransitionDialog(ModalScreen[dict | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("ctrl+s", "submit", "staff.key.send", id="staff.dialog.send", priority=True),
        Binding("escape", "cancel", "staff.key.cancel", id="staff.dialog.cancel"),
    ]

    def __init__(
        self, states: list[str], *, title: str, feedback: str = "", public_reply: str = ""
    ) -> None:
        super().__init__()
        self.states = list(states)
        self.title_text = title
        self.initial = {"feedback": feedback, "public_reply": public_reply}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.states:
                yield OptionList(
                    *(Option(text.status_text(s), id=s) for s in self.states),
                    id="tr-to",
                    compact=True,
                )
                yield Static(t("staff.transition.reason"), classes="field-label")
                yield Input(id="tr-reason")
            yield Static(t("staff.transition.feedback"), classes="field-label")
            yield Input(self.initial["feedback"], id="tr-feedback")
            yield Static(t("staff.transition.public_reply"), classes="field-label")
            yield Input(self.initial["public_reply"], id="tr-reply")
            yield Static("", id="tr-error", classes="error-line", markup=False)
            yield Static(t("staff.dialog.keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        if self.states:
            options = self.query_one("#tr-to", OptionList)
            options.highlighted = 0
            options.focus()
        else:
            self.query_one("#tr-feedback", Input).focus()

    @on(OptionList.OptionSelected, "#tr-to")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#tr-reason", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def chosen(self) -> str | None:
        if not self.states:
            return None
        options = self.query_one("#tr-to", OptionList)
        index = options.highlighted
        return self.states[index] if index is not None else None

    def show_error(self, message: str) -> None:
        self.query_one("#tr-error", Static).update(message)

    def action_submit(self) -> None:
        feedback = self.query_one("#tr-feedback", Input).value.strip()
        reply = self.query_one("#tr-reply", Input).value.strip()
        if not self.states:
            if not feedback and not reply:
                self.show_error(t("staff.reply.empty"))
                self.query_one("#tr-feedback", Input).focus()
                return
            self.dismiss({"feedback": feedback or None, "public_reply": reply or None})
            return
        to = self.chosen()
        if to is None:
            self.show_error(t("staff.transition.choose"))
            return
        reason = self.query_one("#tr-reason", Input).value.strip()
        if to in workflow.REASON_REQUIRED and not reason:
            self.show_error(t("staff.transition.reason_required", status=text.status_text(to)))
            self.query_one("#tr-reason", Input).focus()
            return
        self.dismiss(
            {
                "to": to,
                "reason": reason or None,
                "feedback": feedback or None,
                "public_reply": reply or None,
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
