"""A case's mediation agreement (调解协议书), ready to print and sign.

Opened with ``p`` on the case screen.  It shows the agreement as it will be printed, how many
copies (one per party, one for the committee's archive), and the link to the A4 page on the
township service.  Keys: ``p`` prints every copy on the 58 mm receipt printer (the printer
chosen in settings; the printer cuts between copies), ``o`` opens the A4 page in the browser
(the township must have this rev: sync first), ``escape`` goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from gridterm.core.i18n import get_language, t
from gridterm.core.receipts import agreement_link, agreement_print
from gridterm.core.receipts.agreement import Agreement, agreement_for
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.receipt_output import print_escpos


def place_of(enrollment: dict | None) -> str:
    """The mediating organisation as the device knows it: its township and grid."""
    enrollment = enrollment or {}
    names = (
        (enrollment.get("township") or {}).get("name"),
        (enrollment.get("grid") or {}).get("name"),
    )
    return " ".join(n for n in names if n)


def agreement_of(record: dict, enrollment: dict | None) -> Agreement:
    """The case's agreement in the user's language; AgreementError when there is none yet."""
    return agreement_for(record, place_of(enrollment), get_language())


class AgreementScreen(GridScreen):
    TITLE_KEY = "agreement.screen.title"
    CSS_PATH = "agreement.tcss"
    BINDINGS = [
        Binding("p", "print_copies", "agreement.key.print", id="agreement.print"),
        Binding("o", "open_a4", "agreement.key.open", id="agreement.open"),
        Binding("escape", "close", "agreement.key.back", id="agreement.back"),
    ]

    def __init__(self, record: dict) -> None:
        super().__init__()
        self.record = record
        self.agreement = agreement_of(record, None)
        self.link: str | None = None
        self.worker: Worker | None = None  # the last print, for tests to await

    def compose_body(self) -> ComposeResult:
        self.agreement = agreement_of(self.record, self.app.enrollment)
        self.link = self._link()
        count = len(self.agreement.copies)
        names = t("tui.list_sep").join(self.agreement.party_names)
        yield Static(
            t("agreement.screen.copies", count=count, parties=names),
            id="agreement-copies",
            markup=False,
        )
        yield Static(self._link_text(), id="agreement-link", markup=False)
        with VerticalScroll(id="agreement-body"):
            text = "\n".join(agreement_print.copy_lines(self.agreement, 0))
            yield Static(text, id="agreement-text", markup=False)
        yield Static(t("agreement.screen.keys", count=count), id="agreement-keys", markup=False)

    def focus_default(self) -> None:
        self.query_one("#agreement-body").focus()

    def _link(self) -> str | None:
        enrollment = self.app.enrollment or {}
        url, secret = enrollment.get("service_url"), enrollment.get("device_secret")
        if not url or not secret:
            return None
        return agreement_link.agreement_link(
            url,
            self.record["id"],
            self.record["rev"],
            secret,
            now=self.app.now(),
            lang=get_language(),
        )

    def _link_text(self) -> str:
        if self.link is None:
            return t("agreement.screen.no_link")
        hours = int(agreement_link.LINK_TTL.total_seconds() // 3600)
        if self.record.get("synced_rev") != self.record.get("rev"):
            return t("agreement.screen.link_unsynced", link=self.link, hours=hours)
        return t("agreement.screen.link", link=self.link, hours=hours)

    # -- keys ------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(None)

    def action_print_copies(self) -> None:
        self.worker = print_escpos(self, agreement_print.escpos(self.agreement))

    def action_open_a4(self) -> None:
        if self.link is None:
            self.notify(t("agreement.screen.no_link"), severity="warning")
            return
        self.app.open_url(self.link)
        self.notify(t("agreement.screen.opened"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure is said by the app (GridScreen hands it over: kit.workers).
        if event.state == WorkerState.SUCCESS and event.worker.name == "print":
            count = len(self.agreement.copies)
            self.notify(t("agreement.screen.printed", dest=event.worker.result, count=count))
