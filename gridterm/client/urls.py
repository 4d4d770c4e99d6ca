"""The one rule for what a person types as the township service's address.

``https://zhen.example.cn/`` stays as typed, without the trailing slash.  A bare host gets a
scheme: ``https://`` — a township's public address sits behind a proxy that terminates TLS —
except where the address itself says it is a plain service: loopback (``127.0.0.1``,
``localhost``) or an explicit port other than 443 (``township:8080``, what
``gridterm serve`` listens on).  The officer's enrollment and the staff console use the same
rule, so the same words reach the same service.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

_LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


def normalize_url(url: str, error: Callable[[str], Exception]) -> str:
    """``url`` with a scheme and no trailing slash; raises ``error(url)`` when it is no
    address of an HTTP service."""
    text = (url or "").strip()
    if not text:
        raise error(url)
    if "://" not in text:
        text = _default_scheme(text) + text
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL:
        raise error(url) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise error(url)
    return text.rstrip("/")


def _default_scheme(bare: str) -> str:
    try:
        parsed = httpx.URL("//" + bare)
    except httpx.InvalidURL:
        return "https://"
    if parsed.host in _LOOPBACK:
        return "http://"
    if parsed.port is not None and parsed.port != 443:
        return "http://"
    return "https://"
