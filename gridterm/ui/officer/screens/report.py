"""Event report (事件上报): category, urgency, place, description, who raised it, links to the
visit or case it came from, and 就地办结 (closed on the spot).

``ReportFormScreen(prefill=…, save=True)`` saves a report and offers a receipt.  With
``save=False`` (a report raised in the middle of a visit, before the visit has an id) it checks
the fields and dismisses with the report's data; the visit saves it together with itself.
``ReportFormScreen(record_id=…)`` edits a saved report (opened from the Outbox or Feedback):
pre-filled from it, the township's state and reply at the top, ctrl+s saves a new rev.
ctrl+o opens the report's photos, ctrl+g its place (``attachments.py``); both are saved with
the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.binding import Binding
from textual.widgets import Input, Static

from gridterm.core import attachments, model
from gridterm.core.households import find_household, household_data, household_place
from gridterm.core.i18n import t
from gridterm.core.usecases.date_checks import not_after
from gridterm.ui.officer.screens.visit_kit import (
    Field,
    FormScreen,
    app_now,
    changed,
    check_field,
    code_options,
    date_field,
    now_iso,
    offer_receipt,
    select_field,
    text_field,
)

FIELDS = ("category", "urgency", "place", "description", "raised_by", "occurred_at")


class ReportFormScreen(FormScreen):
    TITLE_KEY = "wf.screen.report"
    CSS_PATH = "report.tcss"
    KIND = "report"
    BINDINGS = [
        Binding("ctrl+o", "photos", "evidence.key.photos", id="evidence.report.photos"),
        Binding("ctrl+g", "place", "evidence.key.place", id="evidence.report.place"),
    ]

    def __init__(
        self,
        prefill: dict | None = None,
        *,
        save: bool = True,
        household_id: str | None = None,
        visit_id: str | None = None,
        case_id: str | None = None,
        record_id: str | None = None,
    ) -> None:
        super().__init__()
        self.record_id = record_id
        self.editing: dict | None = None
        if record_id:
            self.editing = self.app.store.get(record_id)
            prefill = {**((self.editing or {}).get("data") or {}), **(prefill or {})}
        self.prefill = dict(prefill or {})
        self.photos: list[dict] = list(self.prefill.get("attachments") or [])
        self.location: dict | None = self.prefill.get("location") or None
        self.persist = save
        self.household_id = household_id
        links = dict(self.prefill.get("links") or {})
        if visit_id:
            links["visit"] = visit_id
        if case_id:
            links["case"] = case_id
        if links:
            self.prefill["links"] = links

    def compose_body(self):
        if self.record_id:
            from gridterm.ui.officer.widgets.township_state import TownshipState

            yield TownshipState(self.editing, id="report-state")
        yield from super().compose_body()
        yield Static("", id="report-evidence", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self._show_evidence()
        if self.household_id and not self.prefill.get("place"):
            self._fill_from_household(self.household_id)

    def _show_evidence(self) -> None:
        from gridterm.ui.officer.screens.attachments import evidence_line

        line = evidence_line(self.photos, None, self.location) + "  " + t("evidence.form_keys")
        self.query_one("#report-evidence", Static).update(line)

    def action_photos(self) -> None:
        from gridterm.ui.officer.screens.attachments import AttachmentsScreen

        def done(entries: list[dict] | None) -> None:
            if entries is not None:
                self.photos = entries
                self._show_evidence()

        what = t("evidence.what.report")
        self.app.push_screen(AttachmentsScreen(self.photos, None, what), done)

    def action_place(self) -> None:
        from gridterm.ui.officer.screens.attachments import PlaceScreen

        def done(location: dict | None) -> None:
            if location is not None:
                self.location = location or None
                self._show_evidence()

        self.app.push_screen(PlaceScreen(self.location), done)

    def _fill_from_household(self, household_id: str) -> None:
        """A report raised from a household: its address is the place, its head raised it."""
        household = find_household(self.app.store, household_id)
        if household is None:
            return
        data = household_data(household)
        self.query_one("#f-place", Input).value = household_place(household)
        raised_by = self.query_one("#f-raised_by", Input)
        if not raised_by.value and data.get("head"):
            raised_by.value = data["head"]

    def intro(self) -> str:
        if self.record_id:
            return ""
        links = self.prefill.get("links") or {}
        lines = []
        if links.get("visit") or self.prefill.get("_from_item"):
            lines.append(t("wf.report.from_visit", item=self.prefill.get("_from_item", "")))
        if links.get("case"):
            lines.append(t("wf.report.from_case", case=self.prefill.get("_from_case", "")))
        return "\n".join(lines)

    def fields(self) -> Iterable[Field]:
        p = self.prefill
        yield select_field(
            "category", t("wf.report.category"), code_options("category"), p.get("category")
        )
        yield select_field(
            "urgency",
            t("wf.report.urgency"),
            code_options("urgency"),
            p.get("urgency") or "normal",
        )
        yield text_field("place", t("wf.report.place"), p.get("place"))
        yield text_field("description", t("wf.report.description"), p.get("description"))
        yield text_field("raised_by", t("wf.report.raised_by"), p.get("raised_by"))
        yield date_field(
            "occurred_at",
            t("wf.report.occurred_at"),
            p.get("occurred_at") or now_iso(self.app),
            kind="moment",
            checks=[not_after(app_now(self.app).date(), "ux.what.occurred")],
        )
        yield check_field("closed_on_spot", t("wf.report.closed_on_spot"), p.get("closed_on_spot"))

    def data_from(self, values: dict[str, Any]) -> dict:
        data = {key: values.get(key) for key in FIELDS if values.get(key) is not None}
        data["closed_on_spot"] = bool(values.get("closed_on_spot"))
        links = {k: v for k, v in (self.prefill.get("links") or {}).items() if v}
        if links:
            data["links"] = links
        if self.photos:
            data["attachments"] = self.photos
        if self.location:
            data["location"] = self.location
        return data

    def save(self, values: dict[str, Any]) -> None:
        data = self.data_from(values)
        if not self.persist:
            model.validate_data("report", {**data, "links": {}})
            self.dismiss(data)
            return
        if self.record_id:
            kept = dict((self.editing or {}).get("data") or {})
            # Fields the form shows are replaced (a cleared one removed); the rest is kept.
            for key in (*FIELDS, "closed_on_spot", "attachments", "location"):
                kept.pop(key, None)
            record = self.app.store.update(self.record_id, data={**kept, **data})
            attachments.claim(attachments.contents_of(self.app.store), record)
            changed(self.app, record["id"])
            self.app.notify(t("records.saved"))
            self.dismiss(record)
            return
        record = self.app.store.create("report", data)
        attachments.claim(attachments.contents_of(self.app.store), record)
        changed(self.app, record["id"])
        self.app.notify(t("wf.report.saved"))
        offer_receipt(self, record, then=lambda: self.dismiss(record))


def prefill_from_item(
    item: dict, answer_text: str, place: str, item_label: str, raised_by: str = ""
) -> dict:
    """A report pre-filled from a flagged checklist item (visit link added when it is saved)."""
    return {
        "category": item.get("report_category") or "other",
        "urgency": "normal",
        "place": place,
        "raised_by": raised_by,
        "description": t("wf.report.item_description", item=item_label, answer=answer_text),
        "_from_item": item_label,
    }
