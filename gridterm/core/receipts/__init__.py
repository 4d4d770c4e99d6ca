"""Receipt numbers, their signatures, the QR payload and the receipt's text — no UI, no I/O.

A receipt number is made on the officer's device, offline: ten random Crockford base32
characters and one check character, shown ``XXXXX-XXXXX-X``.  The check character is the
Damm algorithm over the quasigroup ``x∘y = A·x + y`` in GF(32) (A = 2, field polynomial
x⁵ + x² + 1).  Because A ≠ 0, 1 that quasigroup is totally anti-symmetric, so the check
catches every single-character substitution and every swap of two adjacent characters —
Luhn mod 32 does not (it cannot tell ``0Z`` from ``Z0``).

The signature covers the number and the issue time (docs/contracts.md "Receipts"), and the
time travels inside it, so the QR code still holds only the number and the signature: the
resident's page can tell a genuine receipt from a forged one before the record has synced,
and one issued before its device was revoked from one issued after.  A receipt issued before
the time was signed (``sign(number, secret)``, 16 characters) still verifies; it carries no
issue time the page can trust (docs/security.md says what the page makes of it).

    number = new_number()                 # "7Q2M4K9TXAC"  (11 chars, no dashes)
    format_number(number)                 # "7Q2M4-K9TXA-C"
    sig = sign(number, secret, issued_at) # 19 Crockford chars: 70 bits of HMAC + the minute
    signed_at(sig)                        # the issue time the signature carries
    qr_payload(service_url, number, sig)  # "https://…/r/7Q2M4K9TXAC?s=…"
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from gridterm.core import credentials, model
from gridterm.core.dates.zone import in_zone, township_zone
from gridterm.core.errors import GridtermError
from gridterm.core.i18n import get_language, t

if TYPE_CHECKING:
    from gridterm.core.store import Store

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Read-back forgiveness: what people type for what they see on paper.
_ALIASES = {"I": "1", "L": "1", "O": "0"}
_IGNORED = " -\t"

BODY_LENGTH = 10
LENGTH = BODY_LENGTH + 1
SIG_LENGTH = 16  # 16 × 5 bits = the first 80 bits of the HMAC
SIG_CONTEXT = b"gridterm-receipt-v1|"  # number alone: receipts issued before issue times
SIG_CONTEXT_TIMED = b"gridterm-receipt-v2|"  # number and issue time
# 14 + 5 characters: the QR code of a typical service address stays at version 4 (a longer
# signature would tip it to 5).  70 bits are as far beyond guessing as 80: a guess can only be
# tried on the rate-limited resident page.
TIMED_MAC_LENGTH = 14
TIME_LENGTH = 5  # 25 bits: minutes since 2020-01-01 UTC, into the year 2083
TIMED_SIG_LENGTH = TIMED_MAC_LENGTH + TIME_LENGTH
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)

# GF(32) with the primitive polynomial x^5 + x^2 + 1; the quasigroup multiplier.
_POLY = 0b100101
_A = 2


def _gf_mul(x: int, y: int) -> int:
    product = 0
    while y:
        if y & 1:
            product ^= x
        y >>= 1
        x <<= 1
        if x & 0b100000:
            x ^= _POLY
    return product


# _TABLE[x][y] = x∘y = A·x + y (addition in GF(2^5) is XOR).
_TABLE = tuple(tuple(_gf_mul(_A, x) ^ y for y in range(32)) for x in range(32))


class ReceiptError(GridtermError):
    """A receipt that cannot be issued, shown or printed; the message says why."""

    key = "receipts.error"


class ReceiptNumberError(ReceiptError):
    """A receipt number that cannot be right; the message says what is wrong with it."""

    key = "receipts.number.invalid"


def damm_interim(values: list[int] | tuple[int, ...]) -> int:
    interim = 0
    for value in values:
        interim = _TABLE[interim][value]
    return interim


def check_character(body: str) -> str:
    """The character that makes the Damm interim of ``body + check`` zero."""
    interim = damm_interim([_VALUE[ch] for ch in body])
    # interim∘c = A·interim + c = 0  ⇔  c = A·interim (characteristic 2: −x = x).
    return ALPHABET[_gf_mul(_A, interim)]


def new_number() -> str:
    """A fresh receipt number: 10 random characters and the check, 11 chars, no dashes."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def _normalize(text: str) -> str:
    """Upper-case, drop dashes and spaces, read I/L as 1 and O as 0 — nothing else."""
    out = []
    for ch in str(text).strip().upper():
        if ch in _IGNORED:
            continue
        out.append(_ALIASES.get(ch, ch))
    return "".join(out)


