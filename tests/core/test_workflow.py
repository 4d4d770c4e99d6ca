"""The workflow is the one list of states: the vocabulary, the model and the checks follow it."""

from __future__ import annotations

import pytest

from gridterm.core import model, vocab, workflow

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}


def test_vocab_labels_exactly_the_workflow_states():
    labelled = [code for code in vocab.vocab()["status"] if not code.startswith("_")]
    assert sorted(labelled) == sorted(workflow.STATES)
    for code in workflow.STATES:
        entry = vocab.vocab()["status"][code]
        assert entry["zh"] and entry["en"], code


def test_the_moves_name_only_states():
    assert set(workflow.TRANSITIONS) == set(workflow.STATES)
    for targets in workflow.TRANSITIONS.values():
        assert targets <= set(workflow.STATES)
    assert workflow.INITIAL in workflow.STATES
    assert workflow.REASON_REQUIRED.issubset(workflow.STATES)


def test_open_and_closed_are_disjoint_and_leave_only_returned_out():
    assert not workflow.OPEN_STATES & workflow.CLOSED_STATES
    rest = set(workflow.STATES) - workflow.OPEN_STATES - workflow.CLOSED_STATES
    assert rest == {"returned"}


@pytest.mark.parametrize("status", workflow.STATES)
def test_a_report_is_closed_exactly_in_the_closed_states(status):
    rec = model.new_record("report", REPORT, device="dev-1")
    assert model.is_closed({**rec, "status": status}) == (status in workflow.CLOSED_STATES)


def test_an_odd_status_value_is_not_closed_and_does_not_crash():
    rec = model.new_record("report", REPORT, device="dev-1")
    assert model.is_closed({**rec, "status": ["done"]}) is False
    assert model.is_closed({**rec, "status": None}) is False


def test_a_record_may_carry_every_state_and_no_other():
    rec = model.new_record("report", REPORT, device="dev-1")
    for status in workflow.STATES:
        assert model.validate_record({**rec, "status": status})["status"] == status
    with pytest.raises(model.ValidationError) as err:
        model.validate_record({**rec, "status": "archived"})
    assert [(e.field, e.key) for e in err.value.errors] == [("status", "model.bad_code")]


def test_labels_come_from_the_vocabulary():
    assert workflow.label("in_hand") == "处置中" == model.label("status", "in_hand", "zh")
    # The service puts English names mid-sentence: lower case.
    expected = {
        "reported": "reported",
        "accepted": "accepted",
        "returned": "returned",
        "assigned": "assigned",
        "in_hand": "in hand",
        "extended": "extended",
        "done": "done",
        "checked_back": "checked back",
        "closed_on_spot": "closed on the spot",
        # The county ladder's (issue 15).
        "escalated": "escalated to the county",
        "signed": "signed for by the county",
        "county_assigned": "assigned by the county",
        "returned_to_township": "returned to the township",
    }
    assert {s: workflow.label(s, "en") for s in expected} == expected
    assert workflow.label("nonsense", "en") == "nonsense"
    assert workflow.label("done", "fr") == "done"


@pytest.mark.parametrize(
    ("kind", "data", "closed"),
    [
        ("report", {"closed_on_spot": True}, True),
        ("report", {"closed_on_spot": False}, False),
        ("case", {"closed_at": "2026-11-21T16:00:00+08:00", "outcome": "success"}, True),
        ("case", {"outcome": "success"}, False),  # an outcome alone: follow-ups may remain
        ("visit", {"closed_at": "2026-11-21"}, False),
        ("household", None, False),
    ],
)
def test_what_the_officer_closed_enters_closed(kind, data, closed):
    """Issue 11: cases the officer closed stayed "reported" and were offered accept/return."""
    assert workflow.closed_by_officer(kind, data) is closed
    entered = workflow.initial_status(kind, data)
    assert entered == ("closed_on_spot" if closed else "reported")
    if closed:
        assert workflow.allowed(entered) == ["checked_back"]
        assert entered not in workflow.OPEN_STATES


def test_a_returned_record_comes_back_open_or_closed_as_its_new_rev_says():
    assert workflow.status_after_new_rev("returned") == "reported"
    assert workflow.status_after_new_rev("returned", "case", {"summary": "x"}) == "reported"
    closed = {"closed_at": "2026-11-21T16:00:00+08:00"}
    assert workflow.status_after_new_rev("returned", "case", closed) == "closed_on_spot"
    assert workflow.status_after_new_rev("in_hand", "case", closed) == "in_hand"
