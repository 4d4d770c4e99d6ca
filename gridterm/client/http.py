"""One HTTP request to the township service, retried on what may heal by itself.

Transport errors, 408, 429 and 5xx are retried by stamina with exponential backoff and
jitter, honouring ``Retry-After``, under a total deadline; everything else is the caller's.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import stamina

from gridterm.client.errors import ServiceUnreachable, SyncError, service_detail

API = "/api/v1"
MAX_BATCH = 200
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# stamina logs each scheduled retry at WARNING; with no handler configured Python would
# print those to stderr, in the middle of `gridterm sync`'s output or the TUI's screen.
logging.getLogger("stamina").addHandler(logging.NullHandler())


class _Retryable(Exception):
    """A response worth retrying (408, 429, 5xx); carries the Retry-After delay if given."""

    def __init__(self, status: int, retry_after: float | None, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.retry_after = retry_after
        self.detail = detail


@dataclass
class SyncConfig:
    """How patient the client is.  Tests shorten everything; the defaults suit a phone."""

    batch_size: int = MAX_BATCH
    page_limit: int = 1000
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    deadline: float = 120.0  # total seconds one request may spend retrying
    wait_initial: float = 0.5
    wait_max: float = 30.0
    wait_jitter: float = 1.0
    max_retry_after: float = 120.0  # never sleep longer than this on a Retry-After
    ca_file: str | None = None
    trust_env: bool = True  # HTTP(S)_PROXY, NO_PROXY, SSL_CERT_FILE from the environment

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def make_client(config: SyncConfig, transport: httpx.BaseTransport | None) -> httpx.Client:
    verify: ssl.SSLContext | bool = True
    if config.ca_file:
        path = Path(config.ca_file).expanduser()
        try:
            verify = ssl.create_default_context(cafile=str(path))
        except (OSError, ssl.SSLError) as exc:
            raise SyncError("sync.bad_ca_file", path=str(path), reason=str(exc)) from exc
    timeout = httpx.Timeout(
        config.read_timeout, connect=config.connect_timeout, pool=config.connect_timeout
    )
    return httpx.Client(
        timeout=timeout,
        verify=verify,
        trust_env=config.trust_env,
        transport=transport,
        headers={"User-Agent": _user_agent()},
    )


def _user_agent() -> str:
    from gridterm import __version__

    return f"gridterm/{__version__}"


class _Sender:
    """One HTTP request, retried by stamina on what may heal by itself.

    Retry-able: transport errors (refused, reset, cut mid-answer, timeouts), 408, 429 and
    5xx.  A Retry-After is honoured (capped); otherwise exponential backoff with jitter.  The
    whole thing stops at ``config.deadline`` and raises ServiceUnreachable.
    """

    def __init__(
        self,
        client: httpx.Client,
        config: SyncConfig,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.retries = 0
        self.should_stop = should_stop or (lambda: False)
        self._deadline_at = float("inf")

    def _backoff_hook(self, exc: Exception) -> bool | float:
        if self.should_stop():
            return False  # the app is closing: no more attempts
        if isinstance(exc, _Retryable):
            self.retries += 1
            if exc.retry_after is not None:
                # Never sleep past the deadline: past it, give up now and say so.
                left = self._deadline_at - time.monotonic()
                if exc.retry_after >= left:
                    return False
                return min(exc.retry_after, self.config.max_retry_after)
            return True
        if isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.UnsupportedProtocol):
            self.retries += 1
            return True
        return False

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        cfg = self.config
        self._deadline_at = time.monotonic() + cfg.deadline
        try:
            for attempt in stamina.retry_context(
                on=self._backoff_hook,
                attempts=None,
                timeout=cfg.deadline,
                wait_initial=cfg.wait_initial,
                wait_max=cfg.wait_max,
                wait_jitter=cfg.wait_jitter,
            ):
                with attempt:
                    response = self.client.request(method, url, **kwargs)
                    if response.status_code in RETRY_STATUSES:
                        detail, _ = service_detail(response)
                        raise _Retryable(
                            response.status_code,
                            parse_retry_after(response.headers.get("Retry-After")),
                            detail,
                        )
                    return response
        except _Retryable as exc:
            raise ServiceUnreachable("sync.unreachable_status", status=exc.status) from exc
        except httpx.UnsupportedProtocol as exc:
            raise SyncError("sync.bad_url", url=url) from exc
        except httpx.TransportError as exc:
            raise ServiceUnreachable(reason=type(exc).__name__) from exc
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SyncError("sync.bad_answer", status=response.status_code) from exc
    if not isinstance(body, dict):
        raise SyncError("sync.bad_answer", status=response.status_code)
    return body


def json_body(response: httpx.Response) -> dict:
    """The answer's JSON object; anything else is the service misbehaving."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SyncError("sync.bad_answer", status=response.status_code) from exc
    if not isinstance(body, dict):
        raise SyncError("sync.bad_answer", status=response.status_code)
    return body
