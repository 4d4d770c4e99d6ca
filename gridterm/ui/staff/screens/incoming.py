"""The incoming list: what officers synced, newest change first, with filters and marks.

Keys: enter opens a record; space marks it; a acts on the marked records (or the one under
the cursor) through one bulk transition; k/s/g/o cycle the kind, status, grid and overdue
filters; f types a search; x clears the filters; r refreshes (a timer refreshes too);
n loads the next page; e exports; w opens the residents' questions about the villages'
notices (screens/questions.py); m the villages' supervision committee members
(screens/supervisors.py).

The kind filter opens on "to handle" (TODO): the reports and mediation cases still open in
the township's workflow and the village notices awaiting review — what the clerk must act
on — rather than every household and visit the officers synced. k moves on to all, then
each kind.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from gridterm.core import workflow
from gridterm.core.i18n import t
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.times import short_time
from gridterm.ui.kit.workers import ReportsWorkerFailures
from gridterm.ui.staff import text, tiers
from gridterm.ui.staff.text import fit

PAGE = 200
PINNED = 100  # supervised items at the head of the list (a county supervises a few)
TODO = "todo"  # the kind filter's default: open reports and cases, notices to review
TODO_KINDS = ("report", "case", "notice")
KIND_CYCLE = (TODO, None, "report", "visit", "case", "household", "notice", "matter")
DEFAULT_FILTERS: dict[str, object] = {
    "kind": TODO,
    "status": None,
    "grid": None,
    "overdue": None,
    "q": "",
}
STATUS_CYCLE = (None, *workflow.ALL_STATES)


def departments_of(api) -> list[dict] | None:
    """The township's departments list; None from a service that has none to give."""
    try:
        return api.departments()
    except Exception:  # an older service: moves to assigned name nobody, as before
        return None


MARK = "✓"


