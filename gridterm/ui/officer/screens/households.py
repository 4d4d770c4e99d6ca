"""Households: search as you type (name, pinyin, address, phone, ID tail, tag), every match
browsable to the end, and one household's members and history.

The list holds the officer's households and the township's (imported from its roster and
pulled): the same households, in the same order, as the visit picker's.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Static

from gridterm.core.dates.shown import field_text
from gridterm.core.households import (
    HouseholdIndex,
    all_households,
    find_household,
    household_data,
    household_tags,
)
from gridterm.core.i18n import t
from gridterm.core.record_text import address, kind_label, status_label, summary, tags_text
from gridterm.ui.officer.registry import screen_available
from gridterm.ui.officer.screens.base import GridScreen

PAGE = 25  # rows drawn per keystroke (more than a screen); the next page as the cursor nears
NEAR_END = 5  # the end of what is drawn, so every match can be reached by scrolling


def load_households(store) -> dict[str, dict]:
    """Every household on the device: the officer's (live and archived), then the township's."""
    return {household["id"]: household for household in all_households(store)}


class HouseholdsScreen(GridScreen):
    TITLE_KEY = "tui.screen.households"
    REBUILD_ON_LANGUAGE = True
    CSS_PATH = "households.tcss"
    BINDINGS = [
        Binding("ctrl+n", "new", "tui.key.new_household", id="households.new"),
        Binding("ctrl+f", "focus_search", "tui.key.search", id="households.search"),
        Binding("down", "focus_results", "tui.key.results", id="households.results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, dict] = {}
        self.index = HouseholdIndex()
        self.loaded = False
        self.found: list[str] = []  # every match of the query, best first
        self.shown = 0  # how many of them the table holds

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=t("search.households.hint"), id="hh-search", compact=True)
        yield Static(t("tui.loading"), id="hh-count", classes="hint", markup=False)
        table = DataTable(id="hh-table", cursor_type="row", zebra_stripes=True)
        # Fixed widths: a keystroke then redraws rows without measuring every cell again.
        table.add_column(t("tui.col.head"), key="head", width=8)
        table.add_column(t("tui.col.address"), key="address", width=18)
        table.add_column(t("tui.col.members"), key="members", width=4)
        table.add_column(t("tui.col.tags"), key="tags", width=30)
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        # Scrolling with the wheel (not only the cursor) also brings the next page.
        self.watch(self.query_one("#hh-table", DataTable), "scroll_y", self._scrolled, False)

    def focus_default(self) -> None:
        self.query_one("#hh-search", Input).focus()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="households-load", exit_on_error=False)
    def load(self) -> None:
        # In a thread: the index holds every name's pinyin, computed on first use.
        records = load_households(self.app.store)
        index = HouseholdIndex(list(records.values()))
        self.app.call_from_thread(self.show_households, records, index)

    def show_households(self, records: dict[str, dict], index: HouseholdIndex) -> None:
        self.records = records
        self.index = index
        self.loaded = True
        self.show_results(self.query_one("#hh-search", Input).value)

    def show_results(self, query: str) -> None:
        self.found, total = self.index.search(query)
        self.query_one("#hh-table", DataTable).clear()
        self.shown = 0
        self.show_more()
        if not self.records:
            text = t("tui.households.none")
        else:
            text = t("tui.households.count", total=total)
        self.query_one("#hh-count", Static).update(text)

    def show_more(self) -> None:
        """Add the next page of matches to the table."""
        table = self.query_one("#hh-table", DataTable)
        for record_id in self.found[self.shown : self.shown + PAGE]:
            data = household_data(self.records[record_id])
            table.add_row(
                data.get("head", ""),
                address(data),
                str(len(data.get("members") or [])),
                tags_text(household_tags(data)),
                key=record_id,
            )
        self.shown = table.row_count

    @on(DataTable.RowHighlighted, "#hh-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.shown - NEAR_END and self.shown < len(self.found):
            self.show_more()

    def _scrolled(self, scroll_y: float) -> None:
        table = self.query_one("#hh-table", DataTable)
        if scroll_y >= table.max_scroll_y - NEAR_END and self.shown < len(self.found):
            self.show_more()

    @on(Input.Changed, "#hh-search")
    def _search(self, event: Input.Changed) -> None:
        if self.loaded:
            self.show_results(event.value)

    @on(Input.Submitted, "#hh-search")
    def _submit(self, event: Input.Submitted) -> None:
        table = self.query_one("#hh-table", DataTable)
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            self.app.action_open("household", household_id=row_key.value)

    @on(DataTable.RowSelected, "#hh-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.action_open("household", household_id=event.row_key.value)

    def action_new(self) -> None:
        self.app.action_open("household_form")

    def action_focus_search(self) -> None:
        self.query_one("#hh-search", Input).focus()

    def action_focus_results(self) -> None:
        table = self.query_one("#hh-table", DataTable)
        if self.focused is not table and table.row_count:
            table.focus()


class HouseholdDetailScreen(GridScreen):
    TITLE_KEY = "tui.screen.household"
    REBUILD_ON_LANGUAGE = True
    CSS_PATH = "households.tcss"
    BINDINGS = [
        Binding("e", "edit", "tui.key.edit", id="household.edit"),
        Binding("v", "visit", "tui.key.visit", id="household.visit"),
        Binding("r", "report", "tui.key.report", id="household.report"),
    ]

    def __init__(self, household_id: str) -> None:
        super().__init__()
        self.household_id = household_id
        self.record: dict | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="hd-body"):
            yield Static("", id="hd-info", markup=False)
            yield Static(t("tui.household.members"), classes="section-title", markup=False)
            members = DataTable(id="hd-members", cursor_type="row", zebra_stripes=True)
            members.add_column(t("tui.col.name"), key="name")
            members.add_column(t("tui.col.relation"), key="relation")
            members.add_column(t("tui.col.id_number"), key="id")
            members.add_column(t("tui.col.phone"), key="phone")
            members.add_column(t("tui.col.tags"), key="tags")
            yield members
            yield Static(t("tui.household.history"), classes="section-title", markup=False)
            history = DataTable(id="hd-history", cursor_type="row", zebra_stripes=True)
            history.add_column(t("tui.col.date"), key="date")
            history.add_column(t("tui.col.kind"), key="kind")
            history.add_column(t("tui.col.summary"), key="summary")
            history.add_column(t("tui.col.status"), key="status")
            yield history
            yield Static("", id="hd-history-empty", classes="hint", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            # A township household is the township's to change (its roster), not the device's.
            return self.record is None or "data" in self.record
        if action == "visit":
            return screen_available("visit")
        if action == "report":
            return screen_available("report")
        return True

    def refresh_data(self) -> None:
        self.record = find_household(self.app.store, self.household_id)
        self.refresh_bindings()
        if self.record is None:
            self.query_one("#hd-info", Static).update(t("tui.household.missing"))
            return
        data = household_data(self.record)
        lines = [
            f"{data.get('head', '')}  {address(data)}",
        ]
        if data.get("phone"):
            lines.append(t("tui.household.phone", phone=data["phone"]))
        own_tags = household_tags(data)
        if own_tags:
            lines.append(t("tui.household.tags", tags=tags_text(own_tags)))
        if data.get("notes"):
            lines.append(data["notes"])
        self.query_one("#hd-info", Static).update("\n".join(lines))
        members = self.query_one("#hd-members", DataTable)
        members.clear()
        for n, member in enumerate(data.get("members") or []):
            members.add_row(
                member.get("name", ""),
                member.get("relation", ""),
                member.get("id_number", ""),
                member.get("phone", ""),
                tags_text(member.get("tags") or []),
                key=str(n),
            )
        self.load_history()

    @work(thread=True, exclusive=True, group="household-history", exit_on_error=False)
    def load_history(self) -> None:
        rows = household_history(self.app.store, self.record)
        self.app.call_from_thread(self._show_history, rows)

    def _show_history(self, rows: list[tuple[str, dict]]) -> None:
        table = self.query_one("#hd-history", DataTable)
        table.clear()
        for when, record in rows:
            table.add_row(
                field_text(when, self.app.zone)[:10],  # the township's day
                kind_label(record),
                summary(record),
                status_label(record),
                key=record["id"],
            )
        self.query_one("#hd-history-empty", Static).update(
            "" if rows else t("tui.household.no_history")
        )

    def action_edit(self) -> None:
        self.app.action_open("household_form", household_id=self.household_id)

    def action_visit(self) -> None:
        self.app.action_open("visit", household_id=self.household_id)

    def action_report(self) -> None:
        self.app.action_open("report", household_id=self.household_id)


def household_history(store, household: dict | None) -> list[tuple[str, dict]]:
    """Visits to the household, reports raised from them or naming it, cases with a member as
    a party (by ID number) — newest first, as (date, record)."""
    if household is None:
        return []
    hid = household["id"]
    data = household_data(household)
    ids = {m.get("id_number") for m in data.get("members") or [] if m.get("id_number")}
    found: dict[str, tuple[str, dict]] = {}
    records = store.query(archived=True)
    visit_ids: set[str] = set()
    for record in records:
        if record.get("kind") == "visit" and (record.get("data") or {}).get("household_id") == hid:
            visit_ids.add(record["id"])
            when = record["data"].get("visited_at") or record.get("created_at", "")
            found[record["id"]] = (when, record)
    for record in records:
        kind = record.get("kind")
        rdata = record.get("data") or {}
        if kind == "report":
            links = rdata.get("links") or {}
            if links.get("visit") in visit_ids or links.get("household") == hid:
                found[record["id"]] = (rdata.get("occurred_at") or record["created_at"], record)
        elif kind == "case" and any(p.get("id_number") in ids for p in rdata.get("parties") or []):
            found[record["id"]] = (record.get("created_at", ""), record)
    return sorted(found.values(), key=lambda pair: pair[0], reverse=True)
