"""Household visits (入户走访): the draft a walk keeps, and what finishing a visit writes.
No UI here.

A visit in progress is one draft in the store (key :data:`DRAFT_KEY`), saved once per
answered item, so a visit cut off by a kill or a flat battery resumes at the same item.
Reports raised during the walk wait in the draft too: they cannot link to a visit that has
no id yet.  :func:`finish_visit` turns the draft into the visit and its reports (each linked
to the visit) and removes the draft, all in one write of the store (``store.batch()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gridterm.core import checklists, model

if TYPE_CHECKING:
    from gridterm.core.store import Store

DRAFT_KEY = "visit"


def new_draft(household_id: str, template: dict, started_at: str) -> dict:
    """The draft of a visit about to start: no answers yet, at the first item."""
    return {
        "household_id": household_id,
        "template_id": template["id"],
        "template_version": template["version"],
        "answers": {},
        "index": 0,
        "reports": {},
        "notes": "",
        "follow_up": "",
        "started_at": started_at,
    }


def load_draft(store: Store) -> dict | None:
    """The visit that was cut off, if there is one."""
    draft = store.drafts.get_draft(DRAFT_KEY)
    if not isinstance(draft, dict) or not draft.get("template_id"):
        return None
    return draft


def keep_draft(store: Store, draft: dict) -> None:
    """Save the walk so far (one write): a kill after this resumes here."""
    store.drafts.save_draft(DRAFT_KEY, draft)


def drop_draft(store: Store) -> None:
    store.drafts.delete_draft(DRAFT_KEY)


def visit_data(draft: dict, template: dict, now: str) -> dict:
    """The visit record's ``data`` made from the draft (empty answers and notes left out)."""
    answers = draft.get("answers") or {}
    data = {
        "household_id": draft["household_id"],
        "template_id": template["id"],
        "template_version": template["version"],
        "answers": {k: v for k, v in answers.items() if v is not None},
        "flagged": checklists.flagged_keys(template, answers),
        "notes": (draft.get("notes") or "").strip() or None,
        "follow_up": (draft.get("follow_up") or "").strip() or None,
        "visited_at": draft.get("started_at") or now,
        # Photos (of the visit, or of an item) and the place taken during the walk (issue 16).
        "attachments": draft.get("attachments") or None,
        "location": draft.get("location") or None,
    }
    return {k: v for k, v in data.items() if v is not None}


def raised_reports(draft: dict, visit_id: str) -> list[dict]:
    """The reports raised during the walk, as saved: linked to the visit, without the
    form's own keys (``_from_item`` …)."""
    bodies = []
    for report in (draft.get("reports") or {}).values():
        body = {k: v for k, v in report.items() if not k.startswith("_")}
        body["links"] = {**(body.get("links") or {}), "visit": visit_id}
        bodies.append(body)
    return bodies


@dataclass
class FinishedVisit:
    visit: dict
    reports: list[dict] = field(default_factory=list)
    #: why a raised report could not be saved (one message each); the visit is saved anyway
    refused: list[str] = field(default_factory=list)


def finish_visit(store: Store, draft: dict, template: dict, now: str) -> FinishedVisit:
    """Save the visit and the reports raised during it, and remove the draft — in ONE write.

    One write, so a kill at any instant leaves either the draft (resuming finishes it) or
    the visit with its reports and no draft: never both, which would save the visit twice
    on resuming, and never neither.  Raises :class:`gridterm.core.model.ValidationError`
    when the visit itself is refused; then nothing is written and the draft stays.
    ``now``: the time to record when the draft does not say when the visit started.
    """
    with store.batch():
        visit = store.create("visit", visit_data(draft, template, now))
        finished = FinishedVisit(visit)
        for body in raised_reports(draft, visit["id"]):
            try:
                finished.reports.append(store.create("report", body))
            except model.ValidationError as exc:  # refused before it was written
                finished.refused.append(str(exc))
        drop_draft(store)
    return finished
