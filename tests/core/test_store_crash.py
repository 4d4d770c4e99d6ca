"""Crash test: SIGKILL a process that is saving, at random moments, over and over.

Each round forks a fresh child (a new process; forking skips the interpreter start-up, so
hundreds of rounds stay quick).  The child opens the store with a tiny compaction threshold,
so the journal is folded into a new snapshot every few saves — in the store's own thread, and
sometimes by an explicit ``compact()`` — and saves in a loop: records created and edited
(archived ones too), batches of several saves, drafts, sync answers, archiving.  Before each
operation it tells the parent what it is about to do; after the operation returns, that it
returned.  The parent kills the child at a random instant, opens the store and checks:

* every save that returned is there, at the rev it returned (an edit whose "returned" line
  was not yet written may have landed too: one rev more, that edit's marker);
* nothing else appears: a record or draft nobody reported is allowed only if it carries the
  marker of the one operation that was in flight;
* the store opens cleanly (a torn journal tail is a save that never returned), no file is
  left behind or treated as damaged — also when the kill fell inside a compaction (counted).
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
from gridterm.core.store import compaction as store_compaction

ROUNDS = int(os.environ.get("GRIDTERM_CRASH_ROUNDS", "520"))
HEADS = ["张三", "李四", "王五", "赵六", "陈七"]


class _Child:
    """The saving side: one store, a pipe to the parent, a random but reproducible walk."""

    def __init__(self, folder, w: int, seed: int, known: dict[str, dict]) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.w = w
        self.ids = list(known)
        store_compaction.COMPACT_MIN_BYTES = self.rng.choice([1500, 4000, 12000])
        store_compaction.COMPACT_RATIO = 0
        real_fold = store_compaction.Compactor.fold

        def told_fold(compactor) -> None:
            self.tell(fold="start")
            real_fold(compactor)
            self.tell(fold="end")

        store_compaction.Compactor.fold = told_fold  # type: ignore[method-assign]
        self.store = Store.open(folder)

    def tell(self, **msg) -> None:
        os.write(self.w, (json.dumps(msg) + "\n").encode())  # < PIPE_BUF: one atomic write

    def new(self, marker: str) -> dict:
        if self.rng.random() < 0.7:
            data = {"category": "safety", "urgency": "normal", "place": "村口"}
            rec = self.store.create("report", {**data, "description": marker})
        else:
            head = self.rng.choice(HEADS)
            rec = self.store.create(
                "household", {"village": "李家村", "head": head, "notes": marker}
            )
        self.ids.append(rec["id"])
        return rec

    def edit(self, rid: str, marker: str) -> dict:
        current = self.store.get(rid)
        data = dict(current["data"])
        data["description" if current["kind"] == "report" else "notes"] = marker
        return self.store.update(rid, data=data)

    def step(self, n: int) -> None:
        marker = f"{self.seed}-{n}"
        roll = self.rng.random()
        if roll < 0.35 or not self.ids:
            self.tell(intent=marker)
            rec = self.new(marker)
            self.tell(saved=[[rec["id"], rec["rev"], marker]])
        elif roll < 0.6:
            rid = self.rng.choice(self.ids[-50:])
            self.tell(intent=marker, edits=[rid])
            rec = self.edit(rid, marker)
            self.tell(saved=[[rid, rec["rev"], marker]])
        elif roll < 0.72:
            rid = self.rng.choice(self.ids[-50:])
            self.tell(intent=marker, edits=[rid])
            with self.store.batch():
                recs = [self.new(marker) for _ in range(self.rng.randint(2, 4))]
                recs.append(self.edit(rid, marker))
                self.store.save_draft(f"walk-{n % 3}", {"marker": marker})
            self.tell(saved=[[r["id"], r["rev"], marker] for r in recs], draft=[n % 3, marker])
        elif roll < 0.82:
            self.tell(intent=marker)
            self.store.save_draft(f"walk-{n % 3}", {"marker": marker})
            self.tell(draft=[n % 3, marker])
        elif roll < 0.86:
            self.store.compact()
        else:
            self.sync_and_archive()

    def sync_and_archive(self) -> None:
        outbox = self.store.outbox()
        answers = [
            {"id": r["id"], "rev": r["rev"], "result": "stored", "error": None} for r in outbox
        ]
        self.store.mark_synced(answers)
        seq = time.time_ns()  # the service's sequence only grows, across children too
        updates = [
            {"id": r["id"], "status": "done", "seq": seq}
            for r in outbox
            if r["kind"] == "report" and self.rng.random() < 0.8
        ]
        if self.rng.random() < 0.3:  # the township returns an item, perhaps an archived one
            updates.append({"id": self.rng.choice(self.ids), "status": "returned", "seq": seq + 1})
        self.store.apply_updates(updates)
        moved = self.store.archive()
        self.tell(synced=[[r["id"], r["rev"]] for r in outbox], archived=moved)

    def run(self) -> None:
        n = 0
        while True:
            n += 1
            self.step(n)


def _marker(rec: dict) -> str:
    return rec["data"]["description" if rec["kind"] == "report" else "notes"]


class _Parent:
    """What the child reported, and the check after every kill."""

    def __init__(self) -> None:
        self.known: dict[str, dict] = {}  # id -> {"rev", "marker"} of the last returned save
        self.synced: dict[str, int] = {}  # id -> highest rev reported as marked synced
        self.drafts: dict[str, str] = {}  # draft key -> marker of the last returned save
        self.saves = 0
        self.archived = 0
        self.killed_in_fold = 0
        self.folds = 0

    def take(self, lines: list[str]) -> tuple[str | None, set[str]]:
        """Apply the child's lines; return the operation in flight (marker, ids it edits)."""
        in_flight: tuple[str | None, set[str]] = (None, set())
        folding = False
        for line in lines:
            msg = json.loads(line)
            if "fold" in msg:
                folding = msg["fold"] == "start"
                self.folds += msg["fold"] == "end"
                continue
            if "intent" in msg:
                in_flight = (msg["intent"], set(msg.get("edits", [])))
                continue
            for rid, rev, marker in msg.get("saved", []):
                self.known[rid] = {"rev": rev, "marker": marker}
                self.saves += 1
            if "draft" in msg:
                self.drafts[f"walk-{msg['draft'][0]}"] = msg["draft"][1]
            for rid, rev in msg.get("synced", []):
                self.synced[rid] = max(self.synced.get(rid, 0), rev)
            self.archived += msg.get("archived", 0)
            in_flight = (None, set())
        self.killed_in_fold += folding
        return in_flight

    def check(
        self, store: Store, in_flight: tuple[str | None, set[str]], every_wire: bool
    ) -> list[str]:
        """The checks after a kill.  Wire bytes are compared for the hot records every time
        and for the archived ones when ``every_wire`` (they are copies written whole)."""
        marker_in_flight, edits_in_flight = in_flight
        failures = []
        hot = {rec["id"] for rec in store.query()}
        for rid, want in self.known.items():
            rec = store.get(rid)
            if rec is None:
                failures.append(f"{rid} lost")
                continue
            if rec["rev"] == want["rev"] and _marker(rec) == want["marker"]:
                pass
            elif (
                rid in edits_in_flight
                and rec["rev"] == want["rev"] + 1
                and _marker(rec) == marker_in_flight
            ):
                want.update(rev=rec["rev"], marker=marker_in_flight)  # landed; line did not
            else:
                failures.append(f"{rid} rev {rec['rev']} {_marker(rec)} != {want}")
            if (rec.get("synced_rev") or 0) < self.synced.get(rid, 0):
                failures.append(f"{rid} lost its synced mark")
            wire_checked = every_wire or rid in hot
            if wire_checked and store.wire(rec) != model.canonical_json(model.wire_form(rec)):
                failures.append(f"{rid} wire bytes disagree with it")
        for rec in store.query():
            if rec["id"] not in self.known:
                if _marker(rec) != marker_in_flight:
                    failures.append(f"{rec['id']} appeared from nowhere ({_marker(rec)})")
                else:  # a create (or batch) that landed before its line was written
                    self.known[rec["id"]] = {"rev": rec["rev"], "marker": _marker(rec)}
        for key in ("walk-0", "walk-1", "walk-2"):
            held = (store.get_draft(key) or {}).get("marker")
            if held != self.drafts.get(key):
                if held != marker_in_flight:
                    failures.append(f"draft {key} holds {held}, not {self.drafts.get(key)}")
                else:
                    self.drafts[key] = held
        return failures


