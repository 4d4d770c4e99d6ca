"""The one yes/no question both apps ask: ``push_screen(ConfirmScreen(question), answered)``.

``y`` or enter answers yes (``True``), ``n`` answers no (``False``).  **escape means "not
now"**: the dialog closes without an answer and ``answered`` receives ``None`` (Textual's
``dismiss()`` with no result).  A caller never destroys anything on ``None``: for a plain
question ``if yes:`` is all it takes; a question whose "no" throws something away (drop
the draft?) tells ``False`` from ``None``, so escape always leaves things as they were.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from gridterm.core.i18n import t


class ConfirmScreen(ModalScreen[bool]):
    """``yes``/``no`` name what each answer does ("resume", "discard"); plain yes/no else."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 90%; max-width: 60; height: auto; border: round $accent;
        background: $panel; padding: 0 1;
    }
    ConfirmScreen #confirm-text { width: 100%; }
    ConfirmScreen #confirm-keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "kit.key.yes", id="confirm.yes"),
        Binding("n", "answer(False)", "kit.key.no", id="confirm.no"),
        Binding("escape", "not_now", "kit.key.not_now", id="confirm.not_now"),
    ]

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes_text = yes or t("kit.confirm.yes")
        self.no_text = no or t("kit.confirm.no")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-text", markup=False)
            yield Static(
                t("kit.confirm.keys", yes=self.yes_text, no=self.no_text),
                id="confirm-keys",
                markup=False,
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_not_now(self) -> None:
        self.dismiss()
