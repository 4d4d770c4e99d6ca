"""The signature on a printed notice's QR code (docs/village_affairs.md "The paper's QR").

    payload = {service_url}/v/n/{NUMBER}?v={VERSION}&h={HASH16}&s={SIG}

``HASH16`` is the first 16 hex digits of the SHA-256 of the version's content — gridterm's
canonical JSON of the published ``data`` — and ``SIG`` is the receipts' scheme (the first 80
bits of an HMAC-SHA256, 16 Crockford base32 characters) keyed with the *service's* own key
over ``gridterm-notice-v1|NUMBER|VERSION|HASH16``.  The key is a secret in the service's
meta table, made the first time a notice is published; only the service signs, so a paper
whose QR verifies is one the township published, and its hash says which content.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from gridterm.core import model
from gridterm.core.receipts import ALPHABET
from gridterm.township import db
from gridterm.township.services import bulk_sql

KEY_META = "notice_signing_key"
CONTEXT = "gridterm-notice-v1"
SIG_LENGTH = 16  # 80 bits, as a receipt's signature of the number alone
HASH_LENGTH = 16


def content_hash(data: Any) -> str:
    """The SHA-256 (hex) of ``data``'s canonical JSON: what a version's hash is of."""
    return hashlib.sha256(model.canonical_json(data)).hexdigest()


def short_hash(full: str) -> str:
    return full[:HASH_LENGTH]


def signing_key(session: Session, *, create: bool = False) -> str | None:
    """The service's notice key; with ``create`` (a write session), made on first use — by
    one process only, whichever inserts first (the others read its key)."""
    key = db.meta_get(session, KEY_META)
    if key is not None or not create:
        return key
    stmt = (
        bulk_sql.insert(session, db.Meta)
        .values(key=KEY_META, value=secrets.token_hex(32))
        .on_conflict_do_nothing(index_elements=["key"])
    )
    session.execute(stmt)
    return db.meta_get(session, KEY_META)


def _message(number: str, version: int, hash16: str) -> bytes:
    return f"{CONTEXT}|{number}|{version}|{hash16}".encode("ascii")


def sign(key: str, number: str, version: int, hash16: str) -> str:
    """The 16-character signature of (number, version, hash16) under the service's ``key``."""
    digest = hmac.new(key.encode("utf-8"), _message(number, version, hash16), hashlib.sha256)
    value = int.from_bytes(digest.digest()[:10], "big")
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(SIG_LENGTH)))


def verify(key: str | None, number: str, version: int, hash16: str, sig: str) -> bool:
    """True when ``sig`` is the service's signature of these; never raises on odd input."""
    if not key or not isinstance(sig, str) or len(sig) != SIG_LENGTH:
        return False
    try:
        expected = sign(key, number, version, hash16)
    except (UnicodeEncodeError, ValueError):
        return False
    return hmac.compare_digest(expected.encode("ascii"), sig.upper().encode("ascii", "replace"))


def query(version: int, hash16: str, sig: str) -> str:
    """The payload's query string: ``v=…&h=…&s=…``."""
    return urlencode({"v": version, "h": hash16, "s": sig})


def qr_payload(service_url: str, number: str, version: int, hash16: str, sig: str) -> str:
    """What the paper's QR code holds (never personal data)."""
    base = str(service_url).strip().rstrip("/")
    return f"{base}/v/n/{number}?{query(version, hash16, sig)}"
