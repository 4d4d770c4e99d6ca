"""The sync client against an in-memory service on httpx.MockTransport, with the real store."""

from __future__ import annotations

import json
import time

import httpx
import pytest
import stamina

from gridterm.client import sync
from tests.sync.conftest import ENROLLMENT, make_reports, report_data
from tests.sync.fake_service import FakeService, refuse, stall, status

FAST = dict(deadline=5.0, wait_initial=0.001, wait_max=0.01, wait_jitter=0.0)


def client(store, fake: FakeService, **config) -> sync.SyncClient:
    return sync.SyncClient(store, sync.SyncConfig(**{**FAST, **config}), transport=fake.transport)


def push_requests(fake):
    return [r for r in fake.requests if r.url.path == "/api/v1/sync/push"]


# ------------------------------------------------------------------ push


def test_push_sends_oldest_first_in_batches_of_the_exact_stored_bytes(enrolled, fake):
    make_reports(enrolled, 450)
    queued = enrolled.outbox()
    expected_wires = [enrolled.wire(r) for r in queued]
    with client(enrolled, fake) as c:
        result = c.push()
    pushes = push_requests(fake)
    assert [len(json.loads(r.content)["records"]) for r in pushes] == [200, 200, 50]
    # The bodies are the stored bytes joined, nothing re-serialised.
    sent = b"".join(r.content for r in pushes)
    assert sent == b"".join(
        b'{"records":[' + b",".join(expected_wires[i : i + 200]) + b"]}" for i in range(0, 450, 200)
    )
    sent_records = [rec for r in pushes for rec in json.loads(r.content)["records"]]
    assert [rec["id"] for rec in sent_records] == [r["id"] for r in queued]
    stamps = [rec["updated_at"] for rec in sent_records]
    assert stamps == sorted(stamps)  # oldest first
    keys = [r.headers["Idempotency-Key"] for r in pushes]
    assert len(set(keys)) == 3
    assert result.sent == 450 and result.stored == 450 and not result.attention
    assert enrolled.outbox() == []
    assert len(fake.stored) == 450


def test_a_retried_batch_keeps_its_idempotency_key(enrolled, fake):
    make_reports(enrolled, 3)
    fake.faults = [refuse, status(503), stall]
    fake.lose_answer = {4}  # the 4th request is served, but its answer is lost
    with client(enrolled, fake) as c:
        result = c.push()
    pushes = push_requests(fake)
    assert len(pushes) == 5
    assert len({r.headers["Idempotency-Key"] for r in pushes}) == 1
    assert len({r.content for r in pushes}) == 1
    # The lost answer was for a batch the service had stored: the retry finds it unchanged.
    assert result.unchanged == 3 and result.stored == 0
    assert fake.history.count(fake.history[0]) == 1 and len(fake.history) == 3
    assert enrolled.outbox() == []


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(enrolled, fake, code):
    make_reports(enrolled, 1)
    fake.faults = [status(code)]
    with client(enrolled, fake) as c:
        assert c.push().stored == 1


def test_retry_after_is_honoured(enrolled, fake):
    make_reports(enrolled, 1)
    fake.faults = [status(503, retry_after="0.25"), status(429, retry_after="0")]
    waits = []
    stamina.instrumentation.set_on_retry_hooks([lambda details: waits.append(details.wait_for)])
    try:
        with client(enrolled, fake, wait_initial=0.01, wait_jitter=0.0) as c:
            c.push()
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)
    assert waits == [pytest.approx(0.25), 0.0]


def test_retry_after_is_capped(enrolled, fake):
    make_reports(enrolled, 1)
    fake.faults = [status(503, retry_after="2")]
    waits = []
    stamina.instrumentation.set_on_retry_hooks([lambda details: waits.append(details.wait_for)])
    try:
        with client(enrolled, fake, max_retry_after=0.05) as c:
            c.push()
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)
    assert waits == [pytest.approx(0.05)]


def test_an_unreachable_service_gives_up_at_the_deadline_and_keeps_the_queue(enrolled, fake):
    make_reports(enrolled, 5)
    fake.faults = [refuse] * 10_000
    with client(enrolled, fake, deadline=0.2) as c, pytest.raises(sync.ServiceUnreachable) as err:
        c.sync()
    assert err.value.exit_code == 1
    assert len(enrolled.outbox()) == 5
    assert enrolled.meta_get("last_sync_error")["key"] == "sync.unreachable"
    assert enrolled.meta_get("last_sync_ok") is None


