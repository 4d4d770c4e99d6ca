"""The device's two secrets — its bearer token and its receipt-signing secret — in a file of
their own: ``credentials.json`` in the data folder, created 0600, written crash-safely.

They used to sit in the store's meta (``enrollment``), in the same file as the records, so
every copy of that file — a backup, a file sent to a colleague, a data folder copied off a
lost phone — carried them.  The records' file now holds the enrollment without them; what
someone with a copied data folder can and cannot do is in docs/security.md.

    credentials.save(store, device_id, token, secret)   # on enrollment
    credentials.enrollment(store)    # store.meta_get("enrollment") plus "token", "device_secret"
    credentials.device_secret(store) / credentials.token(store)

An enrollment saved before this file existed (token and secret in meta) is moved here the
first time any of these is called: the file is written first, then meta loses the two keys,
so a kill in between leaves both copies, never none.  A store without a data folder (a
test's stand-in) keeps them in its meta as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gridterm.core.store.protocol import RecordStore

FILE = "credentials.json"
SECRET_KEYS = ("token", "device_secret")
ENROLLMENT = "enrollment"


def path(folder: str | os.PathLike[str]) -> Path:
    return Path(folder) / FILE


def _folder(store: RecordStore) -> Path | None:
    # The real Store has its data folder; a stand-in (tests, a proxy) may not.
    folder = getattr(store, "folder", None)
    return Path(folder) if folder is not None else None


def _write(target: Path, data: bytes) -> None:
    """Temp file in the same folder (0600), fsync, rename over, fsync the folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        folder_fd = os.open(target.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)


def _read(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or unreadable: as if never enrolled (enrolling again mends it)
    return data if isinstance(data, dict) else None


def save(store: RecordStore, device_id: str, token: str | None, secret: str | None) -> None:
    """Keep this enrollment's secrets (before its meta is saved: see the module's note)."""
    folder = _folder(store)
    if folder is None:
        return  # a stand-in store: its meta holds them
    body = {"device_id": device_id, "token": token, "device_secret": secret}
    _write(path(folder), json.dumps(body, ensure_ascii=False).encode("utf-8"))


def _migrate(store: RecordStore, meta: dict[str, Any]) -> dict[str, Any]:
    """Move an old enrollment's token and secret out of meta; the credentials they make."""
    device_id = str(meta.get("device_id") or "")
    save(store, device_id, meta.get("token"), meta.get("device_secret"))
    store.meta_set(ENROLLMENT, {k: v for k, v in meta.items() if k not in SECRET_KEYS})
    return {"device_id": device_id, **{key: meta.get(key) for key in SECRET_KEYS}}


def load(store: RecordStore) -> dict[str, Any] | None:
    """``{"device_id", "token", "device_secret"}`` of the current enrollment, or None."""
    meta = store.meta_get(ENROLLMENT) or {}
    folder = _folder(store)
    if folder is None:
        found = {key: meta.get(key) for key in SECRET_KEYS}
        return {"device_id": meta.get("device_id"), **found} if any(found.values()) else None
    if any(meta.get(key) for key in SECRET_KEYS):
        return _migrate(store, meta)
    creds = _read(folder)
    if not creds or not meta or creds.get("device_id") != meta.get("device_id"):
        return None  # left from another enrollment, or no enrollment at all
    return creds


def enrollment(store: RecordStore) -> dict[str, Any] | None:
    """The enrollment as ``store.meta_get("enrollment")`` holds it, with its token and secret
    (for the sync client and receipt signing); None before enrollment."""
    creds = load(store)
    meta = store.meta_get(ENROLLMENT)
    if not meta:
        return None
    return {**meta, **{key: (creds or {}).get(key) for key in SECRET_KEYS}}


def token(store: RecordStore) -> str | None:
    return (load(store) or {}).get("token")


def device_secret(store: RecordStore) -> str | None:
    return (load(store) or {}).get("device_secret")
