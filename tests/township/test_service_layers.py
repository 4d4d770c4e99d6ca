"""The service's layers: services do the work without HTTP, and the API answers their typed
errors exactly as the routes answered before the work moved out of them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gridterm.core import model, workflow
from gridterm.township import db
from gridterm.township.api.errors import from_service
from gridterm.township.migrations import upgrade
from gridterm.township.services import (
    admin,
    enrollment,
    errors,
    pull,
    push,
    records,
    search,
    tokens,
    transitions,
)
from tests.township._staff import make_township, report

API = "/api/v1/staff"


def _refused(code: str) -> errors.TransitionRefused:
    return errors.TransitionRefused(workflow.TransitionError(code, "reported", "done"))


@pytest.mark.parametrize(
    ("error", "status", "code", "headers"),
    [
        (errors.InvalidInput("staff.bad_text"), 422, "invalid_request", None),
        (errors.NotFound("staff.not_found", id="x"), 404, "not_found", None),
        (errors.BadCursor("staff.bad_cursor", value="x"), 400, "bad_cursor", None),
        (errors.Busy(), 409, "busy", {"Retry-After": "1"}),
        (errors.CursorExpired(), 410, "cursor_expired", None),
        (errors.IdempotencyKeyReused(), 422, "idempotency_key_reused", None),
        (errors.EnrollmentRefused("code_used"), 403, "code_used", None),
        (
            errors.TokenRefused("token_invalid"),
            401,
            "token_invalid",
            {"WWW-Authenticate": "Bearer"},
        ),
        (errors.TokenRefused("device_revoked"), 401, "device_revoked", None),
        (errors.TokenRefused("staff_revoked"), 401, "staff_revoked", None),
        (_refused("invalid_transition"), 409, "invalid_transition", None),
        (_refused("reason_required"), 422, "reason_required", None),
        (_refused("unknown_status"), 422, "unknown_status", None),
    ],
)
def test_each_service_error_has_its_answer(error, status, code, headers):
    answer = from_service(error, "en")
    assert (answer.status, answer.code, answer.headers) == (status, code, headers)
    assert answer.message("en") == error.message("en") and answer.message("en") != error.key


def test_a_refused_transition_names_the_states_in_the_readers_language():
    error = _refused("invalid_transition")
    assert "已上报" in error.message("zh_CN") and "已办结" in error.message("zh_CN")
    assert "reported" in error.message("en") and "accepted" in error.message("en")


def test_the_services_load_without_any_http_library():
    """The admin CLI and the benchmarks use the services: they must not pay for FastAPI."""
    names = [
        "admin",
        "enrollment",
        "export",
        "pull",
        "push",
        "records",
        "resident",
        "search",
        "transitions",
    ]
    code = (
        "import sys\n"
        + "".join(f"import gridterm.township.services.{n}\n" for n in names)
        + "print(sorted(m for m in ('fastapi', 'starlette', 'uvicorn', 'httpx')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_whole_loop_runs_on_services_alone(tmp_path):
    """Enroll, push, list, move and pull without a web server: what the routes call."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'township.db'}")
    upgrade(engine)
    sessions = db.session_factory(engine)
    try:
        with db.write_session(sessions) as s:
            town = admin.add_township(s, "石桥镇")
            grid = admin.add_grid(s, town.id, "一网格")
            officer = admin.add_officer(s, grid.id, "王网格")
            code, _row = admin.issue_code(s, officer.id)
        with sessions() as s:
            db.begin_write(s)
            done = enrollment.enroll(s, code.lower(), "测试手机")
        with sessions() as s:
            device = tokens.device_for_token(s, done.token)
        with sessions() as s, pytest.raises(errors.EnrollmentRefused) as used:
            db.begin_write(s)
            enrollment.enroll(s, code, "又一台")
        assert used.value.code == "code_used"

        data = {
            "category": "safety",
            "urgency": "normal",
            "place": "村口",
            "description": "电线裸露",
        }
        rec = model.new_record("report", data, device=device.device_id)
        out = push.push_batch(sessions, device, [rec, "junk"], b"body", "k1", "en")
        assert [r["result"] for r in out["results"]] == ["stored", "rejected"]
        assert push.push_batch(sessions, device, [rec], b"body", "k1", "en") == out  # replayed
        with pytest.raises(errors.IdempotencyKeyReused):
            push.push_batch(sessions, device, [rec], b"other", "k1", "en")

        with db.write_session(sessions) as s:
            staff_token, _staff = admin.add_staff(s, town.id, "李干部")
        with sessions() as s:
            staff = tokens.staff_for_token(s, staff_token)
            page = search.list_records(s, town.id, search.RecordQuery(q="电线"), "zh_CN")
        assert [item["id"] for item in page["items"]] == [rec["id"]] and page["total"] == 1

        with sessions() as s:
            db.begin_write(s)
            moved = transitions.transition(s, staff, rec["id"], transitions.Change(to="accepted"))
            assert records.detail(s, moved, "zh_CN")["status_label"] == "已受理"
        with sessions() as s:
            db.begin_write(s)
            with pytest.raises(errors.TransitionRefused) as refused:
                transitions.transition(s, staff, rec["id"], transitions.Change(to="extended"))
        assert refused.value.code == "reason_required"

        with sessions() as s:
            got = pull.pull(s, device, 0, 100)
        assert [(u["id"], u["status"]) for u in got["updates"]] == [(rec["id"], "accepted")]
    finally:
        engine.dispose()


def test_auth_refusals_keep_their_headers(live_service):
    dev = live_service.enroll_device()
    anonymous = live_service.client()
    r = anonymous.get("/api/v1/sync/pull")
    assert (r.status_code, r.json()["code"]) == (401, "token_invalid")
    assert r.headers["WWW-Authenticate"] == "Bearer"
    r = live_service.client("gtd_not-a-token").get("/api/v1/sync/pull")
    assert (r.status_code, r.json()["code"]) == (401, "token_invalid")
    assert r.headers["WWW-Authenticate"] == "Bearer"
    live_service.revoke(dev.id)
    r = dev.pull(0)
    assert (r.status_code, r.json()["code"]) == (401, "device_revoked")
    assert "WWW-Authenticate" not in r.headers

    tw = make_township(live_service)
    with live_service.admin_session() as s:
        staff_id = tokens.staff_for_token(s, tw.staff_token).staff_id
        admin.revoke_staff(s, staff_id)
    r = tw.staff.get(f"{API}/me")
    assert (r.status_code, r.json()["code"]) == (401, "staff_revoked")
    assert "WWW-Authenticate" not in r.headers


def test_bulk_refusals_say_why_in_the_callers_language(live_service):
    tw = make_township(live_service)
    rec = report(tw.device)
    tw.push(rec)
    r = tw.staff.post(
        f"{API}/records/bulk-transition",
        json={"ids": ["nope", rec["id"]], "to": "done"},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 200, r.text
    missing, refused = r.json()["results"]
    assert missing == {
        "id": "nope",
        "ok": False,
        "status": None,
        "code": "not_found",
        "detail": "No record nope in your township.",
    }
    assert (refused["ok"], refused["status"], refused["code"]) == (
        False,
        "reported",
        "invalid_transition",
    )
    assert "reported" in refused["detail"] and "accepted" in refused["detail"]
