"""FastAPI dependencies: a database session per request, and who is calling.

* :func:`read_session` — a session for reading; closed after the response.
* :func:`write_session` — a session whose transaction is a writer from its first statement
  (``BEGIN IMMEDIATE`` on SQLite); committed by the route, rolled back if it raises.
* :func:`current_device` — the enrolled, unrevoked device behind ``Authorization: Bearer``;
  401 ``token_invalid`` / ``device_revoked`` otherwise.
* :func:`current_staff` — township staff behind ``Authorization: Bearer``; 401 otherwise.

Tokens are looked up by their SHA-256 (the service never stores a token) and compared in
constant time.  Identity checks use their own short session, so a route's write transaction
starts clean.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.api.errors import ApiError

bearer = HTTPBearer(auto_error=False, description="Device token or staff token")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(kind: str) -> str:
    """A bearer token (256 random bits) with a prefix saying what it is: ``gtd_`` for a device,
    ``gts_`` for staff.  The prefix also means a token never starts with "-", which a shell
    command line (``--token T``) would read as an option."""
    import secrets

    return f"gt{kind}_{secrets.token_urlsafe(32)}"


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


@dataclass(frozen=True)
class DeviceIdentity:
    device_id: str
    name: str
    secret: str
    officer_id: str
    grid_id: str
    township_id: str


@dataclass(frozen=True)
class StaffIdentity:
    staff_id: str
    name: str
    township_id: str


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
    digest = token_hash(token)
    with service_state(request).sessions() as session:
        row = session.execute(
            select(db.Device, db.Officer.grid_id, db.Grid.township_id)
            .join(db.Officer, db.Officer.id == db.Device.officer_id)
            .join(db.Grid, db.Grid.id == db.Officer.grid_id)
            .where(db.Device.token_hash == digest)
        ).first()
    if row is None or not hmac.compare_digest(row[0].token_hash, digest):
        raise ApiError(
            401,
            "token_invalid",
            "service.error.token_invalid",
            headers={"WWW-Authenticate": "Bearer"},
        )
    device, grid_id, township_id = row
    if device.revoked_at is not None:
        raise ApiError(401, "device_revoked", "service.error.device_revoked")
    return DeviceIdentity(
        device_id=device.id,
        name=device.name,
        secret=device.secret,
        officer_id=device.officer_id,
        grid_id=grid_id,
        township_id=township_id,
    )


def current_staff(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> StaffIdentity:
    token = _token(credentials)
    digest = token_hash(token)
    with service_state(request).sessions() as session:
        staff = session.execute(
            select(db.Staff).where(db.Staff.token_hash == digest)
        ).scalar_one_or_none()
    if staff is None or not hmac.compare_digest(staff.token_hash, digest):
        raise ApiError(
            401,
            "token_invalid",
            "service.error.token_invalid",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if staff.revoked_at is not None:
        raise ApiError(401, "staff_revoked", "service.error.staff_revoked")
    return StaffIdentity(staff_id=staff.id, name=staff.name, township_id=staff.township_id)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
