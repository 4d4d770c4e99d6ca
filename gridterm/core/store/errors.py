"""What can go wrong with the store, each with a message a person can act on."""

from __future__ import annotations

from gridterm.core.errors import GridtermError


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


class StoreReadOnly(StoreError):
    """A write through a read-only view of the store (``Store.open(…, read_only=True)``)."""

    key = "journal.read_only"


class Unreadable(Exception):
    """A file that does not parse as the tables it should hold (internal)."""


def reason(exc: OSError) -> str:
    """The operating system's words for a failure, for a message."""
    return exc.strerror or str(exc)