def test_a_service_failing_with_503_past_the_deadline_is_unreachable(enrolled, fake):
    make_reports(enrolled, 1)
    fake.faults = [status(503)] * 10_000
    with client(enrolled, fake, deadline=0.2) as c, pytest.raises(sync.ServiceUnreachable):
        c.push()
    assert len(enrolled.outbox()) == 1


@pytest.mark.parametrize("code", [400, 404, 413, 422])
def test_other_client_errors_are_not_retried(enrolled, fake, code):
    make_reports(enrolled, 1)
    fake.faults = [status(code)]
    with client(enrolled, fake) as c, pytest.raises(sync.ServiceRefused) as err:
        c.push()
    assert len(push_requests(fake)) == 1
    assert str(code) in str(err.value)
    assert len(enrolled.outbox()) == 1


def test_a_revoked_device_stops_with_the_reason_and_loses_nothing(enrolled, fake):
    make_reports(enrolled, 250)
    fake.auth = httpx.Response(
        401, json={"detail": "device revoked by staff", "code": "device_revoked"}
    )
    with client(enrolled, fake) as c, pytest.raises(sync.AuthError) as err:
        c.sync()
    assert err.value.key == "sync.auth.revoked" and err.value.exit_code == 2
    assert "revoked" in str(err.value)
    assert len(push_requests(fake)) == 1  # stopped at once, no retries, no second batch
    assert len(enrolled.outbox()) == 250


def test_conflict_and_rejected_need_attention_and_the_rest_goes_on(enrolled, fake):
    records = make_reports(enrolled, 10)
    bad = records[3]["id"]
    fake.reject[bad] = "grid not yours"
    # Another copy of records[5] at the same rev but different content is already there.
    other = json.loads(enrolled.wire(records[5]))
    other["data"]["description"] = "someone else's words"
    fake.stored[records[5]["id"]] = {"rev": 1, "body": json.dumps(other, sort_keys=True)}
    with client(enrolled, fake) as c:
        summary = c.sync()
    assert summary.push.stored == 8
    assert {(a["id"], a["result"]) for a in summary.push.attention} == {
        (bad, "rejected"),
        (records[5]["id"], "conflict"),
    }
    assert summary.queue == 0 and summary.attention == 2
    attention = enrolled.query(state="attention")
    assert {r["id"] for r in attention} == {bad, records[5]["id"]}
    assert any("grid not yours" in str(r.get("sync_error")) for r in attention)
    # The next pass does not resend what waits for the officer...
    fake.requests.clear()
    with client(enrolled, fake) as c:
        assert c.push().sent == 0
    # ...until the officer corrects it, which makes a new rev.
    fake.reject.clear()
    enrolled.update(bad, data=report_data(3, "corrected"))
    with client(enrolled, fake) as c:
        result = c.push()
    assert result.sent == 1 and result.stored == 1
    assert {r["id"] for r in enrolled.query(state="attention")} == {records[5]["id"]}


def test_an_edit_during_the_push_stays_queued(enrolled, fake):
    records = make_reports(enrolled, 3)
    target = records[0]["id"]

    def edit_then_serve(request):
        enrolled.update(target, data=report_data(0, "edited while sending"))
        return None

    fake.faults = [edit_then_serve]
    with client(enrolled, fake) as c:
        c.push()
    left = enrolled.outbox()
    assert [(r["id"], r["rev"]) for r in left] == [(target, 2)]
    with client(enrolled, fake) as c:
        c.push()
    assert enrolled.outbox() == []
    assert fake.stored[target]["rev"] == 2


def test_progress_is_reported(enrolled, fake):
    make_reports(enrolled, 401)
    seen = []
    with sync.SyncClient(
        enrolled,
        sync.SyncConfig(**FAST),
        transport=fake.transport,
        on_progress=lambda *a: seen.append(a),
    ) as c:
        c.push()
    assert [s for s in seen if s[0] == "push"] == [
        ("push", 0, 401),
        ("push", 200, 401),
        ("push", 400, 401),
        ("push", 401, 401),
    ]


# ------------------------------------------------------------------ pull


def _update(seq: int, rid: str, state: str = "accepted") -> dict:
    return {
        "id": rid,
        "kind": "report",
        "rev": 1,
        "status": state,
        "feedback": f"反馈 {seq}",
        "public_reply": f"已受理 {seq}",
        "handled_by": "李干部",
        "status_at": "2026-11-25T08:00:00+08:00",
        "seq": seq,
    }


