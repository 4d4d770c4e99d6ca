"""Crash test: SIGKILL a process that is saving, at random moments, over and over.

Each round forks a fresh child (a new process; forking skips the interpreter start-up, so
200+ rounds stay quick).  The child opens the store and saves in a loop — creating records,
editing them (archived ones too), marking them synced and closed, archiving — so the hot
file grows and shrinks and the archive shards, their index and the hot file are all written.
After every save returns, the child writes one line to a pipe.  The parent kills the child
at a random instant, then opens the store and checks that it opens cleanly and holds every
record whose save had returned, at the version reported (or the next one, if the kill fell
after an edit returned but before its line was written).
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import time

import pytest

from gridterm.core import model
from gridterm.core.store import Store

ROUNDS = int(os.environ.get("GRIDTERM_CRASH_ROUNDS", "220"))
HEADS = ["张三", "李四", "王五", "赵六", "陈七"]


def _child(folder, w: int, seed: int, known: dict[str, dict]) -> None:
    rng = random.Random(seed)
    ids = list(known)
    store = Store.open(folder)
    n = 0

    def tell(**msg) -> None:
        os.write(w, (json.dumps(msg) + "\n").encode())

    while True:
        n += 1
        marker = f"{seed}-{n}"
        roll = rng.random()
        if roll < 0.45 or not ids:
            if rng.random() < 0.7:
                rec = store.create(
                    "report",
                    {
                        "category": "safety",
                        "urgency": "normal",
                        "place": "村口",
                        "description": marker,
                    },
                )
            else:
                rec = store.create(
                    "household", {"village": "李家村", "head": rng.choice(HEADS), "notes": marker}
                )
            ids.append(rec["id"])
            tell(id=rec["id"], rev=rec["rev"], marker=marker)
        elif roll < 0.75:
            rid = rng.choice(ids[-50:])
            current = store.get(rid)
            data = dict(current["data"])
            data["description" if current["kind"] == "report" else "notes"] = marker
            rec = store.update(rid, data=data)
            tell(id=rid, rev=rec["rev"], marker=marker)
        else:
            outbox = store.outbox()
            store.mark_synced(
                [
                    {"id": r["id"], "rev": r["rev"], "result": "stored", "error": None}
                    for r in outbox
                ]
            )
            reports = [r for r in outbox if r["kind"] == "report"]
            seq = time.time_ns()  # the service's sequence only grows, across children too
            updates = [
                {"id": r["id"], "status": "done", "seq": seq} for r in reports if rng.random() < 0.8
            ]
            if rng.random() < 0.3:  # the township returns an item, perhaps an archived one
                updates.append({"id": rng.choice(ids), "status": "returned", "seq": seq + 1})
            store.apply_updates(updates)
            moved = store.archive()
            tell(synced=[[r["id"], r["rev"]] for r in outbox], archived=moved)


def _marker(rec: dict) -> str:
    return rec["data"]["description" if rec["kind"] == "report" else "notes"]


def _run_round(folder, seed: int, known: dict, synced: dict, rng: random.Random) -> int:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.close(r)
            _child(folder, w, seed, known)
        finally:
            os._exit(0)
    os.close(w)
    # Kill at a random moment: let the child report a random number of saves (0: it may
    # still be opening the store), then wait a random fraction of a save more.  Waiting on
    # the child's reports, not on the clock, keeps the test meaningful on a loaded machine.
    target = rng.choice([0, 0, 1, 2, 3, 5, 8])
    buffer = b""
    deadline = time.monotonic() + 30
    while buffer.count(b"\n") < target and time.monotonic() < deadline:
        ready, _, _ = select.select([r], [], [], 1.0)
        if ready:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buffer += chunk
    time.sleep(rng.random() * 0.006)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with os.fdopen(r, "rb") as pipe:
        lines = (buffer + pipe.read()).decode().splitlines()
    for line in lines:
        msg = json.loads(line)
        if "synced" in msg:
            for rid, rev in msg["synced"]:
                synced[rid] = max(synced.get(rid, 0), rev)
        else:
            known[msg["id"]] = {"rev": msg["rev"], "marker": msg["marker"]}
    return len(lines)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_sigkill_at_random_moments_never_loses_a_returned_save(data_dir):
    rng = random.Random(int(os.environ.get("GRIDTERM_CRASH_SEED", "20261125")))
    known: dict[str, dict] = {}  # id -> last reported {"rev", "marker"}
    synced: dict[str, int] = {}  # id -> highest rev reported as marked synced
    failures: list[str] = []
    saves = 0
    hot_sizes = []
    for round_no in range(ROUNDS):
        saves += _run_round(data_dir, rng.randrange(1 << 30), known, synced, rng)
        hot = data_dir / "hot.json"
        if hot.exists():
            hot_sizes.append(hot.stat().st_size)
        try:
            with Store.open(data_dir) as store:
                for rid, want in known.items():
                    rec = store.get(rid)
                    if rec is None:
                        failures.append(f"round {round_no}: {rid} lost")
                    elif rec["rev"] == want["rev"]:
                        if _marker(rec) != want["marker"]:
                            failures.append(f"round {round_no}: {rid} rev {rec['rev']} wrong data")
                    elif rec["rev"] == want["rev"] + 1:
                        want.update(rev=rec["rev"], marker=_marker(rec))  # edit landed, line didn't
                    else:
                        failures.append(f"round {round_no}: {rid} rev {rec['rev']} != {want}")
                    if rec is None:
                        continue
                    if (rec.get("synced_rev") or 0) < synced.get(rid, 0):
                        failures.append(f"round {round_no}: {rid} lost its synced mark")
                    if store.wire(rec) != model.canonical_json(model.wire_form(rec)):
                        failures.append(f"round {round_no}: {rid} wire bytes disagree with it")
        except Exception as exc:  # the store must always open
            failures.append(f"round {round_no}: open failed: {exc!r}")
        leftovers = [
            p.name for p in data_dir.rglob("*") if ".corrupt-" in p.name or p.name.endswith("-tmp")
        ]
        if leftovers:
            failures.append(
                f"round {round_no}: files left behind or treated as corrupt: {leftovers}"
            )
        if failures:
            break
    assert failures == []
    # The run really exercised what it claims: many saves, archiving, a hot file that shrank.
    assert saves > ROUNDS
    assert (data_dir / "archive" / "households.json").exists()
    assert any(b < a for a, b in zip(hot_sizes, hot_sizes[1:], strict=False))
    assert len(known) > 100
