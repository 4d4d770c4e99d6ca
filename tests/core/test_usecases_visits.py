"""Finishing a household visit (gridterm.core.usecases.visits), without the UI."""

from __future__ import annotations

import os

import pytest

from gridterm.core import checklists, model
from gridterm.core.store import Store
from gridterm.core.usecases.visits import (
    DRAFT_KEY,
    finish_visit,
    keep_draft,
    load_draft,
    new_draft,
    raised_reports,
    visit_data,
)

NOW = "2026-11-25T10:00:00+08:00"
STARTED = "2026-11-25T09:30:00+08:00"
REPORT = {
    "category": "safety",
    "urgency": "urgent",
    "place": "石桥村3组12号",
    "description": "电动车飞线充电",
    "raised_by": "王大明",
    "closed_on_spot": False,
    "_from_item": "电动车充电",  # the form's own key: never saved
}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def safety():
    return checklists.find(checklists.builtin_templates(), "safety")


def answered_draft(template: dict, household_id: str = "hh-1", reports: int = 0) -> dict:
    """A draft walked to the summary: every item of the safety checklist answered, the first
    ``reports`` yes/no items flagged with a report raised for each, nothing else flagged."""
    draft = new_draft(household_id, template, STARTED)
    flag_left = reports
    for item in template["items"]:
        if item["type"] == "yes_no":
            flagging = item.get("flag_if")
            value = flagging if flag_left and isinstance(flagging, bool) else not flagging
            if flag_left and value == flagging:
                flag_left -= 1
                draft["reports"][item["key"]] = {**REPORT, "description": item["key"]}
        elif item["type"] == "choice":
            value = next(
                o["value"] for o in item["options"] if o["value"] not in (item.get("flag_if") or ())
            )
        elif item["type"] == "number":
            value = 0
        else:
            value = None
        draft["answers"][item["key"]] = value
    assert len(draft["reports"]) == reports
    draft["index"] = len(template["items"])
    draft["notes"] = "  all well  "
    return draft


def test_a_new_draft_is_kept_and_loaded_again(store, safety):
    assert load_draft(store) is None
    draft = new_draft("hh-1", safety, STARTED)
    assert draft["answers"] == {} and draft["index"] == 0 and draft["reports"] == {}
    keep_draft(store, draft)
    assert load_draft(store) == draft
    store.drafts.save_draft(DRAFT_KEY, {"index": 3})  # not a visit draft: nothing to resume
    assert load_draft(store) is None


def test_visit_data_leaves_out_what_is_empty(safety):
    draft = answered_draft(safety, reports=1)
    data = visit_data(draft, safety, NOW)
    assert data["household_id"] == "hh-1"
    assert (data["template_id"], data["template_version"]) == ("safety", safety["version"])
    assert None not in data["answers"].values()
    assert data["flagged"] == list(draft["reports"])
    assert data["notes"] == "all well"
    assert data["visited_at"] == STARTED
    assert "follow_up" not in data
    assert visit_data({**draft, "started_at": ""}, safety, NOW)["visited_at"] == NOW


def test_raised_reports_are_linked_to_the_visit_without_the_forms_keys(safety):
    draft = answered_draft(safety, reports=2)
    bodies = raised_reports(draft, "v-1")
    assert [b["links"] for b in bodies] == [{"visit": "v-1"}, {"visit": "v-1"}]
    assert all(not k.startswith("_") for b in bodies for k in b)


def test_finishing_saves_the_visit_its_reports_and_drops_the_draft(store, safety):
    draft = answered_draft(safety, reports=2)
    keep_draft(store, draft)
    finished = finish_visit(store, draft, safety, NOW)
    assert finished.refused == []
    [visit] = store.query(kind="visit")
    assert visit == finished.visit and visit["data"] == visit_data(draft, safety, NOW)
    reports = store.query(kind="report")
    assert sorted(r["id"] for r in reports) == sorted(r["id"] for r in finished.reports)
    assert {r["data"]["links"]["visit"] for r in reports} == {visit["id"]}
    assert sorted(r["data"]["description"] for r in reports) == sorted(draft["reports"])
    assert load_draft(store) is None


def test_a_refused_report_is_named_and_the_rest_is_saved(store, safety):
    draft = answered_draft(safety, reports=2)
    first = next(iter(draft["reports"]))
    draft["reports"][first]["category"] = "no-such-category"
    keep_draft(store, draft)
    finished = finish_visit(store, draft, safety, NOW)
    assert len(finished.refused) == 1 and len(finished.reports) == 1
    assert len(store.query(kind="visit")) == 1 and len(store.query(kind="report")) == 1
    assert load_draft(store) is None


def test_a_refused_visit_writes_nothing_and_keeps_the_draft(store, safety):
    draft = answered_draft(safety, reports=1)
    draft["follow_up"] = "not a date"
    keep_draft(store, draft)
    with pytest.raises(model.ValidationError):
        finish_visit(store, draft, safety, NOW)
    assert store.query() == []
    assert load_draft(store) == draft


def test_finishing_is_one_write_of_the_store(store, safety, monkeypatch):
    """The visit, its reports, their links and the draft's removal land together: a kill
    can fall before the write or after it, never between (tests/core/test_finish_visit_crash.py
    kills it for real)."""
    draft = answered_draft(safety, reports=3)
    keep_draft(store, draft)
    # A save is one journal entry (gridterm.core.store.journal): count the entries, and
    # check nothing is written the old way (a file rewritten and renamed) beside them.
    from gridterm.core.store.journal import Appender

    writes: list[str] = []
    renames: list[str] = []
    append, replace = Appender.append, os.replace

    def counting_append(self, entry):
        writes.append("journal")
        return append(self, entry)

    def counting_replace(src, dst, *args, **kwargs):
        renames.append(os.fspath(dst))
        return replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(Appender, "append", counting_append)
    monkeypatch.setattr(os, "replace", counting_replace)
    finished = finish_visit(store, draft, safety, NOW)
    assert len(finished.reports) == 3
    assert len(writes) == 1 and renames == []
    assert len(store.query(kind="report")) == 3 and load_draft(store) is None