class Spy:
    """The real store, with a log of the calls the client makes to it."""

    def __init__(self, store):
        self.store = store
        self.calls = []

    def __getattr__(self, name):
        target = getattr(self.store, name)
        if not callable(target):
            return target

        def call(*args, **kwargs):
            self.calls.append((name, args[0] if args and name == "meta_set" else None))
            return target(*args, **kwargs)

        return call


def test_pull_pages_while_more_and_saves_the_cursor_after_applying(enrolled, fake, monkeypatch):
    monkeypatch.setattr(sync, "PULL_FLUSH_ITEMS", 2)  # apply every page on its own
    records = make_reports(enrolled, 5)
    with client(enrolled, fake) as c:
        c.push()
    fake.updates = [_update(i + 1, r["id"]) for i, r in enumerate(records)]
    spy = Spy(enrolled)
    with sync.SyncClient(spy, sync.SyncConfig(**FAST, page_limit=2), transport=fake.transport) as c:
        result = c.pull()
    assert result.pages == 3 and result.updates == 5 and result.cursor == 5
    interesting = [c for c in spy.calls if c[0] in ("apply_updates", "meta_set")]
    assert interesting == [
        ("apply_updates", None),
        ("meta_set", "cursor"),
        ("apply_updates", None),
        ("meta_set", "cursor"),
        ("apply_updates", None),
        ("meta_set", "cursor"),
    ]
    assert enrolled.meta_get("cursor") == 5
    got = enrolled.get(records[4]["id"])
    assert got["status"] == "accepted" and got["feedback"] == "反馈 5"


def test_a_failed_page_keeps_the_cursor_of_the_last_applied_page(enrolled, fake):
    records = make_reports(enrolled, 4)
    fake.updates = [_update(i + 1, r["id"]) for i, r in enumerate(records)]
    fake.faults = [None, status(400)]  # page 1 fine, page 2 refused
    with client(enrolled, fake, page_limit=2) as c, pytest.raises(sync.ServiceRefused):
        c.pull()
    assert enrolled.meta_get("cursor") == 2
    with client(enrolled, fake, page_limit=2) as c:
        c.pull()
    assert enrolled.meta_get("cursor") == 4


def test_a_gone_cursor_is_answered_by_a_full_pull(enrolled, fake):
    records = make_reports(enrolled, 3)
    fake.updates = [_update(i + 10, r["id"]) for i, r in enumerate(records)]
    fake.households = [{"id": "h1", "village": "青山村", "head": "张三"}]
    fake.gone_below = 5
    enrolled.meta_set("cursor", 2)
    with client(enrolled, fake) as c:
        result = c.pull()
    assert result.full and result.updates == 3 and result.households == 1
    cursors = [r.url.params["cursor"] for r in fake.requests]
    assert cursors == ["2", "0"]
    assert enrolled.meta_get("cursor") == 12


def test_pull_applies_reference_data(enrolled, fake):
    fake.households = [{"id": "h1", "village": "青山村", "head": "张三"}]
    with client(enrolled, fake) as c:
        assert c.pull().households == 1
    assert [h["id"] for h in enrolled.reference.households()] == ["h1"]


def test_sync_records_the_time_of_the_last_good_sync(enrolled, fake):
    make_reports(enrolled, 2)
    with client(enrolled, fake) as c:
        summary = c.sync()
    assert enrolled.meta_get("last_sync_ok") == summary.finished_at
    assert enrolled.meta_get("last_sync_error") is None
    assert summary.queue == 0 and summary.push.stored == 2


# ------------------------------------------------------------------ enroll


def enroll(store, fake, code="GOOD-CODE", **kw):
    return sync.enroll(
        store,
        "https://township.example.cn/",
        code,
        "phone-1",
        config=sync.SyncConfig(**FAST),
        transport=fake.transport,
        **kw,
    )


def test_enroll_keeps_the_enrollment_and_starts_the_feed_over(store, fake):
    store.meta_set("cursor", 99)
    enrollment = enroll(store, fake)
    # The token and the secret are kept in the credentials file, not in the records' file.
    from gridterm.core import credentials

    saved = credentials.enrollment(store)
    assert saved == enrollment
    assert saved["token"] == "tok-1" and saved["device_secret"] == "secret-1"
    assert "token" not in store.meta_get("enrollment")
    assert saved["sync_url"] == "https://township.example.cn"
    assert saved["service_url"] == "https://public.example.cn"
    assert saved["grid"]["name"] == "一组"
    assert store.meta_get("cursor") == 0
    body = json.loads(fake.requests[0].content)
    assert body == {"code": "GOOD-CODE", "device_name": "phone-1"}


