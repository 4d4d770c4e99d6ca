"""A red item escalates by itself when its time limit passes (issue 15): the sweep with an
injected clock, once however many processes sweep at once, on SQLite and PostgreSQL; and the
service's own background task runs it."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time

from gridterm.township import db
from gridterm.township.services import escalation
from tests.helpers.service import start_service
from tests.township import _county
from tests.township._county import API, make_county, move, ok
from tests.township._staff import make_township, report

# The fixture, by name, for the tests below that sweep with a clock of their own.
own_service = _county.own_service


_people = itertools.count(1)


def red(dev, **extra) -> dict:
    # Each raised by someone else: the same household again would be a rule of its own.
    who = f"居民{next(_people)}"
    fields = {"urgency": "urgent", "category": "safety", "raised_by": who, **extra}
    return report(dev, **fields)


def writes(service):
    return db.write_session_factory(service.engine)


def get(town, rid: str) -> dict:
    return ok(town.staff.get(f"{API}/records/{rid}"))


def test_a_red_item_past_its_time_limit_goes_to_the_county(own_service):
    county = make_county(own_service)
    town = county.townships[0]
    rec = red(town.device)
    town.push(rec)
    got = get(town, rec["id"])
    assert got["tier"] == "red"
    limit = dt.datetime.fromisoformat(got["tier_due_at"])
    # One day: the red tier's time limit (tiers.json).
    received = dt.datetime.fromisoformat(got["received_at"])
    assert abs((limit - received) - dt.timedelta(days=1)) < dt.timedelta(seconds=2)
    ok(move(town.staff, rec["id"], "accepted"))
    seq = get(town, rec["id"])["seq"]

    assert escalation.sweep(writes(own_service), now=limit - dt.timedelta(minutes=1)).escalated == 0
    assert get(town, rec["id"])["status"] == "accepted"
    done = escalation.sweep(writes(own_service), now=limit + dt.timedelta(minutes=1))
    assert done.escalated == 1
    got = get(town, rec["id"])
    assert (got["status"], got["level"]) == ("escalated", "county") and got["escalated_at"]
    assert got["seq"] > seq
    last = got["events"][-1]
    assert (last["actor"], last["from_status"], last["to_status"], last["reason"]) == (
        "system:sweep",
        "accepted",
        "escalated",
        "tier_time_limit",
    )
    # The county sees it; the officer's device pulls it; a second sweep does nothing.
    assert [i["id"] for i in ok(county.staff.get(f"{API}/records"))["items"]] == [rec["id"]]
    update = next(u for u in town.device.pull().json()["updates"] if u["id"] == rec["id"])
    assert update["status"] == "escalated" and update["level"] == "county"
    later = limit + dt.timedelta(days=3)
    assert escalation.sweep(writes(own_service), now=later).escalated == 0


def test_what_the_sweep_leaves_alone(own_service):
    county = make_county(own_service)
    town = county.townships[0]
    loner = make_township(own_service)  # belongs to no county
    yellow = red(town.device, urgency="important")
    returned = red(town.device)
    closed = red(town.device)
    staff_green = red(town.device)
    alone = red(loner.device)
    town.push(yellow, returned, closed, staff_green)
    loner.push(alone)
    ok(move(town.staff, returned["id"], "escalated", reason="上报"))
    ok(move(county.staff, returned["id"], "returned_to_township", reason="乡镇办理"))
    ok(move(town.staff, closed["id"], "accepted"))
    ok(move(town.staff, closed["id"], "done"))
    body = {"tier": "green", "reason": "现场已排除"}
    ok(town.staff.post(f"{API}/records/{staff_green['id']}/tier", json=body))
    far = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    escalation.sweep(writes(own_service), now=far)
    assert get(town, returned["id"])["status"] == "returned_to_township"  # sent back: stays
    assert get(town, closed["id"])["status"] == "done"
    assert get(town, staff_green["id"])["status"] == "reported"
    assert get(loner, alone["id"])["status"] == "reported"  # nowhere to escalate to
    # The yellow one was raised (past its time limit by then), never escalated.
    got = get(town, yellow["id"])
    assert got["status"] == "reported" and got["tier"] == "yellow"


def test_two_processes_sweeping_at_once_escalate_each_record_once(own_service):
    county = make_county(own_service)
    town = county.townships[0]
    records = [red(town.device) for _ in range(30)]
    town.push(*records)
    now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    start = threading.Barrier(3)
    results: list[escalation.SweepResult] = []

    def sweeper() -> None:
        # Each its own engine: as two service processes would have.
        engine = db.make_engine(own_service.db_url)
        try:
            start.wait()
            results.append(escalation.sweep(db.write_session_factory(engine), now=now))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=sweeper) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 3
    assert sum(r.escalated for r in results) == 30
    for rec in records:
        got = get(town, rec["id"])
        ups = [e for e in got["events"] if e["to_status"] == "escalated"]
        assert got["status"] == "escalated" and len(ups) == 1


def test_records_from_before_tiers_are_assessed(own_service):
    town = make_county(own_service).townships[0]
    rec = red(town.device)
    town.push(rec)
    with own_service.admin_session() as s:  # as the migration leaves them
        row = s.get(db.Record, rec["id"])
        row.tier, row.tier_reason, row.tier_at, row.tier_due_at = "green", "", None, None
        row.household_key = None
    result = escalation.sweep(writes(own_service))
    assert result.assessed == 1
    got = get(town, rec["id"])
    assert (got["tier"], got["tier_rules"]) == ("red", ["urgent_risk"])
    received = dt.datetime.fromisoformat(got["received_at"])
    limit = dt.datetime.fromisoformat(got["tier_due_at"])
    assert abs((limit - received) - dt.timedelta(days=1)) < dt.timedelta(seconds=2)
    assert escalation.sweep(writes(own_service)).assessed == 0


def test_the_service_sweeps_by_itself(fresh_db_url):
    with start_service(fresh_db_url, sweep_seconds=0.2) as service:
        town = make_county(service).townships[0]
        rec = red(town.device)
        town.push(rec)
        with service.admin_session() as s:  # its time limit already passed
            s.get(db.Record, rec["id"]).tier_due_at = db.utcnow() - dt.timedelta(minutes=1)
        deadline = time.monotonic() + 60
        while get(town, rec["id"])["status"] != "escalated":
            assert time.monotonic() < deadline, "the service never swept"
            time.sleep(0.1)
