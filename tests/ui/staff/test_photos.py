"""Photos and the place in the staff console, through Pilot against a real service at 80×24:
the record's photos drawn in the terminal (textual-image; half-blocks or Unicode blocks
where the terminal has no graphics), one at a time full screen, the full photo handed to
the system's viewer byte for byte, and the place with a map link opened in the browser.

Photos are real JPEGs made here with Pillow, the way a phone saves them; the place is
coordinates as termux-location reports them."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

from gridterm.client.staff import StaffClient
from gridterm.core.i18n import set_language
from gridterm.ui.staff import photos
from gridterm.ui.staff.app import StaffApp
from gridterm.ui.staff.screens.detail import DetailScreen
from gridterm.ui.staff.screens.photos import PhotoScreen
from tests.ui.staff.conftest import new_report, report, screen_text, until

PLACE = {
    "lat": 29.563012,
    "lon": 106.551563,
    "accuracy_m": 8.0,
    "source": "gps",
    "place": "青山村村口",
    "at": None,
}


def photo(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    img = Image.new("RGB", (width, height), colour)
    img.paste(Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)), (0, 0))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(device, data: bytes) -> None:
    response = device.client.put(
        f"/api/v1/attachments/{sha(data)}",
        content=data,
        headers={"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"},
    )
    assert response.json()["complete"] is True, response.text


def described(data: bytes, name: str) -> dict:
    return {
        "sha256": sha(data),
        "name": name,
        "size": len(data),
        "type": "image/jpeg",
        "taken_at": "2026-12-01T08:30:00+08:00",
        "where": None,
        "location": None,
    }


@pytest.fixture
def evidence(township):
    red, blue, late = (
        photo(1200, 900, (200, 30, 30)),
        photo(900, 1200, (30, 30, 200)),
        photo(50, 50, (0, 0, 0)),
    )
    rec = new_report(
        township.device,
        report(
            "电线裸露",
            attachments=[
                described(red, "电线.jpg"),
                described(blue, "整改后.jpg"),
                described(late, "未到.jpg"),
            ],
            location=PLACE,
        ),
    )
    township.push(rec)
    upload(township.device, red)
    upload(township.device, blue)
    return rec, red, blue


async def open_record(pilot, rid: str) -> DetailScreen:
    app = pilot.app
    await until(pilot, lambda: len(app.screen_stack) > 1, what="the first screen")
    await app.workers.wait_for_complete()
    app.push_screen(DetailScreen(rid))
    await until(
        pilot,
        lambda: isinstance(app.screen, DetailScreen) and len(app.screen.thumbs) == 2,
        what="the record and its thumbnails",
    )
    await pilot.pause()
    return app.screen


async def test_the_detail_draws_the_photos_and_shows_the_place_at_80x24(township, evidence):
    set_language("zh_CN")
    rec, red, _blue = evidence
    app = StaffApp(StaffClient(township.service.url, township.token), refresh_every=0)
    assert photos.can_draw()
    opened: list[str] = []
    app.open_url = lambda url, new_tab=True: opened.append(url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_record(pilot, rec["id"])
        drawn = screen.query(".photo-thumb")
        assert len(drawn) == 2
        # Drawn: the picture's cells are filled in the photo's own colour.
        first = drawn.first()
        assert first.region.height == 10 and first.region.width > 5
        svg = app.export_screenshot()
        assert _reddish(svg)
        text = screen_text(app)
        assert "1. 电线.jpg" in text
        facts = str(screen.query_one("#dt-facts").render())
        assert "青山村村口 (29.56301, 106.55156 ±8 m)" in facts and "[地图]" in facts
        captions = [str(c.render()) for c in screen.query(".photo-caption")]
        assert "未到.jpg" in captions[2] and "尚未收到" in captions[2]
        assert "尚未收到" not in captions[0]
        # The raw fields are not repeated as data.
        assert "sha256" not in str(screen.query_one("#dt-data").render())
        # m opens the map at the place's coordinates.
        await pilot.press("m")
        assert opened and "106.551563,29.563012" in opened[-1] and "wgs84" in opened[-1]

        # f: the photos one at a time (the two the service holds), the full one opened outside.
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, PhotoScreen), what="the photo screen")
        await until(pilot, lambda: app.screen.query(".photo-big"), what="the photo drawn")
        viewer = app.screen
        assert len(viewer.items) == 2
        assert "电线.jpg" in str(viewer.query_one("#ph-caption").render())
        await pilot.press("right")
        await until(pilot, lambda: "整改后.jpg" in str(viewer.query_one("#ph-caption").render()))
        await pilot.press("left", "o")
        await until(pilot, lambda: viewer.opened, what="the full photo opened")
        path = Path(unquote(urlparse(viewer.opened[-1]).path))
        assert path.read_bytes() == red and path.suffix == ".jpg"
        assert (path.stat().st_mode & 0o777) == 0o600
        await pilot.press("escape")
        assert isinstance(app.screen, DetailScreen)


def _reddish(svg: str) -> bool:
    """A fill or text colour whose red channel dominates (the red photo, however scaled)."""
    import re

    for r, g, b in re.findall(r"#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", svg):
        if int(r, 16) > 150 and int(g, 16) < 80 and int(b, 16) < 80:
            return True
    return False


async def test_without_textual_image_the_photos_are_listed_and_opened_outside(
    township, evidence, monkeypatch
):
    set_language("en")
    rec, red, _blue = evidence
    monkeypatch.setattr(photos, "_drawer", False)
    app = StaffApp(StaffClient(township.service.url, township.token), refresh_every=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.screen_stack) > 1, what="the first screen")
        app.push_screen(DetailScreen(rec["id"]))
        await until(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.record is not None,
        )
        await pilot.pause()
        screen = app.screen
        assert not screen.query(".photo-thumb")
        notes = [str(n.render()) for n in screen.query(".photo-note")]
        assert notes and "gridterm[staff-photos]" in notes[0]
        assert "1. 电线.jpg" in screen_text(app)


def test_a_removed_photo_says_why_and_when_instead_of_not_arrived():
    import datetime as dt

    set_language("zh_CN")
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    item = {"sha256": "a" * 64, "name": "门口.jpg", "size": 1000, "available": False}
    kept = {**item, "removed": {"at": "2026-11-30T02:00:00+00:00", "why": "retention"}}
    erased = {**item, "removed": {"at": "2026-11-30T02:00:00+00:00", "why": "erasure"}}
    assert "尚未收到" in str(photos.caption(0, item, now))
    assert "保存期已满" in str(photos.caption(0, kept, now))
    assert "2026-11-30 10:00" in str(photos.caption(0, kept, now))  # in the console's zone
    assert "已按请求删除" in str(photos.caption(0, erased, now))
    assert "尚未收到" not in str(photos.caption(0, erased, now))


def test_photos_saved_for_the_viewer_are_private_and_gone_when_the_console_exits(tmp_path):
    import subprocess
    import sys

    code = (
        "from gridterm.ui.staff import photos\n"
        "p = photos.save_for_viewer(b'\\xff\\xd8\\xff', {'name': '门口.jpg', 'sha256': 'ab' * 32,"
        " 'type': 'image/jpeg'})\n"
        "import os, stat\n"
        "print(p, oct(stat.S_IMODE(os.stat(p).st_mode)), p.read_bytes() == b'\\xff\\xd8\\xff')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    path, mode, same = done.stdout.split()
    assert path.endswith(".jpg") and "门口" in path
    assert mode == "0o600" and same == "True"
    assert not Path(path).exists() and not Path(path).parent.exists()
