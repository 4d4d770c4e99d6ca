"""One village notice: where it stands with the township, its text and its table of items.

Keys: ``e`` edits it (until it is published), ``c`` corrects it once published (a new
version, with the reason), ``p`` prints it on the 58 mm receipt printer with the QR code the
township signed (published notices only: the payload comes with the pull), ``o`` opens the
township's A4 page of it in the browser, ``escape`` goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from gridterm.core.i18n import t
from gridterm.core.model import label
from gridterm.core.model.affairs import display_money
from gridterm.core.receipts import ReceiptError
from gridterm.core.receipts import notice_print as np
from gridterm.core.usecases.affairs import can_edit
from gridterm.ui.officer.screens.affairs import state_text
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.receipt_output import print_escpos


def notice_text(record: dict) -> str:
    """The notice as the screen shows it: head lines, the text, the items and totals."""
    data = record.get("data") or {}
    lines = [
        data.get("title", ""),
        t(
            "affairs.notice.head",
            type=label("notice_type", str(data.get("type", ""))),
            village=data.get("village", ""),
        ),
        t("affairs.notice.state", state=state_text(record)),
    ]
    period = data.get("period") or {}
    if period.get("from"):
        lines.append(t("affairs.notice.period", start=period["from"], end=period.get("to", "")))
    if data.get("correction_of"):
        lines.append(t("affairs.notice.correction", reason=data.get("reason", "")))
    if data.get("matter_id"):
        lines.append(t("affairs.notice.from_matter"))
    lines += ["", data.get("body") or ""]
    if data.get("type") == "finance":
        lines += ["", t("affairs.form.items")]
        for n, item in enumerate(data.get("items") or [], 1):
            amounts = [
                t(f"affairs.print.{c}", amount=display_money(item[c]))
                for c in ("income", "spending")
                if item.get(c)
            ]
            voucher = (
                t("affairs.print.voucher", voucher=item["voucher"]) if item.get("voucher") else ""
            )
            lines.append(f" {n}. {item.get('item', '')}  {'  '.join(amounts)}  {voucher}".rstrip())
        totals = data.get("totals") or {}
        lines.append(
            t(
                "affairs.notice.totals",
                income=display_money(totals.get("income") or "0"),
                spending=display_money(totals.get("spending") or "0"),
            )
        )
    return "\n".join(lines)


class NoticeScreen(GridScreen):
    TITLE_KEY = "affairs.screen.notice"
    CSS_PATH = "affairs.tcss"
    BINDINGS = [
        Binding("e", "edit", "affairs.key.edit", id="notice.edit"),
        Binding("c", "correct", "affairs.key.correct", id="notice.correct"),
        Binding("p", "print_notice", "affairs.key.print", id="notice.print"),
        Binding("o", "open_a4", "affairs.key.open_a4", id="notice.open_a4"),
        Binding("escape", "back", "affairs.key.back", id="notice.back"),
    ]

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id
        self.record: dict = {}
        self.worker: Worker | None = None  # the last print, for tests to await

    def compose_body(self) -> ComposeResult:
        from gridterm.ui.officer.widgets.township_state import TownshipState

        yield TownshipState(id="notice-state")
        with VerticalScroll(id="notice-body"):
            yield Static("", id="notice-text", markup=False)
        yield Static("", id="notice-keys", markup=False)

    def focus_default(self) -> None:
        self.query_one("#notice-body").focus()

    def refresh_data(self) -> None:
        self.record = self.app.store.get(self.record_id) or {"data": {}}
        self.query_one("#notice-state").show(self.record)
        self.query_one("#notice-text", Static).update(notice_text(self.record))
        self.query_one("#notice-keys", Static).update(self.keys_text())
        self.refresh_bindings()

    def keys_text(self) -> str:
        """What can be done with it now, and why not the rest (on a phone the footer is short)."""
        if self.record.get("status") == "published":
            problem = np.printable_problem(self.record)
            return t("affairs.notice.keys_published") if problem is None else t(problem)
        if self.record.get("status") == "superseded":
            return t("affairs.print.superseded")
        return t("affairs.notice.keys_draft")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        published = self.record.get("status") == "published"
        if action == "edit":
            return can_edit(self.record)
        if action in ("correct", "print_notice", "open_a4"):
            return published
        return True

    def _after(self, _result: object = None) -> None:
        self.refresh_data()

    def action_edit(self) -> None:
        from gridterm.ui.officer.screens.notice_form import NoticeFormScreen

        self.app.push_screen(NoticeFormScreen(record_id=self.record_id), self._after)

    def action_correct(self) -> None:
        from gridterm.ui.officer.screens.notice_form import NoticeFormScreen

        def written(record: dict | None) -> None:
            if record:
                self.app.switch_screen(NoticeScreen(record["id"]))

        self.app.push_screen(NoticeFormScreen(correct=self.record_id), written)

    def action_print_notice(self) -> None:
        try:
            paper = np.paper_for(self.record)
        except ReceiptError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.worker = print_escpos(self, paper.escpos())

    def action_open_a4(self) -> None:
        url = (self.app.enrollment or {}).get("service_url")
        link = np.a4_link(self.record, url)
        if link is None:
            self.notify(t("affairs.print.not_published"), severity="warning")
            return
        self.app.open_url(link)
        self.notify(t("affairs.notice.opened", link=link))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure is said by the app (GridScreen hands it over: kit.workers).
        if event.state == WorkerState.SUCCESS and event.worker.name == "print":
            self.notify(t("affairs.notice.printed", dest=event.worker.result))

    def action_back(self) -> None:
        self.dismiss(None)
