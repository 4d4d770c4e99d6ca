"""Form fields with their validation message right under them, and a yes/no confirmation."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from gridterm.i18n import t


class Field(Vertical):
    """A label, a compact input and the field's error (hidden while there is none).

    ``validator(value) -> message | None`` runs as the user types and on ``validate()``.
    """

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 1; }
    Field .field-label { color: $text-muted; }
    Field .field-error { color: $error; display: none; }
    Field.-invalid .field-error { display: block; }
    Field.-invalid Input { border-left: thick $error; }
    """

    def __init__(
        self,
        name: str,
        label: str,
        value: str = "",
        *,
        validator=None,
        placeholder: str = "",
        required: bool = False,
        max_length: int = 0,
    ) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.label = label + (" *" if required else "")
        self.initial = value
        self.validator = validator
        self.placeholder = placeholder
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="field-label", markup=False)
        yield Input(
            self.initial,
            placeholder=self.placeholder,
            compact=True,
            id=f"input-{self.field_name}",
            max_length=self.max_length,
        )
        yield Static("", classes="field-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value.strip()

    @property
    def error(self) -> str:
        return (
            str(self.query_one(".field-error", Static).content)
            if self.has_class("-invalid")
            else ""
        )

    def show_error(self, message: str | None) -> None:
        self.query_one(".field-error", Static).update(message or "")
        self.set_class(bool(message), "-invalid")

    def validate(self) -> str | None:
        message = self.validator(self.value) if self.validator else None
        self.show_error(message)
        return message

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # Re-check as the user types only once the field has been marked wrong, so a
        # half-typed ID number is not called wrong before it is finished.
        if self.has_class("-invalid"):
            self.validate()

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        if self.value:
            self.validate()


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: ``y`` or enter says yes, ``n`` or escape says no."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 44; max-width: 100%; height: auto;
        border: round $warning; background: $surface; padding: 0 1;
    }
    ConfirmScreen .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "tui.key.yes", id="confirm.yes"),
        Binding("enter", "answer(True)", "tui.key.yes", id="confirm.enter", show=False),
        Binding("n", "answer(False)", "tui.key.no", id="confirm.no"),
        Binding("escape", "answer(False)", "tui.key.no", id="confirm.escape", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            yield Static(t("tui.confirm.hint"), classes="hint", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
