"""The last step of a visit's walk: every answer (flagged ones marked), notes, a follow-up
date, and ctrl+s to finish.

Finishing saves the visit and the reports raised during it (``gridterm.core.usecases.visits``),
then offers the resident a receipt for each raised report (the matter the township handles),
and last for the visit itself (:func:`receipt_offers`).

:class:`VisitSummaryStep` is the part of the walk's screen that draws and saves the summary;
``VisitWalkScreen`` (``visit_walk.py``) adds the items before it.  One screen holds both so
that escape on the summary goes back to the last item, and the keys stay the walk's.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.widgets import Input, Static

from gridterm.core import checklists, model
from gridterm.core.dates import day_of
from gridterm.core.households import household_label
from gridterm.core.i18n import get_language, t
from gridterm.core.usecases.visits import finish_visit
from gridterm.ui.kit.dates import DateInput
from gridterm.ui.officer.screens.base import GridScreen
from gridterm.ui.officer.screens.visit_kit import app_now, changed, now_iso, offer_receipts


class VisitSummaryStep(GridScreen):
    """The summary of a walk (the walk's screen shows it after the last item)."""

    # Set by the walk (VisitWalkScreen.__init__).
    household: dict
    template: dict
    items: list[dict]
    draft: dict
    index: int

    @property
    def item(self) -> dict | None:
        return self.items[self.index] if self.index < len(self.items) else None

    @property
    def answers(self) -> dict:
        return self.draft["answers"]

    def show(self, error: str = "", keep_typed: bool = False) -> None:
        """Draw the current step: an item, or the summary after the last one."""
        raise NotImplementedError

    def show_summary(self) -> None:
        title = checklists.text(self.template["title"])
        self.query_one("#visit-progress", Static).update(
            t("wf.visit.summary_title", template=title, household=household_label(self.household))
        )
        self.query_one("#visit-summary", Static).update(self.summary_text())
        self.query_one("#visit-keys", Static).update(t("wf.visit.keys.summary"))
        self.query_one("#visit-notes", Input).focus()

    def summary_text(self) -> str:
        lines = []
        for n, item in enumerate(self.items, 1):
            value = self.answers.get(item["key"])
            mark = "!" if checklists.is_flagged(item, value) else " "
            report = t("wf.visit.report_mark") if item["key"] in self.draft["reports"] else ""
            lines.append(
                t(
                    "wf.visit.summary_line",
                    mark=mark,
                    n=n,
                    label=checklists.text(item["label"]),
                    answer=checklists.format_answer(item, value),
                    report=report,
                )
            )
        missing = checklists.missing_required(self.template, self.answers)
        if missing:
            lines.append("")
            lines.append(t("wf.visit.missing", count=len(missing)))
        return "\n".join(lines)

    @on(Input.Submitted, "#visit-notes")
    def _notes_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#visit-follow-up", DateInput).focus()

    @on(Input.Submitted, "#visit-follow-up-text")
    def _follow_up_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Input.Changed, "#visit-notes")
    @on(Input.Changed, "#visit-follow-up-text")
    def _summary_typed(self, event: Input.Changed) -> None:
        key = "notes" if event.input.id == "visit-notes" else "follow_up"
        self.draft[key] = event.value

    def visit_day(self) -> date:
        """The day of this visit: the day its walk started (the draft), else today."""
        now = app_now(self.app)
        return day_of(self.draft.get("started_at"), now.tzinfo) or now.date()

    def follow_up(self) -> tuple[str | None, str | None, str | None]:
        """The follow-up date to store, why it cannot be read, and its warning."""
        box = self.query_one("#visit-follow-up", DateInput)
        problem = box.problem
        return (box.value or None), problem, (None if problem else box.warning)

    def action_save(self) -> None:
        if self.item is not None:
            return
        missing = checklists.missing_required(self.template, self.answers)
        if missing:
            self.index = next(n for n, item in enumerate(self.items) if item["key"] == missing[0])
            self.show(t("checklist.answer.required"))
            return
        follow_up, problem, warning = self.follow_up()
        problem = problem or model.validate_field("visit", "follow_up", follow_up)
        if problem:
            self.show(problem)
            self.query_one("#visit-follow-up", DateInput).focus()
            return
        self.draft["follow_up"] = follow_up
        try:
            finished = finish_visit(self.app.store, self.draft, self.template, now_iso(self.app))
        except model.ValidationError as exc:
            self.show(str(exc))
            return
        for message in finished.refused:
            self.app.notify(message, severity="error")
        visit = finished.visit
        changed(self.app, visit["id"])
        self.app.notify(t("wf.visit.saved", reports=len(finished.reports)))
        if warning:  # beside the field while typing; said once more now it is kept
            self.app.notify(warning, severity="warning")
        offers = receipt_offers(visit, finished.reports)
        offer_receipts(self, offers, then=lambda: self.dismiss(visit))


def receipt_offers(visit: dict, reports: list[dict]) -> list[tuple[dict, str, None]]:
    """What the resident may get a receipt for after a visit, in the order offered.

    The resident's matter is a report the visit raised: that is what the township moves
    through its workflow and what the receipt's page shows the state of, so each raised
    report is offered first; the visit's own receipt is offered last, named as such.
    """
    if not reports:
        return [(visit, t("wf.receipt.offer"), None)]
    lang = get_language()
    offers: list[tuple[dict, str, None]] = []
    for n, report in enumerate(reports, 1):
        what = receipts_summary(report, lang)
        if len(reports) == 1:
            question = t("wf.receipt.offer_report", what=what)
        else:
            question = t("wf.receipt.offer_report_n", n=n, count=len(reports), what=what)
        offers.append((report, question, None))
    offers.append((visit, t("wf.receipt.offer_visit", what=receipts_summary(visit, lang)), None))
    return offers


def receipts_summary(record: dict, lang: str) -> str:
    try:
        from gridterm.core.receipts import summary
    except ImportError:  # the receipts part is optional; offers are not made without it
        return ""
    return summary(record, lang)
