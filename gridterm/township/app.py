"""The township service's app factory: ``create_app(db_url)``.

Routers per area (``api/``) over services that speak no HTTP (``services/``), one database
session per request (``api/deps.py``), every error a JSON ``{"detail", "code"}`` with a 4xx
status (a service's typed error answered as ``api/errors.py`` maps it), request bodies bounded
in size, and nothing of a record's contents in any log line (SQL parameters are hidden;
unexpected errors are logged by type and path only).
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gridterm import __version__
from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.api.admission import WriteQueue
from gridterm.township.api.errors import ApiError, from_service, request_language
from gridterm.township.api.ratelimit import SharedBucket
from gridterm.township.api.sweeper import sweeping
from gridterm.township.services.attachments import Evidence
from gridterm.township.services.client_bundle import bundle_root
from gridterm.township.services.content_store import open_store
from gridterm.township.services.errors import ServiceError
from gridterm.township.services.uploads import Limits

log = logging.getLogger("gridterm.township")

MAX_BODY_BYTES = 8 * 1024 * 1024

# Routers built by other parts are included when their module exists.
OPTIONAL_ROUTERS = ("staff", "county", "public", "staff_board", "board")

_STATUS_CODES = {
    400: "bad_request",
    401: "token_invalid",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


class ServiceState:
    """What routes need besides the request: the engine, sessions, limits, clock hooks."""

    def __init__(
        self,
        db_url: str,
        *,
        enroll_rate: tuple[float, float],
        base_url: str | None,
        bundle_dir: str | os.PathLike[str] | None = None,
        attachments: str | os.PathLike[str] | None = None,
        attachment_limits: Limits | None = None,
    ):
        self.db_url = db.normalize_url(db_url)
        self.engine = db.make_engine(self.db_url)
        self.sessions = db.session_factory(self.engine)
        self.write_sessions = db.write_session_factory(self.engine)
        self.writes = WriteQueue(db.write_slots(self.engine))
        capacity, per_second = enroll_rate
        # Shared by every service process (kept in the database): one budget per address.
        self.enroll_limiter = SharedBucket("enroll", capacity, per_second, self.write_sessions)
        self.base_url = base_url
        # The client bundle phones install from (/simple/), beside the database by default.
        self.bundle_dir = Path(bundle_dir) if bundle_dir else bundle_root(self.db_url)
        # Photos and other evidence (issue 16): kept outside the database.
        store, staging = open_store(attachments, self.db_url)
        self.evidence = Evidence.make(store, staging, attachment_limits)


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether or not they say their
    length up front (chunked bodies are counted as they arrive)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await _send_error(scope, send, 413, "body_too_large")
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, counted, send)


async def _send_error(scope: Scope, send: Send, status: int, code: str) -> None:
    lang = request_language(_header(scope, b"accept-language"))
    response = JSONResponse(
        {"detail": t(f"service.error.{code}", lang=lang), "code": code}, status_code=status
    )
    await response(scope, _noop_receive, send)


async def _noop_receive() -> Message:
    return {"type": "http.disconnect"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _lang(request: Request) -> str:
    return request_language(request.headers.get("accept-language"))


def _error(status: int, code: str, detail: str, headers: dict[str, str] | None = None):
    return JSONResponse({"detail": detail, "code": code}, status_code=status, headers=headers)


def _validation_detail(exc: RequestValidationError, lang: str) -> str:
    errors = exc.errors()
    if not errors:
        return t("service.error.invalid_request", lang=lang)
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body",)) or "body"
    if first.get("type") == "json_invalid":
        return t("service.error.json_invalid", lang=lang)
    return t("service.error.invalid_field", lang=lang, field=where, reason=first.get("msg", ""))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _error(exc.status, exc.code, exc.message(_lang(request)), exc.headers)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError):
        lang = _lang(request)
        error = from_service(exc, lang)
        return _error(error.status, error.code, error.message(lang), error.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        code = _STATUS_CODES.get(exc.status_code, "error")
        status = exc.status_code if 400 <= exc.status_code < 500 else exc.status_code
        detail = t(f"service.error.{code}", lang=_lang(request))
        return _error(status, code, detail, getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _database_unavailable(request: Request, exc: Exception):
        # The database is down, unreachable or busy past its timeout: a state that passes,
        # so tell the client to come back (the sync client retries 503 with backoff).
        log.warning("database unavailable (%s) on %s", type(exc).__name__, request.url.path)
        detail = t("service.error.unavailable", lang=_lang(request))
        return _error(503, "unavailable", detail, {"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return _error(422, "invalid_request", _validation_detail(exc, _lang(request)))


class ContainErrors:
    """Answer an unexpected exception with a JSON 500 and log its type and path only.

    Starlette's own handler for ``Exception`` re-raises after answering, and the server then
    logs the traceback — whose messages can carry record contents.  This middleware sits
    inside it and swallows the exception instead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            log.error(
                "unexpected %s on %s %s", type(exc).__name__, scope.get("method"), scope.get("path")
            )
            if not started:
                await _send_error(scope, send, 500, "internal")


