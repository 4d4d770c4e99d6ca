"""FastAPI dependencies: a database session per request, and who is calling.

* :func:`read_session` — a session for reading; closed after the response.
* :func:`write_session` — a session whose transaction is a writer from its first statement
  (``BEGIN IMMEDIATE`` on SQLite); committed by the service the route calls, rolled back if
  it raises.  It is handed out only once the request holds a slot of the write queue
  (:mod:`~gridterm.township.api.admission`), waited for in the event loop, and its
  transaction begins in the route's own thread: nothing holds the write lock while waiting
  for a thread.  A route that can do its whole unit of work in one function call uses
  :func:`run_write` instead (one thread hop, no dependency).
* :func:`current_device` — the enrolled, unrevoked device behind ``Authorization: Bearer``;
  401 ``token_invalid`` / ``device_revoked`` otherwise.  The gridterm version its
  ``User-Agent`` names is kept on the device (:mod:`~gridterm.township.services.client_versions`).
* :func:`current_staff` — township staff behind ``Authorization: Bearer``; 401 otherwise.

The token lookups themselves are :mod:`gridterm.township.services.tokens`.  They use their
own short session, so a route's write transaction starts clean.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from gridterm.township.api.errors import ApiError
from gridterm.township.services import client_versions, tokens
from gridterm.township.services.tokens import DeviceIdentity, StaffIdentity

T = TypeVar("T")

bearer = HTTPBearer(auto_error=False, description="Device token or staff token")


def service_state(request: Request):
    return request.app.state.gridterm


def read_session(request: Request) -> Iterator[Session]:
    with service_state(request).sessions() as session:
        yield session


async def write_session(request: Request) -> AsyncIterator[Session]:
    state = service_state(request)
    async with state.writes.slot():
        session = state.write_sessions()
        try:
            yield session
        finally:
            # Closing rolls back what was not committed and gives the connection back.
            await state.writes.in_thread(session.close)


async def run_write(request: Request, work: Callable[..., T], *args: Any) -> T:
    """``work(write_sessions, *args)`` in a write slot, in one worker thread: it opens its
    session, writes and commits there (``db.write_session(write_sessions)``)."""
    state = service_state(request)
    return await state.writes.run(work, state.write_sessions, *args)


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise ApiError(
            401,
            "token_invalid",
            "service.error.token_missing",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return credentials.credentials


def current_device(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> DeviceIdentity:
    token = _token(credentials)
    state = service_state(request)
    with state.sessions() as session:
        device = tokens.device_for_token(session, token)
        # Which gridterm the device runs, for staff and for its update hints.
        client_versions.note(
            state.sessions, session, device.device_id, request.headers.get("user-agent")
        )
        return device


def current_staff(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> StaffIdentity:
    token = _token(credentials)
    with service_state(request).sessions() as session:
        return tokens.staff_for_token(session, token)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
