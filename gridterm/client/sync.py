"""The sync client: from the device's outbox to the township service and back.

No UI here (no Textual, no FastAPI): ``gridterm sync`` from the shell and the TUI's
background worker both drive this module.

The protocol (docs/contracts.md "Sync protocol"):

- ``enroll(store, url, code)`` trades a one-time code for a token and a device secret,
  kept in the store's meta ``enrollment``.
- ``SyncClient.push()`` sends the outbox oldest first, in batches, each batch built from the
  exact bytes stored for each record's current rev and sent with one ``Idempotency-Key``
  (the same key for every retry of that batch).  The per-record results are applied in
  one store write per batch; ``conflict`` and ``rejected`` become "needs attention" and
  the rest of the queue goes on.
- ``SyncClient.pull()`` asks for the township's changes since the saved cursor, applies a
  page, and only then saves the page's cursor; it asks again while ``more``.  A 410 (the
  service no longer honours that cursor) is answered by a full pull from cursor 0.
- Transport errors, 408, 429 and 5xx are retried by stamina with exponential backoff and
  jitter, honouring ``Retry-After``, under a total deadline.  401/403 stop at once with the
  reason.  Nothing here ever deletes a record.

The client touches the store only through its public methods (``outbox``, ``wire``,
``mark_synced``, ``apply_updates``, ``save_reference``, ``meta_get``, ``meta_set``), so the
TUI can hand it a proxy that runs each call on the app's thread.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import stamina

from gridterm.core.errors import GridtermError
from gridterm.core.usecases.home import remember_leaving

API = "/api/v1"
MAX_BATCH = 200
MAX_BATCH_BYTES = 4 * 1024 * 1024  # the service takes 8 MiB; stay well under it
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# stamina logs each scheduled retry at WARNING; with no handler configured Python would
# print those to stderr, in the middle of `gridterm sync`'s output or the TUI's screen.
logging.getLogger("stamina").addHandler(logging.NullHandler())


# ---------------------------------------------------------------------------- errors


class SyncError(GridtermError):
    """Sync could not finish."""

    key = "sync.error"
    exit_code = 2


class ServiceUnreachable(SyncError):
    """The service did not answer (or kept failing) within the deadline."""

    key = "sync.unreachable"
    exit_code = 1


class AuthError(SyncError):
    """401/403: the device is revoked, its token is unknown, or it may not do this."""

    key = "sync.auth.token_invalid"
    exit_code = 2


class NotEnrolled(SyncError):
    key = "sync.not_enrolled"
    exit_code = 2


class EnrollmentError(SyncError):
    key = "sync.enroll.refused"
    exit_code = 2


class ServiceRefused(SyncError):
    """A 4xx the client cannot fix by retrying (bad request, too large, gone)."""

    key = "sync.refused"
    exit_code = 2


class SyncCancelled(SyncError):
    """The caller asked to stop (the app is closing); what was sent is recorded."""

    key = "sync.cancelled"
    exit_code = 1


class _Retryable(Exception):
    """A response worth retrying (408, 429, 5xx); carries the Retry-After delay if given."""

    def __init__(self, status: int, retry_after: float | None, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.retry_after = retry_after
        self.detail = detail


# ---------------------------------------------------------------------------- config


@dataclass
class SyncConfig:
    """How patient the client is.  Tests shorten everything; the defaults suit a phone."""

    batch_size: int = MAX_BATCH
    page_limit: int = 1000
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    deadline: float = 120.0  # total seconds one request may spend retrying
    wait_initial: float = 0.5
    wait_max: float = 30.0
    wait_jitter: float = 1.0
    max_retry_after: float = 120.0  # never sleep longer than this on a Retry-After
    ca_file: str | None = None
    trust_env: bool = True  # HTTP(S)_PROXY, NO_PROXY, SSL_CERT_FILE from the environment

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")


@dataclass
class PushResult:
    sent: int = 0
    stored: int = 0
    unchanged: int = 0
    attention: list[dict] = field(default_factory=list)  # [{"id","rev","result","error"}]
    batches: int = 0


@dataclass
class PullResult:
    updates: int = 0
    templates: int = 0
    households: int = 0
    mediators: int = 0
    pages: int = 0
    full: bool = False
    cursor: int = 0


@dataclass
class SyncSummary:
    push: PushResult
    pull: PullResult
    queue: int  # records still waiting to be sent after the pass
    attention: int  # records needing the officer's attention after the pass
    finished_at: str
    seconds: float


ProgressFn = Callable[[str, int, int], None]  # (phase "push"|"pull", done, total)


# ---------------------------------------------------------------------------- helpers


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def normalize_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise EnrollmentError("sync.bad_url", url=url)
    if "://" not in url:
        url = "https://" + url
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise EnrollmentError("sync.bad_url", url=url)
    return url.rstrip("/")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _detail(response: httpx.Response) -> tuple[str, str]:
    """The service's error sentence and code (docs/contracts.md: {"detail", "code"})."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return (response.text[:200].strip() or response.reason_phrase, "")
    if isinstance(body, dict):
        detail = body.get("detail")
        if not isinstance(detail, str):
            detail = json.dumps(detail, ensure_ascii=False)[:300] if detail else ""
        return (detail or response.reason_phrase, str(body.get("code") or ""))
    return (response.reason_phrase, "")