class IncomingScreen(ReportsWorkerFailures, Screen):
    CSS_PATH = "incoming.tcss"
    BINDINGS = [
        Binding("space", "mark", "staff.key.mark", id="staff.list.mark"),
        Binding("a", "act", "staff.key.act", id="staff.list.act"),
        Binding("k", "cycle('kind')", "staff.key.kind", show=False, id="staff.list.kind"),
        Binding("s", "cycle('status')", "staff.key.status", show=False, id="staff.list.status"),
        Binding("g", "cycle('grid')", "staff.key.grid", show=False, id="staff.list.grid"),
        Binding("o", "cycle('overdue')", "staff.key.overdue", show=False, id="staff.list.overdue"),
        Binding("f", "search", "staff.key.search", id="staff.list.search"),
        Binding("x", "clear_filters", "staff.key.clear", show=False, id="staff.list.clear"),
        Binding("r", "refresh", "staff.key.refresh", id="staff.list.refresh"),
        Binding("n", "more", "staff.key.more", id="staff.list.more"),
        Binding("e", "export", "staff.key.export", id="staff.list.export"),
        Binding("w", "questions", "board.console.key.questions", id="board.list.questions"),
        Binding(
            "m", "supervisors", "board.console.key.members", show=False, id="board.list.members"
        ),
        Binding("escape", "leave_search", show=False, id="staff.list.leave_search"),
    ]

    def __init__(self, *, scope: dict | None = None, scope_name: str = "") -> None:
        """``scope``: filters the list always keeps (the county console opens one township's
        or one village's records: ``{"township": ID}``), named ``scope_name`` on the filter
        line."""
        super().__init__()
        self.scope = dict(scope or {})
        self.scope_name = scope_name
        self.filters: dict[str, object] = dict(DEFAULT_FILTERS)
        self.items: list[dict] = []
        self.pinned = 0  # how many of ``items`` head the list: under the county's 督办
        self.total = 0
        self.marked: set[str] = set()
        self.busy = False
        self.refreshed_at = ""

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader("staff.list.title")
        yield Static("", id="in-filters", markup=False)
        yield Input(placeholder=t("staff.list.search_hint"), id="in-search", compact=True)
        yield DataTable(id="in-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="in-status", markup=False)
        yield AppFooter()

    def on_mount(self) -> None:
        self._columns()
        self.show_filters()
        self.query_one("#in-table", DataTable).focus()
        self.load()
        if self.app.refresh_every:
            self.set_interval(self.app.refresh_every, self.background_refresh)

    def _widths(self) -> dict[str, int]:
        width = self.app.size.width
        place = 8 if width < 100 else 14
        fixed = {"kind": 7, "tier": 4, "received": 11, "place": place, "urgency": 7}
        fixed.update({"status": 9, "overdue": 4})
        # Each column has one cell of padding each side; the scrollbar takes two.
        topic = max(10, width - sum(fixed.values()) - 2 * (len(fixed) + 1) - 4)
        return {**fixed, "topic": topic}

    def _columns(self) -> None:
        table = self.query_one("#in-table", DataTable)
        self.widths = self._widths()
        heads = {
            "kind": t("staff.col.kind"),
            "tier": t("countyview.col.tier"),
            "received": t("staff.col.received"),
            "place": t("staff.col.place"),
            "topic": t("staff.col.topic"),
            "urgency": t("staff.col.urgency"),
            "status": t("staff.col.status"),
            "overdue": t("staff.col.overdue"),
        }
        for key, head in heads.items():
            table.add_column(fit(head, self.widths[key]), width=self.widths[key], key=key)

    # -- filters -----------------------------------------------------------------------------
    def _grid_name(self, grid_id: object) -> str:
        for grid in self.app.grids:
            if grid["id"] == grid_id:
                return grid["name"]
        return str(grid_id)

    def filter_text(self) -> str:
        f = self.filters
        every = t("staff.filter.all")
        if f["kind"] == TODO:
            kind = t("staff.filter.todo")
        else:
            kind = text.kind_short(f["kind"]) if f["kind"] else every
        status = text.status_text(f["status"]) if f["status"] else every
        grid = self._grid_name(f["grid"]) if f["grid"] else every
        overdue = t("staff.filter.only") if f["overdue"] else t("staff.filter.any")
        parts = [
            t("staff.filter.keys_kind", value=kind),
            t("staff.filter.keys_status", value=status),
            t("staff.filter.keys_grid", value=grid),
            t("staff.filter.keys_overdue", value=overdue),
        ]
        if f != DEFAULT_FILTERS:  # (the search text shows in its own field below)
            parts.append(t("staff.filter.clear_hint"))
        if self.scope_name:
            parts.insert(0, self.scope_name)
        return " · ".join(parts)

    def show_filters(self) -> None:
        self.query_one("#in-filters", Static).update(
            fit(self.filter_text(), max(10, (self.size.width or 80) - 2))
        )

    def action_cycle(self, name: str) -> None:
        if name == "overdue":
            self.filters["overdue"] = None if self.filters["overdue"] else True
        else:
            options: tuple = {
                "kind": KIND_CYCLE,
                "status": STATUS_CYCLE,
                "grid": (None, *(g["id"] for g in self.app.grids)),
            }[name]
            current = self.filters[name]
            at = options.index(current) if current in options else 0
            self.filters[name] = options[(at + 1) % len(options)]
        self.filters_changed()

    def action_clear_filters(self) -> None:
        self.filters.update(DEFAULT_FILTERS)  # back to the first screen: the work to handle
        self.query_one("#in-search", Input).value = ""
        self.filters_changed()

    def action_search(self) -> None:
        self.query_one("#in-search", Input).focus()

    def action_leave_search(self) -> None:
        table = self.query_one("#in-table", DataTable)
        if table.has_focus and self.app.screen is self:
            # Not searching: escape goes back (to the county console this list came from).
            self.app.action_back()
            return
        table.focus()

    @on(Input.Submitted, "#in-search")
    def _search(self, event: Input.Submitted) -> None:
        self.filters["q"] = event.value.strip()
        self.query_one("#in-table", DataTable).focus()
        self.filters_changed()

    def filters_changed(self) -> None:
        self.show_filters()
        self.load()

    # -- loading -----------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.load()

    def background_refresh(self) -> None:
        if not self.busy and self.app.screen is self:
            self.load(quiet=True)

    def on_screen_resume(self) -> None:
        # Back from a record (escape pops it: no callback runs): what was done there (a
        # move, a tier, a supervision) shows in the list at once, not at the next timer.
        if self.refreshed_at and not self.busy:
            self.load(quiet=True)

    def action_more(self) -> None:
        if len(self.items) < self.total:
            self.load(offset=len(self.items) - self.pinned)

    def api_filters(self) -> dict:
        filters = {k: v for k, v in self.filters.items() if v not in (None, "")}
        filters.update(self.scope)
        if filters.get("kind") == TODO:
            filters["kind"] = ",".join(TODO_KINDS)
            filters["open"] = True
        return filters

    @work(thread=True, exclusive=True, group="incoming-load", exit_on_error=False)
    def load(self, offset: int = 0, quiet: bool = False) -> None:
        self.busy = True
        worker = get_current_worker()
        try:
            with self.app.api() as api:
                if not self.app.grids or self.app.me is None:
                    me = api.me()
                    grids = api.grids()
                    self.app.call_from_thread(self._signed_in, me, grids)
                    self.app.call_from_thread(self._departments, departments_of(api))
                filters = self.api_filters()
                pinned = None
                if offset == 0:
                    # What the county supervises heads the list, whatever changed last; the
                    # pages after it hold the rest (docs/county.md "Supervision").
                    pinned = api.records(limit=PINNED, supervised=True, **filters)["items"]
                limit = PAGE if offset else max(PAGE, len(self.items) - self.pinned)
                page = api.records(
                    limit=min(limit, 500), offset=offset, supervised=False, **filters
                )
        finally:
            self.busy = False
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, page, offset, pinned)

    def _departments(self, found: list[dict] | None) -> None:
        if found is not None:
            self.app.departments = found

    def _signed_in(self, me: dict, grids: list[dict]) -> None:
        self.app.me = me
        self.app.grids = grids
        self.app.refresh_status_line()
        first = len(self.app.screen_stack) <= self.app.BACK_FLOOR
        if tiers.is_county_role(me) and self.app.screen is self and first:
            # Started without knowing who the token is: a county's opens on its own console.
            self.app.switch_screen(self.app.home_screen())

    def _loaded(self, page: dict, offset: int, pinned: list[dict] | None) -> None:
        if not self.is_attached:
            return  # the screen was closed while the page was on its way
        items = page["items"]
        if pinned is not None:
            self.pinned = len(pinned)
            self.items = pinned + items
        else:
            self.items = self.items[: self.pinned + offset] + items
        self.total = page["total"] + self.pinned
        self.refreshed_at = short_time(self.app.now(), self.app.now())
        self.fill_table()
        self.show_status()

    def fill_table(self) -> None:
        table = self.query_one("#in-table", DataTable)
        current = self.current_id()
        table.clear()
        w = self.widths
        now = self.app.now()
        for item in self.items:
            table.add_row(
                self.kind_cell(item),
                tiers.tier_cell(tiers.shown_tier(item)),
                short_time(item.get("received_at"), now),
                fit(text.place(item), w["place"]),
                fit(self.topic_text(item, w["topic"] < 30), w["topic"]),
                fit(text.urgency_text(item.get("urgency")), w["urgency"]),
                fit(text.status_text(item.get("status")), w["status"]),
                t("staff.flag.overdue") if item.get("overdue") else "",
                key=item["id"],
            )
        if current is not None:
            for index, item in enumerate(self.items):
                if item["id"] == current:
                    table.move_cursor(row=index, animate=False)
                    break

    @staticmethod
    def topic_text(item: dict, short: bool) -> str:
        """What it is about, after 督办 while the county supervises it (it heads the list)."""
        topic = text.topic(item, short=short)
        if tiers.supervision_open(item):
            return t("countyview.supervised_mark") + topic
        return topic

    def kind_cell(self, item: dict) -> str:
        mark = MARK if item.get("id") in self.marked else " "
        return mark + fit(text.kind_short(item.get("kind")), self.widths["kind"] - 1)

    def show_status(self) -> None:
        parts = [t("staff.list.count", shown=len(self.items), total=self.total)]
        if self.marked:
            parts.append(t("staff.list.marked", count=len(self.marked)))
        overdue = sum(1 for item in self.items if item.get("overdue"))
        if overdue:
            parts.append(t("staff.list.overdue_count", count=overdue))
        if self.refreshed_at:
            parts.append(t("staff.list.refreshed", time=self.refreshed_at))
        if not self.items:
            empty = (
                "staff.list.empty_todo" if self.filters.get("kind") == TODO else "staff.list.empty"
            )
            parts.insert(0, t(empty))
        self.query_one("#in-status", Static).update(" · ".join(parts))

    # -- the row under the cursor, marks -----------------------------------------------------
    def current_id(self) -> str | None:
        table = self.query_one("#in-table", DataTable)
        if not self.items or table.row_count == 0:
            return None
        row = table.cursor_row
        if 0 <= row < len(self.items):
            return self.items[row]["id"]
        return None

    def item(self, record_id: str) -> dict | None:
        return next((i for i in self.items if i["id"] == record_id), None)

    def action_mark(self) -> None:
        record_id = self.current_id()
        if record_id is None:
            return
        if record_id in self.marked:
            self.marked.discard(record_id)
        else:
            self.marked.add(record_id)
        table = self.query_one("#in-table", DataTable)
        table.update_cell(record_id, "kind", self.kind_cell(self.item(record_id) or {}))
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1, animate=False)
        self.show_status()

    @on(DataTable.RowSelected, "#in-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        record_id = event.row_key.value
        if record_id:
            from gridterm.ui.staff.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(record_id), lambda _=None: self.load(quiet=True))

    # -- acting on several -------------------------------------------------------------------
    def targets(self) -> list[str]:
        if self.marked:
            return [i["id"] for i in self.items if i["id"] in self.marked] + sorted(
                self.marked - {i["id"] for i in self.items}
            )
        current = self.current_id()
        return [current] if current else []

    def action_act(self) -> None:
        ids = self.targets()
        if not ids:
            self.notify(t("staff.bulk.nothing"), severity="warning")
            return
        allowed: list[str] = []
        # Only the moves this level makes: a township's staff never the county's, and back.
        level = "county" if tiers.is_county_role(self.app.me) else "township"
        for record_id in ids:
            item = self.item(record_id)
            status = (item or {}).get("status") or workflow.INITIAL
            for to in workflow.allowed(status, level):
                if to not in allowed:
                    allowed.append(to)
        allowed.sort(key=workflow.STATES.index)
        if not allowed:
            self.notify(t("staff.transition.none"), severity="warning")
            return
        from gridterm.ui.staff.screens.assign import ask_assignee
        from gridterm.ui.staff.screens.transition import TransitionDialog

        title = t("staff.bulk.title", count=len(ids))
        self.app.push_screen(
            TransitionDialog(allowed, title=title),
            lambda choice: choice and ask_assignee(self.app, choice, lambda c: self.bulk(ids, c)),
        )

    @work(thread=True, group="incoming-bulk", exit_on_error=False)
    def bulk(self, ids: list[str], choice: dict) -> None:
        with self.app.api() as api:
            results = api.bulk_transition(ids, **choice)
        self.app.call_from_thread(self._bulk_done, results)

    def _bulk_done(self, results: list[dict]) -> None:
        if not self.is_attached:
            return
        ok = [r for r in results if r.get("ok")]
        refused = [r for r in results if not r.get("ok")]
        self.marked -= {r["id"] for r in ok}
        if refused:
            self.notify(
                t(
                    "staff.bulk.partly",
                    ok=len(ok),
                    refused=len(refused),
                    detail=refused[0].get("detail") or "",
                ),
                severity="warning",
                timeout=8,
            )
        else:
            self.notify(t("staff.bulk.done", count=len(ok)))
        self.load()

    # -- residents' questions about the villages' notices ------------------------------------
    def action_questions(self) -> None:
        from gridterm.ui.staff.screens.questions import QuestionsScreen

        self.app.push_screen(QuestionsScreen())

    def action_supervisors(self) -> None:
        from gridterm.ui.staff.screens.supervisors import SupervisorsScreen

        self.app.push_screen(SupervisorsScreen())

    # -- export ------------------------------------------------------------------------------
    def action_export(self) -> None:
        from gridterm.ui.staff.screens.export import ExportDialog

        kind = self.filters.get("kind")
        self.app.push_screen(ExportDialog(kind=None if kind == TODO else kind))
