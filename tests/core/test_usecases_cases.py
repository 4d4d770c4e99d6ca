"""Mediation case rules (gridterm.core.usecases.cases), without the UI."""

from __future__ import annotations

import pytest

from gridterm.core import model
from gridterm.core.store import Store
from gridterm.core.usecases.cases import (
    FILTERS,
    add_mediator,
    case_matches,
    case_state,
    close_case,
    follow_up_due,
    next_follow_up,
    pending_follow_ups,
    schedule_follow_up,
)

TODAY = "2026-11-25"
CASE = {
    "parties": [{"name": "张三"}, {"name": "李四"}],
    "dispute_type": "neighbour",
    "source": "party_applied",
    "summary": "院墙滴水",
}


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "data") as opened:
        yield opened


def _case(**data) -> dict:
    return {"id": "c1", "kind": "case", "data": {**CASE, **data}}


def _lists(record: dict) -> list[str]:
    return [which for which in FILTERS if case_matches(record, which, TODAY)]


def test_follow_ups_pending_due_and_next():
    data = {
        "follow_ups": [
            {"due": "2026-11-20", "done_at": "2026-11-20T10:00:00+08:00"},
            {"due": "2026-12-01"},
            {"due": "2026-11-25"},
            {"note": "unscheduled, not made"},
        ]
    }
    assert pending_follow_ups(data) == ["2026-11-25", "2026-12-01"]
    assert follow_up_due(data, TODAY)
    assert not follow_up_due(data, "2026-11-24")
    assert next_follow_up(data) == 1  # the first not made, in the order they were scheduled
    assert next_follow_up({"follow_ups": [{"done_at": "2026-11-20T10:00:00+08:00"}]}) is None
    assert pending_follow_ups({}) == [] and not follow_up_due({}, TODAY)


def test_lists_and_state_of_a_case_through_its_life():
    fresh = _case()
    assert _lists(fresh) == ["open", "all"] and case_state(fresh, TODAY) == "open"
    settled = _case(outcome="success")
    assert case_state(settled, TODAY) == "has_outcome"
    due = _case(outcome="success", follow_ups=[{"due": TODAY}])
    assert _lists(due) == ["open", "due", "all"] and case_state(due, TODAY) == "due"
    closed = _case(
        outcome="success", follow_ups=[{"due": TODAY}], closed_at=f"{TODAY}T10:00:00+08:00"
    )
    # Closed wins over a follow-up still due; a closed case still shows in the "due" list.
    assert _lists(closed) == ["due", "closed", "all"] and case_state(closed, TODAY) == "closed"


def test_closed_is_the_models_rule_the_archive_uses():
    for data in ({}, {"closed_at": f"{TODAY}T10:00:00+08:00"}):
        record = _case(**data)
        assert case_matches(record, "closed", TODAY) == model.is_closed(record)
        assert case_matches(record, "open", TODAY) != model.is_closed(record)


def test_mediator_follow_up_and_closing_are_saved_as_new_revisions(store):
    case = store.create("case", CASE)
    person = {"id": "m1", "name": "陈老师", "standing": "teacher", "phone": "13800000000"}
    saved = add_mediator(store, case["id"], case["data"], person)
    assert saved["rev"] == 2
    assert saved["data"]["mediators"] == [{"id": "m1", "name": "陈老师", "standing": "teacher"}]
    saved, index = schedule_follow_up(store, case["id"], saved["data"], TODAY)
    assert index == 0 and saved["data"]["follow_ups"] == [{"due": TODAY}]
    assert case_state(saved, TODAY) == "due"
    closed = close_case(store, case["id"], saved["data"], f"{TODAY}T10:00:00+08:00")
    assert closed["rev"] == 4 and model.is_closed(closed)
    assert store.get(case["id"]) == closed
    assert case["data"] == CASE  # the data handed in is never changed in place


def test_a_refused_mediator_saves_nothing(store):
    case = store.create("case", CASE)
    with pytest.raises(model.ValidationError):
        add_mediator(store, case["id"], case["data"], {"id": "m1", "name": "x" * 500})
    assert store.get(case["id"])["rev"] == 1
