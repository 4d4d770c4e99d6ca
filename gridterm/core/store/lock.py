"""One writer per data folder: an exclusive, non-blocking flock on ``store.lock``.

A second gridterm on the same folder gets :class:`StoreLocked` at once and touches nothing.
Inside one process, threads share the store through :meth:`FolderLock.guard`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from gridterm.core.store.errors import StoreClosed, StoreLocked, StoreUnavailable, reason

LOCK = "store.lock"


def _acquire(folder: Path) -> int:
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreUnavailable(folder=str(folder), reason=reason(exc)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise StoreLocked(folder=str(folder)) from None
        raise StoreUnavailable(folder=str(folder), reason=reason(exc)) from None
    return fd


def _release(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    with contextlib.suppress(OSError):
        os.close(fd)


class FolderLock:
    """The data folder's lock, held from ``FolderLock(folder)`` until :meth:`release`."""

    def __init__(self, folder: Path | None) -> None:
        # ``None``: a reader's stand-in that takes no lock (-1 marks it open).
        self._fd: int | None = _acquire(folder) if folder is not None else -1
        self._mutex = threading.RLock()

    @classmethod
    def none(cls) -> FolderLock:
        """No lock at all, only the guard: for a read-only view, which never writes."""
        return cls(None)

    def release(self) -> None:
        with self._mutex:
            if self._fd is not None and self._fd >= 0:
                _release(self._fd)
            self._fd = None

    @property
    def released(self) -> bool:
        return self._fd is None

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """One thread at a time, and only while the lock is held (else StoreClosed)."""
        with self._mutex:
            if self._fd is None:
                raise StoreClosed()
            yield
