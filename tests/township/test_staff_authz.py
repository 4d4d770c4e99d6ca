"""Staff of township A can neither list, read, change nor export township B's records."""

from __future__ import annotations

import csv
import io
import json

import httpx

from tests.township._staff import make_township, report

API = "/api/v1/staff"


def test_staff_of_one_township_never_see_or_change_another(live_service):
    a = make_township(live_service, "甲镇干部")
    b = make_township(live_service, "乙镇干部")
    mine, theirs = (
        report(a.device, description="甲镇的事"),
        report(b.device, description="乙镇秘密"),
    )
    a.push(mine)
    b.push(theirs)
    tid = theirs["id"]

    # list: only A's records, whatever the filters say
    page = a.staff.get(f"{API}/records").json()
    assert [x["id"] for x in page["items"]] == [mine["id"]] and page["total"] == 1
    assert a.staff.get(f"{API}/records", params={"grid": b.grid_id}).json()["total"] == 0
    assert a.staff.get(f"{API}/records", params={"q": "乙镇秘密"}).json()["total"] == 0
    assert a.staff.get(f"{API}/records", params={"q": tid}).json()["total"] == 0

    # read: 404, the same answer as a record that does not exist, and no data in it
    r = a.staff.get(f"{API}/records/{tid}")
    assert r.status_code == 404 and "乙镇秘密" not in r.text
    assert a.staff.get(f"{API}/records/no-such-id").json()["code"] == r.json()["code"]

    # change: 404 for every kind of change, and B's record stays as it was
    for path, body in (
        ("transition", {"to": "accepted"}),
        ("feedback", {"feedback": "x", "public_reply": "y"}),
        ("comments", {"text": "看看"}),
    ):
        r = a.staff.post(f"{API}/records/{tid}/{path}", json=body)
        assert r.status_code == 404, (path, r.text)
    r = a.staff.post(f"{API}/records/bulk-transition", json={"ids": [tid], "to": "accepted"})
    assert r.json()["results"] == [
        {
            "id": tid,
            "ok": False,
            "status": None,
            "code": "not_found",
            "detail": r.json()["results"][0]["detail"],
        }
    ]
    got = b.staff.get(f"{API}/records/{tid}").json()
    assert got["status"] == "reported" and got["events"] == [] and got["feedback"] is None

    # export: none of B's records in any format
    for fmt in ("csv", "jsonl", "xlsx"):
        r = a.staff.get(f"{API}/export", params={"format": fmt})
        assert r.status_code == 200
        assert r.headers["x-record-count"] == "1"
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
            assert [row[0] for row in rows[1:]] == [mine["id"]]
        elif fmt == "jsonl":
            assert [json.loads(line)["id"] for line in r.text.splitlines()] == [mine["id"]]
        assert tid.encode() not in r.content and "乙镇秘密".encode() not in r.content

    # grids and me are A's own
    assert [g["id"] for g in a.staff.get(f"{API}/grids").json()["items"]] == [a.grid_id]
    assert a.staff.get(f"{API}/me").json()["township"]["id"] == a.township_id


def test_no_token_a_wrong_token_or_a_device_token_is_401(live_service):
    a = make_township(live_service)
    paths = [f"{API}/records", f"{API}/me", f"{API}/grids", f"{API}/export?format=csv"]
    with httpx.Client(base_url=live_service.url) as anon:
        for path in paths:
            assert anon.get(path).status_code == 401
            r = anon.get(path, headers={"Authorization": "Bearer not-a-token"})
            assert r.status_code == 401 and r.json()["code"] == "token_invalid"
            r = anon.get(path, headers={"Authorization": f"Bearer {a.device.token}"})
            assert r.status_code == 401, path
        # and a staff token opens no device endpoint
        r = anon.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {a.staff_token}"})
        assert r.status_code == 401


def test_hostile_ids_and_text_are_4xx_never_500(live_service):
    a = make_township(live_service)
    for rid in ("%00", "a%00b", "x" * 300, "%E2%80%AE", "..%2F..%2Fetc"):
        r = a.staff.get(f"{API}/records/{rid}")
        assert r.status_code == 404, (rid, r.text)
        r = a.staff.post(f"{API}/records/{rid}/transition", json={"to": "accepted"})
        assert r.status_code == 404, (rid, r.text)
    for params in ({"q": "a\x00b"}, {"village": "\x00"}, {"cursor": "WyIyMDI2IiwiXHUwMDAwIl0"}):
        r = a.staff.get(f"{API}/records", params=params)
        assert 400 <= r.status_code < 500, (params, r.text)
    r = a.staff.post(f"{API}/records/bulk-transition", json={"ids": ["a\x00"], "to": "accepted"})
    assert r.status_code == 422
