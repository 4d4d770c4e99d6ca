"""Mediation cases (人民调解): the list (open / follow-up due / closed / all) and one case.

The case screen shows the whole file — registration, mediators, sessions, outcome and
agreement, follow-ups — and each letter key opens the form for one part of it
(``gridterm.ui.officer.screens.case_form``).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from gridterm.core import model
from gridterm.core.dates import field_text
from gridterm.core.i18n import t
from gridterm.core.usecases import cases as case_rules
from gridterm.core.usecases.cases import FILTERS, case_matches
from gridterm.core.usecases.receipts import party_receipts
from gridterm.ui.kit import tables
from gridterm.ui.kit.confirm import ConfirmScreen
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.case_evidence import CaseEvidence
from gridterm.ui.officer.screens.feedback import tier_mark
from gridterm.ui.officer.screens.visit_kit import (
    changed,
    now_iso,
    today_iso,
)

STATE_KEYS = {
    "closed": "wf.case.state.closed",
    "due": "wf.case.state.due",
    "open": "wf.case.state.open",
}


def case_title(data: dict) -> str:
    names = [p.get("name", "") for p in data.get("parties") or []]
    shown = t("tui.list_sep").join(names[:2]) + ("…" if len(names) > 2 else "")
    return f"{model.label('dispute_type', data.get('dispute_type', ''))}: {shown}"


def case_state(record: dict, today: str) -> str:
    state = case_rules.case_state(record, today)
    if state == "has_outcome":
        return model.label("outcome", record["data"]["outcome"])
    return t(STATE_KEYS[state])


class CaseListScreen(GridScreen):
    TITLE_KEY = "wf.screen.cases"
    CSS_PATH = "case.tcss"
    BINDINGS = [
        Binding("n", "new", "wf.key.new_case", id="wf.cases.new"),
        Binding("m", "roster", "wf.key.roster", id="wf.cases.roster"),
        Binding("escape", "back", "wf.key.back", id="wf.cases.back"),
        # The filter line above the list shows these digits too.
        Binding("1", "show('open')", "wf.key.filter_open", id="wf.cases.open"),
        Binding("2", "show('due')", "wf.key.filter_due", id="wf.cases.due"),
        Binding("3", "show('closed')", "wf.key.filter_closed", id="wf.cases.closed"),
        Binding("4", "show('all')", "wf.key.filter_all", id="wf.cases.all"),
    ]

    def __init__(self, which: str = "open") -> None:
        super().__init__()
        self.which = which if which in FILTERS else "open"
        self.cases: list[dict] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="cases-body"):
            yield Static("", id="cases-filter", markup=False)
            yield Static("", id="cases-empty", markup=False)
            yield DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self.fill()

    def refresh_data(self) -> None:
        today = today_iso(self.app)
        records = self.app.store.query(kind="case", archived=self.which in ("closed", "all"))
        self.cases = [r for r in records if case_matches(r, self.which, today)]
        self.cases.sort(key=lambda r: r.get("created_at") or "", reverse=True)
        self.fill()
        counts = {w: 0 for w in FILTERS}
        for record in records:
            for w in FILTERS:
                counts[w] += case_matches(record, w, today)
        self.query_one("#cases-filter", Static).update(
            "  ".join(
                ("▶" if w == self.which else " ") + t(f"wf.case.filter.{w}", n=counts[w])
                for w in FILTERS
            )
        )
        empty = self.query_one("#cases-empty", Static)
        empty.update("" if self.cases else t("wf.case.none"))
        empty.display = not self.cases

    def fill(self) -> None:
        """The list, fitted to the width: the case's title gives way, its state stays."""
        today = today_iso(self.app)
        zone = self.app.now().tzinfo
        rows = []
        for record in self.cases:
            data = record["data"]
            major = t("wf.case.major_mark") if data.get("major") else ""
            registered = field_text(record.get("created_at"), zone)[:10]
            state = tier_mark(record) + case_state(record, today)
            rows.append((record["id"], [registered, major + case_title(data), state]))
        columns = [
            ("registered", t("wf.case.col.registered")),
            ("case", t("wf.case.col.case")),
            ("state", t("wf.case.col.state")),
        ]
        width = self.query_one("#cases-body").size.width
        tables.fill(self.query_one(DataTable), columns, rows, width, [("case", 12)])

    def action_show(self, which: str) -> None:
        self.which = which
        self.refresh_data()

    def action_new(self) -> None:
        from gridterm.ui.officer.screens.case_form import CaseFormScreen

        def registered(record: dict | None) -> None:
            if record:
                self.app.push_screen(CaseScreen(record["id"]))

        self.app.push_screen(CaseFormScreen(), registered)

    def action_roster(self) -> None:
        from gridterm.ui.officer.screens.roster import RosterScreen

        self.app.push_screen(RosterScreen())

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.app.push_screen(CaseScreen(str(event.row_key.value)))

    def action_back(self) -> None:
        self.dismiss(None)