def parse_number(text: str) -> str:
    """The 11-character number ``text`` stands for, or a ReceiptNumberError saying what is wrong.

    Case does not matter, dashes and spaces are ignored, I and L read as 1, O as 0.
    """
    raw = str(text or "").strip()
    for position, typed in enumerate(raw, start=1):
        ch = _ALIASES.get(typed.upper(), typed.upper())
        if typed not in _IGNORED and ch not in _VALUE:
            raise ReceiptNumberError(
                "receipts.number.bad_char", text=raw, char=typed, position=position
            )
    number = _normalize(raw)
    if not number:
        raise ReceiptNumberError("receipts.number.empty")
    if len(number) != LENGTH:
        raise ReceiptNumberError(
            "receipts.number.length", text=raw, count=len(number), expected=LENGTH
        )
    if damm_interim([_VALUE[ch] for ch in number]) != 0:
        raise ReceiptNumberError(
            "receipts.number.check",
            text=_display(number),
            check=number[-1],
            expected=check_character(number[:-1]),
        )
    return number


def is_valid_number(text: str) -> bool:
    try:
        parse_number(text)
    except ReceiptNumberError:
        return False
    return True


def _display(number: str) -> str:
    return f"{number[0:5]}-{number[5:10]}-{number[10:]}"


def format_number(number: str) -> str:
    """``XXXXX-XXXXX-X`` for a number given in any accepted spelling."""
    return _display(parse_number(number))


def display_number(number: str) -> str:
    """``XXXXX-XXXXX-X`` when ``number`` is valid, else the text as stored (never raises)."""
    try:
        return format_number(number)
    except ReceiptNumberError:
        return str(number)


def _secret_bytes(secret: str | bytes) -> bytes:
    if isinstance(secret, bytes):
        return secret
    if not secret:
        raise ValueError("a receipt needs the device secret to be signed")
    return str(secret).encode("utf-8")


def _base32(data: bytes, chars: int) -> str:
    value = int.from_bytes(data, "big")
    bits = len(data) * 8
    value >>= bits - chars * 5
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(chars)))


def _minute(issued_at: datetime | str) -> int:
    """Minutes since :data:`EPOCH` of an aware time (or ISO text with an offset)."""
    moment = model.parse_datetime(issued_at) if isinstance(issued_at, str) else issued_at
    if moment.tzinfo is None:
        raise ValueError("a receipt's issue time needs its UTC offset")
    minute = int((moment - EPOCH).total_seconds()) // 60
    if not 0 <= minute < 32**TIME_LENGTH:
        raise ValueError("a signed issue time lies between 2020 and 2083")
    return minute


def _mac(secret: str | bytes, message: bytes, chars: int = SIG_LENGTH) -> str:
    digest = hmac.new(_secret_bytes(secret), message, hashlib.sha256).digest()
    return _base32(digest[:10], chars)


def _stamp(minute: int) -> str:
    return "".join(ALPHABET[(minute >> (5 * i)) & 31] for i in reversed(range(TIME_LENGTH)))


def sign(number: str, secret: str | bytes, issued_at: datetime | str | None = None) -> str:
    """The receipt's signature: the first 80 bits of HMAC-SHA256 as 16 Crockford characters.

    With ``issued_at`` (an aware time, or ISO text with an offset, 2020–2083) the HMAC covers
    the number and that minute: its first 70 bits (14 characters), then the minute (5 more).
    Without it, the signature of receipts issued before issue times were signed: the number
    alone (ValueError for a time outside those years: sign without it)."""
    canonical = parse_number(number)
    if issued_at is None:
        return _mac(secret, SIG_CONTEXT + canonical.encode("ascii"))
    stamp = _stamp(_minute(issued_at))
    message = SIG_CONTEXT_TIMED + f"{canonical}|{stamp}".encode("ascii")
    return _mac(secret, message, TIMED_MAC_LENGTH) + stamp


def signed_at(sig: str) -> datetime | None:
    """The issue time (UTC, to the minute) a signature carries — None for a signature of the
    number alone or one that is malformed.  Trust it only once :func:`verify` said yes."""
    given = _normalize(sig) if isinstance(sig, str) else ""
    if len(given) != TIMED_SIG_LENGTH or any(ch not in _VALUE for ch in given):
        return None
    minute = 0
    for ch in given[TIMED_MAC_LENGTH:]:
        minute = minute * 32 + _VALUE[ch]
    return EPOCH + timedelta(minutes=minute)


