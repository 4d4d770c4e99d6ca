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

import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import httpx

from gridterm.client.enroll import check_reenroll, enroll, normalize_url, now_iso
from gridterm.client.errors import (
    AuthError,
    EnrollmentError,
    NotEnrolled,
    ServiceRefused,
    ServiceUnreachable,
    SyncCancelled,
    SyncError,
    auth_error,
    service_detail,
)
from gridterm.client.http import (
    API,
    MAX_BATCH,
    RETRY_STATUSES,
    SyncConfig,
    _Sender,
    json_body,
    make_client,
    parse_retry_after,
)
from gridterm.client.updates import remember as remember_update_hint
from gridterm.client.upload import Uploader, UploadResult
from gridterm.core import credentials
from gridterm.core.attachments.content import Contents
from gridterm.core.attachments.queue import prune
from gridterm.core.store.protocol import RecordStore
from gridterm.core.usecases.home import remember_leaving

# What callers of ``gridterm.client.sync`` use by that name (the CLI, the app's worker,
# tests); each lives in the module of its job.
__all__ = [
    "API",
    "MAX_BATCH",
    "RETRY_STATUSES",
    "AuthError",
    "EnrollmentError",
    "NotEnrolled",
    "PullResult",
    "PushResult",
    "ServiceRefused",
    "ServiceUnreachable",
    "SyncCancelled",
    "SyncClient",
    "SyncConfig",
    "SyncError",
    "SyncSummary",
    "auth_error",
    "check_reenroll",
    "enroll",
    "needs_sending",
    "normalize_url",
    "now_iso",
    "parse_retry_after",
    "sync_once",
]

_client = make_client  # the name tests and older callers use
MAX_BATCH_BYTES = 4 * 1024 * 1024  # the service takes 8 MiB; stay well under it


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
    upload: UploadResult = field(default_factory=UploadResult)  # the photos (issue 16)


ProgressFn = Callable[[str, int, int], None]  # (phase "push"|"pull", done, total)


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
        store: RecordStore,
        config: SyncConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        on_progress: ProgressFn | None = None,
        should_stop: Callable[[], bool] | None = None,
        contents: Contents | None = None,
    ) -> None:
        self.store = store
        # The photos beside the store (a stand-in store without a folder sends none).
        folder = getattr(store, "folder", None)
        self.contents = contents or (Contents(folder) if folder is not None else None)
        self.should_stop = should_stop or (lambda: False)
        enrollment = credentials.enrollment(store)  # the token is in the credentials file
        if not enrollment or not enrollment.get("token"):
            raise NotEnrolled()
        self.enrollment = enrollment
        config = config or SyncConfig()
        if config.ca_file is None and enrollment.get("ca_file"):
            config.ca_file = enrollment["ca_file"]
        self.config = config
        self.base = (enrollment.get("sync_url") or enrollment["service_url"]).rstrip("/")
        self.on_progress = on_progress
        self.client = make_client(config, transport)
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
            detail, _ = service_detail(response)
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
        results = json_body(response).get("results")
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
                        raise ServiceRefused(status=410, detail=service_detail(response)[0])
                    # The service no longer keeps changes that old: start from the beginning.
                    pending.flush()
                    result.full = True
                    result.pages = 0
                    cursor = 0
                    pending = _PullBatch(self, 0)
                    self.store.meta_set("cursor", 0)
                    continue
                self._check(response)
                page = json_body(response)
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
                    remember_update_hint(self.store, page.get("client"))
                    return result
                if new_cursor == cursor:
                    raise SyncError("sync.bad_answer", status=response.status_code)
                cursor = new_cursor
        finally:
            pending.flush()

    def _reference(self, kind: str) -> list[dict]:
        readers = {
            "templates": self.store.templates,
            "households": self.store.households,
            "mediators": self.store.mediators,
        }
        return list(readers[kind]())

    # -- both ---------------------------------------------------------------------

    def sync(self) -> SyncSummary:
        """One pass: push, then pull.  Records the outcome in meta for the header."""
        started = time.monotonic()
        try:
            pushed = self.push()
            uploaded = self.upload()
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
            upload=uploaded,
        )

    def upload(self) -> UploadResult:
        """The photos of records the service now holds, after the push (gridterm.client.upload);
        then the space of photos confirmed long enough ago is freed."""
        if self.contents is None:
            return UploadResult()
        result = Uploader(
            self.sender,
            self.base,
            self.store,
            self.contents,
            now=now_iso,
            on_progress=self.on_progress,
            should_stop=self.should_stop,
        ).run()
        prune(self.store, self.contents)
        return result

    def ping(self) -> bool:
        """Does the service answer at all (one try, short)?"""
        try:
            response = self.client.get(f"{self.base}/healthz", timeout=self.config.connect_timeout)
        except httpx.HTTPError:
            return False
        return response.status_code < 500


def sync_once(
    store: RecordStore,
    config: SyncConfig | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    on_progress: ProgressFn | None = None,
) -> SyncSummary:
    with SyncClient(store, config, transport=transport, on_progress=on_progress) as client:
        return client.sync()
