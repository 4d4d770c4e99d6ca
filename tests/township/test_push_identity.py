"""Issue 13, item 4: the officer, grid and device of a pushed record come from the device's
enrollment.  A device of grid A1 pushing a report "by" an officer of another township was
stored, and township A's staff saw it as that officer's."""

from __future__ import annotations

import uuid

from tests.township._staff import make_township, report


def push(dev, *records):
    r = dev.push(list(records))
    assert r.status_code == 200, r.text
    return r.json()["results"]


def test_a_record_naming_another_officer_is_rejected(live_service):
    mine = make_township(live_service)  # its officer: 王网格
    theirs = live_service.enroll_device(officer="赵外人")  # another township's
    spoof = report(mine.device)
    spoof["officer"] = theirs.officer_id
    honest = report(mine.device)
    [bad, good] = push(mine.device, spoof, honest)
    assert bad["result"] == "rejected" and theirs.officer_id in bad["error"]
    assert good["result"] == "stored"
    listed = mine.staff.get("/api/v1/staff/records").json()["items"]
    assert [r["id"] for r in listed] == [honest["id"]]
    assert listed[0]["officer"] == "王网格"


def test_an_officer_of_the_same_grid_is_another_officer_too(live_service):
    mine = make_township(live_service)
    grid = live_service.make_grid(mine.township_id)
    colleague = live_service.enroll_device(grid, officer="李网格")
    spoof = report(mine.device)
    spoof["officer"] = colleague.officer_id
    [bad] = push(mine.device, spoof)
    assert bad["result"] == "rejected"


def test_the_enrollments_own_officer_or_none_is_stored_as_its_officer(live_service):
    tw = make_township(live_service)
    named, unnamed = report(tw.device), report(tw.device)
    named["officer"] = tw.device.officer_id
    unnamed["officer"] = ""
    assert [r["result"] for r in push(tw.device, named, unnamed)] == ["stored", "stored"]
    for rec in (named, unnamed):
        got = tw.staff.get(f"/api/v1/staff/records/{rec['id']}").json()
        assert got["officer"] == "王网格"


def test_a_record_naming_another_enrolled_device_is_rejected(live_service):
    tw = make_township(live_service)
    other = live_service.enroll_device()
    spoof = report(tw.device)
    spoof["device"] = other.id
    [bad] = push(tw.device, spoof)
    assert bad["result"] == "rejected"


def test_a_record_made_before_enrollment_keeps_its_local_device_id(live_service):
    """A device names its records with a local id until it enrolls (docs/contracts.md)."""
    tw = make_township(live_service)
    early = report(tw.device)
    early["device"] = str(uuid.uuid4())
    early["grid"] = early["officer"] = ""
    [result] = push(tw.device, early)
    assert result["result"] == "stored"
    got = tw.staff.get(f"/api/v1/staff/records/{early['id']}").json()
    assert got["officer"] == "王网格"
    assert got["device"] == tw.device.id


def reenroll(svc, grid, officer: str, previous_token: str | None):
    from tests.helpers.service import Device

    body = {"code": svc.make_code(svc.make_officer(grid, officer)), "device_name": "同一部手机"}
    if previous_token:
        body["previous_token"] = previous_token
    with svc.client() as c:
        r = c.post("/api/v1/enroll", json=body)
    assert r.status_code == 200, r.text
    return Device(svc, r.json())


def test_a_reenrolled_device_still_sends_what_it_made_before(live_service):
    """The same phone enrolled again (for a colleague, after a revocation): the records it made
    under its first enrollment are still its own to send — it proved it held that token."""
    svc = live_service
    grid = svc.make_grid()
    first = svc.enroll_device(grid, officer="孙丽")
    made_before = report(first)
    made_before["officer"], made_before["grid"] = first.officer_id, first.grid_id
    svc.revoke(first.id)
    second = reenroll(svc, grid, "周强", previous_token=first.token)
    assert [r["result"] for r in push(second, made_before)] == ["stored"]
    staff = svc.client(svc.make_staff(grid.township_id))
    got = staff.get(f"/api/v1/staff/records/{made_before['id']}").json()
    assert got["officer"] == "孙丽"  # still the officer who recorded it
    # A third enrollment of the same phone: the whole lineage counts.
    third = reenroll(svc, grid, "吴敏", previous_token=second.token)
    older = report(first)
    older["officer"] = first.officer_id
    assert [r["result"] for r in push(third, older)] == ["stored"]


def test_without_the_old_token_another_officers_records_are_refused(live_service):
    svc = live_service
    grid = svc.make_grid()
    first = svc.enroll_device(grid, officer="孙丽")
    made_before = report(first)
    made_before["officer"] = first.officer_id
    stranger = reenroll(svc, grid, "周强", previous_token="gtd_made-up")
    [result] = push(stranger, made_before)
    assert result["result"] == "rejected"
