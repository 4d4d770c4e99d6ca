"""Enrolling a device: a one-time code traded for a token and a device secret.

Nothing unsent is ever stranded: a second enrollment is refused while the outbox holds
records the first service has not acknowledged, unless they were exported first — and it
tells the service the token it replaces, so the records made under the first enrollment are
still this device's to send.  The token and the secret go to the device's credentials file
(:mod:`gridterm.core.credentials`), the rest of the enrollment to the store's meta.

An address that does not answer (a wrong port, a wrong host, the service not running) is
said within :data:`ENROLL_DEADLINE` seconds, naming the address and what to check — not
with sync's patience (two minutes of retries) nor its words ("the records stay queued":
nothing is queued at enrollment).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import httpx

from gridterm.client.errors import EnrollmentError, ServiceUnreachable, SyncError, service_detail
from gridterm.client.http import API, SyncConfig, _Sender, json_body, make_client
from gridterm.client.urls import normalize_url as _normalize
from gridterm.core import credentials
from gridterm.core.store.protocol import RecordStore

#: seconds an enrollment may spend reaching the service, retries included (a person is
#: waiting at a prompt, often with township staff beside them on a training day)
ENROLL_DEADLINE = 4.0
ENROLL_CONNECT_TIMEOUT = 3.0


def enroll_config(config: SyncConfig | None) -> SyncConfig:
    """``config`` with enrollment's patience: a few seconds to connect, a few to retry."""
    config = config or SyncConfig()
    return dataclasses.replace(
        config,
        deadline=min(config.deadline, ENROLL_DEADLINE),
        connect_timeout=min(config.connect_timeout, ENROLL_CONNECT_TIMEOUT),
        wait_max=min(config.wait_max, 1.0),
        wait_jitter=min(config.wait_jitter, 0.5),
    )


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def normalize_url(url: str) -> str:
    """The service address as typed by the officer (gridterm.client.urls has the rule)."""
    return _normalize(url, lambda bad: EnrollmentError("sync.bad_url", url=bad))


def unreachable(base: str, exc: ServiceUnreachable) -> EnrollmentError:
    """The address did not answer (or kept failing): say which, and what to check."""
    status = exc.params.get("status")
    if status:
        return EnrollmentError("ux.enroll.failing", url=base, status=status)
    reason = exc.params.get("reason") or type(exc.__cause__).__name__
    return EnrollmentError("ux.enroll.unreachable", url=base, reason=reason)


def _unsent_ids(store: RecordStore) -> set[tuple[str, int]]:
    return {
        (rec["id"], int(rec["rev"]))
        for rec in store.outbox()
        if rec.get("synced_rev") != rec.get("rev")
    }


def _exported_pairs(path: Path) -> set[tuple[str, int]]:
    """(id, rev) of every record in an export made by ``gridterm outbox --json``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EnrollmentError("sync.enroll.export_unreadable", path=str(path)) from exc
    items: list[Any]
    try:
        doc = json.loads(text)
        if isinstance(doc, dict):
            doc = doc.get("records") or doc.get("outbox") or doc.get("items") or []
        items = doc if isinstance(doc, list) else []
    except ValueError:
        items = []
        for line in text.splitlines():
            line = line.strip()
            if line:
                try:
                    items.append(json.loads(line))
                except ValueError:
                    continue
    pairs = set()
    for item in items:
        if isinstance(item, dict) and "id" in item and "rev" in item:
            try:
                pairs.add((str(item["id"]), int(item["rev"])))
            except (TypeError, ValueError):
                continue
    return pairs


def check_reenroll(store: RecordStore, exported: str | Path | None = None) -> None:
    """Refuse to replace an enrollment while unsent records would be stranded.

    Records made before any enrollment are not stranded (they go to the first service), so
    only a second enrollment is checked.  ``exported`` names a file written by
    ``gridterm outbox --json``; it must hold every unsent record at its current rev.
    """
    if not store.meta_get("enrollment"):
        return
    unsent = _unsent_ids(store)
    if not unsent:
        return
    if exported is None:
        raise EnrollmentError("sync.enroll.unsent", count=len(unsent))
    missing = unsent - _exported_pairs(Path(exported))
    if missing:
        raise EnrollmentError(
            "sync.enroll.export_incomplete", path=str(exported), count=len(missing)
        )


def enroll(
    store: RecordStore,
    url: str,
    code: str,
    device_name: str | None = None,
    *,
    config: SyncConfig | None = None,
    transport: httpx.BaseTransport | None = None,
    exported: str | Path | None = None,
) -> dict:
    """Enroll this device with the service at ``url``; returns the saved enrollment."""
    config = enroll_config(config)
    base = normalize_url(url)
    code = (code or "").strip()
    if not code:
        raise EnrollmentError("sync.enroll.no_code")
    check_reenroll(store, exported)
    device_name = (device_name or socket.gethostname() or "gridterm").strip()[:100]
    request = {"code": code, "device_name": device_name}
    previous = store.meta_get("enrollment") or {}
    # Only to the service that issued it: a token is never shown to another server.
    if base in (previous.get("sync_url"), previous.get("service_url")):
        token = credentials.token(store)
        if token:
            request["previous_token"] = token
    try:
        with make_client(config, transport) as client:
            response = _Sender(client, config).request("POST", f"{base}{API}/enroll", json=request)
    except ServiceUnreachable as exc:
        raise unreachable(base, exc) from exc
    if response.status_code >= 400:
        detail, slug = service_detail(response)
        if response.status_code in (404, 405) and not slug:
            # Something answers there, but it is no township service (another web server).
            raise EnrollmentError("ux.enroll.not_a_service", url=base, status=response.status_code)
        raise EnrollmentError("sync.enroll.refused", detail=detail, status=response.status_code)
    body = json_body(response)
    missing = [k for k in ("device_id", "token", "device_secret") if not body.get(k)]
    if missing:
        raise SyncError("sync.bad_answer", status=response.status_code)
    enrollment = {
        "service_url": (body.get("service_url") or base).rstrip("/"),
        "sync_url": base,
        "device_id": body["device_id"],
        "token": body["token"],
        "device_secret": body["device_secret"],
        "officer": body.get("officer") or {},
        "grid": body.get("grid") or {},
        "township": body.get("township") or {},
        "device_name": device_name,
        "enrolled_at": now_iso(),
        "ca_file": config.ca_file,
    }
    # The secrets first: a kill before the meta is saved leaves the old enrollment in meta,
    # whose device id no longer matches the file (so it reads as not enrolled, never as
    # enrolled with another device's secrets).
    credentials.save(store, body["device_id"], body["token"], body["device_secret"])
    # A new enrollment starts the township's change feed from the beginning.
    store.meta_set(
        "enrollment", {k: v for k, v in enrollment.items() if k not in credentials.SECRET_KEYS}
    )
    store.meta_set("device_id", enrollment["device_id"])
    store.meta_set("cursor", 0)
    store.meta_set("last_sync_error", None)
    return enrollment
