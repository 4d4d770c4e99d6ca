"""Form fields with their validation message right under them, and tags to tick.

The yes/no question is ``gridterm.ui.kit.confirm.ConfirmScreen``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core.i18n import t
from gridterm.ui.kit.dates import Check, DateInput


class Field(Vertical):
    """A label, a compact input and the field's error (hidden while there is none).

    ``validator(value) -> message | None`` runs as the user types and on ``validate()``.
    ``date="date"|"moment"`` makes it the one date input (``gridterm.ui.kit.dates``): ``value``
    is then what to store, and text that reads as no date is the field's error.
    """

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 1; }
    Field > Horizontal { height: auto; }
    Field .field-label { width: 14; color: $text-muted; }
    Field Input { width: 1fr; background: $boost; }
    Field DateInput { width: 1fr; }
    Field .field-error { color: $error; display: none; padding-left: 2; }
    Field.-invalid .field-error { display: block; }
    Field.-invalid .field-label { color: $error; text-style: bold; }
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
        date: str | None = None,
        checks: Sequence[Check] = (),
    ) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.label = label + (" *" if required else "")
        self.initial = value
        self.validator = validator
        self.placeholder = placeholder
        self.max_length = max_length
        self.date_kind = date
        self.checks = list(checks)

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static(self.label, classes="field-label", markup=False)
            if self.date_kind:
                yield DateInput(
                    self.initial,
                    kind=self.date_kind,
                    input_id=f"input-{self.field_name}",
                    placeholder=self.placeholder or t(f"ux.date.hint.{self.date_kind}"),
                    checks=self.checks,
                )
            else:
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
        if self.date_kind:
            return self.query_one(DateInput).value
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
        message = self.query_one(DateInput).problem if self.date_kind else None
        if message is None and self.validator:
            message = self.validator(self.value)
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


class TickBox(Checkbox):
    """A checkbox that reads ``[x]`` ticked and ``[ ]`` not, in its characters: Textual's
    own draws the same ``X`` both ways and tells them apart by colour alone, which NO_COLOR,
    16 colours and ``TERM=linux`` lose."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    def render(self) -> Content:
        self.BUTTON_INNER = "x" if self.value else " "
        return super().render()


class TagPicker(OptionList):
    """Tags to tick: ``[x] 独居老人`` / ``[ ] 留守儿童`` (readable without colour).

    enter or space ticks the highlighted tag.  ``choices`` is [(code, label)].
    """

    DEFAULT_CSS = """
    TagPicker { height: auto; max-height: 10; margin: 0 1; }
    """
    BINDINGS = [Binding("space", "toggle", "tui.key.tick", id="tags.toggle")]

    @dataclass
    class Changed(Message):
        picker: TagPicker

    def __init__(self, choices: list[tuple[str, str]], selected: list[str], id: str) -> None:
        self.choices = choices
        self._selected = {code for code, _ in choices} & set(selected)
        super().__init__(*[self._option(code, text) for code, text in choices], id=id, compact=True)

    def _option(self, code: str, text: str) -> Option:
        mark = "[x]" if code in self._selected else "[ ]"
        # Content, not a str: a str prompt is read as markup, and "[x]" is a style tag there
        # (a ticked tag showed as blank).
        return Option(Content(f"{mark} {text}"), id=code)

    @property
    def selected(self) -> list[str]:
        return [code for code, _ in self.choices if code in self._selected]

    def toggle(self, code: str) -> None:
        self._selected.symmetric_difference_update({code})
        index = next(i for i, (c, _) in enumerate(self.choices) if c == code)
        self.replace_option_prompt_at_index(index, self._option(*self.choices[index]).prompt)
        self.post_message(self.Changed(self))

    def action_toggle(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.choices[self.highlighted][0])

    @on(OptionList.OptionSelected)
    def _selected_by_enter(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.toggle(self.choices[event.option_index][0])