def auth_error(response: httpx.Response) -> AuthError:
    detail, code = _detail(response)
    if code in ("device_revoked", "revoked"):
        return AuthError("sync.auth.revoked", detail=detail)
    if code in ("enrollment_expired", "token_expired", "expired"):
        return AuthError("sync.auth.expired", detail=detail)
    if response.status_code == 403:
        return AuthError("sync.auth.forbidden", detail=detail)
    return AuthError("sync.auth.token_invalid", detail=detail)


def _client(config: SyncConfig, transport: httpx.BaseTransport | None) -> httpx.Client:
    verify: ssl.SSLContext | bool = True
    if config.ca_file:
        path = Path(config.ca_file).expanduser()
        try:
            verify = ssl.create_default_context(cafile=str(path))
        except (OSError, ssl.SSLError) as exc:
            raise SyncError("sync.bad_ca_file", path=str(path), reason=str(exc)) from exc
    timeout = httpx.Timeout(
        config.read_timeout, connect=config.connect_timeout, pool=config.connect_timeout
    )
    return httpx.Client(
        timeout=timeout,
        verify=verify,
        trust_env=config.trust_env,
        transport=transport,
        headers={"User-Agent": _user_agent()},
    )


def _user_agent() -> str:
    from gridterm import __version__

    return f"gridterm/{__version__}"


class _Sender:
    """One HTTP request, retried by stamina on what may heal by itself.

    Retry-able: transport errors (refused, reset, cut mid-answer, timeouts), 408, 429 and
    5xx.  A Retry-After is honoured (capped); otherwise exponential backoff with jitter.  The
    whole thing stops at ``config.deadline`` and raises ServiceUnreachable.
    """

    def __init__(
        self,
        client: httpx.Client,
        config: SyncConfig,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.retries = 0
        self.should_stop = should_stop or (lambda: False)
        self._deadline_at = float("inf")

    def _backoff_hook(self, exc: Exception) -> bool | float:
        if self.should_stop():
            return False  # the app is closing: no more attempts
        if isinstance(exc, _Retryable):
            self.retries += 1
            if exc.retry_after is not None:
                # Never sleep past the deadline: past it, give up now and say so.
                left = self._deadline_at - time.monotonic()
                if exc.retry_after >= left:
                    return False
                return min(exc.retry_after, self.config.max_retry_after)
            return True
        if isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.UnsupportedProtocol):
            self.retries += 1
            return True
        return False

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        cfg = self.config
        self._deadline_at = time.monotonic() + cfg.deadline
        try:
            for attempt in stamina.retry_context(
                on=self._backoff_hook,
                attempts=None,
                timeout=cfg.deadline,
                wait_initial=cfg.wait_initial,
                wait_max=cfg.wait_max,
                wait_jitter=cfg.wait_jitter,
            ):
                with attempt:
                    response = self.client.request(method, url, **kwargs)
                    if response.status_code in RETRY_STATUSES:
                        detail, _ = _detail(response)
                        raise _Retryable(
                            response.status_code,
                            parse_retry_after(response.headers.get("Retry-After")),
                            detail,
                        )
                    return response
        except _Retryable as exc:
            raise ServiceUnreachable("sync.unreachable_status", status=exc.status) from exc
        except httpx.UnsupportedProtocol as exc:
            raise SyncError("sync.bad_url", url=url) from exc
        except httpx.TransportError as exc:
            raise ServiceUnreachable(reason=type(exc).__name__) from exc
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SyncError("sync.bad_answer", status=response.status_code) from exc
    if not isinstance(body, dict):
        raise SyncError("sync.bad_answer", status=response.status_code)
    return body


