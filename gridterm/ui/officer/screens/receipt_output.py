"""Printing and saving a receipt, from the receipt screen or the Receipts list.

``print_receipt(screen, printable)`` (any ESC/POS bytes: ``print_escpos``) sends it to the printer set in Settings (meta
``printer``) in a worker named "print"; with no printer set it says where to set one — in
Settings, not a command-line flag.  ``save_receipt`` writes SVG and PNG files into the data
folder's ``receipts/`` in a worker named "save".  A failure is said by the app (the screen
hands worker failures over); :func:`done_text` and :func:`failed_text` are what the screen
shows in place, in full (a notification is one line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.worker import Worker

from gridterm.core.i18n import t
from gridterm.core.receipts.render import Printable, printer_dest, save_files, send


def print_receipt(screen: Any, printable: Printable) -> Worker | None:
    return print_escpos(screen, printable.escpos())


def print_escpos(screen: Any, data: bytes) -> Worker | None:
    """Send ESC/POS bytes (a receipt, an agreement's copies, a notice's paper) to the
    printer set in Settings, in a worker named "print"; without one, say where to set it."""
    dest = printer_dest(screen.app.store.meta_get("printer"))
    if not dest:
        screen.notify(t("ux.print.no_printer"), severity="warning", timeout=10)
        return None
    return screen.run_worker(
        lambda: send(data, dest) or dest,
        name="print",
        thread=True,
        exclusive=True,
        exit_on_error=False,
    )


def save_receipt(screen: Any, printable: Printable) -> Worker | None:
    if not printable.payload:
        screen.notify(t("receipts.screen.no_qr"), severity="warning")
        return None
    app = screen.app
    folder = Path(app.data_dir or app.store.folder) / "receipts"
    return screen.run_worker(
        lambda: save_files(printable, folder), name="save", thread=True, exit_on_error=False
    )


def done_text(worker: Worker) -> str:
    """What a finished print or save did."""
    if worker.name == "print":
        return t("receipts.screen.printed", dest=worker.result)
    svg_path, png_path = worker.result
    return t("receipts.screen.saved", svg=svg_path, png=png_path)


def failed_text(worker: Worker, printer: object) -> str:
    """A failed print in full, and what to set in Settings."""
    text = str(worker.error)
    if worker.name == "print":
        text += "\n" + t("ux.print.check_settings", dest=printer_dest(printer) or "-")
    return text