def _run_round(folder, seed: int, parent: _Parent, rng: random.Random) -> list[str]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.close(r)
            _Child(folder, w, seed, parent.known).run()
        finally:
            os._exit(0)
    os.close(w)
    # Kill at a random moment: let the child report a random number of returned operations
    # (0: it may still be opening the store), then wait a random fraction of a save more.
    # Waiting on the child's reports, not on the clock, keeps the test meaningful on a
    # loaded machine.
    target = rng.choice([0, 0, 1, 2, 3, 5, 8, 13])
    buffer = b""
    deadline = time.monotonic() + 30
    while buffer.count(b'"saved"') + buffer.count(b'"synced"') < target:
        ready, _, _ = select.select([r], [], [], 1.0)
        if ready:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buffer += chunk
        if time.monotonic() > deadline:
            break
    time.sleep(rng.random() * 0.004)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with os.fdopen(r, "rb") as pipe:
        return (buffer + pipe.read()).decode().splitlines()


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_sigkill_at_random_moments_never_loses_a_returned_save(data_dir):
    rng = random.Random(int(os.environ.get("GRIDTERM_CRASH_SEED", "20261125")))
    parent = _Parent()
    failures: list[str] = []
    for round_no in range(ROUNDS):
        lines = _run_round(data_dir, rng.randrange(1 << 30), parent, rng)
        in_flight = parent.take(lines)
        try:
            with Store.open(data_dir) as store:
                found = parent.check(store, in_flight, every_wire=round_no % 20 == 0)
                failures += [f"round {round_no}: {f}" for f in found]
        except Exception as exc:  # the store must always open
            failures.append(f"round {round_no}: open failed: {exc!r}")
        leftovers = [
            p.name for p in data_dir.rglob("*") if ".corrupt-" in p.name or p.name.endswith("-tmp")
        ]
        if leftovers:
            failures.append(
                f"round {round_no}: files left behind or treated as damaged: {leftovers}"
            )
        if failures:
            break
    assert failures == []
    # The run really exercised what it claims: many saves and folds, kills inside folds,
    # archiving, batches and drafts.
    assert parent.saves > ROUNDS and parent.folds > ROUNDS // 4
    assert parent.killed_in_fold >= ROUNDS // 50, parent.killed_in_fold
    assert parent.archived > 0 and (data_dir / "archive" / "households.json").exists()
    assert len(parent.known) > 100 and len(parent.drafts) == 3
