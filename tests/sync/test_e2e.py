"""End to end against the real township service on 127.0.0.1 (uvicorn in a thread, SQLite)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from gridterm.cli import main
from gridterm.client import sync
from gridterm.core.store import Store
from tests.helpers.service import fresh_database, pg_base_url, start_service
from tests.sync.conftest import make_reports, report_data
from tests.sync.live import (
    FAST,
    enroll_store,
    service_rows,
    staff_path,
    staff_transition,
    stored_body,
)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def service(request, tmp_path_factory):
    if request.param == "pg" and not pg_base_url():
        pytest.skip("PostgreSQL tests need GRIDTERM_TEST_PG")
    folder = str(tmp_path_factory.mktemp("township"))
    with fresh_database(request.param, folder) as url, start_service(url) as svc:
        yield svc


def config(**kw):
    return sync.SyncConfig(**{**FAST, **kw})


def test_save_sync_staff_reply_sync_and_the_device_shows_it(service, data_dir):
    if staff_path(service, "/transition") is None:
        pytest.skip("the staff API is not installed yet")
    with enroll_store(service, data_dir) as store:
        grid_id = store.meta_get("enrollment")["grid"]["id"]
        township_id = store.meta_get("enrollment")["township"]["id"]
        report = store.create("report", report_data(1, "村口路灯"))
        first = sync.sync_once(store, config())
        assert first.push.stored == 1 and first.queue == 0
        held, _ = service_rows(service, grid_id)
        assert held == {report["id"]: 1}
        assert json.loads(stored_body(service, report["id"], 1)) == json.loads(store.wire(report))

        staff = service.make_staff(township_id)
        staff_transition(
            service,
            staff,
            report["id"],
            "accepted",
            feedback="已派电工，明天修好",
            public_reply="已受理，明天修复",
        )
        second = sync.sync_once(store, config())
        assert second.pull.updates >= 1
        got = store.get(report["id"])
        assert got["status"] == "accepted"
        assert got["feedback"] == "已派电工，明天修好"
        assert got["public_reply"] == "已受理，明天修复"
        assert got["data"] == report["data"]  # the officer's words are untouched
        assert store.outbox() == []


def test_push_pull_round_trip_many_records_exactly_once(service, data_dir):
    with enroll_store(service, data_dir) as store:
        grid_id = store.meta_get("enrollment")["grid"]["id"]
        records = make_reports(store, 30)
        for rec in records[:10]:
            store.update(rec["id"], data=report_data(0, "补充"))
        summary = sync.sync_once(store, config(batch_size=7))
        assert summary.push.stored == 30 and summary.push.batches == 5
        # A second pass sends nothing; a resend of everything would be harmless anyway.
        assert sync.sync_once(store, config()).push.sent == 0
        held, history = service_rows(service, grid_id)
        assert held == {r["id"]: (2 if i < 10 else 1) for i, r in enumerate(records)}
        assert set(history.values()) == {1}


def test_a_gone_cursor_gives_a_full_pull(service, data_dir):
    with enroll_store(service, data_dir) as store:
        make_reports(store, 2)
        sync.sync_once(store, config())
        top = store.meta_get("cursor")
        # A cursor the service never gave out (a restored backup, a reset service): 410.
        store.meta_set("cursor", top + 10**6)
        summary = sync.sync_once(store, config())
        assert summary.pull.full
        assert store.meta_get("cursor") == top


def test_cli_enroll_sync_and_exit_codes(service, tmp_path, capsys):
    data = str(tmp_path / "dev")
    grid = service.make_grid()
    officer = service.make_officer(grid, "赵敏")
    code = service.make_code(officer)
    assert (
        main(
            [
                "--lang",
                "en",
                "--data-dir",
                data,
                "enroll",
                service.url,
                code,
                "--device-name",
                "手机",
            ]
        )
        == 0
    )
    assert "赵敏" in capsys.readouterr().out
    # A used code is refused with the service's reason; the enrollment is kept.
    assert main(["--lang", "en", "--data-dir", data, "enroll", service.url, code]) == 2
    assert "gridterm:" in capsys.readouterr().err

    with Store.open(data) as store:
        records = make_reports(store, 3)
        from gridterm.core import credentials

        token = credentials.token(store)
    assert main(["--lang", "en", "--data-dir", data, "sync"]) == 0
    out = capsys.readouterr().out
    assert "Sent 3" in out and "0 left in the queue" in out

    # Same id and rev, other content, already at the service: a conflict -> exit 3.
    with Store.open(data) as store:
        rec = store.update(records[0]["id"], data=report_data(0, "改过"))
        other = json.loads(store.wire(rec))
        other["data"]["description"] = "另一台设备写的"
    with httpx.Client(base_url=service.url, headers={"Authorization": f"Bearer {token}"}) as c:
        r = c.post(
            "/api/v1/sync/push",
            json={"records": [other]},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.json()["results"][0]["result"] == "stored"
    assert main(["--lang", "en", "--data-dir", data, "sync"]) == 3
    out = capsys.readouterr().out
    assert "conflict" in out and records[0]["id"] in out

    # Revoked: exit 2 and the reason; nothing on the device is lost.
    with Store.open(data) as store:
        device_id = store.meta_get("enrollment")["device_id"]
        store.create("report", report_data(9))
    service.revoke(device_id)
    assert main(["--lang", "en", "--data-dir", data, "sync"]) == 2
    assert "revoked" in capsys.readouterr().err
    with Store.open(data) as store:
        assert len(store.query(state="unsent")) == 1


def test_cli_sync_with_the_service_down_exits_1_and_keeps_the_queue(tmp_path, capsys):
    from tests.sync.conftest import ENROLLMENT

    data = str(tmp_path / "dev")
    with Store.open(data) as store:
        # Nothing listens on port 9 of loopback (discard; refused at once).
        store.meta_set("enrollment", {**ENROLLMENT, "sync_url": "http://127.0.0.1:9"})
        make_reports(store, 2)
    assert main(["--lang", "en", "--data-dir", data, "sync", "--deadline", "0.5"]) == 1
    assert "could not be reached" in capsys.readouterr().err
    with Store.open(data) as store:
        assert len(store.outbox()) == 2


def test_cli_sync_without_enrollment_is_a_config_problem(tmp_path, capsys):
    assert main(["--lang", "en", "--data-dir", str(tmp_path / "dev"), "sync"]) == 2
    assert "gridterm enroll" in capsys.readouterr().err


def test_proxies_from_the_environment_are_honoured(service, data_dir, monkeypatch):
    from tests.sync.fault_proxy import FaultProxy

    upstream = int(service.url.rsplit(":", 1)[1])
    with FaultProxy(upstream, seed=0, weights={"pass": 1}) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        with enroll_store(service, data_dir) as store:
            make_reports(store, 2)
            assert sync.sync_once(store, config()).push.stored == 2
    pushes = [line for line in proxy.request_lines if "/api/v1/sync/push" in line]
    assert pushes and pushes[0].startswith(f"POST {service.url}/api/v1/sync/push")


def test_a_ca_file_is_accepted(service, data_dir):
    import certifi

    with enroll_store(service, data_dir) as store:
        make_reports(store, 1)
        summary = sync.sync_once(store, config(ca_file=certifi.where()))
        assert summary.push.stored == 1


def test_a_big_queue_shows_a_progress_bar_on_stderr(service, tmp_path, capsys):
    data = tmp_path / "dev"
    with enroll_store(service, data) as store, store.batch():
        for i in range(250):
            store.create("report", report_data(i))
    assert main(["--lang", "en", "--data-dir", str(data), "sync"]) == 0
    captured = capsys.readouterr()
    assert "Sending" in captured.err and "250/250" in captured.err
    assert "Sent 250" in captured.out


def test_reenrolling_needs_the_unsent_records_exported_first(service, tmp_path, capsys):
    data = str(tmp_path / "dev")
    grid = service.make_grid()
    first = service.make_code(service.make_officer(grid, "孙丽"))
    assert main(["--lang", "en", "--data-dir", data, "enroll", service.url, first]) == 0
    with Store.open(data) as store:
        make_reports(store, 3)
    capsys.readouterr()
    second = service.make_code(service.make_officer(grid, "孙丽"))
    assert main(["--lang", "en", "--data-dir", data, "enroll", service.url, second]) == 2
    assert "3 record(s) have not been sent" in capsys.readouterr().err
    # The export `gridterm outbox --json` makes is what re-enrolling accepts.
    assert main(["--lang", "en", "--data-dir", data, "outbox", "--json"]) == 0
    export = tmp_path / "outbox.json"
    export.write_text(capsys.readouterr().out, encoding="utf-8")
    assert (
        main(
            [
                "--lang",
                "en",
                "--data-dir",
                data,
                "enroll",
                service.url,
                second,
                "--exported",
                str(export),
            ]
        )
        == 0
    )
    with Store.open(data) as store:
        assert len(store.outbox()) == 3  # still there, and still sent by the next sync
    assert main(["--lang", "en", "--data-dir", data, "sync"]) == 0


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_bad_deadline_is_named(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "en", "--data-dir", str(tmp_path), "sync", "--deadline", value])
    assert exit_.value.code == 2
    assert f"'{value}' is not a number of seconds" in capsys.readouterr().err


def test_a_sync_archives_what_is_done_and_home_still_knows_the_latest_visit(service, data_dir):
    from gridterm.core.usecases.home import LAST_VISITS

    with enroll_store(service, data_dir) as store:
        household = store.create("household", {"village": "李家村", "head": "张三"})
        visit = store.create(
            "visit",
            {
                "household_id": household["id"],
                "template_id": "basic_info",
                "template_version": 1,
                "answers": {"members_checked": True},
                "visited_at": "2026-11-20T09:00:00+08:00",
            },
        )
        open_report = store.create("report", report_data(1, "路灯不亮"))
        assert sync.sync_once(store, config()).queue == 0
        hot_ids = {rec["id"] for rec in store.query()}
        # Synced and closed: out of the hot file, still found; an open report stays live.
        assert visit["id"] not in hot_ids and household["id"] not in hot_ids
        assert open_report["id"] in hot_ids
        assert store.get(visit["id"])["rev"] == 1
        assert store.meta_get(LAST_VISITS)[household["id"]] == "2026-11-20T09:00:00+08:00"
