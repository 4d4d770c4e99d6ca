"""The county console: what a county's staff and county leaders open ``gridterm staff URL``
on (docs/staff_console.md, "The county console").

Four tabs (digits 1–4, or the arrows on the tab line):

1. **Items** — escalated to the county, under supervision (督办), and every township's red
   items; a leader's own villages first.  Enter opens the record (its moves: sign for it,
   assign it to a county department, return it, done; its tier; supervise it).
2. **Townships** — a row per township over the period: received, closed on time %, overdue
   now, settled in the village %, mediation settled %, follow-ups done %, red items open
   (wider screens: closed, supervised, escalated too).  Enter lists that township's records.
3. **My villages** — a county leader's villages (包村), the same figures (leaders only).
4. **Trends** — overdue and settled-in-village per township, week by week, as charts.

p cycles the period (this month, last month, the last 30 days, this quarter, this year),
d types one; r refreshes (a timer refreshes too); l lists every record of the county; e
exports.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from gridterm.core.i18n import t
from gridterm.ui.kit import tables
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.times import short_time
from gridterm.ui.kit.workers import ReportsWorkerFailures
from gridterm.ui.staff import text, tiers
from gridterm.ui.staff.county import figures, items, period, trends
from gridterm.ui.staff.screens.county_trends import TrendPanel

ITEMS_LIMIT = 500
TABS = ("cv-items", "cv-towns", "cv-villages", "cv-trends")
MINE = "★"  # a county leader's own village


class CountyScreen(ReportsWorkerFailures, Screen):
    CSS_PATH = "county.tcss"
    BINDINGS = [
        Binding("1", "tab('cv-items')", "countyview.key.items", id="countyview.items"),
        Binding("2", "tab('cv-towns')", "countyview.key.towns", id="countyview.towns"),
        Binding("3", "tab('cv-villages')", "countyview.key.villages", id="countyview.villages"),
        Binding("4", "tab('cv-trends')", "countyview.key.trends", id="countyview.trends"),
        Binding("p", "next_period", "countyview.key.period", id="countyview.period"),
        Binding("d", "type_period", "countyview.key.dates", id="countyview.dates"),
        Binding("w", "weeks", "countyview.key.weeks", show=False, id="countyview.weeks"),
        Binding("t", "township", "countyview.key.township", show=False, id="countyview.only"),
        Binding("l", "list", "countyview.key.list", id="countyview.list"),
        Binding("r", "refresh", "staff.key.refresh", id="countyview.refresh"),
        Binding("e", "export", "staff.key.export", show=False, id="countyview.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period: period.Period | None = None  # this month, from the app's clock at mount
        self.items: list[dict] = []
        self.summary: dict = {}
        self.weekly: dict = {}
        self.weeks = 12
        self.only: str | None = None  # the trends of one township (its id), or all
        self.refreshed_at = ""
        self.busy = False

    # -- layout ------------------------------------------------------------------------------
    @property
    def leader(self) -> bool:
        return (self.app.me or {}).get("role") == "leader"

    def compose(self) -> ComposeResult:
        yield AppHeader("countyview.title")
        yield Static("", id="cv-period", markup=False)
        with TabbedContent(id="cv-tabs"):
            with TabPane(t("countyview.tab.items"), id="cv-items"):
                yield DataTable(id="cv-items-table", cursor_type="row", zebra_stripes=True)
            with TabPane(t("countyview.tab.towns"), id="cv-towns"):
                yield DataTable(id="cv-towns-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="cv-towns-legend", classes="legend", markup=False)
            if self.leader:
                with TabPane(t("countyview.tab.villages"), id="cv-villages"):
                    yield DataTable(id="cv-villages-table", cursor_type="row", zebra_stripes=True)
                    yield Static("", id="cv-villages-legend", classes="legend", markup=False)
            with TabPane(t("countyview.tab.trends"), id="cv-trends"):
                yield TrendPanel(id="cv-trend-panel")
        yield Static("", id="cv-status", markup=False)
        yield AppFooter()

    def on_mount(self) -> None:
        self.period = period.preset(period.PRESETS[0], self.app.now().date())
        self.show_period()
        self.query_one("#cv-items-table", DataTable).focus()
        self.load_all()
        if self.app.refresh_every:
            self.set_interval(self.app.refresh_every, self.background_refresh)

    def on_screen_resume(self) -> None:
        # Back from a record (escape pops it, no callback runs) or a list: what was done
        # there (signed, supervised, a tier) shows here at once, not at the next timer.
        if self.refreshed_at:
            self.load_all()

    def on_resize(self) -> None:
        self.fill_items()
        self.fill_figures()

    def width(self) -> int:
        return self.app.size.width

    # -- tabs --------------------------------------------------------------------------------
    def action_tab(self, pane: str) -> None:
        if pane == "cv-villages" and not self.leader:
            self.notify(t("countyview.villages.leaders_only"), severity="warning")
            return
        self.query_one("#cv-tabs", TabbedContent).active = pane

    @on(TabbedContent.TabActivated, "#cv-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        for table in event.pane.query(DataTable):
            table.focus()
            break
        if pane == "cv-trends":
            self.show_trends()

    def active(self) -> str:
        return self.query_one("#cv-tabs", TabbedContent).active

    # -- the period --------------------------------------------------------------------------
    def show_period(self) -> None:
        line = t("countyview.period.line", period=self.period.text())
        self.query_one("#cv-period", Static).update(text.fit(line, max(10, self.width() - 2)))

    def action_next_period(self) -> None:
        self.set_period(period.next_preset(self.period, self.app.now().date()))

    def action_type_period(self) -> None:
        from gridterm.ui.staff.screens.county_dialogs import PeriodDialog

        def chosen(answer: dict | None) -> None:
            if answer:
                self.set_period(period.typed(answer["start"], answer["end"]))

        self.app.push_screen(PeriodDialog(self.period.start, self.period.end), chosen)

    def set_period(self, chosen: period.Period) -> None:
        self.period = chosen
        self.show_period()
        self.load_summary()

    # -- loading -----------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.load_all()

    def background_refresh(self) -> None:
        if not self.busy and self.app.screen is self:
            self.load_all()

    def load_all(self) -> None:
        self.load_items()
        self.load_summary()
        self.load_weekly()

    @work(thread=True, exclusive=True, group="county-items", exit_on_error=False)
    def load_items(self) -> None:
        self.busy = True
        worker = get_current_worker()
        try:
            with self.app.api() as api:
                pages = [
                    api.records(limit=ITEMS_LIMIT, open=True, **query)["items"]
                    for query in items.QUERIES
                ]
        finally:
            self.busy = False
        if not worker.is_cancelled:
            merged = items.merge(pages, (self.app.me or {}).get("villages") or ())
            self.app.call_from_thread(self._items_loaded, merged)

    @work(thread=True, exclusive=True, group="county-summary", exit_on_error=False)
    def load_summary(self) -> None:
        worker = get_current_worker()
        start, end = self.period.params
        with self.app.api() as api:
            answer = api.summary(start, end)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._summary_loaded, answer)

    @work(thread=True, exclusive=True, group="county-weekly", exit_on_error=False)
    def load_weekly(self) -> None:
        worker = get_current_worker()
        with self.app.api() as api:
            answer = api.weekly(self.weeks)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._weekly_loaded, answer)

    def _items_loaded(self, found: list[dict]) -> None:
        if not self.is_attached:
            return
        self.items = found
        self.refreshed_at = short_time(self.app.now(), self.app.now())
        self.fill_items()
        self.show_status()

    def _summary_loaded(self, answer: dict) -> None:
        if self.is_attached:
            self.summary = answer
            self.fill_figures()

    def _weekly_loaded(self, answer: dict) -> None:
        if self.is_attached:
            self.weekly = answer
            self.show_trends()

    # -- the items ---------------------------------------------------------------------------
    def fill_items(self) -> None:
        if not self.is_mounted:
            return
        mine = set((self.app.me or {}).get("villages") or ())
        now = self.app.now()
        rows = []
        for item in self.items:
            village = item.get("village") or text.place(item)
            if village and village in mine:
                village = f"{MINE}{village}"
            cells = [
                tiers.tier_cell(tiers.shown_tier(item)),
                tiers.township_name(item),
                village,
                text.topic(item, short=self.width() < 100),
                text.status_text(item.get("status")),
                tiers.level_word(item.get("level")),
                tiers.supervision_short(item),
                t("staff.flag.overdue") if item.get("overdue") else "",
                short_time(item.get("received_at"), now),
            ]
            rows.append((item["id"], cells))
        keys = ("tier", "township", "village", "topic", "status", "level", "supervision")
        columns = [(key, t(f"countyview.items.col.{key}")) for key in keys]
        columns += [("overdue", t("staff.col.overdue")), ("received", t("staff.col.received"))]
        flex = [("topic", 12), ("village", 6), ("township", 6), ("topic", 6), ("status", 6)]
        if self.width() < figures.WIDE:
            columns.pop()  # the received time: only where there is room
            rows = [(key, cells[:-1]) for key, cells in rows]
        table = self.query_one("#cv-items-table", DataTable)
        tables.fill(table, columns, rows, table.size.width or self.width(), flex)

    def show_status(self) -> None:
        counted = items.counts(self.items)
        if not self.items:
            said = t("countyview.items.empty")
        else:
            said = t("countyview.items.counts", total=len(self.items), **counted)
        if self.refreshed_at:
            said += " · " + t("staff.list.refreshed", time=self.refreshed_at)
        self.query_one("#cv-status", Static).update(said)

    @on(DataTable.RowSelected, "#cv-items-table")
    def _open_item(self, event: DataTable.RowSelected) -> None:
        record_id = event.row_key.value
        if record_id:
            from gridterm.ui.staff.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(record_id))

    # -- the figures -------------------------------------------------------------------------
    def fill_figures(self) -> None:
        if not self.is_mounted or not self.summary:
            return
        width = self.width()
        groups = [("towns", "township", self.summary.get("townships") or [])]
        if self.leader:
            groups.append(("villages", "village", self.summary.get("villages") or []))
        for name, first, rows in groups:
            columns, cells = figures.table(rows, width, first=first)
            table = self.query_one(f"#cv-{name}-table", DataTable)
            tables.fill(table, columns, cells, table.size.width or width, [("name", 4)])
            said = figures.legend(width) if rows else t(f"countyview.{name}.empty")
            stamp = t("countyview.period.as_of", period=self.period.text())
            self.query_one(f"#cv-{name}-legend", Static).update(f"{stamp}\n{said}")

    @on(DataTable.RowSelected, "#cv-towns-table")
    def _open_township(self, event: DataTable.RowSelected) -> None:
        township = event.row_key.value
        row = next(
            (r for r in self.summary.get("townships") or [] if r.get("township_id") == township),
            None,
        )
        if row is not None:
            self.open_list({"township": township}, row.get("township") or "")

    @on(DataTable.RowSelected, "#cv-villages-table")
    def _open_village(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.open_list({"village": event.row_key.value}, event.row_key.value)

    def open_list(self, scope: dict | None = None, where: str = "") -> None:
        from gridterm.ui.staff.screens.incoming import IncomingScreen

        self.app.push_screen(IncomingScreen(scope=scope, scope_name=where))

    def action_list(self) -> None:
        self.open_list()

    # -- the trends --------------------------------------------------------------------------
    def show_trends(self) -> None:
        if self.is_mounted and self.weekly:
            self.query_one(TrendPanel).show(self.weekly, self.only, self.weeks)

    def action_weeks(self) -> None:
        self.weeks = trends.next_weeks(self.weeks)
        self.load_weekly()

    def action_township(self) -> None:
        self.only = trends.next_township(self.weekly, self.only)
        self.show_trends()

    # -- export ------------------------------------------------------------------------------
    def action_export(self) -> None:
        from gridterm.ui.staff.screens.export import ExportDialog

        self.app.push_screen(ExportDialog())
