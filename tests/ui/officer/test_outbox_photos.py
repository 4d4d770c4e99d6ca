"""The officer's outbox tells the photos (issue 16), at 80×24 and 50×25: how many wait and the
bytes left, a record's own photos in its detail, and a photo missing on disk listed under
"needs attention" (2) while the record itself stays queued like any other."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest

from gridterm.core import attachments
from gridterm.core.i18n import set_language, t
from gridterm.core.store import Store
from gridterm.ui.officer.app import GridtermApp
from gridterm.ui.officer.screens.outbox import OutboxScreen
from tests.helpers.photos import camera_jpeg
from tests.ui.officer.keys import press, screen_text

SIZES = [(80, 24), (50, 25)]
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)
REPORT = {
    "category": "safety",
    "urgency": "normal",
    "place": "青山村三组",
    "description": "电动车在楼道飞线充电。",
}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # the screens are under test here
    with Store.open(tmp_path / "data") as opened:
        yield opened


def report_with_photos(store, tmp_path, count: int, seed: int) -> dict:
    record = store.create("report", REPORT)
    paths = []
    for n in range(count):
        path = tmp_path / f"r{seed}-{n}.jpg"
        path.write_bytes(camera_jpeg(900, 700, seed=seed * 10 + n))
        paths.append(path)
    attachments.attach_files(
        store, record["id"], paths, now="2026-11-25T17:30:00+08:00", zone=timezone.utc
    )
    return store.get(record["id"])


async def wait_loaded(pilot, app) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_outbox_shows_photos_waiting_bytes_left_and_one_missing(
    store, tmp_path, size, lang
):
    set_language(lang)
    first = report_with_photos(store, tmp_path, 2, seed=1)
    second = report_with_photos(store, tmp_path, 1, seed=2)
    contents = attachments.contents_of(store)
    [lost] = second["data"]["attachments"]
    contents.object_path(lost["sha256"]).unlink()  # deleted by hand, or the card was swapped
    sizes = [e["size"] for e in first["data"]["attachments"]]
    left = attachments.megabytes(sum(sizes))
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        app.push_screen(OutboxScreen())
        await wait_loaded(pilot, app)
        text = screen_text(app).replace("\n", "")
        assert t("evidence.outbox.waiting", count=2, left=left).replace(" ", "") in text.replace(
            " ", ""
        )
        assert t("evidence.outbox.problems", count=1).replace(" ", "") in text.replace(" ", "")
        # Both records are queued: a missing photo holds back no record.
        assert app.screen.query_one("#ob-table").row_count == 2
        # Each record's detail tells its own photos waiting (the lost one is not waiting).
        their_photos = t("evidence.outbox.record_photos", count=2, left=left)
        for n, row in enumerate(app.screen.rows["queued"]):
            if n:
                await press(pilot, "down")
            detail = str(app.screen.query_one("#ob-detail").content)
            assert (their_photos in detail) == (row["id"] == first["id"])
        await press(pilot, "2")
        photos_line = str(app.screen.query_one("#ob-photos").content)
        assert t("evidence.attention.missing", name=lost["name"]) in photos_line


async def test_no_photos_no_photo_line(store):
    set_language("zh_CN")
    store.create("report", REPORT)
    app = GridtermApp(store, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(OutboxScreen())
        await wait_loaded(pilot, app)
        assert app.screen.query_one("#ob-table").row_count == 1
        assert not app.screen.query_one("#ob-photos").display
