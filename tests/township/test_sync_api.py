"""The device API against a real uvicorn on 127.0.0.1 (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest

from gridterm.core import model, receipts


def household(dev, head: str = "张三", village: str = "石桥村", **extra) -> dict:
    return model.new_record("household", {"village": village, "head": head, **extra}, device=dev.id)


def report(dev, **extra) -> dict:
    data = {"category": "safety", "urgency": "urgent", "place": "村口", "description": "电线裸露"}
    return model.new_record("report", {**data, **extra}, device=dev.id)


def results(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]


# --------------------------------------------------------------------------- enrollment


def test_enroll_returns_identity_and_a_strong_token(live_service):
    grid = live_service.make_grid()
    officer = live_service.make_officer(grid, "王网格")
    code = live_service.make_code(officer)
    assert len(code) == 9 and code[4] == "-"
    # Typed sloppily: lower case, no dash, O for 0 — still the same code.
    typed = code.replace("-", "").lower().replace("0", "o")
    body = live_service.enroll(typed, "红米").json()
    assert body["officer"] == {"id": officer, "name": "王网格", "phone": ""}
    assert body["grid"]["id"] == grid.grid_id
    assert body["township"]["id"] == grid.township_id
    assert body["service_url"] == live_service.url
    assert len(body["token"]) >= 43  # 256 bits, url-safe base64
    assert len(body["device_secret"]) >= 43
    # The service keeps only a hash of the token.
    from gridterm.township import db

    with live_service.sessions() as s:
        row = s.get(db.Device, body["device_id"])
        assert row.token_hash != body["token"] and body["token"] not in row.token_hash
        assert row.name == "红米"


def test_error_bodies_are_json_with_detail_and_code_in_the_callers_language(live_service):
    r = live_service.enroll("AAAA-AAAA")
    assert r.status_code == 403
    assert r.json()["code"] == "code_invalid"
    assert "enrollment code" in r.json()["detail"]
    with httpx.Client(base_url=live_service.url) as c:
        r = c.post(
            "/api/v1/enroll",
            json={"code": "BBBB-BBBB", "device_name": "x"},
            headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        )
        assert r.json()["detail"].startswith("注册码无效")
        r = c.post(
            "/api/v1/enroll", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 422 and r.json()["code"] == "invalid_request"
        r = c.get("/nowhere")
        assert r.status_code == 404 and set(r.json()) == {"detail", "code"}


# --------------------------------------------------------------------------- push


def test_push_stored_unchanged_conflict_rejected_in_one_batch(live_service):
    dev = live_service.enroll_device()
    a, b = household(dev, "张三"), household(dev, "李四")
    assert [r["result"] for r in results(dev.push([a, b]))] == ["stored", "stored"]

    changed = {**b, "data": {**b["data"], "head": "李五"}}  # same id and rev, other content
    bad = household(dev)
    bad["data"]["phone"] = "12345"
    newer = {**a, "rev": 2, "data": {**a["data"], "group": "3组"}}
    out = results(dev.push([a, changed, bad, newer, "not a record"]))
    assert [r["result"] for r in out] == ["unchanged", "conflict", "rejected", "stored", "rejected"]
    assert out[1]["error"] and "different content" in out[1]["error"]
    assert "Phone" in out[2]["error"] or "phone" in out[2]["error"].lower()
    assert out[4]["id"] == "" and out[4]["rev"] is None
    assert [r["id"] for r in out[:4]] == [a["id"], b["id"], bad["id"], a["id"]]

    # Every rev is kept, with the device that sent it; the conflict changed nothing.
    assert live_service.rev_rows(a["id"]) == [(1, dev.id), (2, dev.id)]
    assert live_service.rev_rows(b["id"]) == [(1, dev.id)]
    assert live_service.rev_rows(bad["id"]) == []
    from gridterm.township import db

    with live_service.sessions() as s:
        assert s.get(db.Record, a["id"]).rev == 2
        assert s.get(db.Record, a["id"]).data["group"] == "3组"
        assert s.get(db.Record, b["id"]).data["head"] == "李四"


def test_an_older_rev_after_a_newer_one_is_kept_but_does_not_roll_back(live_service):
    dev = live_service.enroll_device()
    rec = household(dev)
    rev2 = {**rec, "rev": 2, "data": {**rec["data"], "head": "新户主"}}
    assert results(dev.push([rev2]))[0]["result"] == "stored"
    assert results(dev.push([rec]))[0]["result"] == "stored"
    from gridterm.township import db

    with live_service.sessions() as s:
        assert s.get(db.Record, rec["id"]).data["head"] == "新户主"
    assert [r for r, _ in live_service.rev_rows(rec["id"])] == [1, 2]


def test_empty_grid_means_the_devices_grid_and_officer(live_service):
    dev = live_service.enroll_device()
    rec = report(dev)
    assert rec["grid"] == ""
    assert results(dev.push([rec]))[0]["result"] == "stored"
    from gridterm.township import db

    with live_service.sessions() as s:
        row = s.get(db.Record, rec["id"])
        assert (row.grid_id, row.officer_id, row.township_id) == (
            dev.grid_id,
            dev.officer_id,
            dev.township_id,
        )
        assert (row.category, row.urgency) == ("safety", "urgent")
        assert row.due_at is not None  # reports carry their promised time limit
        assert "电线裸露" in row.search


def test_service_owned_fields_in_a_push_are_rejected(live_service):
    dev = live_service.enroll_device()
    rec = {**household(dev), "status": "done"}
    out = results(dev.push([rec]))[0]
    assert out["result"] == "rejected" and "status" in out["error"]


def test_batch_limits_are_4xx_never_500(live_service):
    dev = live_service.enroll_device()
    r = dev.push([household(dev) for _ in range(501)])
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    big = household(dev, notes="x")
    r = dev.client.post(
        "/api/v1/sync/push",
        content=b'{"records": [' + b" " * (9 * 1024 * 1024) + b"]}",
        headers={"Content-Type": "application/json", "Idempotency-Key": "big"},
    )
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"

    def chunks():
        yield b'{"records": ['
        for _ in range(9):
            yield b" " * (1024 * 1024)
        yield b"]}"

    r = dev.client.post(
        "/api/v1/sync/push", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    for body in (b"[]", b'{"records": 5}', b'{"records": [1, null, []]}', b"\xff\xfe"):
        r = dev.client.post(
            "/api/v1/sync/push", content=body, headers={"Content-Type": "application/json"}
        )
        assert 400 <= r.status_code < 500 or r.status_code == 200, (body, r.status_code)
        assert r.status_code != 500
    del big


def test_idempotency_key_replays_and_refuses_other_content(live_service):
    dev = live_service.enroll_device()
    batch = [household(dev), household(dev, "李四")]
    first = dev.push(batch, key="k-1")
    assert [r["result"] for r in results(first)] == ["stored", "stored"]
    # A retry after a lost response: the same answer as the first time.
    again = dev.push(batch, key="k-1")
    assert again.json() == first.json()
    # Same batch under a new key: everything unchanged, one row per (id, rev).
    assert [r["result"] for r in results(dev.push(batch, key="k-2"))] == ["unchanged"] * 2
    assert all(len(live_service.rev_rows(r["id"])) == 1 for r in batch)
    # The key reused for a different body: 422.
    r = dev.push([household(dev)], key="k-1")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    # Keys belong to a device: another device may use the same key.
    other = live_service.enroll_device()
    assert results(other.push([household(other)], key="k-1"))[0]["result"] == "stored"


def test_same_batch_on_two_connections_at_once_stores_each_rev_once(live_service):
    dev = live_service.enroll_device()
    batch = [household(dev, f"户主{i}") for i in range(200)]
    start = threading.Barrier(3)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def send(key: str) -> None:
        with live_service.client(dev.token) as c:
            start.wait()
            r = c.post(
                "/api/v1/sync/push", json={"records": batch}, headers={"Idempotency-Key": key}
            )
            with lock:
                responses.append(r)

    threads = [threading.Thread(target=send, args=(k,)) for k in ("a", "b", "c")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(r.status_code for r in responses) == [200, 200, 200]
    outcome = [[r["result"] for r in resp.json()["results"]] for resp in responses]
    for i in range(len(batch)):
        column = sorted(o[i] for o in outcome)
        assert column == ["stored", "unchanged", "unchanged"], (i, column)
    from gridterm.township import db

    with live_service.sessions() as s:
        ids = [r["id"] for r in batch]
        count = s.query(db.RecordRev).filter(db.RecordRev.record_id.in_(ids)).count()
        assert count == len(batch)


def test_receipts_are_verified_and_bound_to_one_record(live_service):
    dev = live_service.enroll_device()
    rec = report(dev)
    rec["receipts"] = [receipts.issue(rec, dev.secret)]
    assert results(dev.push([rec]))[0]["result"] == "stored"

    forged = report(dev)
    forged["receipts"] = [receipts.issue(forged, "not-this-device-secret")]
    out = results(dev.push([forged]))[0]
    assert out["result"] == "rejected" and "signature" in out["error"]

    # Another record claiming the first one's receipt number is refused.
    thief = report(dev)
    thief["receipts"] = [dict(rec["receipts"][0])]
    out = results(dev.push([thief]))[0]
    assert out["result"] == "rejected" and "another record" in out["error"]
    # The owner may push new revs that keep the receipt.
    rev2 = {**rec, "rev": 2, "data": {**rec["data"], "place": "村委会"}}
    assert results(dev.push([rev2]))[0]["result"] == "stored"
    from gridterm.township import db

    with live_service.sessions() as s:
        number = receipts.parse_number(rec["receipts"][0]["number"])
        assert s.get(db.Receipt, number).record_id == rec["id"]


# --------------------------------------------------------------------------- pull


def test_pull_pages_status_changes_and_moves_the_cursor(live_service):
    dev = live_service.enroll_device()
    recs = [report(dev) for _ in range(5)]
    results(dev.push(recs))
    body = dev.pull().json()
    assert body["updates"] == [] and body["more"] is False
    start = body["cursor"]

    for i, rec in enumerate(recs):
        live_service.set_status(rec["id"], "accepted", feedback=f"第{i}条已受理")
    seen: list[dict] = []
    cursor = start
    pages = 0
    while True:
        body = dev.pull(cursor, limit=2).json()
        pages += 1
        seen.extend(body["updates"])
        assert body["cursor"] >= cursor
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert pages == 3
    assert [u["id"] for u in seen] == [r["id"] for r in recs]
    assert seen[0]["status"] == "accepted" and seen[0]["feedback"] == "第0条已受理"
    assert [u["seq"] for u in seen] == sorted(u["seq"] for u in seen)
    # Nothing new: the same cursor comes back, empty.
    body = dev.pull(cursor).json()
    assert body["updates"] == [] and body["cursor"] == cursor and not body["more"]
    # A later change arrives on the next pull.
    live_service.set_status(recs[2]["id"], "in_hand")
    body = dev.pull(cursor).json()
    assert [(u["id"], u["status"]) for u in body["updates"]] == [(recs[2]["id"], "in_hand")]


def test_pull_410_below_the_floor_or_beyond_the_top(live_service, tmp_path):
    from tests.helpers.service import fresh_database, start_service

    kind = "sqlite" if live_service.db_url.startswith("sqlite") else "pg"
    # Its own service: raising the floor must not disturb the other tests.
    with fresh_database(kind, str(tmp_path)) as url, start_service(url) as svc:
        dev = svc.enroll_device()
        rec = report(dev)
        results(dev.push([rec]))
        for status in ("accepted", "assigned", "in_hand"):
            top = svc.set_status(rec["id"], status)
        assert dev.pull(top - 1).status_code == 200
        assert dev.pull(top + 5).status_code == 410
        svc.set_pull_floor(top)
        r = dev.pull(top - 1)
        assert r.status_code == 410 and r.json()["code"] == "cursor_expired"
        # A full pull is always honoured.
        body = dev.pull(0).json()
        assert [u["status"] for u in body["updates"]] == ["in_hand"]
        assert body["cursor"] == top


def test_pull_brings_imported_households(live_service, tmp_path):
    dev = live_service.enroll_device()
    roster = tmp_path / "roster.csv"
    roster.write_text("村,组,户主,电话\n石桥村,1组,张三,13800138000\n石桥村,2组,李四,\n", "utf-8")
    from gridterm.township.services.roster import import_households

    with live_service.admin_session() as s:
        assert import_households(s, dev.grid_id, roster) == 2
    body = dev.pull(0).json()
    heads = sorted(h["head"] for h in body["households"])
    assert heads == ["张三", "李四"]
    assert all(h["id"] for h in body["households"])


@pytest.mark.parametrize("cursor", ["-1", "abc", "99999999999999999999999"])
def test_bad_cursor_is_422(live_service, cursor):
    dev = live_service.enroll_device()
    r = dev.client.get("/api/v1/sync/pull", params={"cursor": cursor})
    assert r.status_code == 422


def test_records_are_never_logged(live_service, caplog):
    dev = live_service.enroll_device()
    secret_name = f"保密{uuid.uuid4().hex[:6]}"
    with caplog.at_level("DEBUG"):
        results(dev.push([household(dev, secret_name)]))
        dev.push([{**household(dev, secret_name), "data": "x"}])
    assert secret_name not in caplog.text


def test_gridterm_serve_with_two_workers(fresh_db_url, tmp_path):
    """The shell command, as township IT runs it: several processes on one database."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.helpers.service import LiveService, serve_process

    with serve_process(fresh_db_url, workers=2, env={"GRIDTERM_DATA_DIR": str(tmp_path)}) as base:
        svc = LiveService(base, fresh_db_url, app=None)
        devices = [svc.enroll_device() for _ in range(3)]
        batches = [(dev, [household(dev, f"户{i}") for i in range(100)]) for dev in devices]
        batches += batches  # each batch twice, all at once, over separate connections

        def push(item):
            dev, batch = item
            with httpx.Client(base_url=base, timeout=60) as c:
                return c.post(
                    "/api/v1/sync/push",
                    json={"records": batch},
                    headers={"Authorization": f"Bearer {dev.token}"},
                )

        with ThreadPoolExecutor(6) as pool:
            responses = list(pool.map(push, batches))
        assert [r.status_code for r in responses] == [200] * 6
        from gridterm.township import db

        with svc.sessions() as s:
            assert s.query(db.RecordRev).count() == 300
            assert s.query(db.Record).count() == 300
        svc.close()


