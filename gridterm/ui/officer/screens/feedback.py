"""Feedback: the township's state of each record and its replies, newest first."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from gridterm.core import tiers as tier_rules
from gridterm.core.i18n import t
from gridterm.core.record_text import kind_label, status_label, summary
from gridterm.core.usecases.home import newest_feedback_time
from gridterm.ui.kit import tables
from gridterm.ui.kit.times import short_time
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.record_detail import open_record


def tier_mark(record: dict) -> str:
    """``红 `` before a report's or case's state: its risk tier as a word, not a colour alone
    (readable on any terminal).  The township's tier once a pull brought one, else the tier
    the same rules give the record's own data (docs/county.md "Risk tiers")."""
    kind = record.get("kind") or ""
    if not tier_rules.is_tiered(kind):
        return ""
    tier = record.get("tier")
    if tier not in ("red", "yellow", "green"):
        tier = tier_rules.assess(kind, record.get("data")).tier
    return t(f"countyview.tier_short.{tier}") + " "


class FeedbackScreen(GridScreen):
    TITLE_KEY = "tui.screen.feedback"
    REBUILD_ON_LANGUAGE = True
    CSS_PATH = "feedback.tcss"
    BINDINGS = [Binding("enter", "open_record", "records.key.open", id="feedback.open")]

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, dict] = {}
        self.seen_before = ""
        self.rows: list[tuple[str, list[str]]] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="fb-count", classes="section-title", markup=False)
        yield DataTable(id="fb-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="fb-detail", markup=False)

    def on_mount(self) -> None:
        self.seen_before = self.app.store.meta_get("feedback_seen_at") or ""

    def focus_default(self) -> None:
        self.query_one("#fb-table", DataTable).focus()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="feedback-load", exit_on_error=False)
    def load(self) -> None:
        found = [r for r in self.app.store.query(archived=True) if r.get("status_at")]
        found.sort(key=lambda r: (r.get("status_at", ""), r.get("seq") or 0), reverse=True)
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[dict]) -> None:
        self.records = {r["id"]: r for r in found}
        new = sum(1 for r in found if r.get("status_at", "") > self.seen_before)
        self.query_one("#fb-count", Static).update(
            t("tui.feedback.count", count=len(found), new=new)
        )
        now = self.app.now()
        self.rows = []
        for record in found:
            mark = "● " if record.get("status_at", "") > self.seen_before else ""
            state = mark + tier_mark(record) + status_label(record)
            when = short_time(record.get("status_at"), now)
            self.rows.append((record["id"], [state, summary(record), when]))
        self.fill()
        if found:
            self._detail(found[0])
        else:
            self.query_one("#fb-detail", Static).update(t("tui.feedback.none"))
        newest = newest_feedback_time(found)
        if newest and newest > (self.app.store.meta_get("feedback_seen_at") or ""):
            # Seen now: Home stops counting these as new.
            self.app.store.meta_set("feedback_seen_at", newest)
            for screen in self.app.screen_stack:
                if screen is not self:
                    screen.refresh_data()

    def fill(self) -> None:
        """The list fitted to the width: on a phone the summary gives way, never the time."""
        columns = [
            ("status", t("tui.col.status")),
            ("summary", t("tui.col.summary")),
            ("when", t("tui.col.when")),
        ]
        table = self.query_one("#fb-table", DataTable)
        tables.fill(
            table, columns, self.rows, table.size.width or self.size.width, [("summary", 8)]
        )

    def on_resize(self) -> None:
        self.fill()

    @on(DataTable.RowHighlighted, "#fb-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value in self.records:
            self._detail(self.records[event.row_key.value])

    @on(DataTable.RowSelected, "#fb-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key is not None and event.row_key.value in self.records:
            open_record(self.app, event.row_key.value)

    def action_open_record(self) -> None:
        table = self.query_one("#fb-table", DataTable)
        if table.row_count:
            open_record(
                self.app, table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            )

    def _detail(self, record: dict) -> None:
        lines = [f"{kind_label(record)} · {summary(record)}", status_label(record)]
        if record.get("handled_by"):
            lines.append(t("tui.feedback.handled_by", who=record["handled_by"]))
        if record.get("feedback"):
            lines.append(t("tui.feedback.feedback", text=record["feedback"]))
        if record.get("public_reply"):
            lines.append(t("tui.feedback.public_reply", text=record["public_reply"]))
        self.query_one("#fb-detail", Static).update("\n".join(lines))
