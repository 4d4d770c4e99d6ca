"""``gridterm outbox [--json]``: what is queued, oldest first, with state and reason."""

from __future__ import annotations

import json
import subprocess
import sys

from rich.cells import cell_len

from gridterm.cli import main
from gridterm.core import i18n, model
from gridterm.core.store import Store

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}


def _queue(data_dir, monkeypatch):
    minutes = iter(range(1, 100))
    monkeypatch.setattr(model, "now_iso", lambda: f"2026-11-25T09:{next(minutes):02d}:00+08:00")
    with Store.open(data_dir) as s:
        old = s.create("household", {"village": "李家村", "group": "三组", "head": "欧阳明月"})
        refused = s.create("report", {**REPORT, "place": "村口老槐树下"})
        edited = s.create("report", {**REPORT, "category": "sanitation"})
        s.mark_synced(
            [
                {"id": edited["id"], "rev": 1, "result": "stored", "error": None},
                {"id": refused["id"], "rev": 1, "result": "rejected", "error": "地点不详"},
            ]
        )
        edited = s.update(edited["id"], data={**edited["data"], "place": "河边"})
        sent = s.create("household", {"village": "王家村", "head": "王五"})
        s.mark_synced([{"id": sent["id"], "rev": 1, "result": "stored", "error": None}])
    return old, refused, edited


def test_json_lists_the_queue_oldest_first_with_state_and_reason(data_dir, monkeypatch, capsys):
    old, refused, edited = _queue(data_dir, monkeypatch)
    assert main(["--data-dir", str(data_dir), "outbox", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["count"] == 3
    items = doc["records"]
    assert [i["id"] for i in items] == [old["id"], refused["id"], edited["id"]]
    assert [i["state"] for i in items] == ["unsent", "attention", "unsent"]
    assert items[0]["reason"] == "new, not sent yet"
    assert "地点不详" in items[1]["reason"] and items[1]["sync_error"] == "地点不详"
    assert items[2]["reason"] == "edited since rev 1 was sent" and items[2]["rev"] == 2
    assert items[2]["record"] == model.wire_form(edited)  # a usable export of what is queued


def test_table_is_aligned_with_chinese_text(data_dir, monkeypatch, capsys):
    _queue(data_dir, monkeypatch)
    i18n.set_language("zh_CN")
    assert main(["--lang", "zh", "--data-dir", str(data_dir), "outbox"]) == 0
    out = capsys.readouterr().out
    assert "待上报：3 条" in out and "需处理" in out and "未上报 2 条，需处理 1 条" in out
    rows = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == 3
    # The state column starts at the same terminal cell on every row, CJK or not.
    starts = {
        cell_len(row[: row.index(state)])
        for row in rows
        for state in ("未上报", "需处理")
        if state in row
    }
    assert len(starts) == 1
    assert all(cell_len(line) <= 80 for line in out.splitlines())


def test_empty_outbox_says_so(data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "outbox"]) == 0
    assert "nothing is waiting to be sent" in capsys.readouterr().out
    assert main(["--data-dir", str(data_dir), "outbox", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"count": 0, "records": []}


def test_store_and_outbox_do_not_import_textual(data_dir):
    code = (
        "import sys, argparse\n"
        "import gridterm.core.store, gridterm.cli.outbox as o\n"
        f"o.run(argparse.Namespace(data_dir={str(data_dir)!r}, json=False, recover=False))\n"
        "o.run(argparse.Namespace(data_dir=sys.argv[1], json=True, recover=False))\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'fastapi'))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr
