"""Sending the photos after their records: in chunks, resumed from what the service holds.

The upload API (docs/evidence.md; /work/notes' contract between the device and the service):

- ``POST /api/v1/attachments/status {"sha256": [...]}`` → what the service holds of each
  (``complete`` | ``partial`` with ``received`` bytes | ``missing``), asked once a pass for
  every photo about to be sent (500 at a time);
- ``PUT /api/v1/attachments/{sha256}`` with ``Content-Range: bytes START-END/TOTAL`` and a
  chunk of 256 KiB → ``{"received", "complete"}``; a START other than what the service holds
  is a 409 ``offset_mismatch`` carrying ``received``, and the upload goes on from there.

So an interrupted upload resumes from the last chunk the service confirmed, never from the
start: a cut costs at most the chunk in flight.  A photo is sent only once its record's
current rev is on the service (the push comes first in a pass), so a record never waits for
a photo; a photo the service refuses (415 not an image, 413 too large, a hash that does not
match twice) is put under "needs attention" and the others go on.  A photo whose file is
damaged on the device is found by hashing it again and is never sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from gridterm.client.errors import (
    ServiceRefused,
    SyncCancelled,
    SyncError,
    auth_error,
    service_detail,
)
from gridterm.client.http import API, _Sender, json_body
from gridterm.core.attachments.content import Contents
from gridterm.core.attachments.queue import PhotoQueue, Waiting, photo_queue

CHUNK = 256 * 1024
STATUS_BATCH = 500
# A photo whose upload makes no headway after this many answers in a row waits for the next
# pass (the service keeps answering, but not with progress): the others go on.
NO_PROGRESS_LIMIT = 3
_REFUSALS = {413: "too_large", 415: "not_an_image"}

ProgressFn = Callable[[str, int, int], None]


@dataclass
class UploadResult:
    sent: int = 0  # photos the service now holds whole, sent in this pass
    already: int = 0  # photos the service already held whole
    bytes_sent: int = 0  # chunk bytes handed to the network (retries of a request aside)
    resumed: int = 0  # uploads that went on from what the service held
    refused: list[dict[str, str]] = field(default_factory=list)  # [{"sha256","code","message"}]
    unsupported: bool = False  # the service has no upload API (an older township service)
    left: int = 0  # photos still to send after the pass
    bytes_left: int = 0
    attention: int = 0  # photos needing the officer after the pass


class _Unsupported(Exception):
    """The service answered 404/405 for the upload API itself."""


class Uploader:
    """One pass over the photos waiting to be sent."""

    def __init__(
        self,
        sender: _Sender,
        base: str,
        store: Any,
        contents: Contents,
        *,
        now: Callable[[], str],
        on_progress: ProgressFn | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.sender = sender
        self.base = base
        self.store = store
        self.contents = contents
        self.now = now
        self.on_progress = on_progress
        self.should_stop = should_stop or (lambda: False)
        self.result = UploadResult()
        self._done = 0
        self._total = 0
        self._last_offset = 0

    def run(self) -> UploadResult:
        queue = photo_queue(self.store, self.contents)
        for waiting in queue.waiting:
            self.contents.claim(waiting.sha256, waiting.record["id"])
        todo = [w for w in queue.waiting if w.ready]
        self._total = sum(w.size for w in todo)
        try:
            if todo:
                held = self._status([w.sha256 for w in todo])
                for waiting in todo:
                    if self.should_stop():
                        raise SyncCancelled()
                    self._one(waiting, held.get(waiting.sha256, ("missing", 0)))
        except _Unsupported:
            self.result.unsupported = True
        finally:
            self._tally(photo_queue(self.store, self.contents))
        return self.result

    def _tally(self, queue: PhotoQueue) -> None:
        self.result.left = len(queue.waiting)
        self.result.bytes_left = queue.bytes_left
        self.result.attention = len(queue.attention)

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress("upload", self._done, self._total)

    # -- the service's word ------------------------------------------------------------------

    def _status(self, shas: list[str]) -> dict[str, tuple[str, int]]:
        held: dict[str, tuple[str, int]] = {}
        for start in range(0, len(shas), STATUS_BATCH):
            response = self.sender.request(
                "POST",
                f"{self.base}{API}/attachments/status",
                json={"sha256": shas[start : start + STATUS_BATCH]},
            )
            self._check_api(response)
            items = json_body(response).get("items")
            if not isinstance(items, list):
                raise SyncError("sync.bad_answer", status=response.status_code)
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("sha256"), str):
                    held[item["sha256"]] = (str(item.get("state")), _count(item.get("received")))
        return held

    def _check_api(self, response: httpx.Response) -> None:
        """Stop the pass on what concerns every photo; leave one photo's refusal to _send."""
        status = response.status_code
        if status == 401:
            raise auth_error(response)
        # An older gridterm answers not_found; a proxy in front of it, a page without a code.
        if status in (404, 405) and service_detail(response)[1] in ("", "not_found"):
            raise _Unsupported()
        if status >= 400 and status not in (403, 404, 409, 413, 415, 422):
            detail, _ = service_detail(response)
            raise ServiceRefused(status=status, detail=detail)

    # -- one photo ---------------------------------------------------------------------------

    def _one(self, waiting: Waiting, held: tuple[str, int]) -> None:
        sha = waiting.sha256
        size = self.contents.size(sha)
        if size is None:
            return  # gone from the disk since the queue was made: "needs attention"
        state, received = held
        if state == "complete":
            self.contents.mark_sent(sha, self.now())
            self.result.already += 1
            self._done += size
            self._progress()
            return
        if not self.contents.intact(sha):
            self.contents.note_refused(sha, "damaged", "")
            return
        offset = received if state == "partial" and 0 < received < size else 0
        if offset:
            self.result.resumed += 1
        self._done += offset
        try:
            self._send(sha, size, offset)
        finally:
            self.contents.note_received(sha, min(self._last_offset, size))

    def _send(self, sha: str, size: int, offset: int) -> None:
        """PUT the chunks from ``offset`` until the service holds the whole photo."""
        url = f"{self.base}{API}/attachments/{sha}"
        stuck = 0
        retried_whole = False
        self._last_offset = offset
        with self.contents.open(sha) as fh:
            while stuck < NO_PROGRESS_LIMIT:
                if self.should_stop():
                    raise SyncCancelled()
                fh.seek(offset)
                chunk = fh.read(CHUNK)
                end = offset + len(chunk) - 1
                response = self.sender.request(
                    "PUT",
                    url,
                    content=chunk,
                    headers={
                        "Content-Type": "application/octet-stream",
                        "Content-Range": f"bytes {offset}-{end}/{size}",
                    },
                )
                self.result.bytes_sent += len(chunk)
                self._check_api(response)
                answer = _answer(response)
                if response.status_code == 200 and answer.get("complete") is True:
                    self.contents.mark_sent(sha, self.now())
                    self.result.sent += 1
                    self._done += size - offset
                    self._progress()
                    return
                if response.status_code in (200, 409) and "received" in answer:
                    held = _count(answer.get("received"))
                    moved = held > offset and held <= size
                    self._done += max(0, held - offset) if moved else 0
                    stuck = 0 if moved else stuck + 1
                    offset = held if 0 <= held < size else 0
                    self._last_offset = offset
                    self._progress()
                    continue
                if response.status_code == 422 and answer.get("code") == "hash_mismatch":
                    if retried_whole or not self.contents.intact(sha):
                        code = "hash_mismatch" if retried_whole else "damaged"
                        self._refuse(sha, code, answer)
                        return
                    retried_whole, offset = True, 0  # the service dropped what it held
                    continue
                refusal = _REFUSALS.get(response.status_code) or answer.get("code")
                self._refuse(sha, str(refusal or response.status_code), answer)
                return

    def _refuse(self, sha: str, code: str, answer: dict[str, Any]) -> None:
        message = str(answer.get("detail") or "")
        self.contents.note_refused(sha, code, message)
        self.result.refused.append({"sha256": sha, "code": code, "message": message})


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
