"""The county level's dialogs: a tier set by hand (with its reason), a supervision (督办:
a deadline and a note) and a period of two typed days for the county's figures.

Each answers a dict, or None for escape ("not now"); ctrl+s or enter on the last field
sends.  Dates are typed as the officer's app takes them (``12-15``, ``12月15日``, ``明天``:
``gridterm.ui.kit.dates.DateInput``).
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core.i18n import t
from gridterm.ui.kit.dates import DateInput
from gridterm.ui.staff.tiers import TIERS, tier_word

NOTE_MAX = 500
REASON_MAX = 500


class CountyDialog(ModalScreen[dict | None]):
    """What the three share: the frame, the error line, ctrl+s and escape."""

    CSS_PATH = "dialogs.tcss"
    DEFAULT_CSS = """
    TierDialog, SuperviseDialog, PeriodDialog { align: center middle; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", "staff.key.send", id="countyview.dialog.send", priority=True),
        Binding("escape", "cancel", "staff.key.cancel", id="countyview.dialog.cancel"),
    ]

    def show_error(self, message: str) -> None:
        self.query_one(".error-line", Static).update(message)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def action_submit(self) -> None:  # each dialog says what it sends
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class TierDialog(CountyDialog):
    """Set the tier by hand: ``{"tier", "reason"}``; the reason is required."""

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("countyview.tier_dialog.title"), classes="dialog-title", markup=False)
            yield OptionList(
                *(Option(tier_word(tier), id=tier) for tier in TIERS), id="td-tier", compact=True
            )
            yield Static(t("countyview.tier_dialog.reason"), classes="field-label")
            yield Input(id="td-reason", max_length=REASON_MAX)
            yield Static("", classes="error-line", markup=False)
            yield Static(t("staff.dialog.keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#td-tier", OptionList)
        options.highlighted = TIERS.index(self.current) if self.current in TIERS else 0
        options.focus()

    @on(OptionList.OptionSelected, "#td-tier")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#td-reason", Input).focus()

    def action_submit(self) -> None:
        index = self.query_one("#td-tier", OptionList).highlighted
        reason = self.query_one("#td-reason", Input).value.strip()
        if index is None:
            self.show_error(t("countyview.tier_dialog.choose"))
            return
        if not reason:
            self.show_error(t("countyview.tier_dialog.reason_required"))
            self.query_one("#td-reason", Input).focus()
            return
        self.dismiss({"tier": TIERS[index], "reason": reason})


class SuperviseDialog(CountyDialog):
    """督办: ``{"deadline": "YYYY-MM-DD", "note"}``; the deadline is required, today or later."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("countyview.supervise.title"), classes="dialog-title", markup=False)
            yield Static(t("countyview.supervise.deadline"), classes="field-label")
            yield DateInput(input_id="sv-deadline", placeholder=t("countyview.date_hint"))
            yield Static(t("countyview.supervise.note"), classes="field-label")
            yield Input(id="sv-note", max_length=NOTE_MAX)
            yield Static("", classes="error-line", markup=False)
            yield Static(t("staff.dialog.keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(DateInput).focus()

    def action_submit(self) -> None:
        box = self.query_one(DateInput)
        problem = box.problem
        deadline = box.value
        if problem or not deadline:
            self.show_error(problem or t("countyview.supervise.deadline_required"))
            box.focus()
            return
        if date.fromisoformat(deadline[:10]) < self.app.now().date():
            self.show_error(t("countyview.supervise.deadline_past"))
            box.focus()
            return
        note = self.query_one("#sv-note", Input).value.strip()
        self.dismiss({"deadline": deadline[:10], "note": note or None})


class PeriodDialog(CountyDialog):
    """Two typed days (either order): ``{"start": date, "end": date}``."""

    def __init__(self, start: date, end: date) -> None:
        super().__init__()
        self.start = start
        self.end = end

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("countyview.period_dialog.title"), classes="dialog-title")
            yield Static(t("countyview.period_dialog.from"), classes="field-label")
            yield DateInput(self.start.isoformat(), input_id="pd-from", id="pd-from-box")
            yield Static(t("countyview.period_dialog.to"), classes="field-label")
            yield DateInput(self.end.isoformat(), input_id="pd-to", id="pd-to-box")
            yield Static("", classes="error-line", markup=False)
            yield Static(t("staff.dialog.keys"), classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#pd-from-box", DateInput).focus()

    def action_submit(self) -> None:
        days = []
        for box_id in ("#pd-from-box", "#pd-to-box"):
            box = self.query_one(box_id, DateInput)
            if box.problem or not box.value:
                self.show_error(box.problem or t("countyview.period_dialog.both"))
                box.focus()
                return
            days.append(date.fromisoformat(box.value[:10]))
        if max(days) > self.app.now().date():
            self.show_error(t("countyview.period_dialog.future"))
            return
        self.dismiss({"start": min(days), "end": max(days)})
