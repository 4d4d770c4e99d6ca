"""One pushed record, checked and made ready to store (or refused with a reason).

A record is checked with the same model the device validated it with, put in the pushing
device's grid, and its receipts verified against the device's secret.  What is kept for
history is the record exactly as the device sent it (in canonical JSON), and its digest is
what "the same content" is judged by.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from gridterm.core import model
from gridterm.core.i18n import t
from gridterm.township.services import bounds
from gridterm.township.services.tokens import DeviceIdentity

SEARCH_MAX = 4000

parse_time = model.as_datetime  # timestamps the model already validated


@dataclass
class Incoming:
    index: int
    id: str
    rev: int
    record: dict[str, Any]
    body: str
    digest: str
    receipts: list[dict[str, Any]] = field(default_factory=list)


class Rejected(Exception):
    """This one record is refused (the rest of its batch goes on); ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def receipts_module():
    # Imported when a pushed record carries receipts, not when the service starts.
    from gridterm.core import receipts

    return receipts


def envelope_id(raw: Any) -> tuple[str, int | None]:
    """The id and rev a refused record's result names, as far as they can be read."""
    if not isinstance(raw, dict):
        return "", None
    rid = raw.get("id")
    rev = raw.get("rev")
    return (
        rid[:64] if isinstance(rid, str) else "",
        rev if isinstance(rev, int) and not isinstance(rev, bool) else None,
    )


def _search_text(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        if value:
            out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _search_text(item, out)
    elif isinstance(value, list):
        for item in value:
            _search_text(item, out)


def filter_columns(record: dict[str, Any]) -> dict[str, Any]:
    """The columns the staff list filters and searches on, taken from the record's data."""
    data = record.get("data") or {}
    parts: list[str] = []
    _search_text(data, parts)
    search = " ".join(parts).lower()[:SEARCH_MAX]
    return {
        "village": str(data.get("village") or "")[:200],
        "category": str(data.get("category") or data.get("dispute_type") or "")[:64],
        "urgency": str(data.get("urgency") or "")[:32],
        "search": search,
    }


def _verified_receipts(
    record: dict[str, Any], device: DeviceIdentity, lang: str
) -> list[dict[str, Any]]:
    items = record.get("receipts") or []
    if not items:
        return []
    receipts = receipts_module()
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            number = receipts.parse_number(item.get("number", ""))
        except receipts.ReceiptNumberError as exc:
            raise Rejected(exc.message(lang)) from None
        # A signature with an issue time must carry this receipt's own (to the minute).
        if not receipts.verify(number, item.get("sig", ""), device.secret, item.get("issued_at")):
            raise Rejected(
                t(
                    "service.push.receipt_forged",
                    lang=lang,
                    number=receipts.format_number(number),
                )
            )
        out.append(
            {
                "number": number,
                "issued_at": parse_time(item.get("issued_at")),
                "party": item.get("party"),
            }
        )
    return out


def prepare(raw: Any, index: int, device: DeviceIdentity, lang: str) -> Incoming:
    """Validate one pushed record and put it in the device's grid; raises Rejected."""
    out_of_bounds = bounds.problem(raw, lang)
    if out_of_bounds:
        raise Rejected(out_of_bounds)
    try:
        record = model.validate_record(raw)
    except model.ValidationError as exc:
        raise Rejected(exc.message(lang)) from None
    owned = [k for k in model.SERVICE_OWNED if k in record]
    if owned:
        raise Rejected(t("service.push.service_owned", lang=lang, fields=", ".join(owned)))
    for key in model.DEVICE_ONLY:
        record.pop(key, None)
    if record.get("grid") in ("", None):
        record["grid"] = device.grid_id
    elif record["grid"] != device.grid_id:
        raise Rejected(t("service.push.other_grid", lang=lang, grid=record["grid"]))
    # A named officer must be this device's (services.identity checks, with the database).
    if record.get("officer") in ("", None):
        record["officer"] = device.officer_id
    receipts = _verified_receipts(record, device, lang)
    # History keeps what the device sent (canonical form: key order and spacing aside),
    # before any normalisation; it is also what "the same content" is judged by.
    body = model.canonical_json(model.wire_form(raw))
    return Incoming(
        index=index,
        id=record["id"],
        rev=record["rev"],
        record=record,
        body=body.decode("utf-8"),
        digest=hashlib.sha256(body).hexdigest(),
        receipts=receipts,
    )
