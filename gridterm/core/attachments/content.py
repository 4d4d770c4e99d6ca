"""The device's photos, by content: one file per SHA-256, in the data folder beside the store.

::

    attachments/objects/ab/<sha256>   the bytes as they will be sent (0600), named by their hash
    attachments/pending/<sha256>.json not yet confirmed by the service: name, size, type, when
                                      added, the records that name it, the service's refusal
    attachments/sent/<sha256>         the service confirmed it whole; holds the time it did

Every file is written as the store writes its own (``gridterm.core.store.files.atomic_write``:
a temp file, fsync, rename, fsync the folder), so a kill at any instant leaves a photo whole
or absent, never torn.  The order of writes keeps the states honest: the bytes before their
``pending`` entry; ``sent`` before the ``pending`` entry is removed (both there: sent wins).
Only the process holding the store's lock writes here (``gridterm attach``, ``gridterm
sync`` and the app each open the store first).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from gridterm.core.store.files import atomic_write, fsync_dir, remove_temp_files

FOLDER = "attachments"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_READ_BLOCK = 1024 * 1024


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Pending:
    """A photo on the device the service has not confirmed yet."""

    sha256: str
    name: str
    size: int
    type: str
    added_at: str
    records: list[str] = field(default_factory=list)
    #: why the service refused it (``{"code", "message"}``), until it is attached again
    error: dict[str, str] | None = None
    #: bytes the service held when this device last asked (the queue's "bytes left")
    received: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "type": self.type,
            "added_at": self.added_at,
            "records": self.records,
            "error": self.error,
            "received": self.received,
        }


class Contents:
    """The photo files of one data folder (``Contents(store.folder)``)."""

    def __init__(self, data_dir: str | os.PathLike[str]) -> None:
        self.root = Path(data_dir) / FOLDER
        self.objects = self.root / "objects"
        self.pending_dir = self.root / "pending"
        self.sent_dir = self.root / "sent"

    # -- paths -----------------------------------------------------------------------------

    def object_path(self, sha: str) -> Path:
        _check_sha(sha)
        return self.objects / sha[:2] / sha

    def _pending_path(self, sha: str) -> Path:
        _check_sha(sha)
        return self.pending_dir / f"{sha}.json"

    def _sent_path(self, sha: str) -> Path:
        _check_sha(sha)
        return self.sent_dir / sha

    def _folder(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    # -- adding ----------------------------------------------------------------------------

    def add(self, data: bytes, *, name: str, type: str, now: str, record: str | None = None) -> str:
        """Keep ``data`` (once, whatever how often it is added); returns its SHA-256.

        A photo the service already confirmed is not queued again.
        """
        sha = sha256_of(data)
        path = self.object_path(sha)
        if not path.exists() or path.stat().st_size != len(data):
            self._folder(path.parent)
            atomic_write(path, data)
        if self.is_sent(sha):
            return sha
        entry = self.pending(sha) or Pending(sha, name, len(data), type, now)
        if record and record not in entry.records:
            entry.records.append(record)
        entry.error = None  # attached again: worth another try
        self._write_pending(entry)
        return sha

    def claim(self, sha: str, record: str) -> None:
        """Note that ``record`` names this photo (so it is sent once the record is)."""
        entry = self.pending(sha)
        if entry is not None and record not in entry.records:
            entry.records.append(record)
            self._write_pending(entry)

    def _write_pending(self, entry: Pending) -> None:
        self._folder(self.pending_dir)
        text = json.dumps(entry.as_json(), ensure_ascii=False, sort_keys=True)
        atomic_write(self._pending_path(entry.sha256), text.encode("utf-8"))

    # -- reading ---------------------------------------------------------------------------

    def has(self, sha: str) -> bool:
        return self.object_path(sha).is_file()

    def is_sent(self, sha: str) -> bool:
        return self._sent_path(sha).exists()

    def state(self, sha: str) -> str:
        """``sent`` (the service has it), ``waiting`` (here, to send) or ``missing``."""
        if self.is_sent(sha):
            return "sent"
        return "waiting" if self.has(sha) else "missing"

    def size(self, sha: str) -> int | None:
        try:
            return self.object_path(sha).stat().st_size
        except OSError:
            return None

    def open(self, sha: str) -> BinaryIO:
        return self.object_path(sha).open("rb")

    def read(self, sha: str) -> bytes:
        return self.object_path(sha).read_bytes()

    def intact(self, sha: str) -> bool:
        """Do the bytes on disk still hash to their name (a damaged card, a bad copy)?"""
        digest = hashlib.sha256()
        try:
            with self.open(sha) as fh:
                for block in iter(lambda: fh.read(_READ_BLOCK), b""):
                    digest.update(block)
        except OSError:
            return False
        return digest.hexdigest() == sha

    def pending(self, sha: str) -> Pending | None:
        try:
            raw = json.loads(self._pending_path(sha).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return _pending_from(sha, raw)

    def all_pending(self) -> list[Pending]:
        """What waits for the service, oldest added first (a confirmed one is skipped)."""
        found = []
        for sha in self._names(self.pending_dir, ".json"):
            if self.is_sent(sha):
                self._drop_pending(sha)  # a kill between "sent" and this cleanup
                continue
            entry = self.pending(sha)
            if entry is not None:
                found.append(entry)
        found.sort(key=lambda p: (p.added_at, p.sha256))
        return found

    def _names(self, folder: Path, suffix: str = "") -> Iterator[str]:
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            sha = name[: -len(suffix)] if suffix and name.endswith(suffix) else name
            if _SHA.match(sha) and name == sha + suffix:
                yield sha

    # -- the service's answers ---------------------------------------------------------------

    def mark_sent(self, sha: str, now: str) -> None:
        self._folder(self.sent_dir)
        atomic_write(self._sent_path(sha), now.encode("ascii"))
        self._drop_pending(sha)

    def note_refused(self, sha: str, code: str, message: str) -> None:
        entry = self.pending(sha)
        if entry is not None:
            entry.error = {"code": code, "message": message}
            self._write_pending(entry)

    def note_received(self, sha: str, received: int) -> None:
        entry = self.pending(sha)
        if entry is not None and entry.received != received:
            entry.received = received
            self._write_pending(entry)

    def _drop_pending(self, sha: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._pending_path(sha).unlink()
            fsync_dir(self.pending_dir)

    # -- removing --------------------------------------------------------------------------

    def forget(self, sha: str) -> bool:
        """Remove a photo nobody sent (taken off before it went); False once it was sent."""
        if self.is_sent(sha):
            return False
        self._drop_pending(sha)
        with contextlib.suppress(FileNotFoundError):
            self.object_path(sha).unlink()
        return True

    def prune(
        self,
        keep_days: int | None,
        now: datetime,
        named: Callable[[Pending], bool],
        unnamed_days: int = 30,
    ) -> int:
        """Free the space of photos the service confirmed more than ``keep_days`` ago (None:
        keep them), and of unsent photos that no record names (``named``) and that were added
        more than ``unnamed_days`` ago (a form left unsaved, a photo taken off before it was
        sent).  Returns how many photos were removed."""
        removed = 0
        if keep_days is not None:
            horizon = now - timedelta(days=keep_days)
            for sha in list(self._names(self.sent_dir)):
                when = _time(self._sent_path(sha))
                if when is not None and when <= horizon and self.has(sha):
                    self.object_path(sha).unlink()
                    removed += 1
        horizon = now - timedelta(days=unnamed_days)
        for entry in self.all_pending():
            added = _parse(entry.added_at)
            if added is not None and added <= horizon and not named(entry):
                removed += int(self.forget(entry.sha256))
        remove_temp_files(self.root)
        return removed


def _check_sha(sha: str) -> None:
    # A name from a record reaches the file system only if it is exactly a SHA-256.
    if not isinstance(sha, str) or _SHA.match(sha) is None:
        raise ValueError(f"not a SHA-256: {sha!r}")


def _pending_from(sha: str, raw: Any) -> Pending | None:
    if not isinstance(raw, dict):
        return None
    try:
        return Pending(
            sha,
            str(raw.get("name") or ""),
            int(raw.get("size") or 0),
            str(raw.get("type") or ""),
            str(raw.get("added_at") or ""),
            [str(r) for r in raw.get("records") or []],
            raw.get("error") if isinstance(raw.get("error"), dict) else None,
            int(raw.get("received") or 0),
        )
    except (TypeError, ValueError):
        return None


def _parse(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.astimezone()


def _time(path: Path) -> datetime | None:
    try:
        return _parse(path.read_text("ascii").strip())
    except (OSError, UnicodeDecodeError):
        return None
