"""The officer's local store: TinyDB tables in a crash-safe, bounded-cost file layout.

A data folder holds::

    store.lock            the single-writer lock (flock); a second gridterm gets StoreLocked
    hot.json              TinyDB tables records, meta, drafts, roster: only what is live —
                          the outbox (unsent, needs attention) and open items
    archive/YYYY-MM.json  synced *and* closed records, one shard per month of created_at
    archive/households.json   synced, closed households (one small shard, see docs/store.md)
    archive/index.json    record id -> shard name (derived; rebuilt from the shards if lost)
    reference.json        what the township publishes (templates, households, mediators)

Every file is written the same way: a temp file in the same folder (created 0600), flush,
fsync, ``os.replace``, fsync the folder.  A save that returned is on disk; a kill at any
instant leaves the old file or the new one, never a torn one.  The parsed tables stay in
memory, so reads never touch the disk, and a save serialises only the hot file — its cost
does not grow with the archive.

Files are written one document per line so that ``--recover`` can salvage the lines of a
damaged file that still parse.

This module imports nothing from Textual or FastAPI.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from gridterm.core import model
from gridterm.core.errors import GridtermError

SCHEMA_VERSION = 1

HOT = "hot.json"
LOCK = "store.lock"
REFERENCE = "reference.json"
ARCHIVE_DIR = "archive"
INDEX = "index.json"
HOUSEHOLD_SHARD = "households"
TABLES = ("records", "meta", "drafts", "roster")
REFERENCE_KINDS = ("templates", "households", "mediators")
STATES = ("unsent", "attention", "sent", "open")

SHARD_CACHE_RECORDS = 20_000  # archived records kept parsed in memory (whole shards)

_TMP_SUFFIX = ".gridterm-tmp"
_CORRUPT = ".corrupt-"
_MONTH = re.compile(r"^(\d{4})-(\d{2})")


# ---------------------------------------------------------------------------- errors


class StoreError(GridtermError):
    key = "store.error"


class StoreLocked(StoreError):
    key = "store.locked"
    exit_code = 3


class StoreCorrupt(StoreError):
    key = "store.corrupt"
    exit_code = 4


class StoreTooNew(StoreError):
    key = "store.too_new"


class StoreClosed(StoreError):
    key = "store.closed"


class RecordNotFound(StoreError):
    key = "store.not_found"


class StoreUnavailable(StoreError):
    """The data folder cannot be used at all (not a folder, no permission, no locking)."""

    key = "store.unavailable"


class StoreWriteFailed(StoreError):
    """A save could not be written (disk full, read-only…); nothing was changed."""

    key = "store.write_failed"


class _Unreadable(Exception):
    """A file that does not parse as the tables it should hold (internal)."""


# ---------------------------------------------------------------------------- file format


def dump_tables(tables: dict[str, dict[str, Any]]) -> bytes:
    """Serialise ``{table: {doc_id: doc}}`` as valid JSON with one document per line."""
    lines = ["{"]
    names = list(tables)
    for ti, name in enumerate(names):
        lines.append(json.dumps(str(name), ensure_ascii=False) + ": {")
        docs = tables[name]
        last = len(docs) - 1
        for i, (doc_id, doc) in enumerate(docs.items()):
            lines.append(
                json.dumps(str(doc_id), ensure_ascii=False)
                + ": "
                + json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
                + ("," if i < last else "")
            )
        lines.append("}," if ti < len(names) - 1 else "}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def load_tables(raw: bytes, *, record_tables: Iterable[str] = ("records",)) -> dict:
    """Parse a tables file; raise ``_Unreadable`` with the reason when it is not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"not UTF-8 at byte {exc.start}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise _Unreadable("not a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise _Unreadable(f"table {name!r} is not an object")
        if name in record_tables:
            for doc_id, doc in table.items():
                if (
                    not isinstance(doc, dict)
                    or doc.get("id") != doc_id
                    or not isinstance(doc.get("kind"), str)
                    or not isinstance(doc.get("rev"), int)
                ):
                    raise _Unreadable(f"record {doc_id!r} in table {name!r} is malformed")
    return data


