"""The attachment API (issue 16; docs/evidence.md "The service").

Devices (Bearer device token):

* ``POST /api/v1/attachments/status`` — what the service already holds of each SHA-256.
* ``PUT /api/v1/attachments/{sha256}`` with ``Content-Range: bytes START-END/TOTAL`` — one
  chunk (≤ 1 MiB).  START must be what the service holds (else 409 ``offset_mismatch`` with
  ``received``).  The last chunk is checked: 422 ``hash_mismatch``, 415 ``not_an_image``,
  413 ``too_large``.

Staff (Bearer staff token): ``GET /api/v1/staff/attachments/{sha256}`` — the content, only
when a record of their township names it (else 404); ``?size=thumb`` a small JPEG.

The rules live in :mod:`~gridterm.township.services.attachments` and
:mod:`~gridterm.township.services.uploads`; routes read the request, call them, answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from gridterm.township.api.deps import (
    current_device,
    current_staff,
    read_session,
    run_write,
    service_state,
)
from gridterm.township.api.errors import ERROR_RESPONSES, request_language
from gridterm.township.api.schemas_attachments import (
    OffsetMismatch,
    StatusIn,
    StatusItem,
    StatusOut,
    UploadOut,
)
from gridterm.township.services import attachments, thumbnails
from gridterm.township.services.attachments import Evidence
from gridterm.township.services.content_store import content_key
from gridterm.township.services.errors import AttachmentRefused, NotFound
from gridterm.township.services.tokens import DeviceIdentity, StaffIdentity
from gridterm.township.services.uploads import SHA256_PATTERN, Finished, parse_range

router = APIRouter(prefix="/api/v1", tags=["attachments"], responses=ERROR_RESPONSES)
audit = logging.getLogger("gridterm.township.audit")

_STATUS = {
    "offset_mismatch": 409,
    "hash_mismatch": 422,
    "not_an_image": 415,
    "too_large": 413,
    "chunk_too_large": 413,
    "quota_exceeded": 413,
    "bad_content_range": 400,
}
_SHA_PATH = Path(pattern=SHA256_PATTERN, description="SHA-256 of the content, 64 lowercase hex")
_IMAGES = {t: {"schema": {"type": "string", "format": "binary"}} for t in attachments.TYPES}
_CHUNK_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _evidence(request: Request) -> Evidence:
    return service_state(request).evidence


def _refused(exc: AttachmentRefused, request: Request) -> JSONResponse:
    lang = request_language(request.headers.get("accept-language"))
    body: dict[str, object] = {"detail": exc.message(lang), "code": exc.code}
    if exc.received is not None:
        body["received"] = exc.received
    return JSONResponse(body, status_code=_STATUS.get(exc.code, 422))


async def _record(request: Request, finished: list[Finished], device_id: str) -> None:
    """Write the rows of checked content, then delete what the grace period dropped."""
    if not finished:
        return
    evidence = _evidence(request)
    grace = evidence.limits.grace
    dropped = await run_write(request, attachments.record_content, finished, device_id, grace)
    for key in dropped:
        await run_in_threadpool(evidence.store.delete, key)
    await run_in_threadpool(evidence.sweep_partials)


@router.post("/attachments/status", response_model=StatusOut)
async def upload_status(
    body: StatusIn, request: Request, device: DeviceIdentity = Depends(current_device)
) -> StatusOut:
    """What the service already holds of each piece of content: ``complete`` (sent by anyone),
    ``partial`` (this device's upload, ``received`` bytes so far) or ``missing``."""
    state = service_state(request)
    items, finished = await run_in_threadpool(
        attachments.status, state.sessions, state.evidence, device.device_id, body.sha256
    )
    await _record(request, finished, device.device_id)
    return StatusOut(items=[StatusItem(**item) for item in items])


@router.put(
    "/attachments/{sha256}",
    response_model=UploadOut,
    openapi_extra=_CHUNK_BODY,
    responses={
        409: {"model": OffsetMismatch, "description": "START is not what the service holds"}
    },
)
async def upload_chunk(
    request: Request,
    sha256: str = _SHA_PATH,
    content_range: str = Header(
        alias="Content-Range", max_length=100, description="bytes START-END/TOTAL"
    ),
    device: DeviceIdentity = Depends(current_device),
) -> UploadOut | JSONResponse:
    """One chunk of the content ``sha256``; the answer says what the service now holds."""
    state = service_state(request)
    evidence: Evidence = state.evidence
    try:
        rng = parse_range(content_range, evidence.limits)
        body = await _chunk(request, evidence.limits.chunk_max)
        if len(body) != rng.length:
            raise AttachmentRefused("bad_content_range")
        progress = await run_in_threadpool(
            attachments.receive_chunk,
            state.sessions,
            evidence,
            device.device_id,
            sha256,
            rng,
            body,
        )
    except AttachmentRefused as exc:
        return _refused(exc, request)
    if progress.finished is not None:
        await _record(request, [progress.finished], device.device_id)
    return UploadOut(sha256=sha256, received=progress.received, complete=progress.complete)


async def _chunk(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise AttachmentRefused("chunk_too_large", limit=limit // 1024)
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > limit:
            raise AttachmentRefused("chunk_too_large", limit=limit // 1024)
    return bytes(body)


@router.get(
    "/staff/attachments/{sha256}",
    response_class=Response,
    responses={200: {"description": "The image", "content": _IMAGES}},
)
def staff_attachment(
    sha256: str = _SHA_PATH,
    size: Literal["full", "thumb"] = Query(
        default="full", description="thumb: a small JPEG for the console"
    ),
    staff: StaffIdentity = Depends(current_staff),
    session: Session = Depends(read_session),
    evidence: Evidence = Depends(_evidence),
) -> Response:
    """The content, when a record of the caller's township names it; 404 otherwise."""
    row = attachments.visible(session, attachments.township_scope(staff.township_id), sha256)
    audit.info("staff %s read attachment %s", staff.staff_id, sha256)
    cache = {"Cache-Control": "private, max-age=86400", "ETag": f'"{sha256}"'}
    try:
        if size == "thumb":
            small = thumbnails.thumbnail(evidence.store, sha256)
            if small is not None:
                return Response(small, media_type="image/jpeg", headers=cache)
        handle = evidence.store.open(content_key(sha256))
    except FileNotFoundError:
        raise NotFound("evidence_service.error.not_found") from None
    headers = {**cache, "Content-Length": str(row.size), "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(_read(handle), media_type=row.type, headers=headers)


def _read(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while block := handle.read(256 * 1024):
            yield block
