"""Where attachment content is kept: outside the database, behind one small interface.

:class:`ContentStore` is all the service asks of a place to keep content: put a finished
file under a key, open one, say whether one is there, delete one.  Keys are plain paths of
lowercase letters, digits, ``/``, ``.`` and ``-`` (``content/ab/<sha256>``).  The service
writes a key only once its content is checked, so a reader never sees half of one.

* :class:`FolderStore` — a folder (the default: ``attachments/`` beside the SQLite file, or
  in the service's data folder for PostgreSQL).  A put is a rename into place after fsync.
* :class:`~gridterm.township.services.s3_store.S3Store` — an S3-compatible object store (a
  county's MinIO or cloud storage), ``GRIDTERM_ATTACHMENTS=s3://BUCKET/PREFIX`` (the ``s3``
  extra, boto3).

Uploads in progress are not in the store: they are files in a local staging folder
(:mod:`gridterm.township.services.uploads`), moved into the store once whole and checked.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy.engine import make_url

from gridterm.core.errors import ConfigError
from gridterm.core.paths import data_dir
from gridterm.township.db import is_sqlite, normalize_url

FOLDER = "attachments"
ENV = "GRIDTERM_ATTACHMENTS"
_KEY = re.compile(r"[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*")


def content_key(sha256: str) -> str:
    # Two levels of 256 folders keep any one folder small at a few hundred thousand photos.
    return f"content/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def thumb_key(sha256: str, size: int) -> str:
    return f"thumb/{sha256[:2]}/{sha256}-{size}.jpg"


class ContentStore(Protocol):
    """A place to keep content by key."""

    def exists(self, key: str) -> bool: ...

    def put_file(self, key: str, path: Path) -> None:
        """Keep the finished file at ``path`` under ``key`` (it is moved or copied; the
        caller no longer owns it).  Putting a key again replaces it: content is addressed by
        its hash, so the bytes are the same."""

    def put_bytes(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO:
        """The content under ``key``, for reading; FileNotFoundError when there is none."""

    def delete(self, key: str) -> None:
        """Remove ``key``; nothing happens when it is not there."""


class FolderStore:
    """Content as files under ``root``: written to a temporary name, fsynced, renamed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key) or ".." in key:
            raise ValueError(f"not a content key: {key!r}")
        return self.root / key

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _fsync_file(path)
        try:
            os.replace(path, target)
        except OSError:
            # Another file system (a staging folder elsewhere): copy, then rename.
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(path, tmp)
            _fsync_file(tmp)
            os.replace(tmp, target)
            path.unlink(missing_ok=True)
        _fsync_dir(target.parent)

    def put_bytes(self, key: str, data: bytes) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def default_root(db_url: str) -> Path:
    """``attachments/`` beside the SQLite file, else in the service's data folder."""
    url = normalize_url(db_url)
    database = make_url(url).database if is_sqlite(url) else None
    if database and database != ":memory:":
        return Path(database).expanduser().resolve().parent / FOLDER
    return data_dir() / FOLDER


def open_store(spec: str | os.PathLike[str] | None, db_url: str) -> tuple[ContentStore, Path]:
    """The store ``spec`` names (a folder; default: :func:`default_root`, or the
    ``GRIDTERM_ATTACHMENTS`` environment variable) and the local folder uploads are staged in."""
    spec = spec or os.environ.get(ENV) or None
    if spec is not None and str(spec).startswith("s3://"):
        try:
            from gridterm.township.services.s3_store import from_spec

            return from_spec(str(spec)), default_root(db_url) / "staging"
        except ImportError:
            raise ConfigError("evidence_service.error.s3_not_built", spec=str(spec)) from None
    root = Path(spec).expanduser() if spec else default_root(db_url)
    return FolderStore(root), root / "staging"