def test_a_bad_code_is_refused_with_the_services_reason(store, fake):
    with pytest.raises(sync.EnrollmentError) as err:
        enroll(store, fake, code="WRONG")
    assert "unknown code" in str(err.value)
    assert store.meta_get("enrollment") is None


def test_records_made_before_enrolling_are_not_in_the_way(store, fake):
    make_reports(store, 2)
    enroll(store, fake)
    assert len(store.outbox()) == 2


def test_reenrolling_refuses_while_records_are_unsent(enrolled, fake, tmp_path):
    make_reports(enrolled, 3)
    with pytest.raises(sync.EnrollmentError) as err:
        enroll(enrolled, fake)
    assert err.value.key == "sync.enroll.unsent" and "3" in str(err.value)
    assert enrolled.meta_get("enrollment") == ENROLLMENT
    assert len(fake.requests) == 0
    # An export missing one record is not enough...
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(enrolled.outbox()[:2], ensure_ascii=False))
    with pytest.raises(sync.EnrollmentError) as err:
        enroll(enrolled, fake, exported=partial)
    assert err.value.key == "sync.enroll.export_incomplete"
    # ...a full export is; and the records are still on the device afterwards.
    full = tmp_path / "full.json"
    full.write_text(json.dumps(enrolled.outbox(), ensure_ascii=False))
    enroll(enrolled, fake, exported=full)
    from gridterm.core import credentials

    assert credentials.token(enrolled) == "tok-1"
    assert len(enrolled.outbox()) == 3


def test_reenrolling_with_an_empty_outbox_is_fine(enrolled, fake):
    make_reports(enrolled, 2)
    with client(enrolled, fake) as c:
        c.push()
    enroll(enrolled, fake)
    assert enrolled.meta_get("enrollment")["device_id"] == "dev-1"


def test_sync_without_enrollment_says_how_to_enroll(store):
    with pytest.raises(sync.NotEnrolled) as err:
        sync.SyncClient(store)
    assert "gridterm enroll" in str(err.value)
    assert err.value.exit_code == 2


def test_reference_pages_are_merged_and_a_pull_from_the_start_replaces(enrolled, fake):
    enrolled.save_reference("households", [{"id": "stale", "village": "旧村"}])
    fake.households = [{"id": "h1", "village": "青山村"}, {"id": "h2", "village": "青山村"}]
    with client(enrolled, fake) as c:
        c.pull()  # cursor 0: starts afresh
    assert sorted(h["id"] for h in enrolled.reference.households()) == ["h1", "h2"]
    # Later pages carry changes only: merged by id.
    page = {
        "cursor": 7,
        "more": False,
        "updates": [],
        "templates": [{"id": "safety", "version": 2}],
        "households": [{"id": "h2", "village": "新村"}, {"id": "h3", "village": "青山村"}],
        "mediators": [],
    }
    enrolled.meta_set("cursor", 5)
    fake.faults = [lambda request: httpx.Response(200, json=page)]
    with client(enrolled, fake) as c:
        c.pull()
    held = {h["id"]: h["village"] for h in enrolled.reference.households()}
    assert held == {"h1": "青山村", "h2": "新村", "h3": "青山村"}
    assert enrolled.reference.templates() == [{"id": "safety", "version": 2}]


def test_small_pages_are_applied_together_then_the_cursor_saved(enrolled, fake):
    records = make_reports(enrolled, 5)
    fake.updates = [_update(i + 1, r["id"]) for i, r in enumerate(records)]
    from gridterm.core import credentials

    credentials.load(enrolled)  # the fixture's old-style enrollment moves out of meta first
    spy = Spy(enrolled)
    with sync.SyncClient(spy, sync.SyncConfig(**FAST, page_limit=2), transport=fake.transport) as c:
        assert c.pull().pages == 3
    interesting = [c for c in spy.calls if c[0] in ("apply_updates", "meta_set")]
    assert interesting == [("apply_updates", None), ("meta_set", "cursor")]
    assert enrolled.get(records[0]["id"])["status"] == "accepted"


def test_a_retry_after_past_the_deadline_gives_up_at_once(enrolled, fake):
    make_reports(enrolled, 1)
    fake.faults = [status(503, retry_after="30")]
    started = time.monotonic()
    with client(enrolled, fake, deadline=1.0) as c, pytest.raises(sync.ServiceUnreachable):
        c.push()
    assert time.monotonic() - started < 1.0
    assert len(push_requests(fake)) == 1
