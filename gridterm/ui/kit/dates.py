"""The one date/time input of both apps: what is typed, and beside it what was understood.

``DateInput(value, kind="date"|"moment")`` takes what people type (``12-15``, ``12月15日``,
``明天``, ``下午2点半``; ``gridterm.core.dates`` reads it) and says back the day in words,
the time and how far from today — or why it cannot read it, or a warning when the date is
possible but probably wrong (``checks``).  A stored value fills it on the township's clock
(``2026-11-30 05:28``, never ``2026-11-29T21:28:53+00:00``); ``value`` is what to store
(``2026-12-15`` or ``2026-12-15T14:30:00+08:00``), or the text as typed while it cannot be
read, so that a form's own check refuses it.

The clock is the app's (``app.now()``, aware, on the township's zone), so a test's fixed
clock fixes what "tomorrow" means.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from gridterm.core import dates, model
from gridterm.core.dates import plausible
from gridterm.ui.kit.times import local_now

Check = Callable[[dates.Understood], "str | None"]


def _is_stored_form(text: str) -> bool:
    """``2026-12-15`` or an ISO 8601 time with its offset: what a record holds."""
    for parse in (model.parse_date, model.parse_datetime):
        try:
            parse(text)
        except ValueError:
            continue
        return True
    return False


class DateInput(Horizontal):
    """An input for a date (``kind="date"``) or a date with an optional time ("moment")."""

    # Not scoped: the narrow layout is chosen by the screen's width class.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    DateInput { height: auto; width: 1fr; }
    DateInput > Input.date-text { width: 1fr; min-width: 12; background: $boost; }
    DateInput > .date-said { width: auto; max-width: 60%; color: $text-muted; padding: 0 0 0 1; }
    DateInput > .date-said.-warn { color: $warning; text-style: bold; }
    Screen.-narrow DateInput { layout: vertical; }
    Screen.-narrow DateInput > .date-said { width: 1fr; max-width: 100%; padding: 0; }
    """

    def __init__(
        self,
        value: str | None = "",
        *,
        kind: str = "date",
        input_id: str | None = None,
        placeholder: str = "",
        checks: Sequence[Check] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        if kind not in dates.KINDS:
            raise ValueError(kind)
        self.kind = kind
        self.initial_stored = str(value or "")
        self.input_id = input_id
        self.placeholder = placeholder
        self.checks = list(checks)
        self.initial_text = ""

    def compose(self) -> ComposeResult:
        self.initial_text = dates.field_text(self.initial_stored, self.now().tzinfo)
        yield Input(
            self.initial_text,
            placeholder=self.placeholder,
            compact=True,
            id=self.input_id,
            classes="date-text",
        )
        yield Static("", classes="date-said", markup=False)

    def on_mount(self) -> None:
        self.show()

    # -- reading -----------------------------------------------------------------------------
    def now(self) -> datetime:
        clock = getattr(self.app, "now", None)
        moment = clock() if callable(clock) else local_now()
        return moment if moment.tzinfo is not None else moment.astimezone()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        return self.input.value.strip()

    def understood(self) -> dates.Understood | None:
        """What the text means (None for nothing typed); raises DateTextError."""
        return dates.understand(self.text, self.now(), self.kind)

    @property
    def problem(self) -> str | None:
        """Why the text cannot be read, or None."""
        try:
            self.understood()
        except dates.DateTextError as exc:
            return str(exc)
        return None

    @property
    def warning(self) -> str | None:
        """The first warning for a readable date (before its visit, far from today …)."""
        try:
            found = self.understood()
        except dates.DateTextError:
            return None
        if found is None:
            return None
        for check in [*self.checks, self._far]:
            said = check(found)
            if said:
                return said
        return None

    def _far(self, found: dates.Understood) -> str | None:
        return plausible.far_away(found.day, self.now().date())

    @property
    def value(self) -> str:
        """What to store; the text as typed while it cannot be read; "" for nothing."""
        if self.text == self.initial_text and _is_stored_form(self.initial_stored):
            return self.initial_stored  # untouched: kept exactly as stored
        try:
            found = self.understood()
        except dates.DateTextError:
            return self.text
        return found.stored() if found is not None else ""

    # -- showing -----------------------------------------------------------------------------
    def show(self) -> None:
        """Say what was understood beside the field, with a warning when there is one.  Why
        a text cannot be read is the host's to say (under the field, with the other errors)."""
        said = self.query_one(".date-said", Static)
        try:
            found = self.understood()
        except dates.DateTextError:
            found = None
        if found is None:
            said.update("")
            said.remove_class("-warn")
            return
        warning = self.warning
        text = dates.understood_text(found, self.now().date())
        said.update(f"{text} {warning}" if warning else text)
        said.set_class(bool(warning), "-warn")
        if self.input.has_focus:
            # What it understood is read while typing: keep it in sight (below the field on
            # a narrow screen, where a scrolled form could hide it).
            self.call_after_refresh(self.scroll_visible, animate=False)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self.show()

    def focus(self, scroll_visible: bool = True) -> DateInput:
        self.input.focus(scroll_visible)
        return self


def warnings_of(boxes: Sequence[DateInput]) -> list[str]:
    """The warnings of these inputs, to say once more when the form is saved (a warning
    never refuses a date: a follow-up may really be backdated)."""
    return [warning for box in boxes if (warning := box.warning)]
