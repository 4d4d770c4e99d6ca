"""The county's routes given values at the edges (issue 15; the service answers 4xx, never
500, to anything a client sends), with the county's own tokens — staff and leader — which the
schemathesis run (a township's token) does not carry.  Shapes: days that match the pattern
but are no day (2026-02-30, 0000-01-01), years 0001 and 9999, a period the wrong way round,
weeks 0 and 53, record ids of 10,000 characters and with NUL, notes of 10,000 characters,
tiers nobody defined, a body that is not JSON."""

from __future__ import annotations

import pytest

from tests.township._county import API, make_county, ok
from tests.township._staff import report


@pytest.fixture
def county(live_service):
    made = make_county(live_service)
    rec = report(made.townships[0].device)
    made.townships[0].push(rec)
    made.record_id = rec["id"]
    return made


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2026-02-30"}, 422),
        ({"from": "0000-01-01"}, 422),
        ({"from": "0001-01-01", "to": "0001-01-01"}, 422),  # outside the years served
        ({"from": "9999-12-31", "to": "9999-12-31"}, 422),
        ({"from": "2026-03-02", "to": "2026-03-01"}, 422),  # the wrong way round
        ({"from": "2010-01-01", "to": "2026-01-01"}, 422),  # over ten years
        ({"from": "26-1-1"}, 422),
        ({"from": "2026-01-01", "to": "2026-01-01"}, 200),
        ({}, 200),
    ],
)
def test_summary_periods(county, params, status):
    for client in (county.staff, county.leader):
        r = client.get(f"{API}/summary", params=params)
        assert r.status_code == status, r.text


@pytest.mark.parametrize(("weeks", "status"), [(0, 422), (53, 422), (-1, 422), (1, 200), (52, 200)])
def test_weekly_bounds(county, weeks, status):
    r = county.staff.get(f"{API}/summary/weekly", params={"weeks": weeks})
    assert r.status_code == status, r.text
    if status == 200:
        assert len(r.json()["weeks"]) == weeks


@pytest.mark.parametrize(
    "deadline", ["2026-02-30", "0000-01-01", "9999-12-31", "2000-01-01", "2026-1-01", ""]
)
def test_supervision_deadlines_at_the_edges(county, deadline):
    r = county.staff.post(
        f"{API}/records/{county.record_id}/supervise", json={"deadline": deadline, "note": "x"}
    )
    assert 400 <= r.status_code < 500, r.text


def test_odd_bodies_and_ids(county):
    staff = county.staff
    rid = county.record_id
    for body in ({"tier": "purple", "reason": "x"}, {"tier": "red"}, {"tier": "red", "reason": ""}):
        r = staff.post(f"{API}/records/{rid}/tier", json=body)
        assert r.status_code == 422, r.text
    r = staff.post(f"{API}/records/{rid}/tier", json={"tier": "red", "reason": "理" * 10_000})
    assert r.status_code in (200, 422), r.text
    r = staff.post(
        f"{API}/records/{rid}/supervise", content=b"\x00not json", headers={"content-type": "x"}
    )
    assert 400 <= r.status_code < 500, r.text
    for odd in ("x" * 10_000, "a%00b", "%00"):  # NUL, as a URL carries it
        for path, body in (("tier", {"tier": "red", "reason": "x"}), ("supervise", None)):
            body = body or {"deadline": "2099-01-01", "note": "x"}
            r = staff.post(f"{API}/records/{odd}/{path}", json=body)
            assert r.status_code in (404, 422), (path, r.status_code, r.text[:200])
    moves = ({"to": "signed"}, {"to": "county_assigned", "department": "x" * 10_000})
    for body in moves:
        r = staff.post(f"{API}/records/{rid}/transition", json=body)
        assert 400 <= r.status_code < 500, r.text
    # Whatever came before, the record is still there and answers.
    assert ok(staff.get(f"{API}/records/{rid}"))["id"] == rid
