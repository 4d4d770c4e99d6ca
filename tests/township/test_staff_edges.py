"""Issue 13, item 8: the methods a path answers to."""

from __future__ import annotations

import pytest

from tests.township._staff import make_township, report


@pytest.fixture
def township(live_service):
    tw = make_township(live_service)
    tw.push(report(tw.device))
    return tw


def test_bulk_transition_answers_post_not_get(township):
    """``/records/bulk-transition`` was caught by ``/records/{record_id}`` (GET only)."""
    r = township.staff.options("/api/v1/staff/records/bulk-transition")
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"
    r = township.staff.put("/api/v1/staff/records/bulk-transition", json={})
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    # A record's own path still answers GET.
    assert township.staff.options("/api/v1/staff/records/x").headers["Allow"] == "GET"