def verify(
    number: str, sig: str, secret: str | bytes, issued_at: datetime | str | None = None
) -> bool:
    """True when ``sig`` is the signature of ``number`` under ``secret``; never raises on input.

    A signature that carries an issue time is checked with that time (and, when
    ``issued_at`` is given, that time must be its minute); one over the number alone is
    checked as such.  The comparison is constant-time; anything malformed is not genuine.
    """
    given = _normalize(sig) if isinstance(sig, str) else ""
    moment = signed_at(given)
    try:
        expected = sign(number, secret, moment)
        if issued_at is not None and moment is not None and _minute(issued_at) != _minute(moment):
            return False
    except (ReceiptNumberError, ValueError, TypeError, OverflowError):
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))


def find_signer(number: str, sig: str, secrets_by_device: dict[Any, str | bytes]) -> Any:
    """The key of the device whose secret signed ``number``, or None.

    For the resident page, which knows only the number and the signature: every candidate
    is checked (no early exit), each with a constant-time compare.
    """
    found = None
    for device, secret in secrets_by_device.items():
        if verify(number, sig, secret) and found is None:
            found = device
    return found


def qr_payload(service_url: str, number: str, sig: str) -> str:
    """What the QR code holds: ``{service_url}/r/{NUMBER}?s={sig}`` — never personal data."""
    base = str(service_url).strip().rstrip("/")
    return f"{base}/r/{parse_number(number)}?s={sig}"


def _now() -> datetime:
    return datetime.now().astimezone()