def test_an_unexpected_error_is_a_json_500_logged_without_its_message(live_service, caplog, capfd):
    """No input should get here (schemathesis checks that); if a bug does, the answer is
    still JSON and the log names only the exception type and path, never its message."""

    def broken():
        raise ValueError("张三 500101199001011234")

    live_service.app.add_api_route("/test-broken", broken, include_in_schema=False)
    with caplog.at_level("DEBUG"), httpx.Client(base_url=live_service.url) as c:
        r = c.get("/test-broken")
    assert r.status_code == 500
    assert r.json()["code"] == "internal"
    assert "ValueError" in caplog.text and "/test-broken" in caplog.text
    assert "张三" not in caplog.text and "500101199001011234" not in caplog.text
    # Nor does the server print a traceback with the message to stderr.
    out, err = capfd.readouterr()
    assert "500101199001011234" not in out + err and "Traceback" not in err


def test_history_keeps_what_the_device_sent(live_service):
    dev = live_service.enroll_device()
    rec = household(dev, "王 五")  # as typed; the service's current state may normalise it
    assert results(dev.push([rec]))[0]["result"] == "stored"
    from gridterm.township import db

    with live_service.sessions() as s:
        row = s.query(db.RecordRev).filter_by(record_id=rec["id"]).one()
        assert row.body == model.canonical_json(model.wire_form(rec)).decode()
        assert row.device_id == dev.id and row.received_at is not None
        assert '"grid":""' in row.body  # as sent, before the service filled in the grid


