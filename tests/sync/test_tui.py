"""Background sync in the officer's app (Pilot), against the real service on 127.0.0.1."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from gridterm.client import sync
from gridterm.ui.officer import sync_worker
from gridterm.ui.officer.widgets.sync_status import full_text, status_text
from tests.helpers.service import fresh_database, start_service
from tests.sync.conftest import ENROLLMENT, make_reports, report_data
from tests.sync.live import enroll_store, serve_on, service_rows, staff_path, staff_transition

pytest.importorskip("gridterm.ui.officer.app")
from gridterm.ui.officer.app import GridtermApp  # noqa: E402

FAST = sync_worker.Timing(
    idle_poll=0.05,
    pull_every=60.0,
    backoff_initial=0.1,
    backoff_max=0.3,
    config=sync.SyncConfig(
        connect_timeout=0.5, read_timeout=5.0, deadline=0.3, wait_initial=0.01, wait_max=0.05
    ),
)


@pytest.fixture(autouse=True)
def fast_worker(monkeypatch):
    monkeypatch.setattr(sync_worker, "TIMING", FAST)


async def until(pilot, condition, timeout: float = 20.0) -> None:
    """Await a condition, letting the app run meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.05)


def _screen_text(app) -> str:
    return app.export_screenshot()


def header_text(app) -> str:
    return str(app.screen.query_one("#hdr-status").render())


NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)


def test_status_texts():
    assert status_text("syncing", None, NOW) == "syncing…"
    assert status_text("offline", None, NOW) == "offline · never synced"
    assert status_text("synced", "2026-11-25T09:00:00+00:00", NOW) == "synced · last sync 09:00"
    assert status_text("error", "2026-11-24T09:00:00+00:00", NOW) == (
        "sync problem · last sync 11-24 09:00"
    )


def test_full_text_counts_queue_and_attention(store):
    store.meta_set("enrollment", dict(ENROLLMENT))
    records = make_reports(store, 3)
    store.mark_synced([{"id": records[0]["id"], "rev": 1, "result": "rejected", "error": "x"}])
    assert full_text("offline", store, NOW) == (
        "offline · never synced · 2 queued · 1 need attention"
    )


def test_status_in_chinese():
    from gridterm.core.i18n import set_language

    set_language("zh")
    assert status_text("offline", None, NOW) == "离线 · 从未同步"


@pytest.mark.timeout(90)
async def test_offline_app_works_and_the_queue_drains_when_the_service_returns(tmp_path):
    with fresh_database("sqlite", str(tmp_path)) as db_url:
        with start_service(db_url) as svc:
            store = enroll_store(svc, tmp_path / "dev")
            port = int(svc.url.rsplit(":", 1)[1])
            grid_id = store.meta_get("enrollment")["grid"]["id"]
        # The service is down now.
        with store:
            app = GridtermApp(store, data_dir=tmp_path / "dev")
            async with app.run_test(size=(80, 24)) as pilot:
                rec = store.create("report", report_data(1, "停电"))
                app.store_changed(rec["id"])
                await until(pilot, lambda: app.sync_state == "offline")
                assert "offline" in header_text(app)
                # The app still works: screens open, records save.
                await pilot.press("o")
                await pilot.pause()
                second = store.create("report", report_data(2))
                app.store_changed(second["id"])
                assert len(store.outbox()) == 2
                tries = app.sync_worker.passes
                await until(pilot, lambda: app.sync_worker.passes > tries)  # it keeps trying
                with serve_on(db_url, port) as svc_url:
                    await until(pilot, lambda: not store.outbox() and app.sync_state == "synced")
                    assert "synced" in header_text(app)
                    held, _ = service_rows(svc, grid_id)
                    assert held == {rec["id"]: 1, second["id"]: 1}
                    assert svc_url.endswith(str(port))


@pytest.mark.timeout(90)
async def test_sync_now_brings_the_townships_reply_to_the_device(tmp_path):
    with fresh_database("sqlite", str(tmp_path)) as db_url, start_service(db_url) as svc:
        if staff_path(svc, "/transition") is None:
            pytest.skip("the staff API is not installed yet")
        store = enroll_store(svc, tmp_path / "dev")
        with store:
            township = store.meta_get("enrollment")["township"]["id"]
            rec = store.create("report", report_data(1, "垃圾堆放"))
            app = GridtermApp(store, data_dir=tmp_path / "dev")
            async with app.run_test(size=(80, 24)) as pilot:
                await until(pilot, lambda: not store.outbox() and app.sync_state == "synced")
                staff = svc.make_staff(township)
                staff_transition(
                    svc, staff, rec["id"], "accepted", feedback="明早清运", public_reply="已受理"
                )
                await pilot.press("ctrl+y")
                await until(pilot, lambda: (store.get(rec["id"]) or {}).get("status") == "accepted")
                assert store.get(rec["id"])["feedback"] == "明早清运"
                from gridterm.ui.officer.registry import screen_available

                if screen_available("feedback"):
                    await pilot.press("escape")
                    await pilot.press("f")
                    await until(pilot, lambda: "明早清运" in _screen_text(app))


@pytest.mark.timeout(60)
async def test_sync_now_while_offline_says_why(tmp_path):
    with fresh_database("sqlite", str(tmp_path)) as db_url:
        with start_service(db_url) as svc:
            store = enroll_store(svc, tmp_path / "dev")
        with store:
            make_reports(store, 1)
            app = GridtermApp(store, data_dir=tmp_path / "dev")
            said = []
            async with app.run_test(size=(50, 25)) as pilot:
                original = app.notify
                app.notify = lambda message, **kw: (said.append(message), original(message, **kw))
                await until(pilot, lambda: app.sync_state == "offline")
                assert not any("could not be reached" in m for m in said)  # quiet by itself
                await pilot.press("ctrl+y")
                await until(pilot, lambda: any("could not be reached" in m for m in said))
                assert len(store.outbox()) == 1


async def test_sync_status_view_shows_state_queue_and_attention(store):
    from textual.app import App

    from gridterm.ui.officer.widgets.sync_status import SyncStatusView

    store.meta_set("enrollment", dict(ENROLLMENT))
    records = make_reports(store, 3)
    store.mark_synced([{"id": records[0]["id"], "rev": 1, "result": "rejected", "error": "x"}])

    class Host(App):
        def __init__(self):
            super().__init__()
            self.store = store
            self.sync_state = "offline"

        def now(self):
            return NOW

        def compose(self):
            yield SyncStatusView(id="status")

    app = Host()
    async with app.run_test(size=(80, 5)) as pilot:
        view = app.query_one("#status", SyncStatusView)
        assert str(view.render()) == "offline · never synced · 2 queued · 1 need attention"
        assert view.has_class("-offline")
        app.sync_state = "syncing"
        view.refresh_status()
        await pilot.pause()
        assert str(view.render()).startswith("syncing…")
        assert not view.has_class("-offline") and view.has_class("-syncing")
