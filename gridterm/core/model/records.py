"""A record: its envelope, a new one, the whole record's check, its wire form and bytes.

Every thing an officer records is one JSON document with the same envelope (DESIGN.md
"Records"): ``id kind rev grid officer device created_at updated_at data`` and maybe
``receipts``.  The device keeps a few keys of its own (``DEVICE_ONLY``) and the service owns
a few more (``SERVICE_OWNED``); neither is ever pushed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from gridterm.core import model, workflow
from gridterm.core.model.affairs import matter_state
from gridterm.core.model.checking import check, is_empty, shown
from gridterm.core.model.problems import Collector, FieldError, ValidationError
from gridterm.core.model.spec import DATETIME, ID_TEXT, RECEIPTS, SERVICE_SPECS
from gridterm.core.model.validate import data_problems

KINDS = ("household", "visit", "case", "report", "notice", "matter")
DEVICE_ONLY = ("synced_rev", "sync_error", "sync_state", "_wire")
SERVICE_OWNED = (
    "status",
    "feedback",
    "public_reply",
    "handled_by",
    "seq",
    "status_at",
    "tier",  # the risk tier the township or the county holds (issue 15)
    "level",  # who owns it now: village, township or county
    # a published notice's number, version, time and the QR payload of its paper copy
    "notice_number",
    "notice_version",
    "published_at",
    "notice_qr",
)
ENVELOPE = ("id", "kind", "rev", "grid", "officer", "device", "created_at", "updated_at", "data")

# A notice the township published (or a correction replaced) needs nothing more on the device.
NOTICE_DONE = frozenset({"published", "superseded"})

_RECORD_KEYS = (
    frozenset(ENVELOPE) | {"receipts"} | frozenset(DEVICE_ONLY) | frozenset(SERVICE_OWNED)
)
_NOT_WIRE = frozenset(DEVICE_ONLY) | frozenset(SERVICE_OWNED)


def new_record(
    kind: str,
    data: dict[str, Any],
    *,
    grid: str = "",
    officer: str = "",
    device: str,
    receipts: list[dict[str, Any]] | None = None,
    now: str | datetime | None = None,
) -> dict[str, Any]:
    """A new validated record: a fresh uuid4 id, rev 1, created_at == updated_at == now."""
    if isinstance(now, datetime):
        stamp = (now if now.tzinfo else now.astimezone()).replace(microsecond=0).isoformat()
    else:
        stamp = now or model.now_iso()  # the package's name, so one patch moves every clock
    record: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "rev": 1,
        "grid": grid,
        "officer": officer,
        "device": device,
        "created_at": stamp,
        "updated_at": stamp,
        "data": data,
    }
    if receipts is not None:
        record["receipts"] = receipts
    return validate_record(record)


def validate_record(record: dict[str, Any]) -> dict[str, Any]:
    """The whole record (envelope + data), normalised; raises ValidationError with every problem.

    Device-only keys are kept as they are; service-owned keys are checked for type.
    """
    out = Collector()
    if not isinstance(record, dict):
        raise ValidationError([FieldError("record", "model.not_object")])
    today = date.today()  # once per record: every check of this record sees the same day
    for key in record:
        if key not in _RECORD_KEYS:
            out.add(str(key), "model.unknown_field", name=shown(key))
    result = _envelope(record, out, today)
    if result["kind"] in KINDS:
        result["data"] = data_problems(result["kind"], record.get("data"), out, today)
    else:
        result["data"] = record.get("data")
    if "receipts" in record:
        result["receipts"] = _receipts(record, result, out, today)
    for key, spec in SERVICE_SPECS.items():
        if key in record:
            value = record[key]
            result[key] = value if value is None else check(spec, value, key, out, today)
    for key in DEVICE_ONLY:
        if key in record:
            result[key] = record[key]
    if out.errors:
        raise ValidationError(out.errors)
    return result


def _envelope(record: dict[str, Any], out: Collector, today: date) -> dict[str, Any]:
    """The envelope's keys checked, in the envelope's order (the saved file keeps it)."""
    result: dict[str, Any] = {}
    _envelope_id(record.get("id"), result, out)
    kind = record.get("kind")
    if kind not in KINDS:
        if is_empty(kind):
            out.add("kind", "model.required")
        else:
            out.add("kind", "model.bad_code", value=shown(kind))
    result["kind"] = kind
    rev = record.get("rev")
    if isinstance(rev, bool) or not isinstance(rev, int) or rev < 1:
        out.add("rev", "model.bad_rev")
    result["rev"] = rev
    for key in ("grid", "officer"):
        value = record.get(key, "")
        if value is None:
            value = ""
        result[key] = check(ID_TEXT, value, key, out, today) if value else value
    for key, spec in (("device", ID_TEXT), ("created_at", DATETIME), ("updated_at", DATETIME)):
        value = record.get(key)
        if is_empty(value):
            out.add(key, "model.required")
            result[key] = value
        else:
            result[key] = check(spec, value, key, out, today)
    return result


def _envelope_id(rid: Any, result: dict[str, Any], out: Collector) -> None:
    try:
        if not isinstance(rid, str):
            raise ValueError
        result["id"] = str(uuid.UUID(rid))
    except ValueError:
        if is_empty(rid):
            out.add("id", "model.required")
        else:
            out.add("id", "model.bad_uuid", value=shown(rid))


def _receipts(
    record: dict[str, Any], result: dict[str, Any], out: Collector, today: date
) -> list[Any] | None:
    receipts = record["receipts"]
    if receipts is None:
        return None
    checked: list[Any] = check(RECEIPTS, receipts, "receipts", out, today)
    _check_receipt_parties(result, checked, out)
    return checked


def _check_receipt_parties(record: dict[str, Any], receipts: Any, out: Collector) -> None:
    """A receipt's ``party`` is the index of a party of the case, or null."""
    if not isinstance(receipts, list):
        return
    data = record.get("data")
    parties = data.get("parties") if record.get("kind") == "case" and isinstance(data, dict) else []
    count = len(parties) if isinstance(parties, list) else 0
    for i, receipt in enumerate(receipts):
        party = receipt.get("party") if isinstance(receipt, dict) else None
        if isinstance(party, int) and not isinstance(party, bool) and party >= count:
            out.add(f"receipts[{i}].party", "model.no_such_party", n=party + 1)


def wire_form(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as it is pushed: without device-only and service-owned keys."""
    return {k: v for k, v in record.items() if k not in _NOT_WIRE}


def canonical_json(obj: Any) -> bytes:
    """One byte form for one value: sorted keys, UTF-8, no spaces."""
    text = json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def is_closed(record: Mapping[str, Any]) -> bool:
    """Whether a record needs no more work on the device (it may be archived once synced)."""
    kind = record.get("kind")
    data = record.get("data") or {}
    if kind in ("visit", "household"):
        return True
    if kind == "report":
        status = record.get("status")
        closed = isinstance(status, str) and status in workflow.CLOSED_STATES
        return closed or bool(data.get("closed_on_spot"))
    if kind == "case":
        return bool(data.get("closed_at"))
    if kind == "notice":
        return record.get("status") in NOTICE_DONE
    if kind == "matter":
        return matter_state(data.get("steps")) != "open"
    return False
