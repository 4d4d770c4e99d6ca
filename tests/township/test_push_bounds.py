"""Issue 13, item 2: one out-of-range value rejects that record only — never a 500, never the
whole batch — and the same on SQLite and PostgreSQL.  Shapes: values at the edges of every
type a record carries (2**31, 2**63, 1e400, year 0001 and 9999 with the widest offsets).
"""

from __future__ import annotations

import json
import uuid

import pytest

from gridterm.core import receipts
from tests.township._staff import household, report, visit

API = "/api/v1/sync/push"


def push_raw(dev, records: list[dict], extra: str = "") -> dict:
    """Push ``records`` as JSON text (``extra`` spliced into the last record's data, for
    numbers Python's json cannot write, like 1e400)."""
    text = json.dumps({"records": records}, ensure_ascii=False)
    if extra:
        text = text[: text.rindex("}}]}")] + extra + "}}]}"
    r = dev.client.post(
        API,
        content=text.encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 200, r.text
    return r.json()


def with_bad_one(dev, bad: dict, extra: str = "") -> tuple[list[dict], dict]:
    """Three good records and ``bad`` last: the good ones stored, the result of the bad one."""
    good = [report(dev), household(dev), report(dev)]
    results = push_raw(dev, [*good, bad], extra)["results"]
    assert [r["result"] for r in results[:3]] == ["stored"] * 3, results
    assert [r["id"] for r in results] == [rec["id"] for rec in [*good, bad]]
    return good, results[3]


@pytest.mark.parametrize("rev", [2**31, 2**63, 2**63 + 1, 10**30, 0, -1])
def test_a_rev_out_of_range_rejects_that_record_only(live_service, rev):
    dev = live_service.enroll_device()
    bad = report(dev)
    bad["rev"] = rev
    _, result = with_bad_one(dev, bad)
    assert result["result"] == "rejected" and "rev" in result["error"]


def test_the_largest_rev_postgresql_holds_is_stored(live_service):
    dev = live_service.enroll_device()
    rec = report(dev)
    rec["rev"] = 2**31 - 1
    results = push_raw(dev, [rec])["results"]
    assert results == [{"id": rec["id"], "rev": 2**31 - 1, "result": "stored", "error": None}]


EDGE_TIMES = [
    "9999-12-30T10:00:00+08:00",  # the issue's: its time limit falls past year 9999
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "1899-12-31T23:59:59+08:00",
    "3000-01-01T00:00:00+08:00",
]


@pytest.mark.parametrize("stamp", EDGE_TIMES)
@pytest.mark.parametrize("field", ["created_at", "updated_at"])
def test_a_time_at_the_edge_of_the_calendar_rejects_that_record_only(live_service, field, stamp):
    dev = live_service.enroll_device()
    bad = report(dev)
    bad[field] = stamp
    _, result = with_bad_one(dev, bad)
    assert result["result"] == "rejected"
    assert field in result["error"] and "1900" in result["error"]


def test_times_in_data_and_receipts_are_bounded_too(live_service):
    dev = live_service.enroll_device()
    late = report(dev, occurred_at="9999-12-31")
    _, result = with_bad_one(dev, late)
    assert result["result"] == "rejected" and "data.occurred_at" in result["error"]
    stamped = report(dev, receipt=True)
    stamped["receipts"][0]["issued_at"] = "0001-01-01T00:00:00+14:00"
    _, result = with_bad_one(dev, stamped)
    assert result["result"] == "rejected" and "issued_at" in result["error"]


def test_the_first_and_last_days_of_the_window_are_stored(live_service):
    dev = live_service.enroll_device()
    first, last = report(dev), report(dev, occurred_at="2999-12-31")
    first["created_at"] = first["updated_at"] = "1900-01-01T00:00:00+08:00"
    last["created_at"] = last["updated_at"] = "2999-12-31T23:59:59-12:00"
    results = push_raw(dev, [first, last])["results"]
    assert [r["result"] for r in results] == ["stored", "stored"], results


@pytest.mark.parametrize("number", ["1e400", "-1e400", str(2**63), str(2**53)])
def test_a_number_no_json_reader_holds_rejects_that_record_only(live_service, number):
    dev = live_service.enroll_device()
    home = household(dev)
    bad = visit(dev, home["id"])
    _, result = with_bad_one(
        dev, bad, extra=f', "answers": {{"gas_alarm": "no", "count": {number}}}'
    )
    assert result["result"] == "rejected" and "data.answers.count" in result["error"]


def test_a_number_every_reader_holds_is_stored(live_service):
    dev = live_service.enroll_device()
    home = household(dev)
    ok = visit(dev, home["id"])
    results = push_raw(
        dev, [ok], extra=f', "answers": {{"gas_alarm": "no", "count": {2**53 - 1}}}'
    )["results"]
    assert results[0]["result"] == "stored", results


def test_the_push_schema_states_the_bounds(live_service):
    import httpx

    doc = httpx.get(f"{live_service.url}/openapi.json").json()
    record = doc["components"]["schemas"]["RecordIn"]["properties"]
    assert record["rev"]["minimum"] == 1 and record["rev"]["maximum"] == 2**31 - 1
    assert record["created_at"]["pattern"].startswith("^(19")
    items = doc["components"]["schemas"]["PushIn"]["properties"]["records"]["items"]
    assert items == {"$ref": "#/components/schemas/RecordIn"}


def test_receipts_still_verify_after_the_bounds_check(live_service):
    dev = live_service.enroll_device()
    rec = report(dev, receipt=True)
    assert receipts.verify(rec["receipts"][0]["number"], rec["receipts"][0]["sig"], dev.secret)
    assert push_raw(dev, [rec])["results"][0]["result"] == "stored"
