"""The device API: ``POST /api/v1/enroll``, ``POST /api/v1/sync/push``, ``GET /api/v1/sync/pull``.

The rules live in services: :mod:`~gridterm.township.services.enrollment`,
:mod:`~gridterm.township.services.push` and :mod:`~gridterm.township.services.pull`.
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from gridterm.township.api import links
from gridterm.township.api.deps import (
    client_address,
    current_device,
    read_session,
    run_write,
    service_state,
)
from gridterm.township.api.errors import ERROR_RESPONSES, ApiError, request_language
from gridterm.township.api.schemas_sync import (
    EnrollIn,
    EnrollOut,
    Named,
    OfficerOut,
    PullOut,
    PushIn,
    PushOut,
)
from gridterm.township.services import enrollment
from gridterm.township.services import pull as pull_service
from gridterm.township.services import push as push_service
from gridterm.township.services.errors import EnrollmentRefused
from gridterm.township.services.tokens import DeviceIdentity

router = APIRouter(prefix="/api/v1", tags=["sync"], responses=ERROR_RESPONSES)


def _enroll(sessions: sessionmaker[Session], body: EnrollIn) -> enrollment.Enrollment:
    with sessions() as session:
        return enrollment.enroll(session, body.code, body.device_name, body.previous_token)


@router.post("/enroll", response_model=EnrollOut)
async def enroll(body: EnrollIn, request: Request) -> EnrollOut:
    # As cheap as a push: the rate limit is checked before anything waits, and the code is
    # claimed and the device made in one write, in one worker thread.
    state = service_state(request)
    address = client_address(request)
    limiter = state.enroll_limiter
    # The budget is the database's (shared by every service process): asked in a thread.
    if not await anyio.to_thread.run_sync(limiter.allowed, address):
        wait = await anyio.to_thread.run_sync(limiter.retry_after, address)
        raise ApiError(
            429,
            "rate_limited",
            "service.error.enroll_rate_limited",
            headers={"Retry-After": str(wait)},
        )
    try:
        done = await run_write(request, _enroll, body)
    except EnrollmentRefused:
        # Only wrong codes spend the address's budget.
        await anyio.to_thread.run_sync(limiter.spend, address)
        raise
    return EnrollOut(
        device_id=done.device_id,
        token=done.token,
        device_secret=done.device_secret,
        officer=OfficerOut(id=done.officer.id, name=done.officer.name, phone=done.officer.phone),
        grid=Named(id=done.grid.id, name=done.grid.name),
        township=Named(id=done.township.id, name=done.township.name),
        service_url=state.base_url or str(request.base_url).rstrip("/"),
    )


@router.post(
    "/sync/push",
    response_model=PushOut,
    responses=links.to_record("$response.body#/results/0/id"),
)
async def push(
    body: PushIn,
    request: Request,
    device: DeviceIdentity = Depends(current_device),
    idempotency_key: str | None = Header(default=None, max_length=200),
) -> Response:
    # Async to reach the body bytes FastAPI already read (the Idempotency-Key is bound to
    # them) and to wait for a write slot without holding a thread; the database work runs
    # in one worker thread, in one write transaction.
    raw = await request.body()
    lang = request_language(request.headers.get("accept-language"))
    out = await run_write(
        request, push_service.push_batch, device, body.records, raw, idempotency_key, lang
    )
    return _json(out)


def _json(out: dict[str, Any]) -> Response:
    # Results are plain dicts shaped like PushResult; response_model documents them.
    return Response(
        json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        media_type="application/json",
    )


@router.get(
    "/sync/pull", response_model=PullOut, operation_id=links.PULL, responses=links.to_next_pull()
)
def pull(
    request: Request,
    device: DeviceIdentity = Depends(current_device),
    session: Session = Depends(read_session),
    cursor: int = Query(default=0, ge=0, le=2**62),
    limit: int = Query(default=500, ge=1, le=1000),
) -> PullOut:
    base_url = service_state(request).base_url or str(request.base_url).rstrip("/")
    return PullOut(**pull_service.pull(session, device, cursor, limit, base_url))
