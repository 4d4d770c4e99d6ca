"""Receipts: every receipt issued on this device, newest first, to find one and show, print
or save it again (a resident lost the paper; the printer was out of paper).

Search takes the number as read off paper (part of it, any case, with or without dashes, O
for 0), a name, or what it was for (``gridterm.core.usecases.receipts``).  ``f`` goes to the
search field, enter (or ↓) from there to the list; enter shows the receipt, ``p`` prints it,
``s`` saves it as SVG and PNG.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from gridterm.core.i18n import get_language, t
from gridterm.core.receipts.render import Printable, printable_for
from gridterm.core.usecases.receipts import IssuedReceipt, issued_receipts, search
from gridterm.ui.kit import tables
from gridterm.ui.kit.times import short_time
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.receipt_output import (
    done_text,
    failed_text,
    print_receipt,
    save_receipt,
)


class ReceiptsScreen(GridScreen):
    TITLE_KEY = "ux.screen.receipts"
    REBUILD_ON_LANGUAGE = True
    CSS_PATH = "receipts.tcss"
    BINDINGS = [
        # Priority: the list's own enter would hide this key from the footer; in the search
        # field (where it is disabled) enter still goes on to the list.
        Binding("enter", "show_receipt", "ux.receipts.key.show", id="receipts.show", priority=True),
        Binding("p", "print_receipt", "receipts.screen.print", id="receipts.print"),
        Binding("s", "save_receipt", "receipts.screen.save", id="receipts.save"),
        Binding("f", "search", "ux.receipts.key.search", id="receipts.search"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[IssuedReceipt] = []
        self.shown: list[IssuedReceipt] = []
        self.worker: Worker | None = None  # the last print or save, for tests to await
        self.saved: tuple[Path, Path] | None = None

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=t("ux.receipts.search"), compact=True, id="rc-search")
        yield Static("", id="rc-count", classes="section-title", markup=False)
        yield DataTable(id="rc-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="rc-detail", markup=False)
        yield Static("", id="rc-status", markup=False)

    def focus_default(self) -> None:
        self.query_one("#rc-table", DataTable).focus()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="receipts-load", exit_on_error=False)
    def load(self) -> None:
        found = issued_receipts(self.app.store, get_language())
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[IssuedReceipt]) -> None:
        self.items = found
        self.show()

    def show(self) -> None:
        query = self.query_one("#rc-search", Input).value
        self.shown = search(self.items, query)
        count = t("ux.receipts.count", shown=len(self.shown), count=len(self.items))
        self.query_one("#rc-count", Static).update(count)
        self.fill()
        empty = not self.shown
        detail = (
            t("ux.receipts.none" if not self.items else "ux.receipts.no_match") if empty else ""
        )
        self.query_one("#rc-detail", Static).update(detail)
        if self.shown:
            self._detail(self.shown[0])

    def fill(self) -> None:
        now = self.app.now()
        rows = [
            (item.key, [item.number, item.who or "-", short_time(item.issued_at, now)])
            for item in self.shown
        ]
        columns = [
            ("number", t("ux.receipts.col.number")),
            ("who", t("ux.receipts.col.who")),
            ("when", t("ux.receipts.col.when")),
        ]
        table = self.query_one("#rc-table", DataTable)
        tables.fill(table, columns, rows, self.size.width - 2, [("who", 4), ("when", 5)])

    def on_resize(self) -> None:
        self.fill()

    def current(self) -> IssuedReceipt | None:
        table = self.query_one("#rc-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((item for item in self.shown if item.key == key), None)

    def _detail(self, item: IssuedReceipt) -> None:
        party = item.receipt.get("party")
        lines = [item.what]
        if party is not None:
            lines.append(t("receipts.list.party", party=party + 1))
        self.query_one("#rc-detail", Static).update("\n".join(lines))

    def printable(self, item: IssuedReceipt) -> Printable:
        household = None
        if item.record.get("kind") == "visit":
            home_id = (item.record.get("data") or {}).get("household_id")
            household = self.app.store.get(home_id) if home_id else None
        return printable_for(
            item.record, item.receipt, self.app.enrollment, household, zone=self.app.zone
        )

    # -- keys --------------------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one("#rc-search", Input).focus()

    @on(Input.Changed, "#rc-search")
    def _typed(self, event: Input.Changed) -> None:
        self.show()

    @on(Input.Submitted, "#rc-search")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_default()

    def on_key(self, event) -> None:
        # ↓ from the search field goes on to the list.
        if event.key == "down" and self.focused is self.query_one("#rc-search", Input):
            event.stop()
            self.focus_default()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("show_receipt", "print_receipt", "save_receipt"):
            # While typing a search, p and s are letters.
            return self.focused is not self.query_one("#rc-search", Input)
        return True

    @on(DataTable.RowHighlighted, "#rc-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        item = self.current()
        if item is not None:
            self._detail(item)

    @on(DataTable.RowSelected, "#rc-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show_receipt()

    def action_show_receipt(self) -> None:
        item = self.current()
        if item is None:
            return
        from gridterm.ui.officer.screens.receipt import ReceiptScreen

        self.app.push_screen(ReceiptScreen(item.record, item.receipt))

    def action_print_receipt(self) -> None:
        item = self.current()
        if item is not None:
            self.worker = print_receipt(self, self.printable(item)) or self.worker

    def action_save_receipt(self) -> None:
        item = self.current()
        if item is not None:
            self.worker = save_receipt(self, self.printable(item)) or self.worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure is said by the app (GridScreen hands it over); here in full, in place.
        worker = event.worker
        if worker.name not in ("print", "save"):
            return
        status = self.query_one("#rc-status", Static)
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
