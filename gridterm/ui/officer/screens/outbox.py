"""Outbox: what is queued, what needs attention (and why), what was sent; and the photos
(issue 16): how many wait, the bytes left, which need the officer (listed under 2)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from gridterm.core.attachments import PhotoQueue, contents_of, megabytes, photo_queue
from gridterm.core.i18n import t
from gridterm.core.record_text import kind_label, summary
from gridterm.core.usecases.outbox import VIEWS, OutboxViews, outbox_views
from gridterm.ui.kit.times import short_time
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.record_detail import open_record

SENT_SHOWN = 200  # newest sent records listed; the tab gives the full count


class OutboxScreen(GridScreen):
    TITLE_KEY = "tui.screen.outbox"
    REBUILD_ON_LANGUAGE = True
    CSS_PATH = "outbox.tcss"
    BINDINGS = [
        Binding("1", "view('queued')", "tui.key.queued", id="outbox.queued"),
        Binding("2", "view('attention')", "tui.key.attention", id="outbox.attention"),
        Binding("3", "view('sent')", "tui.key.sent", id="outbox.sent"),
        Binding("enter", "open_record", "records.key.open", id="outbox.open"),
    ]

    def __init__(self, view: str = "queued") -> None:
        super().__init__()
        self.view = view if view in VIEWS else "queued"
        self.rows: dict[str, list[dict]] = {v: [] for v in VIEWS}
        self.counts: dict[str, int] = dict.fromkeys(VIEWS, 0)
        self.households: dict[str, dict] = {}
        self.photos = PhotoQueue()

    def compose_body(self) -> ComposeResult:
        yield Static("", id="ob-notice", classes="notice", markup=False)
        yield Static("", id="ob-tabs", classes="section-title", markup=False)
        yield Static("", id="ob-photos", classes="hint", markup=False)
        table = DataTable(id="ob-table", cursor_type="row", zebra_stripes=True)
        table.add_column(t("tui.col.kind"), key="kind")
        table.add_column(t("tui.col.summary"), key="summary")
        table.add_column(t("tui.col.saved"), key="saved")
        yield table
        yield Static("", id="ob-more", classes="hint", markup=False)
        yield Static("", id="ob-detail", markup=False)

    def focus_default(self) -> None:
        self.query_one("#ob-table", DataTable).focus()

    def refresh_data(self) -> None:
        if self.app.enrollment:
            notice = t("tui.outbox.enrolled")
        else:
            notice = t("tui.outbox.not_enrolled")
        self.query_one("#ob-notice", Static).update(notice)
        self.load()

    @work(thread=True, exclusive=True, group="outbox-load", exit_on_error=False)
    def load(self) -> None:
        # Archived sent records are read in this thread: the list appears when it is whole.
        views = outbox_views(self.app.store, SENT_SHOWN)
        photos = photo_queue(self.app.store, contents_of(self.app.store))
        self.app.call_from_thread(self._loaded, views, photos)

    def _loaded(self, views: OutboxViews, photos: PhotoQueue | None = None) -> None:
        self.rows, self.counts, self.households = views.rows, views.counts, views.households
        self.photos = photos or PhotoQueue()
        self.show()

    def photo_text(self) -> str:
        """The photos' line: waiting and bytes left; those needing attention (listed under 2)."""
        lines = []
        if self.photos.waiting:
            left = megabytes(self.photos.bytes_left)
            lines.append(t("evidence.outbox.waiting", count=len(self.photos.waiting), left=left))
        problems = self.photos.attention
        if problems and self.view == "attention":
            lines.extend(p.message for p in problems)
        elif problems:
            lines.append(t("evidence.outbox.problems", count=len(problems)))
        return "\n".join(lines)

    def show(self) -> None:
        tabs = []
        for n, view in enumerate(VIEWS, start=1):
            text = t(f"tui.outbox.tab.{view}", count=self.counts[view])
            tabs.append(f"[{n} {text}]" if view == self.view else f" {n} {text} ")
        self.query_one("#ob-tabs", Static).update(" ".join(tabs))
        photo_line = self.query_one("#ob-photos", Static)
        photo_line.update(self.photo_text())
        photo_line.display = bool(self.photos.waiting or self.photos.attention)
        table = self.query_one("#ob-table", DataTable)
        table.clear()
        now = self.app.now()
        for record in self.rows[self.view]:
            table.add_row(
                kind_label(record),
                summary(record, self.households),
                short_time(record.get("updated_at"), now),
                key=record["id"],
            )
        empty = t(f"tui.outbox.empty.{self.view}") if not self.rows[self.view] else ""
        self.query_one("#ob-detail", Static).update(empty)
        more = self.counts[self.view] - len(self.rows[self.view])
        note = self.query_one("#ob-more", Static)
        note.update(
            t("ux.outbox.newest", shown=len(self.rows[self.view]), count=self.counts[self.view])
            if more > 0
            else ""
        )
        note.display = more > 0
        if self.rows[self.view]:
            self._detail(self.rows[self.view][0]["id"])

    def action_view(self, view: str) -> None:
        self.view = view
        self.show()

    @on(DataTable.RowHighlighted, "#ob-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value:
            self._detail(event.row_key.value)

    @on(DataTable.RowSelected, "#ob-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key is not None and event.row_key.value:
            open_record(self.app, event.row_key.value)

    def action_open_record(self) -> None:
        table = self.query_one("#ob-table", DataTable)
        if table.row_count:
            open_record(
                self.app, table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            )

    def _detail(self, record_id: str) -> None:
        record = next((r for r in self.rows[self.view] if r["id"] == record_id), None)
        if record is None:
            return
        if record.get("sync_error"):
            text = t("tui.outbox.reason", reason=record["sync_error"])
        elif self.view == "sent":
            text = t("tui.outbox.sent_rev", rev=record.get("rev", 1))
        else:
            text = t("tui.outbox.queued_rev", rev=record.get("rev", 1))
        waiting = self.photos.by_record().get(record_id)
        if waiting:
            count, left = waiting
            text += "\n" + t("evidence.outbox.record_photos", count=count, left=megabytes(left))
        self.query_one("#ob-detail", Static).update(text)