def salvage_tables(raw: bytes) -> tuple[dict, int, int]:
    """What can be read from a damaged tables file: (tables, records kept, lines dropped).

    Every document sits on its own line, so a truncated or partly garbled file still
    yields the lines that parse.  A record is kept only if its stored wire bytes agree with
    its content (or can stand in for it), so a garbled value is never taken for data.
    """
    decoder = json.JSONDecoder()
    tables: dict[str, dict[str, Any]] = {}
    current: str | None = None
    kept = dropped = 0
    header = re.compile(r'^("(?:[^"\\]|\\.)*"): \{$')
    for line_bytes in raw.split(b"\n"):
        try:
            line = line_bytes.decode("utf-8").strip()
        except UnicodeDecodeError:
            dropped += 1
            continue
        if line in ("", "{", "}", "},"):
            continue
        match = header.match(line)
        if match:
            try:
                current = json.loads(match.group(1))
            except json.JSONDecodeError:
                current = None
            if current is not None:
                tables.setdefault(current, {})
            continue
        if current is None:
            dropped += 1
            continue
        try:
            doc_id, end = decoder.raw_decode(line)
            rest = line[end:].lstrip()
            if not isinstance(doc_id, str) or not rest.startswith(":"):
                raise ValueError
            rest = rest[1:].strip()
            if rest.endswith(","):
                rest = rest[:-1]
            doc = json.loads(rest)
        except ValueError:
            dropped += 1
            continue
        if current == "records":
            doc = _salvage_record(doc_id, doc)
            if doc is None:
                dropped += 1
                continue
            kept += 1
        tables[current][doc_id] = doc
    return tables, kept, dropped


def _salvage_record(doc_id: str, doc: Any) -> dict | None:
    if not isinstance(doc, dict) or doc.get("id") != doc_id:
        return None
    wire = doc.get("_wire")
    try:
        if isinstance(wire, str) and _wire_text(doc) == wire:
            return doc
    except Exception:  # a garbled record may trip the model in any way
        pass
    # The content disagrees with the wire bytes: trust the wire bytes, which are exactly
    # what would have been sent, and keep the device-only keys only if they still make sense.
    try:
        sent = json.loads(wire) if isinstance(wire, str) else None
    except ValueError:
        sent = None
    if not isinstance(sent, dict) or sent.get("id") != doc_id:
        return None
    sent["_wire"] = wire
    synced = doc.get("synced_rev")
    sent["synced_rev"] = synced if isinstance(synced, int) and synced <= sent.get("rev", 0) else 0
    sent["sync_error"] = None
    sent["sync_state"] = _sync_state(sent)
    return sent


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to fsync a folder; the rename is still atomic
    finally:
        os.close(fd)


def _remove_temp_files(folder: Path) -> int:
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if path.name.startswith(".") and path.name.endswith(_TMP_SUFFIX):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def _move_aside(path: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}{_CORRUPT}{stamp}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}{_CORRUPT}{stamp}-{n}")
        n += 1
    os.rename(path, target)
    _fsync_dir(path.parent)
    return target


class FileStorage(Storage):
    """TinyDB storage that keeps the parsed tables in memory and writes crash-safely.

    ``read()`` hands TinyDB the in-memory tables (no disk access).  ``write()`` replaces
    the file atomically; if that fails, memory is reloaded from the file so it never holds
    a state the disk does not.  Inside ``batch()`` writes are deferred to one at the end.
    """

    def __init__(self, path: Path, data: dict | None = None) -> None:
        self.path = path
        self._data = {} if data is None else data
        self._batch = 0
        self._dirty = False

    def read(self) -> dict:
        return self._data

    def write(self, data: dict) -> None:
        self._data = data
        if self._batch:
            self._dirty = True
        else:
            self.commit()

    def commit(self) -> None:
        try:
            _atomic_write(self.path, dump_tables(self._data))
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, OSError):
                raise StoreWriteFailed(path=str(self.path), reason=_reason(exc)) from exc
            raise

    def _rollback(self) -> None:
        """Make memory what the file holds again (the last write that succeeded)."""
        try:
            self._data = load_tables(self.path.read_bytes())
        except FileNotFoundError:
            self._data = {}
        except (OSError, _Unreadable):
            pass  # cannot read it back either; the caller gets the write error

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        self._batch += 1
        try:
            yield
        except BaseException:
            self._batch -= 1
            self._dirty = False
            self._rollback()
            raise
        self._batch -= 1
        if self._batch == 0 and self._dirty:
            self._dirty = False
            self.commit()

    def close(self) -> None:
        pass


