"""The photos' part of the outbox: what waits to be sent, how many bytes are left, and what
needs the officer (a photo missing on disk, one the service refused).

A photo is looked at through the records that name it: those in the store's hot file (the
outbox and open items) and those its ``pending`` entry lists (a record archived since).  A
photo waits for its record: it is sent once the record's current rev is (the uploader's
rule, :func:`ready`), so a record never waits for a photo.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from typing import Any

from gridterm.core.attachments.content import Contents, Pending
from gridterm.core.attachments.settings import photo_settings
from gridterm.core.i18n import t
from gridterm.core.store.outbox import state_of

Record = dict[str, Any]


@dataclass
class PhotoProblem:
    record_id: str
    kind: str
    sha256: str
    name: str
    reason: str  # "missing" | the service's refusal code
    message: str


@dataclass
class Waiting:
    """One photo to send, with the record it is sent after."""

    sha256: str
    name: str
    size: int
    received: int
    record: Record
    ready: bool  # its record's current rev is on the service


@dataclass
class PhotoQueue:
    waiting: list[Waiting] = field(default_factory=list)
    attention: list[PhotoProblem] = field(default_factory=list)

    @property
    def bytes_left(self) -> int:
        return sum(max(0, w.size - w.received) for w in self.waiting)

    def by_record(self) -> dict[str, tuple[int, int]]:
        """``{record id: (photos waiting, bytes left)}``."""
        out: dict[str, tuple[int, int]] = {}
        for w in self.waiting:
            n, left = out.get(w.record["id"], (0, 0))
            out[w.record["id"]] = (n + 1, left + max(0, w.size - w.received))
        return out


def ready(record: Mapping[str, Any]) -> bool:
    """Is the record's current rev on the service (so its photos may follow)?"""
    return state_of(record) == "sent"


def photos(record: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for entry in (record.get("data") or {}).get("attachments") or []:
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str):
            yield entry


def records_with_photos(store: Any, pending: list[Pending]) -> list[Record]:
    """Records that name a photo: the hot file's, then those pending photos list (archived)."""
    found = {r["id"]: r for r in store.query() if any(True for _ in photos(r))}
    for entry in pending:
        for record_id in entry.records:
            if record_id not in found:
                record = store.get(record_id)
                if record is not None:
                    found[record_id] = record
    return sorted(found.values(), key=lambda r: (str(r.get("updated_at")), r["id"]))


def photo_queue(store: Any, contents: Contents) -> PhotoQueue:
    """Every photo a record on the device names that the service does not hold yet."""
    pending = contents.all_pending()
    by_sha = {p.sha256: p for p in pending}
    queue = PhotoQueue()
    seen: set[str] = set()
    for record in records_with_photos(store, pending):
        for entry in photos(record):
            sha = entry["sha256"]
            if sha in seen:
                continue
            try:
                state = contents.state(sha)
            except ValueError:
                continue  # not a hash: the model refuses such a record anyway
            if state == "sent":
                continue
            seen.add(sha)
            name = str(entry.get("name") or sha[:12])
            held = by_sha.get(sha)
            if state == "missing":
                queue.attention.append(_problem(record, sha, name, None))
            elif held is not None and held.error:
                queue.attention.append(_problem(record, sha, name, held.error))
            else:
                size = contents.size(sha) or int(entry.get("size") or 0)
                received = held.received if held is not None else 0
                queue.waiting.append(Waiting(sha, name, size, received, record, ready(record)))
    return queue


def prune(store: Any, contents: Contents, now: datetime | None = None) -> int:
    """Free the space the officer's setting allows (keep N days after the service confirmed),
    and that of photos no record names for a month."""
    keep_days = photo_settings(store).keep_days
    return contents.prune(keep_days, now or datetime.now(timezone.utc), partial(named, store))


def named(store: Any, entry: Pending) -> bool:
    """Does a record still name this pending photo (the prune's question)?"""
    for record_id in entry.records:
        record = store.get(record_id)
        if record is not None and any(p["sha256"] == entry.sha256 for p in photos(record)):
            return True
    return any(p["sha256"] == entry.sha256 for r in store.query() for p in photos(r))


def _problem(
    record: Record, sha: str, name: str, refusal: Mapping[str, str] | None
) -> PhotoProblem:
    if refusal is None:
        message = t("evidence.attention.missing", name=name)
        return PhotoProblem(record["id"], str(record.get("kind")), sha, name, "missing", message)
    code = str(refusal.get("code") or "")
    key = f"evidence.refusal.{code}"
    reason = t(key)
    if reason == key:  # a refusal this version has no words for: the service's own
        reason = str(refusal.get("message") or code)
    message = t("evidence.attention.refused", name=name, reason=reason)
    return PhotoProblem(record["id"], str(record.get("kind")), sha, name, code, message)
