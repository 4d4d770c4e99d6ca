"""Issue 13, items 3 and 8: staff queries at the edges of the calendar, and the methods a
path answers to."""

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


# The first and last days Python and both databases hold, and the edges of the service's
# window (docs/service.md "Bounds"): inside is an answer, outside a 422 naming the window.
EDGES = [
    ("from", "0001-01-01", 422),
    ("to", "9999-12-31", 422),
    ("from", "1899-12-31", 422),
    ("to", "3000-01-01", 422),
    ("from", "0001-01-01T00:00:00+14:00", 422),
    ("to", "9999-12-31T23:59:59-12:00", 422),
    ("from", "1900-01-01", 200),
    ("to", "2999-12-31", 200),
    ("to", "2999-12-31T23:59:59-12:00", 200),
]


@pytest.mark.parametrize(("name", "value", "status"), EDGES)
def test_record_list_dates_at_the_edges_of_the_calendar(township, name, value, status):
    r = township.staff.get("/api/v1/staff/records", params={name: value})
    assert r.status_code == status, r.text
    if status == 422:
        assert "1900" in r.json()["detail"] and "2999" in r.json()["detail"]
    else:
        assert r.json()["total"] == 1


@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00"])
def test_export_since_the_beginning_of_time_is_422(township, since):
    r = township.staff.get("/api/v1/staff/export", params={"format": "jsonl", "since": since})
    assert r.status_code == 422, r.text
    assert "1900" in r.json()["detail"]


def test_export_since_the_first_day_of_the_window_exports_all(township):
    r = township.staff.get(
        "/api/v1/staff/export", params={"format": "jsonl", "since": "1900-01-01"}
    )
    assert r.status_code == 200 and r.headers["X-Record-Count"] == "1"


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_made_up_paging_cursor_at_the_calendars_edge_is_refused(township, stamp):
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps([stamp, "x"]).encode()).decode().rstrip("=")
    r = township.staff.get("/api/v1/staff/records", params={"cursor": cursor})
    assert r.status_code == 400 and r.json()["code"] == "bad_cursor", r.text
