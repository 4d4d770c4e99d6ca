"""Who may do what on the device API: grid scoping, revocation, one-time expiring codes,
rate-limited guessing.  (Staff scoping is tested with the staff API.)"""

from __future__ import annotations

from gridterm.core import model
from gridterm.township import db


def household(dev, head="张三", **envelope) -> dict:
    rec = model.new_record("household", {"village": "石桥村", "head": head}, device=dev.id)
    rec.update(envelope)
    return rec


def report(dev) -> dict:
    data = {"category": "safety", "urgency": "normal", "place": "桥头", "description": "护栏坏了"}
    return model.new_record("report", data, device=dev.id)


def test_device_of_grid_a_cannot_push_into_grid_b(live_service):
    a = live_service.enroll_device()
    b = live_service.enroll_device()
    assert a.grid_id != b.grid_id
    # Naming grid B outright.
    out = a.push([household(a, grid=b.grid_id)]).json()["results"][0]
    assert out["result"] == "rejected" and b.grid_id in out["error"]
    # Overwriting a record that lives in grid B, with a higher rev.
    theirs = household(b)
    assert b.push([theirs]).json()["results"][0]["result"] == "stored"
    hijack = {**theirs, "rev": 2, "device": a.id, "data": {"village": "外村", "head": "冒名"}}
    out = a.push([hijack]).json()["results"][0]
    assert out["result"] == "rejected" and "another grid" in out["error"]
    with live_service.sessions() as s:
        row = s.get(db.Record, theirs["id"])
        assert (row.rev, row.grid_id, row.data["head"]) == (1, b.grid_id, "张三")
    assert live_service.rev_rows(theirs["id"]) == [(1, b.id)]


def test_same_township_other_grid_is_still_refused(live_service):
    grid_a = live_service.make_grid()
    grid_b = live_service.make_grid(grid_a.township_id)
    a = live_service.enroll_device(grid_a)
    b = live_service.enroll_device(grid_b)
    out = a.push([household(a, grid=b.grid_id)]).json()["results"][0]
    assert out["result"] == "rejected"


def test_device_of_grid_a_cannot_pull_grid_b(live_service):
    a = live_service.enroll_device()
    b = live_service.enroll_device()
    mine, theirs = report(a), report(b)
    a.push([mine])
    b.push([theirs])
    live_service.set_status(mine["id"], "accepted", "A 的反馈")
    live_service.set_status(theirs["id"], "accepted", "B 的反馈")
    got_a = a.pull(0).json()["updates"]
    got_b = b.pull(0).json()["updates"]
    assert [u["id"] for u in got_a] == [mine["id"]]
    assert [u["id"] for u in got_b] == [theirs["id"]]
    # A second officer of the same grid sees the grid's updates (the grid is the unit).
    from tests.helpers.service import GridRef

    grid_a = GridRef(township_id=a.township_id, grid_id=a.grid_id)
    colleague = live_service.enroll_device(grid_a, officer="赵网格")
    assert [u["id"] for u in colleague.pull(0).json()["updates"]] == [mine["id"]]


def test_revoked_device_is_refused_on_push_and_pull(live_service):
    dev = live_service.enroll_device()
    assert dev.push([household(dev)]).status_code == 200
    live_service.revoke(dev.id)
    for r in (dev.push([household(dev)]), dev.pull(0)):
        assert r.status_code == 401
        assert r.json()["code"] == "device_revoked"
        assert "revoked" in r.json()["detail"]


def test_missing_or_wrong_token_is_401(live_service):
    dev = live_service.enroll_device()
    with live_service.client() as anonymous:
        r = anonymous.post("/api/v1/sync/push", json={"records": []})
        assert r.status_code == 401 and r.json()["code"] == "token_invalid"
    with live_service.client(dev.token + "x") as wrong:
        assert wrong.get("/api/v1/sync/pull").status_code == 401
    staff_token = live_service.make_staff(dev.township_id)
    with live_service.client(staff_token) as staff:
        # A staff token is not a device token.
        assert staff.get("/api/v1/sync/pull").status_code == 401


def test_codes_are_one_time_and_expire(live_service):
    grid = live_service.make_grid()
    officer = live_service.make_officer(grid)
    code = live_service.make_code(officer)
    assert live_service.enroll(code).status_code == 200
    again = live_service.enroll(code)
    assert again.status_code == 403 and again.json()["code"] == "code_used"

    late = live_service.make_code(officer)
    live_service.expire_code(late)
    r = live_service.enroll(late)
    assert r.status_code == 403 and r.json()["code"] == "code_expired"
    # Only a hash of the code is stored.
    with live_service.sessions() as s:
        hashes = [row.code_hash for row in s.query(db.EnrollmentCode).filter_by(officer_id=officer)]
        assert hashes and all(code.replace("-", "") not in h for h in hashes)


def test_two_enrollments_racing_for_one_code_give_one_device(live_service):
    import threading

    officer = live_service.make_officer(live_service.make_grid())
    code = live_service.make_code(officer)
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def go():
        barrier.wait()
        statuses.append(live_service.enroll(code).status_code)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(statuses) == [200, 403, 403, 403]
    with live_service.sessions() as s:
        devices = s.query(db.Device).filter_by(officer_id=officer).count()
        assert devices == 1


def test_guessing_codes_is_rate_limited_per_address(engine_kind, tmp_path):
    from tests.helpers.service import fresh_database, start_service

    with (
        fresh_database(engine_kind, str(tmp_path)) as url,
        start_service(url, enroll_rate=(3, 0.001)) as svc,
    ):
        officer = svc.make_officer(svc.make_grid())
        good = svc.make_code(officer)
        codes = [svc.enroll(f"ZZZZ-ZZZ{i}").status_code for i in range(3)]
        assert codes == [403, 403, 403]
        r = svc.enroll("ZZZZ-ZZZ9")
        assert r.status_code == 429 and r.json()["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) >= 1
        # Even the right code waits: the budget is for the address, not the code.
        assert svc.enroll(good).status_code == 429
