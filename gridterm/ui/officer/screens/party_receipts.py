"""A case's parties and their receipts, to pick one: each party keeps its own paper.

``PartyReceiptsScreen(case)`` lists every party with its receipt number (or that it has none
yet); enter shows the chosen party's receipt — to show or print it again — or offers to issue
one.  The case screen opens it with ``t`` once every party has a receipt.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from gridterm.core.i18n import t
from gridterm.core.receipts import display_number
from gridterm.core.usecases.receipts import PartyReceipt, party_receipts
from gridterm.ui.kit.footer import AppFooter


def party_line(party: PartyReceipt) -> str:
    """``1. 王大明 申请人 · 4X6YN-VYFZP-Y`` or ``2. 李小花 · 未开回执``."""
    role = t(f"wf.case.role.{party.role}") if party.role else ""
    who = " ".join(x for x in (f"{party.index + 1}.", party.name, role) if x)
    if party.receipt is None:
        return t("ux.case.party_no_receipt", who=who)
    return t("ux.case.party_receipt", who=who, number=display_number(party.receipt["number"]))


class PartyReceiptsScreen(ModalScreen[int | None]):
    """Dismisses with the chosen party's index, or None."""

    DEFAULT_CSS = """
    PartyReceiptsScreen { align: center middle; }
    PartyReceiptsScreen > Vertical {
        width: 100%; max-width: 64; height: auto; max-height: 100%;
        border: round $accent; background: $panel;
    }
    PartyReceiptsScreen #pr-title { text-style: bold; padding: 0 1; }
    PartyReceiptsScreen #pr-list { height: auto; max-height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "wf.key.back", id="party_receipts.back")]

    def __init__(self, case: dict) -> None:
        super().__init__()
        self.parties = party_receipts(case)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("ux.case.pick_party"), id="pr-title", markup=False)
            yield OptionList(
                *[Option(Content(party_line(p)), id=str(p.index)) for p in self.parties],
                id="pr-list",
                compact=True,
            )
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.parties[event.option_index].index)
