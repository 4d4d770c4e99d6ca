"""The villages' supervision committee members (村务监督委员会) the township enrolled
(docs/village_affairs.md): each gets a personal link to read the notices and countersign or
object; the link is shown once, right after enrolling, to pass on to the member.

Keys: n enrols a member, x ends the link of the member under the cursor (their
countersignatures stay), r reloads.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from gridterm.core.i18n import t
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.times import short_time
from gridterm.ui.kit.workers import ReportsWorkerFailures
from gridterm.ui.staff.text import fit


class SupervisorsScreen(ReportsWorkerFailures, Screen):
    CSS_PATH = "questions.tcss"
    BINDINGS = [
        Binding("n", "enrol", "board.console.key.enrol", id="board.members.enrol"),
        Binding("x", "revoke", "board.console.key.revoke", id="board.members.revoke"),
        Binding("r", "reload", "staff.key.refresh", id="board.members.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict] = []

    def compose(self) -> ComposeResult:
        yield AppHeader("board.console.members_title")
        yield Static(t("board.console.members_note"), id="qs-filter", markup=False)
        yield DataTable(id="qs-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="qs-detail")
        yield AppFooter()

    def on_mount(self) -> None:
        width = self.app.size.width
        self.widths = {"village": 12, "name": 10, "phone": 13, "enrolled": 11}
        self.widths["state"] = max(6, width - sum(self.widths.values()) - 2 * 6 - 4)
        table = self.query_one("#qs-table", DataTable)
        for key, size in self.widths.items():
            table.add_column(fit(t(f"board.console.mcol.{key}"), size), width=size, key=key)
        table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="members-load", exit_on_error=False)
    def load(self) -> None:
        with self.app.api() as api:
            items = api.supervisors()
        self.app.call_from_thread(self._loaded, items)

    def _loaded(self, items: list[dict]) -> None:
        if not self.is_attached:
            return
        self.items = items
        table = self.query_one("#qs-table", DataTable)
        table.clear()
        now = self.app.now()
        for item in items:
            state = "revoked" if item.get("revoked_at") else "active"
            table.add_row(
                fit(item["village"], self.widths["village"]),
                fit(item["name"], self.widths["name"]),
                fit(item.get("phone") or "", self.widths["phone"]),
                short_time(item.get("created_at"), now),
                fit(t(f"board.console.member_{state}"), self.widths["state"]),
                key=item["id"],
            )

    def current(self) -> dict | None:
        row = self.query_one("#qs-table", DataTable).cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    # -- enrolling and revoking --------------------------------------------------------------
    def action_enrol(self) -> None:
        from gridterm.ui.staff.screens.enrol_dialog import EnrolDialog

        village = (self.current() or {}).get("village") or ""
        self.app.push_screen(EnrolDialog(village), lambda got: got and self.enrol(got))

    @work(thread=True, group="members-send", exit_on_error=False)
    def enrol(self, fields: dict) -> None:
        with self.app.api() as api:
            made = api.enroll_supervisor(**fields)
        self.app.call_from_thread(self._enrolled, made)

    def _enrolled(self, made: dict) -> None:
        shown = Text(t("board.console.link_once", name=made["name"]), style="bold")
        shown.append("\n" + made["link"])
        self.query_one("#qs-detail", Static).update(shown)
        self.load()

    def action_revoke(self) -> None:
        item = self.current()
        if item is None or item.get("revoked_at"):
            self.notify(t("board.console.revoke_none"), severity="warning")
            return
        from gridterm.ui.kit.confirm import ConfirmScreen

        question = t("board.console.revoke_ask", name=item["name"], village=item["village"])
        self.app.push_screen(ConfirmScreen(question), lambda yes: yes and self.revoke(item["id"]))

    @work(thread=True, group="members-send", exit_on_error=False)
    def revoke(self, member_id: str) -> None:
        with self.app.api() as api:
            api.revoke_supervisor(member_id)
        self.app.call_from_thread(self._revoked)

    def _revoked(self) -> None:
        self.notify(t("board.console.revoked"))
        self.query_one("#qs-detail", Static).update("")
        self.load()
