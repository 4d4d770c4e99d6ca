"""Errors the service answers with: always JSON ``{"detail": <sentence>, "code": <slug>}``.

Services raise their own typed errors (:mod:`gridterm.township.services.errors`), which
know no status; :func:`from_service` says which status answers each, and the app's exception
handler applies it, so a route simply lets them through.  Raise :class:`ApiError` for what only
the HTTP layer knows (a missing bearer token, a rate limit)::

    raise ApiError(429, "rate_limited", "service.error.enroll_rate_limited", headers=...)

``detail`` is the catalog message in the caller's language (``Accept-Language``; zh_CN or en).
Pass ``detail=`` instead of a key for a sentence made elsewhere (e.g. a GridtermError's).
Routers add ``responses=ERROR_RESPONSES`` so the OpenAPI document describes these bodies.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gridterm.core.i18n import get_language, normalize, t
from gridterm.township.services import errors as service


class ErrorOut(BaseModel):
    detail: str
    code: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorOut, "description": "The request was refused; `detail` says why."},
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        key: str | None = None,
        *,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.key = key
        self.detail = detail
        self.headers = headers
        self.params = params

    def message(self, lang: str) -> str:
        if self.detail is not None:
            return self.detail
        if self.key is None:
            return self.code
        return t(self.key, lang=lang, **self.params)


def request_language(accept_language: str | None) -> str:
    """The first language in ``Accept-Language`` we have a catalog for, else the default."""
    if accept_language:
        for part in accept_language.split(","):
            code = normalize(part.split(";")[0].strip())
            if code:
                return code
    return get_language()


# The status that answers each service error.
_STATUS: dict[type[service.ServiceError], int] = {
    service.InvalidInput: 422,
    service.NotFound: 404,
    service.BadCursor: 400,
    service.Busy: 409,
    service.CursorExpired: 410,
    service.IdempotencyKeyReused: 422,
    service.EnrollmentRefused: 403,
    service.TokenRefused: 401,
    service.TransitionRefused: 409,
    service.Forbidden: 403,
    service.Refused: 409,
    service.NoticeRefused: 409,
    service.RevMoved: 409,
    service.QuestionRefused: 422,
    service.CountersignRefused: 409,
}
# A transition refused for what the request left out or named wrong is 422, not 409.
_TRANSITION_STATUS = {"reason_required": 422, "unknown_status": 422}
# A question answered twice is a conflict; one phone's questions past the day's limit, 429.
_QUESTION_STATUS = {"already_handled": 409, "too_many": 429}


def from_service(error: service.ServiceError, lang: str) -> ApiError:
    """The answer to a service error: its status, its code, its sentence in ``lang``."""
    status = next((s for cls, s in _STATUS.items() if isinstance(error, cls)), 422)
    if isinstance(error, service.TransitionRefused):
        status = _TRANSITION_STATUS.get(error.code, status)
    if isinstance(error, service.QuestionRefused):
        status = _QUESTION_STATUS.get(error.code, status)
    headers = None
    if isinstance(error, service.Busy):
        headers = {"Retry-After": "1"}
    elif isinstance(error, service.TokenRefused) and error.code == "token_invalid":
        headers = {"WWW-Authenticate": "Bearer"}
    return ApiError(status, error.code, detail=error.message(lang), headers=headers)
