"""The store's files: one JSON document per line, written crash-safely, read whole.

Every file is written the same way: a temp file in the same folder (created 0600), flush,
fsync, ``os.replace``, fsync the folder.  A save that returned is on disk; a kill at any
instant leaves the old file or the new one, never a torn one.  Files are written one
document per line so that ``--recover`` can salvage the lines of a damaged file that still
parse.  :class:`FileStorage` holds a file's tables in memory for TinyDB.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from gridterm.core.store.errors import StoreCorrupt, StoreWriteFailed, Unreadable, reason
from gridterm.core.store.outbox import sync_state, wire_text

# A file's tables: ``{table name: {document id: document}}``.
Tables = dict[str, dict[str, Any]]

HOT = "hot.json"  # the hot set's snapshot (see hot.py)
TMP_SUFFIX = ".gridterm-tmp"
CORRUPT = ".corrupt-"


# ---------------------------------------------------------------------------- the format


def dump_tables(tables: Tables) -> bytes:
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


def load_tables(raw: bytes, *, record_tables: Iterable[str] = ("records",)) -> Tables:
    """Parse a tables file; raise ``Unreadable`` with the reason when it is not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"not UTF-8 at byte {exc.start}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise Unreadable("not a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise Unreadable(f"table {name!r} is not an object")
        if name in record_tables:
            for doc_id, doc in table.items():
                if (
                    not isinstance(doc, dict)
                    or doc.get("id") != doc_id
                    or not isinstance(doc.get("kind"), str)
                    or not isinstance(doc.get("rev"), int)
                ):
                    raise Unreadable(f"record {doc_id!r} in table {name!r} is malformed")
    return data


def salvage_tables(raw: bytes) -> tuple[Tables, int, int]:
    """What can be read from a damaged tables file: (tables, records kept, lines dropped).

    Every document sits on its own line, so a truncated or partly garbled file still
    yields the lines that parse.  A record is kept only if its stored wire bytes agree with
    its content (or can stand in for it), so a garbled value is never taken for data.
    """
    decoder = json.JSONDecoder()
    tables: Tables = {}
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


def _salvage_record(doc_id: str, doc: Any) -> dict[str, Any] | None:
    if not isinstance(doc, dict) or doc.get("id") != doc_id:
        return None
    wire = doc.get("_wire")
    try:
        if isinstance(wire, str) and wire_text(doc) == wire:
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
    sent["sync_state"] = sync_state(sent)
    return sent


# ---------------------------------------------------------------------------- writing


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: temp file, fsync, rename, fsync the folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
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
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
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


def remove_temp_files(folder: Path) -> int:
    """Delete temp files a killed write left behind (they were never renamed into place)."""
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if path.name.startswith(".") and path.name.endswith(TMP_SUFFIX):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def move_aside(path: Path) -> Path:
    """Rename a damaged file out of the way (kept for recovery); returns the new path."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}{CORRUPT}{stamp}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}{CORRUPT}{stamp}-{n}")
        n += 1
    os.rename(path, target)
    fsync_dir(path.parent)
    return target


# ---------------------------------------------------------------------------- in memory


class FileStorage(Storage):
    """TinyDB storage that keeps the parsed tables in memory and writes crash-safely.

    ``read()`` hands TinyDB the in-memory tables (no disk access).  ``write()`` replaces
    the file atomically; if that fails, memory is reloaded from the file so it never holds
    a state the disk does not.  Inside ``batch()`` writes are deferred to one at the end.
    """

    def __init__(self, path: Path, data: Tables | None = None) -> None:
        self.path = path
        self._data: Tables = {} if data is None else data
        self._batch = 0
        self._dirty = False

    def read(self) -> Tables:
        return self._data

    def write(self, data: Tables) -> None:
        self._data = data
        if self._batch:
            self._dirty = True
        else:
            self.commit()

    def commit(self) -> None:
        try:
            atomic_write(self.path, dump_tables(self._data))
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, OSError):
                raise StoreWriteFailed(path=str(self.path), reason=reason(exc)) from exc
            raise

    def _rollback(self) -> None:
        """Make memory what the file holds again (the last write that succeeded)."""
        try:
            self._data = load_tables(self.path.read_bytes())
        except FileNotFoundError:
            self._data = {}
        except (OSError, Unreadable):
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


def load_file(path: Path, read_only: bool = False) -> FileStorage:
    """Load a lazily-read file; one that does not parse is moved aside (by a writer) and
    reported."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return FileStorage(path, {})
    try:
        return FileStorage(path, load_tables(raw))
    except Unreadable as exc:
        if read_only:
            raise StoreCorrupt("journal.seen_damaged", path=str(path), reason=str(exc)) from None
        copy = move_aside(path)
        raise StoreCorrupt(
            "store.file_corrupt", path=str(path), copy=str(copy), reason=str(exc)
        ) from None
