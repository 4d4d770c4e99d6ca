"""``gridterm attach RECORD_ID FILE…`` and the photos in ``gridterm outbox`` (issue 16)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from gridterm.cli import main
from gridterm.core import i18n
from gridterm.core.attachments.content import Contents
from gridterm.core.store import Store
from tests.helpers.photos import camera_jpeg

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}


@pytest.fixture
def saved(data_dir):
    with Store.open(data_dir) as store:
        return store.create("report", REPORT)


@pytest.fixture
def photos(tmp_path):
    paths = []
    for n in range(2):
        path = tmp_path / f"现场照片{n}.jpg"
        path.write_bytes(camera_jpeg(1000, 800, seed=n))
        paths.append(str(path))
    return paths


def test_attach_prints_the_ids_and_the_record_names_the_photos(data_dir, saved, photos, capsys):
    assert main(["--data-dir", str(data_dir), "attach", saved["id"][:8], *photos]) == 0
    ids = capsys.readouterr().out.split()
    assert len(ids) == 2 and all(len(i) == 64 for i in ids)
    with Store.open(data_dir) as store:
        record = store.get(saved["id"])
        assert [a["sha256"] for a in record["data"]["attachments"]] == ids
        assert record["rev"] == 2
        assert all(Contents(store.folder).state(i) == "waiting" for i in ids)


def test_outbox_shows_the_bytes_left_and_a_missing_photo(data_dir, saved, photos, capsys):
    i18n.set_language("en")
    main(["--data-dir", str(data_dir), "attach", saved["id"], *photos])
    ids = capsys.readouterr().out.split()
    assert main(["--data-dir", str(data_dir), "outbox", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    sizes = sum(os.path.getsize(Contents(data_dir).object_path(i)) for i in ids)
    assert doc["photos"] == {"waiting": 2, "bytes_left": sizes, "attention": []}
    Contents(data_dir).object_path(ids[0]).unlink()
    assert main(["--lang", "en", "--data-dir", str(data_dir), "outbox"]) == 0
    out = capsys.readouterr().out
    assert "Photos: 1 waiting to be sent" in out
    assert "Needs attention" in out and "现场照片0.jpg" in out and "no longer on this device" in out


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(
    data_dir, saved, photos, tmp_path, capsys
):
    note = tmp_path / "说明.docx"
    note.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    code = main(
        ["--lang", "en", "--data-dir", str(data_dir), "attach", saved["id"], photos[0], str(note)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "说明.docx is not a photo" in err and "Traceback" not in err
    with Store.open(data_dir) as store:
        assert store.get(saved["id"])["rev"] == 1


def test_unknown_record_and_no_file_say_so(data_dir, saved, photos, capsys):
    assert main(["--lang", "en", "--data-dir", str(data_dir), "attach", "ffffffff", *photos]) == 2
    assert "No record ffffffff" in capsys.readouterr().err
    assert main(["--lang", "en", "--data-dir", str(data_dir), "attach", saved["id"]]) == 2
    assert "--camera" in capsys.readouterr().err


def test_camera_takes_the_photo_through_termux_api(data_dir, saved, tmp_path, monkeypatch, capsys):
    """``termux-camera-photo`` as Termux:API installs it: writes a JPEG to the path given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    source = tmp_path / "shot.jpg"
    source.write_bytes(camera_jpeg(640, 480, seed=5))
    fake = bin_dir / "termux-camera-photo"
    fake.write_text(f'#!/bin/sh\n# -c ID FILE\ncp "{source}" "$3"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert main(["--data-dir", str(data_dir), "attach", saved["id"], "--camera"]) == 0
    [sha] = capsys.readouterr().out.split()
    with Store.open(data_dir) as store:
        assert store.get(saved["id"])["data"]["attachments"][0]["sha256"] == sha
        assert not (store.folder / "attachments" / "camera.jpg").exists()


def test_where_puts_photos_on_a_case_session(data_dir, photos, capsys):
    with Store.open(data_dir) as store:
        case = store.create(
            "case",
            {
                "parties": [{"name": "张三"}],
                "dispute_type": "neighbour",
                "source": "party_applied",
                "summary": "宅基地边界。",
                "sessions": [{"date": "2026-11-20", "record": "第一次。"}],
            },
        )
    args = ["--lang", "en", "--data-dir", str(data_dir), "attach", case["id"]]
    assert main([*args, photos[0], "--where", "session:1"]) == 0
    capsys.readouterr()
    assert main([*args, photos[1], "--where", "session:2"]) == 2  # there is no second session
    assert "no such part" in capsys.readouterr().err
    with Store.open(data_dir) as store:
        [photo] = store.get(case["id"])["data"]["attachments"]
        assert photo["where"] == {"session": 0}


def test_list_shows_the_photos_and_remove_takes_one_off_until_sent(data_dir, saved, photos, capsys):
    i18n.set_language("en")
    main(["--data-dir", str(data_dir), "attach", saved["id"], *photos])
    first, second = capsys.readouterr().out.split()
    assert main(["--data-dir", str(data_dir), "attach", saved["id"][:8], "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [first[:12], second[:12]]
    assert "现场照片0.jpg" in lines[0] and lines[0].endswith(i18n.t("evidence.state.waiting"))
    # Taken off by the first characters of its id: a new rev without it.
    assert main(["--data-dir", str(data_dir), "attach", saved["id"], "--remove", first[:8]]) == 0
    assert capsys.readouterr().out.split() == [first]
    with Store.open(data_dir) as store:
        record = store.get(saved["id"])
        assert [a["sha256"] for a in record["data"]["attachments"]] == [second]
        assert record["rev"] == 3
        Contents(store.folder).mark_sent(second, "2026-11-25T10:00:00+08:00")
    # The one the service has stays.
    assert main(["--data-dir", str(data_dir), "attach", saved["id"], "--remove", second]) == 2
    assert "already been sent" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "attach", saved["id"], "--remove", "ffff"]) == 2
    assert i18n.t("evidence.cli.no_photo", id="ffff") in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "attach", saved["id"], "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["record"] == saved["id"]
    assert [(a["sha256"], a["state"]) for a in listed["attachments"]] == [(second, "sent")]
    i18n.set_language("zh_CN")
