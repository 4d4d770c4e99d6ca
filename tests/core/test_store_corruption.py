"""A file that does not parse is never silently replaced: moved aside, reported, kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gridterm.core import i18n
from gridterm.core.store import HOT, Store, StoreCorrupt

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}


def _fill(data_dir, n=6) -> list[dict]:
    with Store.open(data_dir) as s:
        s.meta_set("enrollment", {"device_id": "dev-1", "token": "secret-token"})
        return [s.create("report", {**REPORT, "place": f"{i}号院"}) for i in range(n)]


def _copies(data_dir):
    return sorted(p for p in data_dir.iterdir() if p.name.startswith(HOT + ".corrupt-"))


def _truncate(path):
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) * 2 // 3])


def _garble(path):
    raw = bytearray(path.read_bytes())
    lines = raw.split(b"\n")
    n = [i for i, line in enumerate(lines) if b'"_wire"' in line][1]
    lines[n] = b"\xff\xfe garbage \x00" + lines[n][5:]  # one record's line damaged
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("damage", [_truncate, _garble], ids=["truncated", "garbled"])
def test_damaged_hot_file_is_moved_aside_and_reported(data_dir, damage):
    saved = _fill(data_dir)
    damage(data_dir / HOT)
    damaged = (data_dir / HOT).read_bytes()

    with pytest.raises(StoreCorrupt) as err:
        Store.open(data_dir)
    (copy,) = _copies(data_dir)
    message = str(err.value)
    assert str(data_dir / HOT) in message and str(copy) in message
    assert "nothing was deleted" in message and "--recover" in message
    assert copy.read_bytes() == damaged  # the copy is the damaged file, byte for byte
    assert not (data_dir / HOT).exists()

    # Without --recover it does not start over the damage, however often it is asked.
    for _ in range(2):
        with pytest.raises(StoreCorrupt) as again:
            Store.open(data_dir)
        assert str(copy) in str(again.value) and "--recover" in str(again.value)
    assert not (data_dir / HOT).exists()

    with Store.open(data_dir, recover=True) as s:
        assert s.recovered["copy"] == str(copy)
        got = {r["id"] for r in s.query()}
        assert got and got <= {r["id"] for r in saved}  # what could be read, and nothing else
        if damage is _garble:
            assert len(got) == len(saved) - 1 and s.recovered["dropped"] == 1
        for rid in got:
            rec = s.get(rid)
            assert rec == next(r for r in saved if r["id"] == rid)
        assert s.meta_get("enrollment") == {"device_id": "dev-1", "token": "secret-token"}
        s.create("report", REPORT)  # a working store again
    assert copy.read_bytes() == damaged  # recovery never deletes the copy
    with Store.open(data_dir) as s:  # and once recovered, opening is normal
        assert len(s.query()) == len(got) + 1


def test_garbled_record_is_not_salvaged_as_data(data_dir):
    saved = _fill(data_dir, n=3)
    hot = data_dir / HOT
    text = hot.read_text(encoding="utf-8")
    # Change a record's content but not its stored wire bytes, and break the file elsewhere.
    text = text.replace('"place":"1号院"', '"place":"9号院"', 1) + "\n}}garbage"
    hot.write_text(text, encoding="utf-8")
    with pytest.raises(StoreCorrupt):
        Store.open(data_dir)
    with Store.open(data_dir, recover=True) as s:
        rec = s.get(saved[1]["id"])
        assert rec["data"]["place"] == "1号院"  # rebuilt from the wire bytes, not the garble
        assert s.wire(rec) == s.wire(saved[1]) == json.loads(json.dumps(saved[1]["_wire"])).encode()


def test_not_an_object_is_corrupt_too(data_dir):
    _fill(data_dir, n=1)
    (data_dir / HOT).write_text("[]", encoding="utf-8")
    with pytest.raises(StoreCorrupt) as err:
        Store.open(data_dir)
    assert "not a JSON object" in str(err.value)


def test_message_in_chinese(data_dir):
    _fill(data_dir, n=1)
    _truncate(data_dir / HOT)
    i18n.set_language("zh_CN")
    with pytest.raises(StoreCorrupt) as err:
        Store.open(data_dir)
    assert "已将其移到" in str(err.value) and "未删除任何内容" in str(err.value)


def test_damaged_archive_shard_is_moved_aside_when_read(data_dir):
    with Store.open(data_dir) as s:
        rec = s.create("household", {"village": "李家村", "head": "张三"})
        s.mark_synced([{"id": rec["id"], "rev": 1, "result": "stored", "error": None}])
        assert s.archive() == 1
    shard = data_dir / "archive" / "households.json"
    shard.write_bytes(shard.read_bytes()[:40])
    with Store.open(data_dir) as s:  # archives are not read at open
        with pytest.raises(StoreCorrupt) as err:
            s.get(rec["id"])
        assert "archive" in str(err.value) and "moved aside" in str(err.value)
        copies = [p for p in (data_dir / "archive").iterdir() if ".corrupt-" in p.name]
        assert (
            len(copies) == 1
            and copies[0].read_bytes() == shard.with_name(copies[0].name).read_bytes()
        )
        assert s.get(rec["id"]) is None  # the store goes on; the copy is kept for a person


def _cli(data_dir, *args):
    env = {**os.environ, "GRIDTERM_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "gridterm", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_refuses_then_recovers_with_the_flag(data_dir):
    saved = _fill(data_dir, n=4)
    _truncate(data_dir / HOT)
    first = _cli(data_dir, "outbox")
    assert (
        first.returncode == 4 and "moved aside" in first.stderr and "Traceback" not in first.stderr
    )
    second = _cli(data_dir, "outbox", "--json")
    assert second.returncode == 4 and "--recover" in second.stderr
    recovered = _cli(data_dir, "--recover", "outbox", "--json")
    assert recovered.returncode == 0, recovered.stderr
    assert "Recovered" in recovered.stderr and "The copy is kept" in recovered.stderr
    ids = {item["id"] for item in json.loads(recovered.stdout)["records"]}
    assert ids and ids <= {r["id"] for r in saved}
    assert len(_copies(data_dir)) == 1


def test_recover_on_a_healthy_store_changes_nothing(data_dir):
    saved = _fill(data_dir, n=2)
    before = (data_dir / HOT).read_bytes()
    with Store.open(data_dir, recover=True) as s:
        assert s.recovered is None
        assert [s.get(r["id"]) for r in saved] == saved
    assert (data_dir / HOT).read_bytes() == before