def test_history_keeps_awkward_text_byte_for_byte(live_service):
    # Quotes, backslashes, line breaks, emoji, a line separator and combining accents: the
    # batch statements (one JSON document on PostgreSQL) must not bend any of them.
    dev = live_service.enroll_device()
    text = 'a "quoted" \\ back\\slash\nnew line 🏠 \u2028 é̂ 张三\t'
    rec = report(dev, description=text)
    assert results(dev.push([rec]))[0]["result"] == "stored"
    from gridterm.township import db

    with live_service.sessions() as s:
        row = s.query(db.RecordRev).filter_by(record_id=rec["id"]).one()
        assert row.body == model.canonical_json(model.wire_form(rec)).decode()
    # The same bytes again are "unchanged", not a conflict.
    assert results(dev.push([rec]))[0]["result"] == "unchanged"


def test_pull_pages_across_updates_households_and_mediators(live_service, tmp_path):
    from gridterm.township.services.mediators import add_mediator
    from gridterm.township.services.roster import import_households

    dev = live_service.enroll_device()
    recs = [report(dev) for _ in range(3)]
    results(dev.push(recs))
    roster = tmp_path / "roster.csv"
    roster.write_text("村,户主\n石桥村,甲\n石桥村,乙\n石桥村,丙\n", "utf-8")
    live_service.set_status(recs[0]["id"], "accepted")
    with live_service.admin_session() as s:
        import_households(s, dev.grid_id, roster)
        add_mediator(s, dev.township_id, "李乡贤", "xiangxian")
    live_service.set_status(recs[1]["id"], "assigned")
    live_service.set_status(recs[0]["id"], "in_hand")  # a second change: one update, newest

    got: dict[str, list] = {"updates": [], "households": [], "mediators": []}
    cursor, pages = 0, 0
    while True:
        body = dev.pull(cursor, limit=2).json()
        pages += 1
        assert len(body["updates"]) + len(body["households"]) + len(body["mediators"]) <= 2
        for key in got:
            got[key].extend(body[key])
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert pages == 3
    assert sorted((u["id"], u["status"]) for u in got["updates"]) == sorted(
        [(recs[0]["id"], "in_hand"), (recs[1]["id"], "assigned")]
    )
    assert sorted(h["head"] for h in got["households"]) == ["丙", "乙", "甲"]
    assert [m["name"] for m in got["mediators"]] == ["李乡贤"]


