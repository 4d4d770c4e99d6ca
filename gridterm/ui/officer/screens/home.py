"""Home: the officer's grid at a glance, and the keys to every other screen."""

from __future__ import annotations

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from gridterm.core.households import household_tags
from gridterm.core.i18n import t
from gridterm.core.model import label
from gridterm.core.record_text import address, status_label, summary, tags_text
from gridterm.core.usecases.home import HomeSummary, summarize
from gridterm.ui.kit import tables
from gridterm.ui.kit.times import short_time
from gridterm.ui.officer.registry import SCREEN_REGISTRY, screen_available
from gridterm.ui.officer.screens.base import GridScreen

SHOWN = 30  # rows per table; the title says how many there are in all


def _nav_bindings() -> list[Binding]:
    return [
        Binding(key, f"app.open('{name}')", label_key, id=f"open.{name}")
        for name, _target, key, label_key in SCREEN_REGISTRY
        if key
    ]


class HomeScreen(GridScreen):
    TITLE_KEY = "tui.screen.home"
    REBUILD_ON_LANGUAGE = True
    CSS_PATH = "home.tcss"
    BINDINGS = [*_nav_bindings(), Binding("q", "app.quit", "tui.key.quit", id="home.quit")]

    def __init__(self) -> None:
        super().__init__()
        self.summary: HomeSummary | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="home-body"):
            yield Static(self._menu_text(), id="home-menu", markup=False)
            yield Static(t("tui.loading"), id="home-today", markup=False)
            yield Static(t("tui.home.due_title"), id="home-due-title", classes="section-title")
            yield DataTable(id="home-due", cursor_type="row", zebra_stripes=True)
            yield Static(t("tui.home.cases_title"), id="home-cases-title", classes="section-title")
            yield DataTable(id="home-cases", cursor_type="row", zebra_stripes=True)
            yield Static("", id="home-outbox", classes="section-title", markup=False)
            yield Static("", id="home-feedback-title", classes="section-title", markup=False)
            yield Static("", id="home-feedback", markup=False)

    def _menu_text(self, width: int = 0) -> str:
        """The keys to every screen, wrapped between items (never inside "m 调解员名册")."""
        parts = [
            f"{key} {t(label_key)}"
            for name, _target, key, label_key in SCREEN_REGISTRY
            if key and screen_available(name)
        ]
        room = (width or self.app.size.width) - 2  # the menu's padding
        lines, line = [], ""
        for part in parts:
            joined = f"{line}  {part}" if line else part
            if line and cell_len(joined) > room:
                lines.append(line)
                joined = part
            line = joined
        return "\n".join([*lines, line])

    def focus_default(self) -> None:
        self.query_one("#home-due", DataTable).focus()

    def refresh_data(self) -> None:
        # After the frame is drawn: the header and menu show at once, the lists follow.
        self.call_after_refresh(self.load)

    @work(thread=True, exclusive=True, group="home-load", exit_on_error=False)
    def load(self) -> None:
        found = summarize(self.app.store, self.app.now().date())
        self.app.call_from_thread(self.show, found)

    def show(self, s: HomeSummary) -> None:
        self.summary = s
        now = self.app.now()
        self.query_one("#home-today", Static).update(
            t(
                "tui.home.today",
                visits=s.visits_today,
                reports=s.reports_today,
                sessions=s.sessions_today,
                follow_ups=s.follow_ups_due,
            )
        )
        self.query_one("#home-due-title", Static).update(
            t("tui.home.due", count=len(s.due), overdue=s.overdue, total=s.households)
        )
        self.query_one("#home-cases-title", Static).update(
            t("tui.home.cases", count=len(s.cases), due=s.follow_ups_due)
        )
        self.fill_tables(s)
        last = short_time(s.last_sync, now)
        self.query_one("#home-outbox", Static).update(
            t("tui.home.outbox", count=s.outbox, attention=s.attention)
            + " · "
            + (t("tui.header.synced", time=last) if last else t("tui.header.never"))
        )
        self.query_one("#home-feedback-title", Static).update(
            t("tui.home.feedback", count=s.new_feedback)
        )
        lines = [f"{status_label(r)} · {summary(r)}" for r in s.feedback[:3]] or [
            t("tui.home.no_feedback")
        ]
        self.query_one("#home-feedback", Static).update("\n".join(lines))

    def fill_tables(self, s: HomeSummary) -> None:
        """The two lists, fitted to the width (a phone keeps every column in sight)."""
        width = self.size.width - 2  # the tables' margins
        due_rows = []
        for item in s.due[:SHOWN]:
            data = item.household.get("data") or {}
            if item.overdue:
                when = t("tui.home.overdue_since", date=item.due[5:])
            elif not item.last_visit:
                when = t("tui.home.never_visited")
            else:
                when = t("tui.home.due_today")
            cells = [data.get("head", ""), when, address(data), tags_text(household_tags(data))]
            due_rows.append((item.household["id"], cells))
        due_columns = [
            ("head", t("tui.col.head")),
            ("due", t("tui.col.due")),
            ("address", t("tui.col.address")),
            ("tags", t("tui.col.tags")),
        ]
        due = self.query_one("#home-due", DataTable)
        tables.fill(
            due,
            due_columns,
            due_rows,
            width,
            [("tags", 8), ("address", 8), ("tags", 4), ("address", 6)],
        )
        case_rows = []
        for item in s.cases[:SHOWN]:
            data = item.case.get("data") or {}
            if item.next_follow_up:
                follow = item.next_follow_up[5:]
                if item.follow_up_due:
                    follow = t("tui.home.follow_up_due", date=follow)
            else:
                follow = t("tui.home.in_progress")
            kind = label("dispute_type", data.get("dispute_type", ""))
            case_rows.append((item.case["id"], [follow, summary(item.case), kind]))
        case_columns = [
            ("follow_up", t("tui.col.follow_up")),
            ("summary", t("tui.col.summary")),
            ("type", t("tui.col.kind")),
        ]
        cases = self.query_one("#home-cases", DataTable)
        tables.fill(
            cases,
            case_columns,
            case_rows,
            width,
            [("type", 8), ("summary", 12), ("type", 4), ("summary", 8)],
        )

    def on_resize(self) -> None:
        self.query_one("#home-menu", Static).update(self._menu_text(self.size.width))
        if self.summary is not None:
            self.fill_tables(self.summary)

    @on(DataTable.RowSelected, "#home-due")
    def _open_household(self, event: DataTable.RowSelected) -> None:
        self.app.action_open("household", household_id=event.row_key.value)

    @on(DataTable.RowSelected, "#home-cases")
    def _open_case(self, event: DataTable.RowSelected) -> None:
        if screen_available("case"):
            self.app.action_open("case", case_id=event.row_key.value)
        else:
            self.app.notify(t("tui.not_available"), severity="warning")
