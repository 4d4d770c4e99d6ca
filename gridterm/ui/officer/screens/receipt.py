"""The receipt screen: the QR code large and scannable, the number beneath, the masked text.

Opened with ``self.app.push_screen(ReceiptScreen(record, receipt))``.  Keys: ``p`` prints to
the printer chosen in settings (meta ``printer``), ``s`` saves SVG and PNG files into the data
folder's ``receipts/`` and shows where, ``escape`` goes back.  The code with its quiet zone
fits a 50×25 terminal; on wide screens the receipt text sits beside it and, when there is
room, the number is drawn three rows tall beneath.
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
from gridterm.core.receipts.render import (
    Printable,
    printable_for,
    printer_dest,
    save_files,
    send,
)
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.widgets.qr import QRView, big_text, big_width


def spaced(number: str) -> str:
    return " ".join(number)


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
        self.saved: tuple[Path, Path] | None = None
        self.worker: Worker | None = None  # the last print or save, for tests to await

    def _build(self) -> Printable:
        household = None
        if self.record.get("kind") == "visit":
            household_id = (self.record.get("data") or {}).get("household_id")
            household = self.app.store.get(household_id) if household_id else None
        return printable_for(self.record, self.receipt, self.app.enrollment, household)

    def compose_body(self) -> ComposeResult:
        self.printable = self._build()
        symbol = self.printable.symbol(screen=True)
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
        """Three-row number beneath the code when the screen has room for both, else one row."""
        qr_rows = 0
        for qr in self.query(QRView):
            qr_rows = len(qr.rows)
        body_rows = height - 2  # header and footer
        big = width >= big_width(self.printable.number) + 2 and qr_rows + 3 <= body_rows
        self.query_one("#receipt-big").display = big
        self.query_one("#receipt-number").display = not big

    # -- keys ------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(None)

    def action_print_receipt(self) -> None:
        dest = printer_dest(self.app.store.meta_get("printer"))
        if not dest:
            self.notify(t("receipts.print.no_printer"), severity="warning")
            return
        data = self.printable.escpos()
        self.worker = self.run_worker(
            lambda: send(data, dest) or dest,
            name="print",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def action_save_receipt(self) -> None:
        if not self.printable.payload:
            self.notify(t("receipts.screen.no_qr"), severity="warning")
            return
        folder = Path(self.app.data_dir or self.app.store.folder) / "receipts"
        printable = self.printable
        self.worker = self.run_worker(
            lambda: save_files(printable, folder), name="save", thread=True, exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure is said by the app (GridScreen hands it over: kit.workers).
        worker = event.worker
        if event.state == WorkerState.SUCCESS and worker.name == "print":
            self.notify(t("receipts.screen.printed", dest=worker.result))
        elif event.state == WorkerState.SUCCESS and worker.name == "save":
            self.saved = worker.result
            svg_path, png_path = worker.result
            message = t("receipts.screen.saved", svg=svg_path, png=png_path)
            self.query_one("#receipt-saved", Static).update(message)
            self.notify(message)