def create_app(
    db_url: str | None = None,
    *,
    migrate: bool = True,
    enroll_rate: tuple[float, float] = (10.0, 10.0 / 60.0),
    base_url: str | None = None,
    max_body: int = MAX_BODY_BYTES,
    bundle_dir: str | os.PathLike[str] | None = None,
    sweep_seconds: float | None = None,
    attachments: str | os.PathLike[str] | None = None,
    attachment_limits: Limits | None = None,
) -> FastAPI:
    """The service for the database at ``db_url`` (default: ``GRIDTERM_DB`` or the SQLite file
    in the data folder).  ``migrate`` applies Alembic migrations first.  ``enroll_rate`` is the
    per-address budget for wrong enrollment codes: (burst, refill per second).  ``base_url`` is
    the public address devices are told to sync to (default: the address they enrolled at).
    ``bundle_dir`` is the client bundle's folder (default: beside the database).
    ``sweep_seconds``: how often the county ladder's sweep runs (escalating overdue red items;
    default ``GRIDTERM_SWEEP_SECONDS`` or 60; 0: never).  ``attachments`` is where attachment
    content is kept (default: ``GRIDTERM_ATTACHMENTS``, else ``attachments/`` beside the
    database); ``attachment_limits`` what uploads may be."""
    state = ServiceState(
        db_url or db.default_db_url(),
        enroll_rate=enroll_rate,
        base_url=base_url,
        bundle_dir=bundle_dir,
        attachments=attachments,
        attachment_limits=attachment_limits,
    )
    if migrate:
        from gridterm.township.migrations import upgrade

        upgrade(state.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with sweeping(state, sweep_seconds):
            yield
        state.engine.dispose()

    app = FastAPI(
        title="gridterm township service",
        version=__version__,
        description="Sync API for grid officers' devices, staff API, resident status page.",
        lifespan=lifespan,
    )
    app.state.gridterm = state
    install_error_handlers(app)

    from gridterm.township.api import attachments as attachment_api
    from gridterm.township.api import client_index, health, staff_devices, sync

    app.include_router(health.router)
    app.include_router(sync.router)
    app.include_router(client_index.router)
    app.include_router(staff_devices.router)
    app.include_router(attachment_api.router)
    for name in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(f"gridterm.township.api.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"gridterm.township.api.{name}":
                raise
            continue
        app.include_router(module.router)

    app.add_middleware(BodySizeLimit, limit=max_body)
    app.add_middleware(ContainErrors)  # added last = outermost of ours
    return app


def app_from_env() -> Any:
    """Factory for ``uvicorn --factory gridterm.township.app:app_from_env`` (worker processes
    read the database URL from ``GRIDTERM_DB``; migrations already ran in the parent)."""
    return create_app(migrate=False, base_url=os.environ.get("GRIDTERM_BASE_URL") or None)
