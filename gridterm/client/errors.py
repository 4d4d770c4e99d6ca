"""Reading the township service's error answers — one parser for every client.

The service answers errors as JSON ``{"detail": "<sentence>", "code": "<slug>"}`` in the
language asked for (docs/contracts.md); FastAPI's own validation errors carry a list of
``{"loc", "msg"}`` instead, and a proxy in between may answer plain text or HTML.  Every client
(sync, the staff console, ``gridterm pull``) turns any of those into one sentence and a code.
"""

from __future__ import annotations

import json

import httpx

from gridterm.core.errors import GridtermError

DETAIL_MAX = 300


def service_detail(response: httpx.Response) -> tuple[str, str]:
    """The service's sentence and code for an error answer; never raises."""
    fallback = response.reason_phrase or str(response.status_code)
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return (response.text[:200].strip() or fallback, "")
    if not isinstance(body, dict):
        return (fallback, "")
    detail = body.get("detail")
    if isinstance(detail, list):  # FastAPI's validation errors: name the fields
        parts = []
        for item in detail:
            if isinstance(item, dict):
                where = ".".join(str(p) for p in item.get("loc", [])[1:])
                parts.append(f"{where}: {item.get('msg', '')}".strip(": "))
        detail = "; ".join(parts)
    elif detail and not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False)[:DETAIL_MAX]
    return (str(detail or fallback), str(body.get("code") or ""))


# The device's sync errors (gridterm sync's exit codes come from them).


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


def auth_error(response: httpx.Response) -> AuthError:
    detail, code = service_detail(response)
    if code in ("device_revoked", "revoked"):
        return AuthError("sync.auth.revoked", detail=detail)
    if code in ("enrollment_expired", "token_expired", "expired"):
        return AuthError("sync.auth.expired", detail=detail)
    if response.status_code == 403:
        return AuthError("sync.auth.forbidden", detail=detail)
    return AuthError("sync.auth.token_invalid", detail=detail)
