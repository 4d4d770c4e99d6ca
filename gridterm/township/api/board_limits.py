"""Rate limits and the little plumbing the board's pages share.

Two in-process token buckets per client address: pages (``GRIDTERM_BOARD_RATE``, default a
burst of 60, then one a second — a village's WeChat group opening a shared link behind one
carrier address must not be turned away) and questions (``GRIDTERM_QUESTION_RATE``, default
a burst of 3, then one a minute).  Values are ``BURST/PER_MINUTE``.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from gridterm.township.api.board_list_html import limited_page
from gridterm.township.api.deps import client_address
from gridterm.township.api.ratelimit import TokenBucket

HTML: dict[str, Any] = {"text/html": {"schema": {"type": "string"}}}
NO_STORE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
PAGE_RATE = (60.0, 60.0)
QUESTION_RATE = (3.0, 1.0)


def _rate(name: str, default: tuple[float, float]) -> tuple[float, float]:
    """``BURST/PER_MINUTE`` from the environment, as (burst, per second)."""
    try:
        burst, per_minute = (float(x) for x in os.environ.get(name, "").split("/"))
        if burst >= 1 and per_minute > 0:
            return burst, per_minute / 60.0
    except ValueError:
        pass
    return default[0], default[1] / 60.0


def _bucket(app: Any, name: str, env: str, default: tuple[float, float]) -> TokenBucket:
    bucket = getattr(app.state, name, None)
    if bucket is None:
        burst, per_second = _rate(env, default)
        bucket = TokenBucket(capacity=burst, refill_per_second=per_second)
        setattr(app.state, name, bucket)
    return bucket


def _spend(request: Request, bucket: TokenBucket) -> HTMLResponse | None:
    address = client_address(request)
    if not bucket.allowed(address):
        seconds = bucket.retry_after(address)
        return HTMLResponse(
            limited_page(seconds),
            status_code=429,
            headers={**NO_STORE, "Retry-After": str(seconds)},
        )
    bucket.spend(address)
    return None


def limited(request: Request) -> HTMLResponse | None:
    """A 429 page when this address has asked for too many pages; else spend one."""
    return _spend(request, _bucket(request.app, "board_limiter", "GRIDTERM_BOARD_RATE", PAGE_RATE))


def question_limited(request: Request) -> HTMLResponse | None:
    """A 429 page when this address has asked too many questions; else spend one."""
    bucket = _bucket(request.app, "question_limiter", "GRIDTERM_QUESTION_RATE", QUESTION_RATE)
    return _spend(request, bucket)


def root_of(request: Request) -> str:
    """The relative path from this page's address to ``/v/``: links work behind a prefix."""
    path = request.url.path
    at = path.find("/v/")
    depth = path[at + 3 :].count("/") if at >= 0 else 0
    return "../" * depth
