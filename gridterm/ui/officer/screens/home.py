"""Home: the officer's grid at a glance, and the keys to every other screen."""

from __future__ import annotations

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
            due = DataTable(id="home-due", cursor_type="row", zebra_stripes=True)
            due.add_column(t("tui.col.head"), key="head")
            due.add_column(t("tui.col.due"), key="due")
            due.add_column(t("tui.col.address"), key="address")
            due.add_column(t("tui.col.tags"), key="tags")
            yield due
            yield Static(t("tui.home.cases_title"), id="home-cases-title", classes="section-title")
            cases = DataTable(id="home-cases", cursor_type="row", zebra_stripes=True)
            cases.add_column(t("tui.col.follow_up"), key="follow_up")
            cases.add_column(t("tui.col.summary"), key="summary")
            cases.add_column(t("tui.col.kind"), key="type")
            yield cases
            yield Static("", id="home-outbox", classes="section-title", markup=False)
            yield Static("", id="home-feedback-title", classes="section-title", markup=False)
            yield Static("", id="home-feedback", markup=False)

    def _menu_text(self) -> str:
        parts = [
            f"{key} {t(label_key)}"
            for name, _target, key, label_key in SCREEN_REGISTRY
            if key and screen_available(name)
        ]
        return "  ".join(parts)

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
        due = self.query_one("#home-due", DataTable)
        due.clear()
        for item in s.due[:SHOWN]:
            data = item.household.get("data") or {}
            when = (
                t("tui.home.overdue_since", date=item.due[5:])
                if item.overdue
                else (
                    t("tui.home.never_visited") if not item.last_visit else t("tui.home.due_today")
                )
            )
            due.add_row(
                data.get("head", ""),
                when,
                address(data),
                tags_text(household_tags(data)),
                key=item.household["id"],
            )
        self.query_one("#home-cases-title", Static).update(
            t("tui.home.cases", count=len(s.cases), due=s.follow_ups_due)
        )
        cases = self.query_one("#home-cases", DataTable)
        cases.clear()
        for item in s.cases[:SHOWN]:
            data = item.case.get("data") or {}
            if item.next_follow_up:
                follow = item.next_follow_up[5:]
                if item.follow_up_due:
                    follow = t("tui.home.follow_up_due", date=follow)
            else:
                follow = t("tui.home.in_progress")
            cases.add_row(
                follow,
                summary(item.case),
                label("dispute_type", data.get("dispute_type", "")),
                key=item.case["id"],
            )
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

    @on(DataTable.RowSelected, "#home-due")
    def _open_household(self, event: DataTable.RowSelected) -> None:
        self.app.action_open("household", household_id=event.row_key.value)

    @on(DataTable.RowSelected, "#home-cases")
    def _open_case(self, event: DataTable.RowSelected) -> None:
        if screen_available("case"):
            self.app.action_open("case", case_id=event.row_key.value)
        else:
            self.app.notify(t("tui.not_available"), severity="warning")
