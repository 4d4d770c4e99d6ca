"""`gridterm demo`: a real service on loopback, an enrolled device, demo data, replies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile

import httpx
import pytest

from gridterm.cli import demo
from gridterm.core.store import Store


@pytest.mark.timeout(120)
def test_demo_builds_the_whole_loop(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'township.db'}"
    with Store.open(tmp_path / "device") as store, demo.serve(db_url) as url:
        built = demo.build(store, db_url, url, households=12)
        # Everything the device wrote reached the service; nothing is left queued.
        assert store.outbox() == []
        assert built.counts["household"] == 12 and built.counts["report"] >= 4
        # The township's answers, given through the staff API, are on the device.
        states = {r.get("status") for r in store.query(kind="report", archived=True)}
        assert {"accepted", "in_hand", "done", "returned"} <= states
        replied = [
            r for r in store.query(kind="report", archived=True) if r.get("status") == "done"
        ]
        assert replied[0]["feedback"] and replied[0]["public_reply"]
        assert built.replies == 4
        # Reports carry receipts the resident page knows.
        assert built.resident_url and built.resident_url.startswith(url + "/r/")
        page = httpx.get(built.resident_url, timeout=30)
        assert page.status_code == 200
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {built.staff_token}"}
        ) as staff:
            listed = staff.get("/api/v1/staff/records", params={"limit": 200}).json()
        # the notices and the matter the demo writes for the village's affairs come on top
        assert listed["total"] == sum(built.counts.values()) + 3
        # The three levels: the county's console has the escalated report to sign for ...
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {built.county_token}"}
        ) as county:
            me = county.get("/api/v1/staff/me").json()
            escalated = county.get("/api/v1/staff/records", params={"level": "county"}).json()
        assert me["role"] == "county"
        assert [i["status"] for i in escalated["items"]] == ["escalated"]
        # ... and the village's board shows the published notice, with its number on the device.
        assert built.board_url and built.board_url.startswith(url + "/v/")
        board = httpx.get(built.board_url, timeout=30)
        assert board.status_code == 200 and "财务收支公开" in board.text
        published = [n for n in store.query(kind="notice", archived=True) if n.get("notice_number")]
        assert len(published) == 1 and published[0]["notice_number"] in board.text
        # Evidence: the first report's photo was sent after it, and staff can open it.
        (shown,) = [
            a
            for r in store.query(kind="report", archived=True)
            for a in (r["data"].get("attachments") or [])
        ]
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {built.staff_token}"}
        ) as staff:
            image = staff.get(f"/api/v1/staff/attachments/{shown['sha256']}")
        assert image.status_code == 200 and image.headers["content-type"] == shown["type"]


@pytest.mark.timeout(120)
async def test_the_demo_app_shows_the_townships_replies(tmp_path):
    from gridterm.ui.officer.app import GridtermApp

    db_url = f"sqlite:///{tmp_path / 'township.db'}"
    with Store.open(tmp_path / "device") as store, demo.serve(db_url) as url:
        demo.build(store, db_url, url, households=6)
        reports = store.query(kind="report", archived=True)
        done = next(r for r in reports if r.get("status") == "done")
        app = GridtermApp(store, data_dir=tmp_path / "device")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "synced" in str(app.screen.query_one("#hdr-status").render())
            table = app.screen.query_one("#fb-table")
            assert table.row_count >= 4  # every report the township answered
            # Move onto the answered report: the detail shows the township's words.
            table.move_cursor(row=table.get_row_index(done["id"]))
            await pilot.pause()
            detail = str(app.screen.query_one("#fb-detail").render())
            assert done["feedback"] in detail and done["public_reply"] in detail


@pytest.mark.timeout(120)
def test_gridterm_demo_no_tui_serves_until_interrupted():
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gridterm", "--data-dir", data, "demo", "--no-tui"],
            env={**os.environ, "GRIDTERM_LANG": "en"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            lines = []
            for line in proc.stdout:
                lines.append(line)
                if line.startswith("Serving until"):
                    break
            text = "".join(lines)
            assert "Staff token:" in text, text + proc.stderr.read()
            url = next(ln.split()[-1] for ln in lines if "Service URL:" in ln)
            assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
            assert proc.returncode == 0, err
            assert "stopped" in err
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{url}/healthz", timeout=5)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
