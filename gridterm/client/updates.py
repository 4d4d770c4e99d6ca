"""What the township says about this device's gridterm, and the one command that updates it.

Every pull carries the township's version hints (``client``: the recommended version, the
lowest it accepts, the version this device reported, and ``update``: ``none``, ``available``
or ``required``).  The sync client keeps the last one in the store's meta
(``client_update``); ``gridterm sync`` and the officer's header read it through
:func:`notice`.  A hint made for another version than the one running (the officer updated
since) is not shown: the next pull brings a fresh one.

No httpx here: the officer's app reads this at every header refresh, and the township's
install script shares :func:`trusted_host`.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from gridterm import __version__
from gridterm.core.store.protocol import RecordStore

META_KEY = "client_update"
FIELDS = ("recommended", "lowest", "reported", "update")
SHOWN = ("available", "required")


@dataclass(frozen=True)
class Notice:
    state: str  # "available" | "required"
    version: str  # the version to update to (the recommended one)
    command: str  # the one command that applies it


def remember(store: RecordStore, hint: object) -> None:
    """Keep a pull's ``client`` hint (one store write, only when it changed)."""
    if not isinstance(hint, dict):
        return
    clean = {key: hint.get(key) if isinstance(hint.get(key), str) else None for key in FIELDS}
    if store.meta_get(META_KEY) != clean:
        store.meta_set(META_KEY, clean)


def notice(store: RecordStore, running: str = __version__) -> Notice | None:
    """The update to tell the officer about, or None."""
    hint = store.meta_get(META_KEY)
    enrollment = store.meta_get("enrollment") or {}
    if not isinstance(hint, dict) or hint.get("update") not in SHOWN:
        return None
    if hint.get("reported") != running:
        return None
    version = hint.get("recommended") or hint.get("lowest")
    url = enrollment.get("service_url")
    if not version or not url:
        return None
    return Notice(state=hint["update"], version=version, command=upgrade_command(url))


def upgrade_command(service_url: str, python: str | None = None) -> str:
    """``python3 -m pip install --upgrade --index-url URL/simple gridterm``, for the Python
    that runs this gridterm, trusting the service's host when pip would not on its own."""
    url = service_url.rstrip("/")
    parts = [python or _python(), "-m", "pip", "install", "--upgrade"]
    parts += ["--index-url", f"{url}/simple"]
    host = trusted_host(url)
    if host:
        parts += ["--trusted-host", host]
    return shlex.join([*parts, "gridterm"])


def trusted_host(url: str) -> str:
    """The host pip must be told to trust: a plain-http address off this machine (pip takes
    https, and http on loopback, as secure; anything else needs ``--trusted-host``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http" or host == "localhost":
        return ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return ""
    except ValueError:
        pass
    return host


def _python() -> str:
    """``python3`` when that is the Python running this (a short command to read off a
    phone's screen), else this Python's full path (a virtualenv's, say)."""
    running = sys.executable or "python3"
    found = shutil.which("python3")
    if found and os.path.dirname(found) == os.path.dirname(running):
        return "python3"
    return running
