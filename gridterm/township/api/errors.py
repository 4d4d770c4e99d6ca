"""Errors the service answers with: always JSON ``{"detail": <sentence>, "code": <slug>}``.

Raise :class:`ApiError` anywhere in a route or dependency::

    raise ApiError(409, "invalid_transition", "service.error.invalid_transition", reason=...)

``detail`` is the catalog message in the caller's language (``Accept-Language``; zh_CN or en).
Pass ``detail=`` instead of a key for a sentence made elsewhere (e.g. a GridtermError's).
Routers add ``responses=ERROR_RESPONSES`` so the OpenAPI document describes these bodies.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gridterm.core.i18n import get_language, normalize, t


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