def test_database_unavailable_is_503_with_retry_after(live_service):
    from sqlalchemy.exc import OperationalError

    def database_gone():
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    live_service.app.add_api_route("/test-db-gone", database_gone, include_in_schema=False)
    with httpx.Client(base_url=live_service.url) as c:
        r = c.get("/test-db-gone")
    assert r.status_code == 503
    assert r.json()["code"] == "unavailable"
    assert r.headers["Retry-After"] == "5"


def test_a_new_rev_keeps_the_promised_time_limit_and_service_fields(live_service):
    from gridterm.township import db

    dev = live_service.enroll_device()
    rec = report(dev)
    results(dev.push([rec]))
    live_service.set_status(rec["id"], "extended", feedback="延期至下周")
    extended = db.utcnow().replace(microsecond=0) + __import__("datetime").timedelta(days=9)
    with live_service.admin_session() as s:
        s.get(db.Record, rec["id"]).due_at = extended
    rev2 = {**rec, "rev": 2, "data": {**rec["data"], "description": "补充：两处电线裸露"}}
    assert results(dev.push([rev2]))[0]["result"] == "stored"
    with live_service.sessions() as s:
        row = s.get(db.Record, rec["id"])
        assert row.rev == 2 and "两处" in row.data["description"]
        assert (row.status, row.feedback, row.due_at) == ("extended", "延期至下周", extended)


def test_same_batch_same_key_at_once_all_get_the_first_answer(live_service):
    dev = live_service.enroll_device()
    batch = [household(dev, f"户主{i}") for i in range(100)]
    start = threading.Barrier(3)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def send() -> None:
        with live_service.client(dev.token) as c:
            start.wait()
            r = c.post(
                "/api/v1/sync/push", json={"records": batch}, headers={"Idempotency-Key": "same"}
            )
            with lock:
                responses.append(r)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [r.status_code for r in responses] == [200] * 3
    bodies = [r.json() for r in responses]
    assert bodies[0] == bodies[1] == bodies[2]
    assert {r["result"] for r in bodies[0]["results"]} == {"stored"}
