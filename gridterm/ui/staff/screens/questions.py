"""Residents' questions about the village's published notices (docs/village_affairs.md):
the open ones oldest first — what the villages still owe — and the whole question under
the cursor with its phone number (the village may call back; the public never sees it).

Keys: a answers the question (public at once beside it), d sets it aside with a reason
(abuse, nothing to do with the notice: never shown, no longer owed), s cycles open /
answered / set aside / all, r reloads.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from gridterm.core.i18n import t
from gridterm.ui.kit.footer import AppFooter
from gridterm.ui.kit.header import AppHeader
from gridterm.ui.kit.times import full_time, short_time
from gridterm.ui.kit.workers import ReportsWorkerFailures
from gridterm.ui.staff.text import fit

STATES = ("open", "answered", "dismissed", "all")
PAGE = 200


class QuestionsScreen(ReportsWorkerFailures, Screen):
    CSS_PATH = "questions.tcss"
    BINDINGS = [
        Binding("a", "answer", "board.console.key.answer", id="board.questions.answer"),
        Binding("d", "dismiss_question", "board.console.key.dismiss", id="board.questions.dismiss"),
        Binding("s", "cycle_state", "board.console.key.state", id="board.questions.state"),
        Binding("r", "reload", "staff.key.refresh", id="board.questions.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.state = "open"
        self.items: list[dict] = []
        self.total = 0

    def compose(self) -> ComposeResult:
        yield AppHeader("board.console.questions_title")
        yield Static("", id="qs-filter", markup=False)
        yield DataTable(id="qs-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="qs-detail")
        yield Static("", id="qs-status", markup=False)
        yield AppFooter()

    def on_mount(self) -> None:
        width = self.app.size.width
        self.widths = {"asked": 11, "village": 8 if width < 100 else 12, "state": 6}
        self.widths["text"] = max(10, width - sum(self.widths.values()) - 2 * 5 - 4)
        table = self.query_one("#qs-table", DataTable)
        for key in ("asked", "village", "text", "state"):
            head = t(f"board.console.col.{key}")
            table.add_column(fit(head, self.widths[key]), width=self.widths[key], key=key)
        table.focus()
        self.show_filter()
        self.load()

    def show_filter(self) -> None:
        self.query_one("#qs-filter", Static).update(
            t("board.console.filter", state=t(f"board.console.state.{self.state}"))
        )

    # -- loading -----------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.load()

    def action_cycle_state(self) -> None:
        self.state = STATES[(STATES.index(self.state) + 1) % len(STATES)]
        self.show_filter()
        self.load()

    @work(thread=True, exclusive=True, group="questions-load", exit_on_error=False)
    def load(self) -> None:
        with self.app.api() as api:
            page = api.questions(state=self.state, limit=PAGE)
        self.app.call_from_thread(self._loaded, page)

    def _loaded(self, page: dict) -> None:
        if not self.is_attached:
            return
        current = self.current()
        self.items, self.total = page["items"], page["total"]
        table = self.query_one("#qs-table", DataTable)
        table.clear()
        now = self.app.now()
        for item in self.items:
            table.add_row(
                short_time(item.get("asked_at"), now),
                fit(item.get("village") or "", self.widths["village"]),
                fit(item.get("text") or "", self.widths["text"]),
                fit(t(f"board.console.state.{item['state']}"), self.widths["state"]),
                key=item["id"],
            )
        for index, item in enumerate(self.items):
            if current is not None and item["id"] == current["id"]:
                table.move_cursor(row=index, animate=False)
        count = t("board.console.count", shown=len(self.items), total=self.total)
        self.query_one("#qs-status", Static).update(
            count if self.items else t("board.console.none") + " · " + count
        )
        self.show_detail()

    # -- the question under the cursor -------------------------------------------------------
    def current(self) -> dict | None:
        table = self.query_one("#qs-table", DataTable)
        row = table.cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    @on(DataTable.RowHighlighted, "#qs-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        item = self.current()
        shown = Text()
        if item is not None:
            now = self.app.now()
            shown.append(item.get("notice_title") or item.get("number") or "", style="bold")
            shown.append("\n" + t("board.console.asked", when=full_time(item["asked_at"], now)))
            shown.append("  " + t("board.console.phone", phone=item.get("phone") or ""))
            shown.append("\n" + (item.get("text") or ""))
            if item.get("answer"):
                shown.append("\n" + t("board.console.answer", text=item["answer"]), style="green")
            if item.get("dismissed_reason"):
                shown.append("\n" + t("board.console.dismissed", text=item["dismissed_reason"]))
        self.query_one("#qs-detail", Static).update(shown)

    # -- answering ---------------------------------------------------------------------------
    def _open_one(self) -> dict | None:
        item = self.current()
        if item is None or item["state"] != "open":
            self.notify(t("board.console.not_open"), severity="warning")
            return None
        return item

    def action_answer(self) -> None:
        self._ask("answer", "board.console.answer_title")

    def action_dismiss_question(self) -> None:
        self._ask("dismiss", "board.console.dismiss_title")

    def _ask(self, what: str, title: str) -> None:
        item = self._open_one()
        if item is None:
            return
        from gridterm.ui.staff.screens.text_dialog import TextDialog

        self.app.push_screen(
            TextDialog(t(title), context=item.get("text") or ""),
            lambda said: said and self.send(what, item["id"], said),
        )

    @work(thread=True, group="questions-send", exit_on_error=False)
    def send(self, what: str, question_id: str, said: str) -> None:
        with self.app.api() as api:
            if what == "answer":
                api.answer_question(question_id, said)
            else:
                api.dismiss_question(question_id, said)
        self.app.call_from_thread(self._sent, what)

    def _sent(self, what: str) -> None:
        self.notify(t(f"board.console.{what}_done"))
        self.load()
