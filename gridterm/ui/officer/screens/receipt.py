"""The receipt screen: the QR code large and scannable, the number beneath, the masked text.

Opened with ``self.app.push_screen(ReceiptScreen(record, receipt))``.  Keys: ``p`` prints to
the printer chosen in Settings (meta ``printer``; with none set it says where to set one),
``s`` saves SVG and PNG files into the data folder's ``receipts/`` and shows where,
``escape`` goes back.  The code with its quiet zone and the number beneath fit a 50×25
terminal; on a smaller one (Termux at 40×20) the code is drawn with less error correction,
so fewer modules, and the number still shows beneath it; on wide screens the receipt text
sits beside the code and, when there is room, the number is drawn three rows tall.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from gridterm.core.i18n import t
from gridterm.core.receipts.render import SCREEN_QUIET, Printable, QRSymbol, make_qr, printable_for
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.receipt_output import (
    done_text,
    failed_text,
    print_receipt,
    save_receipt,
)
from gridterm.ui.officer.widgets.qr import QRView, big_text, big_width


def spaced(number: str) -> str:
    return " ".join(number)


def screen_rows(symbol: QRSymbol, quiet: int = SCREEN_QUIET) -> int:
    """Terminal rows the code takes with its quiet zone (two modules a row)."""
    return (symbol.size + 2 * quiet + 1) // 2


def screen_cols(symbol: QRSymbol, quiet: int = SCREEN_QUIET) -> int:
    return symbol.size + 2 * quiet


def symbol_to_fit(
    payload: str, first: QRSymbol, width: int, rows: int
) -> tuple[QRSymbol, int, bool]:
    """The code to draw in ``width`` × ``rows``: (symbol, quiet modules, a line left for the
    number beneath).  In order: ``first`` with the number beneath; the same payload in fewer
    modules (error correction L: a screen is not a crumpled paper); without the line for the
    number (it goes into the header); with a one-module margin.  Else the smallest."""
    smaller = make_qr(payload, max_version=1)
    symbols = [first] if smaller.version >= first.version else [first, smaller]
    options = [(symbol, SCREEN_QUIET, True) for symbol in symbols]
    options += [(symbols[-1], SCREEN_QUIET, False), (symbols[-1], 1, False)]
    for symbol, quiet, number_line in options:
        needed = screen_rows(symbol, quiet) + (1 if number_line else 0)
        if screen_cols(symbol, quiet) <= width and needed <= rows:
            return symbol, quiet, number_line
    return symbols[-1], 1, False


class ReceiptScreen(GridScreen):
    TITLE_KEY = "receipts.screen.title"
    CSS_PATH = "receipt.tcss"
    BINDINGS = [
        Binding("p", "print_receipt", "receipts.screen.print", id="receipt.print"),
        Binding("s", "save_receipt", "receipts.screen.save", id="receipt.save"),
        # Dismiss rather than pop, so a caller's push_screen(…, callback) hears about it.
        Binding("escape", "close", "receipts.screen.back", id="receipt.back"),
    ]

    def __init__(self, record: dict, receipt: dict) -> None:
        super().__init__()
        self.record = record
        self.receipt = receipt
        self.printable: Printable | None = None
        self.full_symbol: QRSymbol | None = None
        self.saved: tuple[Path, Path] | None = None
        self.worker: Worker | None = None  # the last print or save, for tests to await

    def _build(self) -> Printable:
        household = None
        if self.record.get("kind") == "visit":
            household_id = (self.record.get("data") or {}).get("household_id")
            household = self.app.store.get(household_id) if household_id else None
        return printable_for(
            self.record, self.receipt, self.app.enrollment, household, zone=self.app.zone
        )

    def compose_body(self) -> ComposeResult:
        self.printable = self._build()
        symbol = self.full_symbol = self.printable.symbol(screen=True)
        with VerticalScroll(id="receipt-body"):
            with Horizontal(id="receipt-main"):
                with Vertical(id="receipt-left"):
                    if symbol is not None:
                        yield QRView(symbol, id="receipt-qr")
                    else:
                        yield Static(t("receipts.screen.no_qr"), id="receipt-no-qr")
                    yield Static(spaced(self.printable.number), id="receipt-number", markup=False)
                with Vertical(id="receipt-side"):
                    yield Static(
                        "\n".join(self.printable.lines[1:]), id="receipt-text", markup=False
                    )
                    yield Static("", id="receipt-saved", markup=False)
            yield Static("\n".join(big_text(self.printable.number)), id="receipt-big", markup=False)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def on_mount(self) -> None:
        super().on_mount()
        self._fit(self.size.width, self.size.height)

    def _fit(self, width: int, height: int) -> None:
        """The largest code that leaves a line for the number; the number three rows tall
        beneath it when there is room for both, else one row; on a screen too small for even
        that (40×20), the number in the header line."""
        body_rows = height - 2  # header and footer
        qr_rows, number_line = 0, True
        for qr in self.query(QRView):
            if self.full_symbol is not None and self.printable and self.printable.payload:
                symbol, quiet, number_line = symbol_to_fit(
                    self.printable.payload, self.full_symbol, width, body_rows
                )
                if symbol is not qr.symbol or quiet != qr.quiet:
                    qr.set_symbol(symbol, quiet)
            qr_rows = len(qr.rows)
        big = width >= big_width(self.printable.number) + 2 and qr_rows + 3 <= body_rows
        self.query_one("#receipt-big").display = big
        self.query_one("#receipt-number").display = number_line and not big
        if number_line:
            self.query_one(AppHeader).show_title(t(self.TITLE_KEY))
        else:
            title = f"{t(self.TITLE_KEY)} {self.printable.number}"
            self.query_one(AppHeader).show_title(title, alone=True)

    # -- keys ------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(None)

    def action_print_receipt(self) -> None:
        self.worker = print_receipt(self, self.printable) or self.worker

    def action_save_receipt(self) -> None:
        self.worker = save_receipt(self, self.printable) or self.worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure is said by the app (GridScreen hands it over: kit.workers); here it is
        # said again in full, in place, with what to set in Settings.
        worker = event.worker
        if worker.name not in ("print", "save"):
            return
        status = self.query_one("#receipt-saved", Static)
        if event.state == WorkerState.SUCCESS:
            message = done_text(worker)
            if worker.name == "save":
                self.saved = worker.result
            status.update(message)
            status.remove_class("-failed")
            self.notify(message)
        elif event.state == WorkerState.ERROR:
            status.update(failed_text(worker, self.app.store.meta_get("printer")))
            status.add_class("-failed")
