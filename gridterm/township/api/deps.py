"""FastAPI dependencies: a database session per request, and who is calling.

* :func:`read_session` — a session for reading; closed after the response.
* :func:`write_session` — a session whose transaction is a writer from its first statement
  (``BEGIN IMMEDIATE`` on SQLite); committed by the service the route calls, rolled back if
  it raises.
* :func:`current_device` — the enrolled, unrevoked device behind ``Authorization: Bearer``;
  401 ``token_invalid`` / ``device_revoked`` otherwise.  The gridterm version its
  ``User-Agent`` names is kept on the device (:mod:`~gridterm.township.services.client_versions`).
* :func:`current_staff` — township staff behind ``Authorization: Bearer``; 401 otherwise.

The token lookups themselves are :mod:`gridterm.township.services.tokens`.  They use their
own short session, so a route's write transaction starts clean.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.api.errors import ApiError
from gridterm.township.services import client_versions, tokens
from gridterm.township.services.tokens import DeviceIdentity, StaffIdentity

bearer = HTTPBearer(auto_error=False, description="Device token or staff token")


def service_state(request: Request):
    return request.app.state.gridterm


def read_session(request: Request) -> Iterator[Session]:
    with service_state(request).sessions() as session:
        yield session


def write_session(request: Request) -> Iterator[Session]:
    with service_state(request).sessions() as session:
        db.begin_write(session)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


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