# ---------------------------------------------------------------------------- enroll


def _unsent_ids(store: Any) -> set[tuple[str, int]]:
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


def check_reenroll(store: Any, exported: str | Path | None = None) -> None:
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
    store: Any,
    url: str,
    code: str,
    device_name: str | None = None,
    *,
    config: SyncConfig | None = None,
    transport: httpx.BaseTransport | None = None,
    exported: str | Path | None = None,
) -> dict:
    """Enroll this device with the service at ``url``; returns the saved enrollment."""
    config = config or SyncConfig()
    base = normalize_url(url)
    code = (code or "").strip()
    if not code:
        raise EnrollmentError("sync.enroll.no_code")
    check_reenroll(store, exported)
    device_name = (device_name or socket.gethostname() or "gridterm").strip()[:100]
    with _client(config, transport) as client:
        response = _Sender(client, config).request(
            "POST", f"{base}{API}/enroll", json={"code": code, "device_name": device_name}
        )
    if response.status_code >= 400:
        detail, _ = _detail(response)
        raise EnrollmentError("sync.enroll.refused", detail=detail, status=response.status_code)
    body = _json(response)
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
    # A new enrollment starts the township's change feed from the beginning.
    store.meta_set("enrollment", enrollment)
    store.meta_set("device_id", enrollment["device_id"])
    store.meta_set("cursor", 0)
    store.meta_set("last_sync_error", None)
    return enrollment


# ---------------------------------------------------------------------------- sync


def needs_sending(rec: dict) -> bool:
    """In the outbox and not waiting for the officer (attention records wait for an edit)."""
    if rec.get("sync_state") == "attention":
        return False
    if rec.get("sync_error") and rec.get("sync_state") is None:
        return False
    return rec.get("synced_rev") != rec.get("rev")


def _batches(
    records: list[dict], wires: list[bytes], size: int
) -> Iterable[tuple[list[dict], list[bytes]]]:
    start = 0
    while start < len(records):
        end, total = start, 0
        while end < len(records) and end - start < size:
            if end > start and total + len(wires[end]) > MAX_BATCH_BYTES:
                break
            total += len(wires[end]) + 1
            end += 1
        yield records[start:end], wires[start:end]
        start = end


def _reference_key(kind: str, item: dict) -> str:
    if kind == "templates":
        return f"{item.get('id')}@{item.get('version')}"
    return str(item.get("id"))


PUSH_FLUSH_RESULTS = 5000
PUSH_FLUSH_SECONDS = 3.0
PULL_FLUSH_ITEMS = 5000
REFERENCE_KINDS = ("templates", "households", "mediators")


class _PullBatch:
    """Pages received but not yet in the store, and the cursor that goes with them."""

    def __init__(self, client: SyncClient, cursor: int) -> None:
        self.client = client
        self.saved_cursor = cursor
        self.cursor = cursor
        self.updates: list[dict] = []
        self.held: dict[str, dict[str, dict]] = {}  # kind -> key -> item, loaded when needed
        self.dirty: set[str] = set()
        self.items = 0

    def add(self, page: dict, result: PullResult, *, fresh: bool) -> None:
        updates = [u for u in page.get("updates") or [] if isinstance(u, dict)]
        self.updates.extend(updates)
        result.updates += len(updates)
        self.items += len(updates)
        for kind in REFERENCE_KINDS:
            items = [item for item in page.get(kind) or [] if isinstance(item, dict)]
            if fresh:
                # The first page of a pull from the beginning replaces what we held.
                self.held[kind] = {}
                self.dirty.add(kind)
            if not items:
                continue
            if kind not in self.held:
                # The feed carries what changed since the cursor: merge by id.
                self.held[kind] = {_reference_key(kind, i): i for i in self.client._reference(kind)}
            for item in items:
                self.held[kind][_reference_key(kind, item)] = item
            self.dirty.add(kind)
            self.items += len(items)
            setattr(result, kind, getattr(result, kind) + len(items))

    def flush(self) -> None:
        store = self.client.store
        if self.updates:
            store.apply_updates(self.updates)
            self.updates = []
        for kind in sorted(self.dirty):
            store.save_reference(kind, list(self.held[kind].values()))
        self.dirty.clear()
        self.items = 0
        if self.cursor != self.saved_cursor:
            store.meta_set("cursor", self.cursor)
            self.saved_cursor = self.cursor


