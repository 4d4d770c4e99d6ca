"""A read-only view of the store: no lock, a consistent picture, every write refused.

``gridterm receipt --list`` and ``gridterm outbox`` use it, so they work while the app holds
the data folder open (it used to refuse them: "Another gridterm is already using…").
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from gridterm.core import credentials
from gridterm.core.receipts import display_number
from gridterm.core.store import Store, StoreReadOnly
from gridterm.core.store import compaction as store_compaction

REPORT = {"category": "safety", "urgency": "normal", "place": "村口", "description": "电线私拉乱接"}
ENROLLMENT = {
    "service_url": "https://xz.example.gov.cn",
    "device_id": "dev-ro",
    "token": "tok",
    "device_secret": "secret-ro",
    "officer": {"id": "o1", "name": "李网格", "phone": "13800138000"},
    "grid": {"id": "g1", "name": "东村第二网格"},
    "township": {"id": "t1", "name": "青山镇"},
}

# The app's stand-in: opens the store, saves, issues a receipt, prints what it made, and
# keeps the folder open (and locked) until told to go.
HOLDER = """
import json, sys
from gridterm.core.receipts import issue_for
from gridterm.core.store import Store
store = Store.open(sys.argv[1])
store.meta_set("enrollment", json.loads(sys.argv[2]))
rec = store.create("report", json.loads(sys.argv[3]))
_, receipt = issue_for(store, rec["id"])
store.save_draft("visit:new", {"answers": {"a1": "yes"}})
print(json.dumps({"id": rec["id"], "receipt": receipt}), flush=True)
sys.stdin.read()
store.close()
"""


def _snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _gridterm(data_dir, *argv):
    return subprocess.run(
        [sys.executable, "-m", "gridterm", "--data-dir", str(data_dir), *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "GRIDTERM_LANG": "en"},
        timeout=60,
    )


@pytest.fixture
def held(data_dir):
    """Another process has the store open, as the officer's app would."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDER,
            str(data_dir),
            json.dumps(ENROLLMENT),
            json.dumps(REPORT, ensure_ascii=False),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        made = json.loads(holder.stdout.readline())
        yield made
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def test_receipt_list_and_outbox_work_while_the_app_holds_the_folder(data_dir, held):
    before = _snapshot(data_dir)
    listed = _gridterm(data_dir, "receipt", "--list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["receipts"]
    number = display_number(held["receipt"]["number"])
    assert [(r["record_id"], r["number"]) for r in rows] == [(held["id"], number)]
    shown = _gridterm(data_dir, "receipt", number, "--text")
    assert shown.returncode == 0 and number in shown.stdout
    outbox = _gridterm(data_dir, "outbox", "--json")
    assert outbox.returncode == 0, outbox.stderr
    assert [r["id"] for r in json.loads(outbox.stdout)["records"]] == [held["id"]]
    assert _snapshot(data_dir) == before  # reading touched nothing
    writer = _gridterm(data_dir, "sync")  # a writer is still refused, clearly
    assert writer.returncode == 3 and "Another gridterm" in writer.stderr


def test_a_read_only_view_refuses_every_write_and_changes_nothing(data_dir, held):
    before = _snapshot(data_dir)
    with Store.open(data_dir, read_only=True) as view:
        rec = view.get(held["id"])
        assert rec["receipts"] == [held["receipt"]]
        assert view.get_draft("visit:new") == {"answers": {"a1": "yes"}}
        # The token and the secret left meta for credentials.json when the holder first
        # signed a receipt (gridterm.core.credentials): the rest of the enrollment is there.
        public = {k: v for k, v in ENROLLMENT.items() if k not in credentials.SECRET_KEYS}
        assert view.meta_get("enrollment") == public
        writes = [
            lambda: view.create("report", REPORT),
            lambda: view.update(rec["id"], data={**REPORT, "place": "桥头"}),
            lambda: view.save_draft("visit:new", {}),
            lambda: view.delete_draft("visit:new"),
            lambda: view.meta_set("cursor", 1),
            lambda: view.meta_update({"cursor": 1}),
            lambda: view.save_mediator({"name": "李大爷"}),
            lambda: view.save_reference("templates", []),
            lambda: view.mark_synced([{"id": rec["id"], "rev": 1, "result": "stored"}]),
            lambda: view.apply_updates([{"id": rec["id"], "status": "done", "seq": 9}]),
            lambda: view.archive(),
        ]
        for write in writes:
            with pytest.raises(StoreReadOnly):
                write()
        with pytest.raises(StoreReadOnly), view.batch():
            pass
        assert view.get(held["id"]) == rec  # nothing changed in memory either
    assert "read-only" in str(StoreReadOnly())
    assert _snapshot(data_dir) == before


def test_a_reader_sees_a_consistent_picture_while_the_writer_compacts(data_dir):
    """A writer creates numbered records and folds its journal every few saves; every read
    sees exactly the first k records, k never going back."""
    with Store.open(data_dir) as store:
        store.meta_set("started", True)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            store_compaction.COMPACT_MIN_BYTES = 3000
            store_compaction.COMPACT_RATIO = 0
            store = Store.open(data_dir)
            rng = random.Random(7)
            os.write(w, b"ready\n")
            for n in range(100_000):
                if rng.random() < 0.2:
                    with store.batch():  # a batch is seen whole or not at all
                        store.create("report", {**REPORT, "description": f"{n:06d}a"})
                        store.create("report", {**REPORT, "description": f"{n:06d}b"})
                else:
                    store.create("report", {**REPORT, "description": f"{n:06d}"})
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        assert pipe.readline() == b"ready\n"
        seen_before = 0
        try:
            for _ in range(150):
                with Store.open(data_dir, read_only=True) as view:
                    marks = sorted(rec["data"]["description"] for rec in view.query())
                numbers = sorted({int(m[:6]) for m in marks})
                assert numbers == list(range(len(numbers)))  # a prefix, no hole
                for m in marks:  # both halves of a batch, or neither
                    if m.endswith("a"):
                        assert m[:6] + "b" in marks
                assert len(numbers) >= seen_before
                seen_before = len(numbers)
        finally:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    assert seen_before > 0
