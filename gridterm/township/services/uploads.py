"""A device's upload in progress: chunks appended to a staging file, checked when whole.

An upload is the file ``staging/<device id>/<sha256>.<total>.part``; what it holds is its
length, so resuming needs no database row and a chunk costs one write and one fsync.  Each
chunk must start where the file ends (else ``offset_mismatch`` with what is held, and the
device resumes from there); requests for the same upload take turns on an exclusive lock of
the file, so two retries of one chunk never interleave.  When the file is whole its SHA-256
and its type (magic bytes) are checked and it moves into the content store
(:mod:`~gridterm.township.services.content_store`); a mismatch drops it.

Partial files nobody touched for the grace period are removed (:meth:`Staging.sweep`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gridterm.township.services import image_types
from gridterm.township.services.content_store import ContentStore, content_key
from gridterm.township.services.errors import AttachmentRefused

MiB = 1024 * 1024
SHA256_PATTERN = "^[0-9a-f]{64}$"
_RANGE = re.compile(r"bytes (\d{1,15})-(\d{1,15})/(\d{1,15})")
_READ = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What the service takes.  ``max_bytes``: one attachment; ``chunk_max``: one request's
    body; ``grace``: how long content no record names (and an untouched partial upload) is
    kept; ``device_quota``: bytes one device may have in partial uploads and unnamed content."""

    max_bytes: int = 10 * MiB
    chunk_max: int = 1 * MiB
    grace: dt.timedelta = dt.timedelta(days=7)
    device_quota: int = 1024 * MiB


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class Finished:
    """Content that is whole, checked and in the store (its row is still to be written)."""

    sha256: str
    size: int
    type: str


def parse_range(header: str | None, limits: Limits) -> ByteRange:
    """``bytes START-END/TOTAL`` with START ≤ END < TOTAL; ``too_large`` at once when TOTAL
    is over the cap (a device on 2G should not send 30 MB to learn that)."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None:
        raise AttachmentRefused("bad_content_range")
    start, end, total = (int(g) for g in match.groups())
    if not start <= end < total:
        raise AttachmentRefused("bad_content_range")
    if total > limits.max_bytes:
        raise AttachmentRefused("too_large", limit=limits.max_bytes // MiB)
    return ByteRange(start, end, total)


@dataclass(frozen=True)
class Held:
    received: int
    total: int

    @property
    def whole(self) -> bool:
        return self.received >= self.total


class Staging:
    """The partial uploads of every device, under ``folder``."""

    def __init__(self, folder: Path, store: ContentStore) -> None:
        self.folder = folder
        self.store = store

    def _device_folder(self, device_id: str) -> Path:
        return self.folder / device_id

    def _path(self, device_id: str, sha256: str, total: int) -> Path:
        return self._device_folder(device_id) / f"{sha256}.{total}.part"

    def _parts(self, device_id: str, sha256: str = "*") -> Iterator[tuple[Path, str, int]]:
        folder = self._device_folder(device_id)
        if not folder.is_dir():
            return
        for path in folder.glob(f"{sha256}.*.part"):
            sha, _, total = path.name[: -len(".part")].partition(".")
            if total.isdigit():
                yield path, sha, int(total)

    def held(self, device_id: str, sha256: str) -> Held | None:
        """What the device's upload of ``sha256`` holds, if it has one."""
        for path, _sha, total in self._parts(device_id, sha256):
            with contextlib.suppress(FileNotFoundError):
                return Held(path.stat().st_size, total)
        return None

    def open_bytes(self, device_id: str) -> int:
        """The sizes of the device's partial uploads, as they will be when whole."""
        return sum(total for _path, _sha, total in self._parts(device_id))

    def write(self, device_id: str, sha256: str, rng: ByteRange, body: bytes) -> int:
        """Append ``body`` at ``rng.start``; what the upload holds after it."""
        self._drop_other_totals(device_id, sha256, rng.total)
        path = self._path(device_id, sha256, rng.total)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _locked(path, os.O_RDWR | os.O_CREAT) as fd:
            size = os.fstat(fd).st_size
            if size >= rng.total:
                return size  # whole already (an earlier request stopped before checking it)
            if rng.start != size:
                if size == 0:
                    path.unlink(missing_ok=True)
                raise AttachmentRefused("offset_mismatch", received=size, start=rng.start)
            if size == 0 and not image_types.could_be_image(body[: image_types.HEAD]):
                path.unlink(missing_ok=True)
                raise AttachmentRefused("not_an_image")
            os.pwrite(fd, body, rng.start)
            os.fsync(fd)
            return rng.start + len(body)

    def finish(self, device_id: str, sha256: str, total: int, limits: Limits) -> Finished:
        """Check the whole upload and move it into the store; a file that is not what it
        claims is dropped (the device starts over)."""
        path = self._path(device_id, sha256, total)
        with _locked(path, os.O_RDONLY) as fd:
            size = os.fstat(fd).st_size
            if size != total:
                path.unlink(missing_ok=True)
                raise AttachmentRefused("hash_mismatch")
            if _sha256(fd) != sha256:
                path.unlink(missing_ok=True)
                raise AttachmentRefused("hash_mismatch")
            kind = image_types.sniff(os.pread(fd, image_types.HEAD, 0))
            if kind is None:
                path.unlink(missing_ok=True)
                raise AttachmentRefused("not_an_image")
            if size > limits.max_bytes:
                path.unlink(missing_ok=True)
                raise AttachmentRefused("too_large", limit=limits.max_bytes // MiB)
            self.store.put_file(content_key(sha256), path)
            return Finished(sha256, size, kind)

    def _drop_other_totals(self, device_id: str, sha256: str, total: int) -> None:
        # Content has one size: an upload of it under another total was wrong from the start.
        for path, _sha, other in self._parts(device_id, sha256):
            if other != total:
                path.unlink(missing_ok=True)

    def sweep(self, grace: dt.timedelta, device_id: str | None = None) -> int:
        """Remove partial uploads untouched for ``grace`` (one device's, or everyone's)."""
        cutoff = time.time() - grace.total_seconds()
        folders = [self._device_folder(device_id)] if device_id else _subfolders(self.folder)
        removed = 0
        for folder in folders:
            for path in folder.glob("*.part") if folder.is_dir() else ():
                with contextlib.suppress(FileNotFoundError):
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
        return removed


def _subfolders(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []


@contextlib.contextmanager
def _locked(path: Path, flags: int) -> Iterator[int]:
    """``path`` opened and exclusively locked.  Raises ``offset_mismatch`` (nothing held)
    when another request finished or dropped it while this one waited for the lock."""
    try:
        fd = os.open(path, flags, 0o600)
    except FileNotFoundError:
        raise AttachmentRefused("offset_mismatch", received=0, start=0) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if not same:
            raise AttachmentRefused("offset_mismatch", received=0, start=0)
        yield fd
    finally:
        os.close(fd)  # also releases the lock


def _sha256(fd: int) -> str:
    digest = hashlib.sha256()
    offset = 0
    while block := os.pread(fd, _READ, offset):
        digest.update(block)
        offset += len(block)
    return digest.hexdigest()