class CaseScreen(CaseEvidence, GridScreen):
    """One case file.  Letters open the forms for each part of it."""

    TITLE_KEY = "wf.screen.case"
    CSS_PATH = "case.tcss"
    BINDINGS = [
        Binding("e", "edit", "wf.key.edit_registration", id="wf.case.edit"),
        Binding("m", "add_mediator", "wf.key.add_mediator", id="wf.case.add_mediator"),
        Binding("s", "add_session", "wf.key.add_session", id="wf.case.add_session"),
        Binding("a", "agreement", "wf.key.agreement", id="wf.case.agreement"),
        Binding("p", "print_agreement", "agreement.key.agreement", id="wf.case.print_agreement"),
        Binding("u", "schedule_follow_up", "wf.key.schedule_follow_up", id="wf.case.schedule"),
        Binding("f", "record_follow_up", "wf.key.record_follow_up", id="wf.case.follow_up"),
        Binding("r", "report", "wf.key.raise_report", id="wf.case.report"),
        Binding("t", "receipt", "wf.key.party_receipt", id="wf.case.receipt"),
        Binding("x", "close_case", "wf.key.close_case", id="wf.case.close"),
        Binding("i", "photos", "evidence.key.photos", id="evidence.case.photos"),
        Binding("g", "place", "evidence.key.place", id="evidence.case.place"),
        Binding("escape", "back", "wf.key.back", id="wf.case.back"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.record: dict = {}

    def compose_body(self) -> ComposeResult:
        from gridterm.ui.officer.widgets.township_state import TownshipState

        yield TownshipState(id="case-state")
        with VerticalScroll(id="case-body"):
            yield Static("", id="case-file", markup=False)
        # Below the file, always in sight: the footer cannot hold every key at 50 columns.
        yield Static(t("wf.case.keys"), id="case-keys", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#case-body").focus()

    def refresh_data(self) -> None:
        self.record = self.app.store.get(self.case_id) or {"data": {}}
        self.query_one("#case-state").show(self.record)
        self.query_one("#case-file", Static).update(self.file_text())

    @property
    def data(self) -> dict:
        return self.record.get("data") or {}

    def party_lines(self) -> list[str]:
        """The parties, and the receipt each was given (one per party)."""
        lines = [t("wf.case.section.parties")]
        for n, p in enumerate(self.data.get("parties") or [], 1):
            role = (
                t(f"wf.case.role.{p['role']}")
                if p.get("role") in ("applicant", "respondent", "other")
                else ""
            )
            extra = " ".join(x for x in (p.get("id_number"), p.get("phone"), p.get("address")) if x)
            lines.append(f" {n}. {p.get('name', '')} {role} {extra}".rstrip())
        if self.record.get("receipts"):
            from gridterm.ui.officer.screens.party_receipts import party_line

            lines.append(t("ux.case.section.receipts"))
            lines.extend(" " + party_line(p) for p in party_receipts(self.record))
        return lines

    def file_text(self) -> str:
        d = self.data
        yes, no = t("checklist.yes"), t("checklist.no")
        lines = [
            case_title(d) + (f"  {d['case_no']}" if d.get("case_no") else ""),
            t("wf.case.line.type", type=model.label("dispute_type", d.get("dispute_type", ""))),
            t("wf.case.line.source", source=model.label("source", d.get("source", ""))),
            t("wf.case.line.summary", summary=d.get("summary", "")),
            t("wf.case.line.rights", value=yes if d.get("rights_notice_given") else no),
        ]
        if d.get("major"):
            lines.append(t("wf.case.line.major"))
        lines.append(self.evidence_text())
        lines.append("")
        lines.extend(self.party_lines())
        lines.append(t("wf.case.section.mediators"))
        from gridterm.ui.officer.screens.roster import mediator_line

        mediators = d.get("mediators") or []
        lines.extend(f" · {mediator_line(m)}" for m in mediators)
        if not mediators:
            lines.append(" " + t("wf.case.none_yet"))
        lines.append(t("wf.case.section.sessions"))
        sessions = d.get("sessions") or []
        for n, s in enumerate(sessions, 1):
            lines.append(f" {n}. {s.get('date', '')} {s.get('place', '')}")
            if s.get("present"):
                lines.append(
                    "    " + t("wf.case.line.present", names=t("tui.list_sep").join(s["present"]))
                )
            lines.append("    " + s.get("record", ""))
            if s.get("result"):
                lines.append("    → " + s["result"])
        if not sessions:
            lines.append(" " + t("wf.case.none_yet"))
        lines.append(t("wf.case.section.outcome"))
        if d.get("outcome"):
            lines.append(" " + model.label("outcome", d["outcome"]))
        agreement = d.get("agreement") or {}
        from gridterm.ui.officer.screens.case_form import AGREEMENT_FIELDS

        for key in AGREEMENT_FIELDS:
            if agreement.get(key):
                lines.append(f" {t(f'wf.case.agreement.{key}')}: {agreement[key]}")
        if not d.get("outcome") and not agreement:
            lines.append(" " + t("wf.case.none_yet"))
        lines.append(t("wf.case.section.follow_ups"))
        for f in d.get("follow_ups") or []:
            if f.get("done_at"):
                lines.append(
                    " "
                    + t(
                        "wf.case.line.follow_up_done",
                        due=f.get("due", "-"),
                        done=field_text(f["done_at"], self.app.now().tzinfo)[:10],
                        fulfilled=yes if f.get("fulfilled") else no,
                        satisfied=yes if f.get("satisfied") else no,
                        risk=model.label("risk", f.get("risk", "")) if f.get("risk") else "-",
                    )
                )
                if f.get("note"):
                    lines.append("    " + f["note"])
            else:
                lines.append(" " + t("wf.case.line.follow_up_due", due=f.get("due", "-")))
        if not d.get("follow_ups"):
            lines.append(" " + t("wf.case.none_yet"))
        if d.get("closed_at"):
            lines.append("")
            closed = field_text(d["closed_at"], self.app.now().tzinfo)  # the township's clock
            lines.append(t("wf.case.line.closed", when=closed))
        return "\n".join(lines)

    # -- actions -----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record_follow_up":
            return self.next_follow_up() is not None or bool(self.data.get("outcome"))
        if action == "close_case":
            return not model.is_closed(self.record)
        return True

    def next_follow_up(self) -> int | None:
        return case_rules.next_follow_up(self.data)

    def _after(self, _result: object = None) -> None:
        self.refresh_data()
        self.refresh_bindings()

    def action_edit(self) -> None:
        from gridterm.ui.officer.screens.case_form import CaseFormScreen

        self.app.push_screen(CaseFormScreen(self.case_id), self._after)

    def action_add_session(self) -> None:
        from gridterm.ui.officer.screens.case_form import SessionFormScreen

        self.app.push_screen(SessionFormScreen(self.case_id), self._after)

    def action_agreement(self) -> None:
        from gridterm.ui.officer.screens.case_form import AgreementFormScreen

        self.app.push_screen(AgreementFormScreen(self.case_id), self._after)

    def action_print_agreement(self) -> None:
        """The agreement to print and sign (58 mm copies, the A4 page), once there is one."""
        from gridterm.core.receipts.agreement import AgreementError
        from gridterm.ui.officer.screens.agreement import AgreementScreen, agreement_of

        try:
            agreement_of(self.record, self.app.enrollment)
        except AgreementError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.app.push_screen(AgreementScreen(self.record))

    def action_schedule_follow_up(self) -> None:
        from gridterm.ui.officer.screens.case_form import FollowUpFormScreen

        self.app.push_screen(FollowUpFormScreen(self.case_id), self._after)

    def action_record_follow_up(self) -> None:
        from gridterm.ui.officer.screens.case_form import FollowUpFormScreen

        index = self.next_follow_up()
        if index is None:
            # A follow-up made without one scheduled: schedule it for today, then record it.
            self.record, index = case_rules.schedule_follow_up(
                self.app.store, self.case_id, self.data, today_iso(self.app)
            )
        self.app.push_screen(FollowUpFormScreen(self.case_id, index), self._after)

    def action_add_mediator(self) -> None:
        from gridterm.ui.officer.screens.roster import RosterScreen

        present = [m.get("id") for m in self.data.get("mediators") or []]

        def picked(person: dict | None) -> None:
            if not person:
                return
            try:
                record = case_rules.add_mediator(self.app.store, self.case_id, self.data, person)
            except model.ValidationError as exc:
                self.notify(str(exc), severity="error")
                return
            changed(self.app, record["id"])
            self.notify(t("wf.case.mediator_added", name=person["name"]))
            self._after()

        self.app.push_screen(RosterScreen(pick=True, exclude=present), picked)

    def action_report(self) -> None:
        from gridterm.ui.officer.screens.report import ReportFormScreen

        d = self.data
        first = (d.get("parties") or [{}])[0]
        prefill = {
            "category": "dispute",
            "urgency": "important" if d.get("major") else "normal",
            "place": first.get("address") or "",
            "description": d.get("summary") or "",
            "raised_by": first.get("name") or "",
            "links": {"case": self.case_id},
            "_from_case": case_title(d),
        }
        self.app.push_screen(ReportFormScreen(prefill), self._after)

    def action_receipt(self) -> None:
        """One receipt per party: the next party without one is offered one; once every
        party has its own, ``t`` lists them to show or print any again."""
        from gridterm.ui.officer.screens.visit_kit import receipts_available

        parties = party_receipts(self.record)
        if not parties or not receipts_available():
            return
        missing = [p for p in parties if p.receipt is None]
        if missing:
            self.offer_party_receipt(missing[0].index)
            return
        if len(parties) == 1:
            self.show_party_receipt(0)
            return
        from gridterm.ui.officer.screens.party_receipts import PartyReceiptsScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                self.show_party_receipt(index)

        self.app.push_screen(PartyReceiptsScreen(self.record), chosen)

    def offer_party_receipt(self, index: int) -> None:
        from gridterm.ui.officer.screens.visit_kit import offer_receipt

        if not (self.app.enrollment or {}).get("device_secret"):
            self.notify(t("wf.receipt.not_enrolled"), severity="warning")
            return

        def then() -> None:
            self._after()
            left = [p for p in party_receipts(self.record) if p.receipt is None]
            if left and left[0].index != index:
                self.notify(t("ux.case.receipt_next", n=left[0].index + 1, name=left[0].name))

        offer_receipt(self, self.record, party=index, then=then)

    def show_party_receipt(self, index: int) -> None:
        party = next((p for p in party_receipts(self.record) if p.index == index), None)
        if party is None:
            return
        if party.receipt is None:
            self.offer_party_receipt(index)
            return
        from gridterm.ui.officer.screens.receipt import ReceiptScreen

        self.app.push_screen(ReceiptScreen(self.record, party.receipt))

    def action_close_case(self) -> None:
        def answered(yes: bool | None) -> None:
            if not yes:
                return
            record = case_rules.close_case(
                self.app.store, self.case_id, self.data, now_iso(self.app)
            )
            changed(self.app, record["id"])
            self.notify(t("wf.case.closed"))
            self._after()

        self.app.push_screen(ConfirmScreen(t("wf.case.close_question")), answered)

    def action_back(self) -> None:
        self.dismiss(None)
