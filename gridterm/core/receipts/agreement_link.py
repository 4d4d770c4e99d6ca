"""The link to a case's agreement as an A4 page on the township service, signed by the device.

The page names the parties in full (they sign it), so it is not public: the officer's device
makes a link that only it can make — an HMAC keyed with its device secret over the record
id, the rev it shows and an expiry — and the service checks it with the secret of the device
that sent that rev.  The link lasts :data:`LINK_TTL`; the service refuses one that claims to
last longer than :data:`LONGEST` (a device clock a few days fast still works).

    agreement_link(service_url, record_id, rev, device_secret)
    # "https://…/agreement/<id>?rev=3&exp=1796000000&s=<20 hex>"
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

CONTEXT = b"gridterm-agreement-v1|"
LINK_TTL = timedelta(hours=24)
LONGEST = timedelta(days=8)
SIG_HEX = 20  # 80 bits, as a receipt's signature


def link_signature(record_id: str, rev: int, expires: int, secret: str | bytes) -> str:
    key = secret if isinstance(secret, bytes) else str(secret).encode("utf-8")
    message = CONTEXT + f"{record_id}|{int(rev)}|{int(expires)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SIG_HEX]


def agreement_link(
    service_url: str,
    record_id: str,
    rev: int,
    secret: str | bytes,
    now: datetime | None = None,
    lang: str = "zh_CN",
) -> str:
    """The signed link to rev ``rev`` of case ``record_id``'s agreement, valid for a day."""
    moment = now or datetime.now(timezone.utc)
    expires = int((moment + LINK_TTL).timestamp())
    # Every part is a number, hex or a language code: nothing in the query needs quoting.
    query = f"rev={int(rev)}&exp={expires}&s={link_signature(record_id, rev, expires, secret)}"
    if lang in ("en",):
        query += f"&lang={lang}"
    return f"{str(service_url).rstrip('/')}/agreement/{record_id}?{query}"


def link_state(
    record_id: str, rev: int, expires: int, sig: str, secret: str | bytes, now: datetime
) -> str:
    """``"ok"``, ``"expired"`` or ``"forged"`` (a wrong signature, or an expiry too far off)."""
    expected = link_signature(record_id, rev, expires, secret)
    given = str(sig or "").strip().lower()[: SIG_HEX * 2].encode("utf-8", "replace")
    if not hmac.compare_digest(expected.encode("ascii"), given):
        return "forged"
    now_ts = now.timestamp()
    if expires > now_ts + LONGEST.total_seconds():
        return "forged"
    return "ok" if now_ts <= expires else "expired"