def issue(
    record: dict[str, Any],
    secret: str | bytes | None,
    party: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A new receipt for ``record`` (for ``party``, the index of a case party, if given).

    Returns ``{"number", "sig", "issued_at", "party"}`` to append to the record's
    ``receipts``.  A receipt needs the device secret (from enrollment): one the township
    cannot verify would tell the resident nothing.
    """
    if not secret:
        raise ReceiptError("receipts.issue.not_enrolled")
    if party is not None and record.get("kind") != "case":
        raise ReceiptError("receipts.issue.party_not_case")
    if party is not None:
        parties = (record.get("data") or {}).get("parties") or []
        if not isinstance(party, int) or not 0 <= party < len(parties):
            raise ReceiptError("receipts.issue.no_such_party", party=party)
    number = new_number()
    when = now or _now()
    moment = (when if when.tzinfo else when.astimezone()).isoformat(timespec="seconds")
    try:
        sig = sign(number, secret, moment)
    except ValueError:  # a clock outside 2020–2083: the number alone, as before issue times
        sig = sign(number, secret)
    return {"number": number, "sig": sig, "issued_at": moment, "party": party}


def receipt_for(record: dict[str, Any], party: int | None = None) -> dict[str, Any] | None:
    """The receipt already issued for ``record`` (and ``party``), so it prints again the same."""
    for receipt in record.get("receipts") or []:
        if receipt.get("party") == party:
            return receipt
    return None


def find_receipt(
    records: Iterable[dict[str, Any]], number: str
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The (record, receipt) holding ``number`` among ``records``, or None."""
    canonical = parse_number(number)
    for record in records:
        for receipt in record.get("receipts") or []:
            if _normalize(receipt.get("number", "")) == canonical:
                return record, receipt
    return None


def payload_for(receipt: dict[str, Any], enrollment: dict[str, Any] | None) -> str | None:
    """The QR payload for ``receipt`` on this device, or None before enrollment.

    Without a service to point at, a QR code would send a resident nowhere: the receipt then
    shows its number only (see docs/receipts.md).
    """
    enrollment = enrollment or {}
    url = enrollment.get("service_url")
    sig = receipt.get("sig")
    if not url or not sig or not is_valid_number(receipt.get("number", "")):
        return None
    return qr_payload(url, receipt["number"], sig)


# ---------------------------------------------------------------------------------------------
# The receipt's text (DOMAIN.md "Receipts")


def _label(group: str, code: Any, lang: str) -> str:
    return model.label(group, str(code), lang=lang) if code not in (None, "") else ""


def _one_line(text: Any, limit: int = 24) -> str:
    line = " ".join(str(text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def resident_name(
    record: dict[str, Any], receipt: dict[str, Any], household: dict[str, Any] | None = None
) -> str:
    """The name of the resident the receipt is for (unmasked: mask before showing)."""
    data = record.get("data") or {}
    kind = record.get("kind")
    if kind == "case":
        parties = data.get("parties") or []
        index = receipt.get("party")
        index = 0 if index is None else index
        if isinstance(index, int) and 0 <= index < len(parties):
            return str((parties[index] or {}).get("name") or "")
        return ""
    if kind == "report":
        return str(data.get("raised_by") or "")
    if kind == "visit":
        data = (household or {}).get("data") or {}
    head = data.get("head")
    if head:
        return str(head)
    members = data.get("members") or []
    if members and isinstance(members[0], dict):
        return str(members[0].get("name") or "")
    return ""


def _template_title(template_id: Any, lang: str) -> str:
    """The built-in checklist's title for a visit (a township template: its id)."""
    if not template_id:
        return ""
    from gridterm.core import checklists

    template = checklists.find(checklists.builtin_templates(), str(template_id))
    title = (template or {}).get("title")
    return checklists.text(title, lang) if isinstance(title, dict) else str(template_id)


def summary(record: dict[str, Any], lang: str) -> str:
    """The kind and a one-line summary, e.g. ``Event report · Safety hazard: gas hose…``."""
    data = record.get("data") or {}
    kind = record.get("kind") or ""
    kind_label = t(f"receipts.kind.{kind}", lang=lang) if kind else ""
    what: str | None
    if kind == "report":
        what, detail = _label("category", data.get("category"), lang), data.get("description")
    elif kind == "case":
        what, detail = _label("dispute_type", data.get("dispute_type"), lang), data.get("summary")
    elif kind == "visit":
        what, detail = _template_title(data.get("template_id"), lang), data.get("notes")
    else:
        what = data.get("village")
        detail = " ".join(str(data.get(k) or "") for k in ("group", "number")).strip()
    parts = [p for p in (str(what or ""), _one_line(detail)) if p]
    text = (": " if lang == "en" else "：").join(parts)
    return f"{kind_label} · {text}" if text else kind_label


def _due_text(record: dict[str, Any], zone: tzinfo | None = None) -> str | None:
    due = model.due_at(record)
    return _when(due, zone) if due else None


def _when(issued_at: str | None, zone: tzinfo | None = None) -> str:
    """A stored time on the township's clock (China time unless told otherwise), so the
    paper says the same time as the resident's page whatever zone the device was set to."""
    if not issued_at:
        return ""
    try:
        moment = datetime.fromisoformat(issued_at)
    except ValueError:
        return issued_at
    return in_zone(moment, zone or township_zone()).strftime("%Y-%m-%d %H:%M")


def receipt_lines(
    record: dict[str, Any],
    receipt: dict[str, Any],
    enrollment: dict[str, Any] | None,
    lang: str | None = None,
    household: dict[str, Any] | None = None,
    zone: tzinfo | None = None,
) -> list[str]:
    """The receipt's text, one line per item, with the resident's name masked.

    ``household`` is the visited household's record, for a visit's receipt to name its head;
    ``zone`` the township's (meta ``timezone``; China time when not given).
    """
    lang = lang or get_language()
    enrollment = enrollment or {}

    def line(key: str, **params: Any) -> str:
        return t(f"receipts.line.{key}", lang=lang, **params)

    grid = (enrollment.get("grid") or {}).get("name") or record.get("grid") or ""
    township = (enrollment.get("township") or {}).get("name") or ""
    data = record.get("data") or {}
    village = data.get("village") or ((household or {}).get("data") or {}).get("village") or ""
    place = " ".join(p for p in (township, village, grid) if p) or t("receipts.unknown", lang=lang)
    officer = enrollment.get("officer") or {}
    lines = [
        t("receipts.title", lang=lang),
        line("number", number=display_number(receipt["number"])),
        line("issued", when=_when(receipt.get("issued_at"), zone)),
        line("place", place=place),
        line("item", summary=summary(record, lang)),
    ]
    name = model.mask_name(resident_name(record, receipt, household))
    if name:
        lines.append(line("resident", name=name))
    if officer.get("name") or officer.get("phone"):
        lines.append(
            line("officer", name=officer.get("name") or "", phone=officer.get("phone") or "")
        )
    due = _due_text(record, zone)
    if due:
        lines.append(line("due", due=due))
    lines.append(line("online"))
    if not payload_for(receipt, enrollment):
        lines.append(line("no_qr"))
    return lines


def issue_for(
    store: Store, record_id: str, party: int | None = None, now: datetime | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The receipt of ``record_id`` (and ``party``): the one already issued, else a new one
    saved on the record.  Returns ``(record, receipt)``; ReceiptError before enrollment."""
    record = store.get(record_id)
    if record is None:
        raise ReceiptError("receipts.no_record", id=record_id)
    existing = receipt_for(record, party)
    if existing is not None:
        return record, existing
    secret = credentials.device_secret(store)
    receipt = issue(record, secret, party=party, now=now)
    record = store.update(record_id, receipts=[*(record.get("receipts") or []), receipt])
    return record, receipt
