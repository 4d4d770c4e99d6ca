"""Village affairs in the open (村务公开): the village's notices and its 四议两公开 matters.

Opened with ``n`` from Home.  ``1`` lists the notices (三务公开: Party, village and financial
affairs, and the notices the matters made), newest first, each with where it stands — not
sent, with the township, returned, published (its number and version) or superseded; ``2``
lists the matters with their next step.  ``n`` writes a new notice or a new matter (whichever
list shows), ``enter`` opens one, ``escape`` goes back.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from gridterm.core.dates import field_text
from gridterm.core.i18n import t
from gridterm.core.model import affairs, label
from gridterm.core.usecases.affairs import notice_state
from gridterm.ui.kit import tables
from gridterm.ui.officer.screens.base import GridScreen

LISTS = ("notices", "matters")


NARROW = 70  # narrower than this, a row shows the day without the year


def state_text(record: dict) -> str:
    """Where a notice stands, with its public number once published."""
    state = notice_state(record)
    if state in ("published", "superseded") and record.get("notice_number"):
        return t(
            f"affairs.list.{state}_numbered",
            number=record["notice_number"],
            version=record.get("notice_version") or 1,
        )
    return t(f"affairs.state.{state}")


def matter_state_text(record: dict) -> str:
    steps = (record.get("data") or {}).get("steps") or []
    state = affairs.matter_state(steps)
    if state == "open":
        step = affairs.next_step(steps) or ""
        return t("affairs.matter.next", n=len(steps) + 1, step=label("matter_step", step))
    return t(f"affairs.matter.state.{state}")


class AffairsScreen(GridScreen):
    TITLE_KEY = "affairs.screen.affairs"
    CSS_PATH = "affairs.tcss"
    REBUILD_ON_LANGUAGE = True
    BINDINGS = [
        Binding("n", "new", "affairs.key.new", id="affairs.new"),
        Binding("1", "show('notices')", "affairs.key.notices", id="affairs.notices"),
        Binding("2", "show('matters')", "affairs.key.matters", id="affairs.matters"),
        Binding("escape", "back", "affairs.key.back", id="affairs.back"),
    ]

    def __init__(self, which: str = "notices") -> None:
        super().__init__()
        self.which = which if which in LISTS else "notices"
        self.records: list[dict] = []
        self.counts = dict.fromkeys(LISTS, 0)

    def compose_body(self) -> ComposeResult:
        with Vertical(id="affairs-body"):
            yield Static("", id="affairs-filter", markup=False)
            yield Static("", id="affairs-empty", markup=False)
            yield DataTable(id="affairs-table", cursor_type="row", zebra_stripes=True)

    def focus_default(self) -> None:
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self.fill()

    def refresh_data(self) -> None:
        store = self.app.store
        by_list = {
            "notices": store.query(kind="notice", archived=True),
            "matters": store.query(kind="matter", archived=True),
        }
        self.counts = {name: len(records) for name, records in by_list.items()}
        self.records = sorted(
            by_list[self.which], key=lambda r: r.get("created_at") or "", reverse=True
        )
        self.query_one("#affairs-filter", Static).update(
            "  ".join(
                ("▶" if name == self.which else " ")
                + t(f"affairs.list.{name}", key=n, count=self.counts[name])
                for n, name in enumerate(LISTS, 1)
            )
        )
        empty = self.query_one("#affairs-empty", Static)
        empty.update("" if self.records else t(f"affairs.list.none_{self.which}"))
        empty.display = not self.records
        self.fill()

    def fill(self) -> None:
        """The list, fitted to the width: the title gives way before the state."""
        zone = self.app.now().tzinfo
        width = self.query_one("#affairs-body").size.width
        # On a phone the day is enough (MM-DD): the title needs the room.
        day = slice(0, 10) if width >= NARROW else slice(5, 10)
        rows = []
        for record in self.records:
            data = record.get("data") or {}
            written = field_text(record.get("created_at"), zone)[day]
            if self.which == "notices":
                kind = label("notice_type", str(data.get("type", "")))
                rows.append(
                    (record["id"], [written, kind, data.get("title", ""), state_text(record)])
                )
            else:
                rows.append(
                    (record["id"], [written, data.get("title", ""), matter_state_text(record)])
                )
        columns = [("written", t("affairs.col.written"))]
        if self.which == "notices":
            columns.append(("type", t("affairs.col.type")))
        columns += [("title", t("affairs.col.title")), ("state", t("affairs.col.state"))]
        # The title gives way first, then the state's tail (a published notice's number, a
        # matter's long "next step": both are on the record's own screen), then the title
        # again; only the columns this list has.
        squeeze = [("type", 8), ("title", 14), ("state", 8), ("type", 4), ("title", 6)]
        squeeze = [(key, least) for key, least in squeeze if key in dict(columns)]
        tables.fill(self.query_one(DataTable), columns, rows, width, squeeze)

    def action_show(self, which: str) -> None:
        self.which = which
        self.refresh_data()

    def action_new(self) -> None:
        def written(record: dict | None) -> None:
            if record:
                self.open_record(record)

        name = "notice_form" if self.which == "notices" else "matter_form"
        from gridterm.ui.officer.registry import load_screen_class

        self.app.push_screen(load_screen_class(name)(), written)

    def open_record(self, record: dict) -> None:
        if record.get("kind") == "notice":
            self.app.action_open("notice", record_id=record["id"])
        else:
            self.app.action_open("matter", record_id=record["id"])

    @on(DataTable.RowSelected, "#affairs-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record = self.app.store.get(str(event.row_key.value))
        if record is not None:
            self.open_record(record)

    def action_back(self) -> None:
        self.dismiss(None)
