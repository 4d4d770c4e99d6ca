"""The records: save, read, query, the outbox, the service's answers, and archiving.

Records live in the hot file while they are unsent, need attention or are open; synced and
closed ones move to the archive (:mod:`gridterm.core.store.archive`).  A record in both
places (a crash between the two writes of :meth:`RecordBook.archive`) is read from the hot
file: the hot copy wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any

from gridterm.core import model
from gridterm.core.store.archive import Archive
from gridterm.core.store.errors import RecordNotFound
from gridterm.core.store.hot import HotFile, copy_json
from gridterm.core.store.meta import Meta
from gridterm.core.store.outbox import (
    STATES,
    created_order,
    matches,
    oldest_first,
    state_of,
    sync_state,
    wire_text,
)

Record = dict[str, Any]
# ``before_move(records)`` of :meth:`RecordBook.archive`: meta values to set in the same write.
BeforeMove = Callable[[list[Record]], Mapping[str, Any]]


def _validated(rec: Record) -> Record:
    device_only = {k: rec[k] for k in model.DEVICE_ONLY if k in rec}
    clean = {k: v for k, v in rec.items() if k not in model.DEVICE_ONLY}
    out = model.validate_record(clean)
    out.update(device_only)
    return out


def _newer(doc: Mapping[str, Any], update: Mapping[str, Any]) -> bool:
    """An update older than what the record holds (a lower ``seq``) is ignored."""
    seq, have = update.get("seq"), doc.get("seq")
    return not (isinstance(seq, int) and isinstance(have, int) and seq < have)


def _apply_owned(doc: MutableMapping[str, Any], update: Mapping[str, Any]) -> None:
    for key in model.SERVICE_OWNED:
        if key in update:
            doc[key] = copy_json(update[key])


class RecordBook:
    """Record operations over the hot file and the archive (the base of ``Store``)."""

    def __init__(self, hot: HotFile, archive: Archive, meta: Meta) -> None:
        self._hot = hot
        self._archive = archive
        self._meta = meta

    def _device(self) -> tuple[str, str, str]:
        enrollment = self._meta.value("enrollment") or {}
        device = enrollment.get("device_id") or self._meta.value("device_id") or ""
        grid = (enrollment.get("grid") or {}).get("id", "")
        officer = (enrollment.get("officer") or {}).get("id", "")
        return str(device), str(grid or ""), str(officer or "")

    def _stored(self, record_id: str) -> Record | None:
        """The record as held in memory: the hot file first, then the archive."""
        return self._hot.raw("records").get(record_id) or self._archive.record(record_id)

    def create(self, kind: str, data: Record, receipts: list[Record] | None = None) -> Record:
        """Validate and save a new record (rev 1, unsent); returns it as saved."""
        with self._hot.writing():
            device, grid, officer = self._device()
            rec = model.new_record(
                kind,
                copy_json(data),
                grid=grid,
                officer=officer,
                device=device,
                receipts=copy_json(receipts) if receipts is not None else None,
            )
            rec = _validated(rec)
            rec.update(synced_rev=0, sync_error=None, sync_state="unsent")
            rec["_wire"] = wire_text(rec)
            self._hot.insert("records", rec["id"], rec)
            return copy_json(rec)

    def update(
        self, record_id: str, data: Record | None = None, receipts: list[Record] | None = None
    ) -> Record:
        """Replace a record's ``data`` and/or ``receipts``; rev+1 when anything changed.

        An archived record that is edited comes back to the hot file (it is unsent again).
        """
        with self._hot.writing():
            current = self._stored(record_id)
            if current is None:
                raise RecordNotFound(id=record_id)
            new = copy_json(current)
            if data is not None:
                new["data"] = copy_json(data)
            if receipts is not None:
                new["receipts"] = copy_json(receipts)
            new = _validated(new)
            if new.get("data") == current.get("data") and new.get("receipts") == current.get(
                "receipts"
            ):
                return copy_json(current)
            new["rev"] = int(current["rev"]) + 1
            new["updated_at"] = model.now_iso()
            new["sync_error"] = None
            new["sync_state"] = sync_state(new)
            new["_wire"] = wire_text(new)
            self._hot.put("records", record_id, new)
            return copy_json(new)

    def get(self, record_id: str) -> Record | None:
        """The record with this id: the hot file first, then the archive."""
        with self._hot.guard():
            rec = self._stored(record_id)
            return copy_json(rec) if rec is not None else None

    def query(
        self, kind: str | None = None, state: str | None = None, archived: bool = False
    ) -> list[Record]:
        """Records of ``kind`` in ``state`` (unsent | attention | sent | open | None for all),
        oldest created first.  ``archived=True`` includes the archive (read on demand)."""
        if state is not None and state not in STATES:
            raise ValueError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
        with self._hot.guard():
            hot = self._hot.raw("records")
            found = [copy_json(r) for r in hot.values() if matches(r, kind, state)]
            if archived:
                seen: set[str] = set()
                for name in self._archive.shard_names(kind):
                    for rec_id, rec in self._archive.records_of(name).items():
                        if rec_id not in hot and rec_id not in seen and matches(rec, kind, state):
                            seen.add(rec_id)
                            found.append(copy_json(rec))
            found.sort(key=created_order)
            return found

    def outbox(self) -> list[Record]:
        """Unsent and needs-attention records, oldest first (updated_at, then id)."""
        with self._hot.guard():
            found = [
                r
                for r in self._hot.raw("records").values()
                if state_of(r) in ("unsent", "attention")
            ]
            found.sort(key=oldest_first)
            return [copy_json(r) for r in found]

    def wire(self, rec: Mapping[str, Any]) -> bytes:
        """The exact bytes stored for ``rec``'s current rev: what the sync client sends."""
        with self._hot.guard():
            stored = self._stored(rec["id"])
            if stored is not None and stored.get("rev") == rec.get("rev"):
                return stored["_wire"].encode("utf-8")
            if isinstance(rec.get("_wire"), str):
                return rec["_wire"].encode("utf-8")
            raise RecordNotFound(id=rec["id"])

    def mark_synced(self, results: Iterable[Mapping[str, Any]]) -> int:
        """Record the service's answers ``[{"id","rev","result","error"}]`` in one write.

        ``stored``/``unchanged`` set ``synced_rev``; ``conflict``/``rejected`` put the record
        in "needs attention" with the reason — unless it was edited since (a newer rev is
        simply unsent).  Returns how many records changed.
        """
        with self._hot.writing():
            hot = self._hot.raw("records")
            by_id: dict[str, Mapping[str, Any]] = {}
            for result in results:
                rid, rev = result.get("id"), result.get("rev")
                if not isinstance(rev, int) or isinstance(rev, bool) or rid not in hot:
                    continue
                if rid not in by_id or rev >= by_id[rid]["rev"]:
                    by_id[rid] = result
            if not by_id:
                return 0

            def apply(doc: MutableMapping[str, Any]) -> None:
                result = by_id[doc["id"]]
                rev = int(result["rev"])
                if result.get("result") in ("stored", "unchanged"):
                    doc["synced_rev"] = max(int(doc.get("synced_rev") or 0), min(rev, doc["rev"]))
                    if rev >= doc["rev"]:
                        doc["sync_error"] = None
                elif result.get("result") in ("conflict", "rejected") and rev == doc["rev"]:
                    doc["sync_error"] = str(result.get("error") or result["result"])
                doc["sync_state"] = sync_state(doc)

            self._hot.update("records", apply, by_id)
            return len(by_id)

    def apply_updates(self, updates: Iterable[Mapping[str, Any]]) -> int:
        """Set the service-owned fields pulled from the township (one write per file touched).

        Reaches archived records too; one that is no longer closed (e.g. returned to the
        officer) comes back to the hot file.  An update older than what the record holds
        (lower ``seq``) is ignored.  Returns how many records changed.
        """
        with self._hot.writing():
            hot_updates, by_shard = self._place_updates(updates)
            changed, reopened = self._update_archived(by_shard)
            with self._hot.batch():
                if hot_updates:

                    def apply_hot(doc: MutableMapping[str, Any]) -> None:
                        update = hot_updates[doc["id"]]
                        if _newer(doc, update):
                            _apply_owned(doc, update)

                    self._hot.update("records", apply_hot, hot_updates)
                    changed += len(hot_updates)
                for doc in reopened:
                    self._hot.insert("records", doc["id"], copy_json(doc))
            return changed

    def _place_updates(
        self, updates: Iterable[Mapping[str, Any]]
    ) -> tuple[dict[str, Mapping[str, Any]], dict[str, dict[str, Mapping[str, Any]]]]:
        """Updates by where their record is: the hot file, or an archive shard (by name)."""
        hot = self._hot.raw("records")
        hot_updates: dict[str, Mapping[str, Any]] = {}
        by_shard: dict[str, dict[str, Mapping[str, Any]]] = {}
        index = None
        for update in updates:
            rid = update.get("id")
            if not isinstance(rid, str):
                continue
            if rid in hot:
                hot_updates[rid] = update
                continue
            if index is None:
                index = self._archive.index()
            shard = index.get(rid)
            if shard is not None:
                by_shard.setdefault(shard, {})[rid] = update
        return hot_updates, by_shard

    def _update_archived(
        self, by_shard: dict[str, dict[str, Mapping[str, Any]]]
    ) -> tuple[int, list[Record]]:
        """Apply updates to archived records, one write per shard touched.

        Returns how many changed, and those no longer closed (they go back to the hot file).
        """
        changed = 0
        reopened: list[Record] = []
        for name, ups in by_shard.items():
            storage = self._archive.shard(name)
            records = storage.read().setdefault("records", {})
            touched = False
            for rid, update in ups.items():
                doc = records.get(rid)
                if doc is None or not _newer(doc, update):
                    continue
                _apply_owned(doc, update)
                touched = True
                changed += 1
                if not model.is_closed(doc):
                    reopened.append(doc)
            if touched:
                storage.write(storage.read())
        return changed, reopened

    def archive(self, now: str | None = None, before_move: BeforeMove | None = None) -> int:
        """Move records that are synced (this rev, no error) and closed to archive shards.

        Order: shards, then the index, then the hot file — a crash in between leaves a
        record in both places (the hot copy wins), never in neither.  Returns how many moved.

        ``before_move(records)`` may return meta values to set in the same write that takes
        the records out of the hot file: a digest of what is leaving (Home keeps each
        household's latest visit that way) is never lost and never ahead of the move.
        """
        with self._hot.writing():
            moving = [
                rec
                for rec in self._hot.raw("records").values()
                if state_of(rec) == "sent" and model.is_closed(rec)
            ]
            if not moving:
                return 0
            self._archive.add(moving)
            digest = before_move([copy_json(rec) for rec in moving]) if before_move else {}
            with self._hot.batch():
                self._hot.remove("records", [rec["id"] for rec in moving])
                for key, value in digest.items():
                    self._hot.put("meta", key, {"value": copy_json(value)})
                self._hot.put("meta", "last_archive_at", {"value": now or model.now_iso()})
            return len(moving)