class _Table(Table):
    document_id_class = str  # records are keyed by their uuid; drafts and meta by name


class _TinyDB(TinyDB):
    table_class = _Table


# ---------------------------------------------------------------------------- records


def _wire_text(rec: dict) -> str:
    return model.canonical_json(model.wire_form(rec)).decode("utf-8")


def _sync_state(rec: dict) -> str:
    """``unsent`` | ``sent`` | ``attention`` (the service refused this rev: see sync_error)."""
    if rec.get("sync_error"):
        return "attention"
    return "sent" if rec.get("synced_rev") == rec.get("rev") else "unsent"


def state_of(rec: dict) -> str:
    """The outbox state of a record: ``unsent``, ``attention`` or ``sent``."""
    return _sync_state(rec)


def _matches(rec: dict, kind: str | None, state: str | None) -> bool:
    if kind is not None and rec.get("kind") != kind:
        return False
    if state is None:
        return True
    if state == "open":
        return not model.is_closed(rec)
    return state_of(rec) == state


def _instant(value: Any) -> float:
    """Seconds since the epoch of an ISO 8601 time (offsets honoured; naive means UTC)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return float("-inf")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _oldest_first(rec: dict) -> tuple:
    return (_instant(rec.get("updated_at")), rec.get("id", ""))


def _created_order(rec: dict) -> tuple:
    return (_instant(rec.get("created_at")), rec.get("id", ""))


def _shard_name(rec: dict) -> str:
    if rec.get("kind") == "household":
        return HOUSEHOLD_SHARD
    match = _MONTH.match(str(rec.get("created_at", "")))
    return f"{match.group(1)}-{match.group(2)}" if match else "undated"


def _copy(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_copy(v) for v in obj]
    return obj


# ---------------------------------------------------------------------------- migrations


def _migrate_to_1(tables: dict) -> None:
    """v1: the four tables exist, the device has an id, every record carries its wire
    bytes and its sync state."""
    for name in TABLES:
        tables.setdefault(name, {})
    meta = tables["meta"]
    if "device_id" not in meta:
        meta["device_id"] = {"value": str(uuid.uuid4())}
    for rec in tables["records"].values():
        rec.setdefault("synced_rev", 0)
        rec.setdefault("sync_error", None)
        if not isinstance(rec.get("_wire"), str):
            rec["_wire"] = _wire_text(rec)
        rec["sync_state"] = _sync_state(rec)


# target version -> function that brings the raw hot tables from version-1 to it, in place.
MIGRATIONS: dict[int, Callable[[dict], None]] = {1: _migrate_to_1}


# ---------------------------------------------------------------------------- lock


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _acquire_lock(folder: Path) -> int:
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreUnavailable(folder=str(folder), reason=_reason(exc)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise StoreLocked(folder=str(folder)) from None
        raise StoreUnavailable(folder=str(folder), reason=_reason(exc)) from None
    return fd


def _release_lock(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    with contextlib.suppress(OSError):
        os.close(fd)


# ---------------------------------------------------------------------------- the store


class Store:
    """The local store.  Open with ``Store.open(folder)``; one process at a time."""

    def __init__(self, folder: Path, lock_fd: int, tables: dict) -> None:
        self.folder = folder
        self._lock_fd: int | None = lock_fd
        self._mutex = threading.RLock()
        self._hot = FileStorage(folder / HOT, tables)
        self._db = _TinyDB(storage=lambda: self._hot)
        self._records = self._db.table("records")
        self._meta = self._db.table("meta")
        self._drafts = self._db.table("drafts")
        self._roster = self._db.table("roster")
        # Recently used shards stay parsed up to SHARD_CACHE_RECORDS; a query over a bigger
        # archive streams through the rest instead of keeping years of history in memory.
        self._shards: OrderedDict[str, FileStorage] = OrderedDict()
        self._index_storage: FileStorage | None = None
        self._reference_storage: FileStorage | None = None
        #: after ``recover=True`` salvaged a damaged file: {"copy", "records", "dropped"}
        self.recovered: dict | None = None
        self.drafts = _Facade(self, ("get_draft", "save_draft", "delete_draft"))
        self.roster = _Facade(self, ("list_mediators", "save_mediator"))
        self.reference = _Facade(self, ("templates", "households", "mediators", "save_reference"))

    # -- opening and closing

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None, recover: bool = False) -> Store:
        """Lock the data folder, check and migrate the hot file.

        Raises ``StoreLocked`` when another process holds the folder (nothing is touched),
        ``StoreCorrupt`` when the hot file does not parse (it is moved aside first) or when a
        moved-aside copy exists and ``recover`` is false, ``StoreTooNew`` for a newer schema.
        """
        if data_dir is None:
            from gridterm.core.paths import data_dir as default_dir

            data_dir = default_dir(None)
        folder = Path(data_dir).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreUnavailable(folder=str(folder), reason=_reason(exc)) from None
        lock_fd = _acquire_lock(folder)
        try:
            with contextlib.suppress(OSError):
                os.chmod(folder, 0o700)
            _remove_temp_files(folder)
            _remove_temp_files(folder / ARCHIVE_DIR)
            tables, recovered, fresh = cls._load_hot(folder, recover)
            store = cls(folder, lock_fd, tables)
            store.recovered = recovered
            store._migrate(force_write=fresh)
            return store
        except BaseException:
            _release_lock(lock_fd)
            raise

    @staticmethod
    def _load_hot(folder: Path, recover: bool) -> tuple[dict, dict | None, bool]:
        hot = folder / HOT
        try:
            raw = hot.read_bytes()
        except FileNotFoundError:
            raw = None
        if raw is not None:
            try:
                return load_tables(raw), None, False
            except _Unreadable as exc:
                copy = _move_aside(hot)
                if not recover:
                    raise StoreCorrupt(path=str(hot), copy=str(copy), reason=str(exc)) from None
                return Store._salvage(copy) + (True,)
        copies = sorted(folder.glob(HOT + _CORRUPT + "*"), key=lambda p: p.stat().st_mtime)
        if copies:
            if not recover:
                raise StoreCorrupt(
                    "store.corrupt_pending", folder=str(folder), copy=str(copies[-1])
                )
            return Store._salvage(copies[-1]) + (True,)
        return {}, None, True

    @staticmethod
    def _salvage(copy: Path) -> tuple[dict, dict]:
        tables, kept, dropped = salvage_tables(copy.read_bytes())
        tables = {name: tables.get(name, {}) for name in TABLES}
        return tables, {"copy": str(copy), "records": kept, "dropped": dropped}

    def _migrate(self, force_write: bool = False) -> None:
        tables = self._hot.read()
        meta = tables.setdefault("meta", {})
        doc = meta.get("schema_version")
        version = doc.get("value", 0) if isinstance(doc, dict) else 0
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise StoreTooNew(version=version, supported=SCHEMA_VERSION)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](tables)
            tables["meta"]["schema_version"] = {"value": target}
        if force_write or version < SCHEMA_VERSION:
            self._hot.write(tables)

    def close(self) -> None:
        with self._mutex:
            if self._lock_fd is not None:
                _release_lock(self._lock_fd)
                self._lock_fd = None

    @property
    def closed(self) -> bool:
        return self._lock_fd is None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        with self._mutex:
            if self._lock_fd is None:
                raise StoreClosed()
            yield

    # -- records

    def _device(self) -> tuple[str, str, str]:
        enrollment = self._meta_value("enrollment") or {}
        device = enrollment.get("device_id") or self._meta_value("device_id") or ""
        grid = (enrollment.get("grid") or {}).get("id", "")
        officer = (enrollment.get("officer") or {}).get("id", "")
        return str(device), str(grid or ""), str(officer or "")

    @staticmethod
    def _validated(rec: dict) -> dict:
        device_only = {k: rec[k] for k in model.DEVICE_ONLY if k in rec}
        clean = {k: v for k, v in rec.items() if k not in model.DEVICE_ONLY}
        out = model.validate_record(clean)
        out.update(device_only)
        return out

    def _raw(self, table: str) -> dict[str, Any]:
        """A hot table as held in memory (read-only use: callers copy what they hand out)."""
        return self._hot.read().get(table, {})

    def _put(self, table: Table, doc_id: str, doc: dict) -> None:
        """Insert or replace one document: one write (TinyDB's upsert may take two)."""
        if doc_id in self._raw(table.name):

            def replace(current: dict) -> None:
                current.clear()
                current.update(doc)

            table.update(replace, doc_ids=[doc_id])
        else:
            table.insert(Document(doc, doc_id=doc_id))

    def _hot_record(self, record_id: str) -> dict | None:
        return self._raw("records").get(record_id)

    def create(self, kind: str, data: dict, receipts: list | None = None) -> dict:
        """Validate and save a new record (rev 1, unsent); returns it as saved."""
        with self._guard():
            device, grid, officer = self._device()
            rec = model.new_record(
                kind,
                _copy(data),
                grid=grid,
                officer=officer,
                device=device,
                receipts=_copy(receipts) if receipts is not None else None,
            )
            rec = self._validated(rec)
            rec.update(synced_rev=0, sync_error=None, sync_state="unsent")
            rec["_wire"] = _wire_text(rec)
            self._records.insert(Document(rec, doc_id=rec["id"]))
            return _copy(rec)

    def update(
        self, record_id: str, data: dict | None = None, receipts: list | None = None
    ) -> dict:
        """Replace a record's ``data`` and/or ``receipts``; rev+1 when anything changed.

        An archived record that is edited comes back to the hot file (it is unsent again).
        """
        with self._guard():
            current = self._hot_record(record_id) or self._archived_record(record_id)
            if current is None:
                raise RecordNotFound(id=record_id)
            new = _copy(current)
            if data is not None:
                new["data"] = _copy(data)
            if receipts is not None:
                new["receipts"] = _copy(receipts)
            new = self._validated(new)
            if new.get("data") == current.get("data") and new.get("receipts") == current.get(
                "receipts"
            ):
                return _copy(current)
            new["rev"] = int(current["rev"]) + 1
            new["updated_at"] = model.now_iso()
            new["sync_error"] = None
            new["sync_state"] = _sync_state(new)
            new["_wire"] = _wire_text(new)
            self._put(self._records, record_id, new)
            return _copy(new)

    def get(self, record_id: str) -> dict | None:
        """The record with this id: the hot file first, then the archive."""
        with self._guard():
            rec = self._hot_record(record_id) or self._archived_record(record_id)
            return _copy(rec) if rec is not None else None

    def query(
        self, kind: str | None = None, state: str | None = None, archived: bool = False
    ) -> list[dict]:
        """Records of ``kind`` in ``state`` (unsent | attention | sent | open | None for all),
        oldest created first.  ``archived=True`` includes the archive (read on demand)."""
        if state is not None and state not in STATES:
            raise ValueError(f"unknown state {state!r}; use one of {', '.join(STATES)}")
        with self._guard():
            hot = self._raw("records")
            found = [_copy(r) for r in hot.values() if _matches(r, kind, state)]
            if archived:
                names = self._shard_names()
                if kind == "household":  # households live in their own shard
                    names = [n for n in names if n == HOUSEHOLD_SHARD]
                elif kind is not None:
                    names = [n for n in names if n != HOUSEHOLD_SHARD]
                seen: set[str] = set()
                for name in names:
                    for rec_id, rec in self._shard(name).read().get("records", {}).items():
                        if rec_id not in hot and rec_id not in seen and _matches(rec, kind, state):
                            seen.add(rec_id)
                            found.append(_copy(rec))
            found.sort(key=_created_order)
            return found

    def outbox(self) -> list[dict]:
        """Unsent and needs-attention records, oldest first (updated_at, then id)."""
        with self._guard():
            found = [
                r for r in self._raw("records").values() if state_of(r) in ("unsent", "attention")
            ]
            found.sort(key=_oldest_first)
            return [_copy(r) for r in found]

    def wire(self, rec: dict) -> bytes:
        """The exact bytes stored for ``rec``'s current rev: what the sync client sends."""
        with self._guard():
            stored = self._hot_record(rec["id"]) or self._archived_record(rec["id"])
            if stored is not None and stored.get("rev") == rec.get("rev"):
                return stored["_wire"].encode("utf-8")
            if isinstance(rec.get("_wire"), str):
                return rec["_wire"].encode("utf-8")
            raise RecordNotFound(id=rec["id"])

    def mark_synced(self, results: Iterable[dict]) -> int:
        """Record the service's answers ``[{"id","rev","result","error"}]`` in one write.

        ``stored``/``unchanged`` set ``synced_rev``; ``conflict``/``rejected`` put the record
        in "needs attention" with the reason — unless it was edited since (a newer rev is
        simply unsent).  Returns how many records changed.
        """
        with self._guard():
            hot = self._raw("records")
            by_id: dict[str, dict] = {}
            for result in results:
                rid, rev = result.get("id"), result.get("rev")
                if not isinstance(rev, int) or isinstance(rev, bool) or rid not in hot:
                    continue
                if rid not in by_id or rev >= by_id[rid]["rev"]:
                    by_id[rid] = result
            if not by_id:
                return 0

            def apply(doc: dict) -> None:
                result = by_id[doc["id"]]
                rev = int(result["rev"])
                if result.get("result") in ("stored", "unchanged"):
                    doc["synced_rev"] = max(int(doc.get("synced_rev") or 0), min(rev, doc["rev"]))
                    if rev >= doc["rev"]:
                        doc["sync_error"] = None
                elif result.get("result") in ("conflict", "rejected") and rev == doc["rev"]:
                    doc["sync_error"] = str(result.get("error") or result["result"])
                doc["sync_state"] = _sync_state(doc)

            self._records.update(apply, doc_ids=list(by_id))
            return len(by_id)

    def apply_updates(self, updates: Iterable[dict]) -> int:
        """Set the service-owned fields pulled from the township (one write per file touched).

        Reaches archived records too; one that is no longer closed (e.g. returned to the
        officer) comes back to the hot file.  An update older than what the record holds
        (lower ``seq``) is ignored.  Returns how many records changed.
        """
        with self._guard():
            owned = tuple(model.SERVICE_OWNED)
            hot = self._raw("records")
            hot_updates: dict[str, dict] = {}
            by_shard: dict[str, dict[str, dict]] = {}
            index = None
            for update in updates:
                rid = update.get("id")
                if not isinstance(rid, str):
                    continue
                if rid in hot:
                    hot_updates[rid] = update
                    continue
                if index is None:
                    index = self._index()
                shard = index.get(rid)
                if shard is not None:
                    by_shard.setdefault(shard, {})[rid] = update

            def newer(doc: dict, update: dict) -> bool:
                seq, have = update.get("seq"), doc.get("seq")
                return not (isinstance(seq, int) and isinstance(have, int) and seq < have)

            def apply(doc: dict, update: dict) -> None:
                for key in owned:
                    if key in update:
                        doc[key] = _copy(update[key])

            changed = 0
            reopened: list[dict] = []
            for name, ups in by_shard.items():
                storage = self._shard(name)
                records = storage.read().setdefault("records", {})
                touched = False
                for rid, update in ups.items():
                    doc = records.get(rid)
                    if doc is None or not newer(doc, update):
                        continue
                    apply(doc, update)
                    touched = True
                    changed += 1
                    if not model.is_closed(doc):
                        reopened.append(doc)
                if touched:
                    storage.write(storage.read())
            with self._hot.batch():
                if hot_updates:

                    def apply_hot(doc: dict) -> None:
                        update = hot_updates[doc["id"]]
                        if newer(doc, update):
                            apply(doc, update)

                    self._records.update(apply_hot, doc_ids=list(hot_updates))
                    changed += len(hot_updates)
                for doc in reopened:
                    self._records.insert(Document(_copy(doc), doc_id=doc["id"]))
            return changed

    def archive(
        self,
        now: str | None = None,
        before_move: Callable[[list[dict]], dict[str, Any]] | None = None,
    ) -> int:
        """Move records that are synced (this rev, no error) and closed to archive shards.

        Order: shards, then the index, then the hot file — a crash in between leaves a
        record in both places (the hot copy wins), never in neither.  Returns how many moved.

        ``before_move(records)`` may return meta values to set in the same write that takes
        the records out of the hot file: a digest of what is leaving (Home keeps each
        household's latest visit that way) is never lost and never ahead of the move.
        """
        with self._guard():
            hot = self._raw("records")
            moving = [
                rec for rec in hot.values() if state_of(rec) == "sent" and model.is_closed(rec)
            ]
            if not moving:
                return 0
            groups: dict[str, list[dict]] = {}
            for rec in moving:
                groups.setdefault(_shard_name(rec), []).append(rec)
            for name, recs in sorted(groups.items()):
                storage = self._shard(name, create=True)
                tables = storage.read()
                records = tables.setdefault("records", {})
                for rec in recs:
                    records[rec["id"]] = _copy(rec)
                storage.write(tables)
            index_storage = self._index_file()
            index_tables = index_storage.read()
            index = index_tables.setdefault("index", {})
            for name, recs in groups.items():
                for rec in recs:
                    index[rec["id"]] = name
            index_storage.write(index_tables)
            digest = before_move([_copy(rec) for rec in moving]) if before_move else {}
            with self._hot.batch():
                self._records.remove(doc_ids=[rec["id"] for rec in moving])
                for key, value in digest.items():
                    self._put(self._meta, key, {"value": _copy(value)})
                self._put(self._meta, "last_archive_at", {"value": now or model.now_iso()})
            return len(moving)

    # -- the archive (read lazily; never at open)

    def _archive_dir(self, create: bool = False) -> Path:
        folder = self.folder / ARCHIVE_DIR
        if create and not folder.exists():
            folder.mkdir(mode=0o700)
            with contextlib.suppress(OSError):
                os.chmod(folder, 0o700)
            _fsync_dir(self.folder)
        return folder

    def _shard_names(self) -> list[str]:
        folder = self._archive_dir()
        if not folder.is_dir():
            return []
        return sorted(
            p.name[: -len(".json")]
            for p in folder.glob("*.json")
            if p.name != INDEX and not p.name.startswith(".")
        )

    def _load_file(self, path: Path) -> FileStorage:
        """Load a lazily-read file; one that does not parse is moved aside and reported."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return FileStorage(path, {})
        try:
            return FileStorage(path, load_tables(raw))
        except _Unreadable as exc:
            copy = _move_aside(path)
            raise StoreCorrupt(
                "store.file_corrupt", path=str(path), copy=str(copy), reason=str(exc)
            ) from None

    def _shard(self, name: str, create: bool = False) -> FileStorage:
        storage = self._shards.get(name)
        if storage is None:
            folder = self._archive_dir(create=create)
            storage = self._load_file(folder / f"{name}.json")
            self._shards[name] = storage
            held = sum(len(st.read().get("records", {})) for st in self._shards.values())
            while held > SHARD_CACHE_RECORDS and len(self._shards) > 1:
                _, dropped = self._shards.popitem(last=False)
                held -= len(dropped.read().get("records", {}))
        else:
            self._shards.move_to_end(name)
        return storage

    def _index_file(self) -> FileStorage:
        if self._index_storage is None:
            path = self._archive_dir(create=True) / INDEX
            try:
                storage = FileStorage(path, load_tables(path.read_bytes()))
            except (FileNotFoundError, _Unreadable):
                # The index is derived data: rebuild it from the shards.
                index: dict[str, str] = {}
                for name in self._shard_names():
                    for rid in self._shard(name).read().get("records", {}):
                        index[rid] = name
                storage = FileStorage(path, {"index": index})
            self._index_storage = storage
        return self._index_storage

    def _index(self) -> dict[str, str]:
        if not self._archive_dir().is_dir():
            return {}
        return self._index_file().read().get("index", {})

    def _archived_record(self, record_id: str) -> dict | None:
        name = self._index().get(record_id)
        if name is None:
            return None
        return self._shard(name).read().get("records", {}).get(record_id)

    # -- meta

    def _meta_value(self, key: str, default: Any = None) -> Any:
        doc = self._raw("meta").get(key)
        return doc.get("value", default) if isinstance(doc, dict) else default

    def meta_get(self, key: str, default: Any = None) -> Any:
        with self._guard():
            return _copy(self._meta_value(key, default))

    def meta_set(self, key: str, value: Any) -> None:
        with self._guard():
            self._put(self._meta, key, {"value": _copy(value)})

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Several saves in one write of the hot file (building a big queue, importing).

        Nothing inside is on disk until the block ends; an exception inside undoes it all.
        """
        with self._guard(), self._hot.batch():
            yield

    def meta_update(self, values: dict[str, Any]) -> None:
        """Set several meta keys in one write."""
        with self._guard(), self._hot.batch():
            for key, value in values.items():
                self._put(self._meta, key, {"value": _copy(value)})

    # -- drafts (unsaved forms survive a crash or a closed app)

    def get_draft(self, key: str, default: Any = None) -> Any:
        with self._guard():
            doc = self._raw("drafts").get(key)
            return default if doc is None else _copy(doc.get("value"))

    def save_draft(self, key: str, value: Any) -> None:
        with self._guard():
            self._put(self._drafts, key, {"value": _copy(value)})

    def delete_draft(self, key: str) -> None:
        with self._guard():
            if key in self._raw("drafts"):
                self._drafts.remove(doc_ids=[key])

    # -- roster of mediators (kept by the officer) and the township's reference data

    def list_mediators(self) -> list[dict]:
        """The officer's own roster, then the township's mediators not already in it."""
        with self._guard():
            mine = [_copy(m) for m in self._raw("roster").values()]
            ids = {m.get("id") for m in mine}
            theirs = [m for m in self._reference_list("mediators") if m.get("id") not in ids]
            return mine + theirs

    def save_mediator(self, mediator: dict) -> dict:
        with self._guard():
            name = mediator.get("name") if isinstance(mediator, dict) else None
            if not isinstance(name, str) or not name.strip():
                raise StoreError("store.mediator_name")
            m = _copy(mediator)
            m["name"] = name.strip()
            m.setdefault("id", str(uuid.uuid4()))
            self._put(self._roster, m["id"], m)
            return _copy(m)

    def _reference(self) -> FileStorage:
        if self._reference_storage is None:
            self._reference_storage = self._load_file(self.folder / REFERENCE)
        return self._reference_storage

    def _reference_list(self, kind: str) -> list[dict]:
        table = self._reference().read().get(kind, {})
        return [
            _copy(item) for _, item in sorted(table.items(), key=lambda kv: (len(kv[0]), kv[0]))
        ]

    def templates(self) -> list[dict]:
        with self._guard():
            return self._reference_list("templates")

    def households(self) -> list[dict]:
        with self._guard():
            return self._reference_list("households")

    def mediators(self) -> list[dict]:
        with self._guard():
            return self._reference_list("mediators")

    def save_reference(self, kind: str, items: Iterable[dict]) -> None:
        """Replace the township's ``kind`` (templates | households | mediators) in one write."""
        if kind not in REFERENCE_KINDS:
            raise ValueError(f"unknown reference kind {kind!r}; use one of {REFERENCE_KINDS}")
        with self._guard():
            storage = self._reference()
            tables = dict(storage.read())
            tables[kind] = {str(i): _copy(item) for i, item in enumerate(items)}
            storage.write(tables)


class _Facade:
    """``store.drafts.get_draft(...)`` and ``store.get_draft(...)`` are the same call."""

    def __init__(self, store: Store, names: tuple[str, ...]) -> None:
        for name in names:
            setattr(self, name, getattr(store, name))