class SyncClient:
    """Push and pull for one enrolled store.  Use as a context manager (it owns a client)."""

    def __init__(
        self,
        store: Any,
        config: SyncConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        on_progress: ProgressFn | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.store = store
        self.should_stop = should_stop or (lambda: False)
        enrollment = store.meta_get("enrollment")
        if not enrollment or not enrollment.get("token"):
            raise NotEnrolled()
        self.enrollment = enrollment
        config = config or SyncConfig()
        if config.ca_file is None and enrollment.get("ca_file"):
            config.ca_file = enrollment["ca_file"]
        self.config = config
        self.base = (enrollment.get("sync_url") or enrollment["service_url"]).rstrip("/")
        self.on_progress = on_progress
        self.client = _client(config, transport)
        self.client.headers["Authorization"] = f"Bearer {enrollment['token']}"
        self.sender = _Sender(self.client, config, self.should_stop)

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def _progress(self, phase: str, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(phase, done, total)

    def _check(self, response: httpx.Response) -> None:
        if response.status_code in (401, 403):
            raise auth_error(response)
        if response.status_code >= 400:
            detail, _ = _detail(response)
            raise ServiceRefused(status=response.status_code, detail=detail)

    # -- push ---------------------------------------------------------------------

    def pending(self) -> list[dict]:
        return [rec for rec in self.store.outbox() if needs_sending(rec)]

    def push(self) -> PushResult:
        """Send the queue, oldest first, in batches; record the service's answers.

        Answers are recorded by a writer thread while the next batch travels, one store
        write (one ``mark_synced``) for every ``PUSH_FLUSH_RESULTS`` answers or
        ``PUSH_FLUSH_SECONDS``, whichever comes first: a store write costs in proportion to
        the queue, so a big queue costs a handful of writes, not one per batch.  Whatever
        happens, the answers received are recorded before this returns or raises.  (A crash
        before an answer is recorded only means that batch is sent again: ``unchanged``.)
        """
        result = PushResult()
        records = self.pending()
        total = len(records)
        self._progress("push", 0, total)
        if not records:
            return result
        wires = [self.store.wire(rec) for rec in records]
        received: list[dict] = []
        writing: Future | None = None
        last_write = time.monotonic()
        with ThreadPoolExecutor(1, thread_name_prefix="gridterm-sync-write") as writer:
            try:
                for batch, batch_wires in _batches(records, wires, self.config.batch_size):
                    if self.should_stop():
                        raise SyncCancelled()
                    answers = self._push_batch(batch_wires)
                    received.extend(self._tally(batch, answers, result))
                    due = (
                        len(received) >= PUSH_FLUSH_RESULTS
                        or time.monotonic() - last_write >= PUSH_FLUSH_SECONDS
                    )
                    if received and due and (writing is None or writing.done()):
                        if writing is not None:
                            writing.result()
                        writing = writer.submit(self.store.mark_synced, received)
                        received = []
                        last_write = time.monotonic()
                    result.sent += len(batch)
                    result.batches += 1
                    self._progress("push", result.sent, total)
            finally:
                if writing is not None:
                    writing.result()
                if received:
                    self.store.mark_synced(received)
        return result

    @staticmethod
    def _tally(batch: list[dict], answers: list[dict], result: PushResult) -> list[dict]:
        by_key = {(a.get("id"), a.get("rev")): a for a in answers if isinstance(a, dict)}
        applied = []
        for rec in batch:
            answer = by_key.get((rec["id"], rec["rev"]))
            if answer is None:
                continue  # not answered for: stays in the outbox for the next pass
            outcome = answer.get("result")
            entry = {
                "id": rec["id"],
                "rev": rec["rev"],
                "result": outcome,
                "error": answer.get("error"),
            }
            applied.append(entry)
            if outcome == "stored":
                result.stored += 1
            elif outcome == "unchanged":
                result.unchanged += 1
            else:
                result.attention.append(entry)
        return applied

    def _push_batch(self, wires: list[bytes]) -> list[dict]:
        body = b'{"records":[' + b",".join(wires) + b"]}"
        key = str(uuid.uuid4())  # one key per batch, the same for each retry of it
        response = self.sender.request(
            "POST",
            f"{self.base}{API}/sync/push",
            content=body,
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
        )
        self._check(response)
        results = _json(response).get("results")
        if not isinstance(results, list):
            raise SyncError("sync.bad_answer", status=response.status_code)
        return results

    # -- pull ---------------------------------------------------------------------

    def pull(self) -> PullResult:
        """Fetch the township's changes since the saved cursor, page by page, while ``more``.

        Pages are applied to the store in groups (about ``PULL_FLUSH_ITEMS`` items at a
        time, and whatever was received when the pull ends or fails), and the cursor of the
        last page of a group is saved only after that group is in the store: a crash before
        means those pages are asked for, and applied harmlessly, again.
        """
        result = PullResult()
        pending = _PullBatch(self, self.store.meta_get("cursor") or 0)
        cursor = pending.saved_cursor
        try:
            while True:
                response = self.sender.request(
                    "GET",
                    f"{self.base}{API}/sync/pull",
                    params={"cursor": cursor, "limit": self.config.page_limit},
                )
                if response.status_code == 410:
                    if cursor == 0 or result.full:
                        raise ServiceRefused(status=410, detail=_detail(response)[0])
                    # The service no longer keeps changes that old: start from the beginning.
                    pending.flush()
                    result.full = True
                    result.pages = 0
                    cursor = 0
                    pending = _PullBatch(self, 0)
                    self.store.meta_set("cursor", 0)
                    continue
                self._check(response)
                page = _json(response)
                new_cursor = page.get("cursor", cursor)
                if not isinstance(new_cursor, int) or isinstance(new_cursor, bool):
                    raise SyncError("sync.bad_answer", status=response.status_code)
                pending.add(page, result, fresh=cursor == 0 and result.pages == 0)
                pending.cursor = new_cursor
                result.pages += 1
                result.cursor = new_cursor
                if pending.items >= PULL_FLUSH_ITEMS:
                    pending.flush()
                self._progress("pull", result.updates + result.households, 0)
                if not page.get("more"):
                    return result
                if new_cursor == cursor:
                    raise SyncError("sync.bad_answer", status=response.status_code)
                cursor = new_cursor
        finally:
            pending.flush()

    def _reference(self, kind: str) -> list[dict]:
        holder = getattr(self.store, "reference", self.store)
        return list(getattr(holder, kind)())

    # -- both ---------------------------------------------------------------------

    def sync(self) -> SyncSummary:
        """One pass: push, then pull.  Records the outcome in meta for the header."""
        started = time.monotonic()
        try:
            pushed = self.push()
            pulled = self.pull()
        except SyncError as exc:
            self.store.meta_set(
                "last_sync_error", {"at": now_iso(), "key": exc.key, "message": str(exc)}
            )
            raise
        finished = now_iso()
        self.store.meta_update({"last_sync_ok": finished, "last_sync_error": None})
        # What is synced and closed leaves the hot file, so saves stay cheap however much the
        # device has recorded; Home keeps its digest of what leaves in the same write.
        self.store.archive(before_move=partial(remember_leaving, self.store))
        outbox = self.store.outbox()
        queue = sum(1 for rec in outbox if needs_sending(rec))
        return SyncSummary(
            push=pushed,
            pull=pulled,
            queue=queue,
            attention=len(outbox) - queue,
            finished_at=finished,
            seconds=time.monotonic() - started,
        )

    def ping(self) -> bool:
        """Does the service answer at all (one try, short)?"""
        try:
            response = self.client.get(f"{self.base}/healthz", timeout=self.config.connect_timeout)
        except httpx.HTTPError:
            return False
        return response.status_code < 500


def sync_once(
    store: Any,
    config: SyncConfig | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    on_progress: ProgressFn | None = None,
) -> SyncSummary:
    with SyncClient(store, config, transport=transport, on_progress=on_progress) as client:
        return client.sync()
