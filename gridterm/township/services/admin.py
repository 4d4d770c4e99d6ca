"""Admin operations on the township database, as plain functions.

``gridterm admin …`` calls these, and so do the tests and the demo.  Each takes an open
:class:`~sqlalchemy.orm.Session` (the caller commits) and raises :class:`AdminError` with a
message a person can act on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridterm.core.errors import GridtermError
from gridterm.township import db
from gridterm.township.services.enrollment import code_hash, new_code, normalize_code
from gridterm.township.services.tokens import new_token, token_hash

NAME_MAX = 200


class AdminError(GridtermError):
    key = "service.admin.error.db"


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AdminError("service.admin.error.name_required")
    if len(name) > NAME_MAX:
        raise AdminError("service.admin.error.name_too_long", max=NAME_MAX)
    return name


def _new_id() -> str:
    return str(uuid.uuid4())


def _find(session: Session, table: Any, ref: str, what: str) -> Any:
    """A row by id, else by exact name when that name is unique."""
    row = session.get(table, ref)
    if row is not None:
        return row
    rows = session.execute(select(table).where(table.name == ref)).scalars().all()
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise AdminError(f"service.admin.error.ambiguous_{what}", ref=ref)
    raise AdminError(f"service.admin.error.no_{what}", ref=ref)


def find_township(session: Session, ref: str) -> db.Township:
    return _find(session, db.Township, ref, "township")


def find_grid(session: Session, ref: str) -> db.Grid:
    return _find(session, db.Grid, ref, "grid")


def find_officer(session: Session, ref: str) -> db.Officer:
    return _find(session, db.Officer, ref, "officer")


def add_township(session: Session, name: str) -> db.Township:
    row = db.Township(id=_new_id(), name=_name(name))
    session.add(row)
    session.flush()
    return row


def add_grid(session: Session, township: str, name: str) -> db.Grid:
    parent = find_township(session, township)
    row = db.Grid(id=_new_id(), township_id=parent.id, name=_name(name))
    session.add(row)
    session.flush()
    return row


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def add_officer(session: Session, grid: str, name: str, phone: str = "") -> db.Officer:
    parent = find_grid(session, grid)
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not _MOBILE.match(phone):
        raise AdminError("service.admin.error.bad_phone", value=phone)
    row = db.Officer(id=_new_id(), grid_id=parent.id, name=_name(name), phone=phone)
    session.add(row)
    session.flush()
    return row


_TTL = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)


def parse_ttl(text: str) -> dt.timedelta:
    """``30m``, ``24h``, ``7d`` (a bare number is hours)."""
    m = _TTL.match(text or "")
    if not m or int(m.group(1)) <= 0:
        raise AdminError("service.admin.error.bad_ttl", value=text)
    n = int(m.group(1))
    unit = (m.group(2) or "h").lower()
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit] * n
    if seconds > 366 * 86400:
        raise AdminError("service.admin.error.bad_ttl", value=text)
    return dt.timedelta(seconds=seconds)


def issue_code(
    session: Session, officer: str, ttl: dt.timedelta = dt.timedelta(hours=24)
) -> tuple[str, db.EnrollmentCode]:
    """A one-time enrollment code for ``officer``: returns (``XXXX-XXXX``, its row).  Only the
    code's hash is stored."""
    target = find_officer(session, officer)
    code = new_code()
    row = db.EnrollmentCode(
        id=_new_id(),
        code_hash=code_hash(normalize_code(code)),
        officer_id=target.id,
        expires_at=db.utcnow() + ttl,
    )
    session.add(row)
    session.flush()
    return code, row


def add_staff(session: Session, township: str, name: str) -> tuple[str, db.Staff]:
    """A staff member of ``township``: returns (token, row).  Only the token's hash is kept."""
    parent = find_township(session, township)
    token = new_token("s")
    row = db.Staff(
        id=_new_id(), township_id=parent.id, name=_name(name), token_hash=token_hash(token)
    )
    session.add(row)
    session.flush()
    return token, row


def revoke_device(session: Session, device: str) -> tuple[db.Device, bool]:
    """Revoke ``device`` (its id); returns (device, whether it was revoked just now)."""
    row = session.get(db.Device, device)
    if row is None:
        raise AdminError("service.admin.error.no_device", ref=device)
    if row.revoked_at is not None:
        return row, False
    row.revoked_at = db.utcnow()
    session.flush()
    return row, True


def revoke_staff(session: Session, staff: str) -> tuple[db.Staff, bool]:
    """Revoke a staff member's token (by staff id); returns (row, whether revoked just now)."""
    row = session.get(db.Staff, staff)
    if row is None:
        raise AdminError("service.admin.error.no_staff", ref=staff)
    if row.revoked_at is not None:
        return row, False
    row.revoked_at = db.utcnow()
    session.flush()
    return row, True


def set_pull_floor(session: Session, floor: int) -> None:
    """Devices whose cursor is below ``floor`` get 410 and do a full pull."""
    db.meta_set(session, db.PULL_FLOOR_KEY, str(int(floor)))


# --------------------------------------------------------------------------- households

# Column headers accepted in a roster, Chinese or English -> household field.
HEADERS = {
    "village": "village",
    "村": "village",
    "村名": "village",
    "村（社区）": "village",
    "group": "group",
    "组": "group",
    "村民小组": "group",
    "number": "number",
    "门牌号": "number",
    "户号": "number",
    "head": "head",
    "户主": "head",
    "户主姓名": "head",
    "phone": "phone",
    "电话": "phone",
    "联系电话": "phone",
    "tags": "tags",
    "标签": "tags",
}
REQUIRED_HEADERS = ("village", "head")


def _read_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = path.read_bytes()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise AdminError("service.admin.error.file", path=str(path), detail="encoding")
            return [row for row in csv.reader(io.StringIO(text))]
        if suffix in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = wb.worksheets[0]
                return [list(row) for row in sheet.iter_rows(values_only=True)]
            finally:
                wb.close()
    except AdminError:
        raise
    except Exception as exc:  # a broken file of any kind: say so, import nothing
        raise AdminError(
            "service.admin.error.file", path=str(path), detail=type(exc).__name__
        ) from None
    raise AdminError("service.admin.error.format", path=str(path))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _tag_code(text: str, model: Any) -> str:
    """A tag as the roster writes it (code, Chinese or English label) -> its vocabulary code."""
    for code in model.codes("tag"):
        if text.lower() in (
            code,
            model.label("tag", code, "zh_CN"),
            model.label("tag", code, "en").lower(),
        ):
            return code
    return text  # validation names it


def import_households(session: Session, grid: str, path: str | Path) -> int:
    """Import a roster (CSV or XLSX; first row names the columns) into ``grid``.

    Every row is checked first with the same validation as a household on the device; any
    problem aborts the whole import with every bad row named by its number, and nothing is
    written.  Returns the number of households imported.
    """
    from gridterm.core import model

    path = Path(path)
    target = find_grid(session, grid)
    rows = _read_rows(path)
    header_at = next((i for i, row in enumerate(rows) if any(_cell(c) for c in row)), None)
    if header_at is None:
        raise AdminError("service.admin.error.empty_file", path=str(path))
    columns = [HEADERS.get(_cell(c).lower(), HEADERS.get(_cell(c))) for c in rows[header_at]]
    if not all(req in columns for req in REQUIRED_HEADERS):
        raise AdminError(
            "service.admin.error.no_header", path=str(path), expected=", ".join(REQUIRED_HEADERS)
        )
    problems: list[str] = []
    households: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {col: _cell(v) for col, v in zip(columns, row, strict=False) if col}
        if not any(values.values()):
            continue
        data: dict[str, Any] = {k: v for k, v in values.items() if v and k != "tags"}
        tags = [s.strip() for s in re.split(r"[,，;；、\s]+", values.get("tags", "")) if s.strip()]
        if tags:
            data["tags"] = [_tag_code(tag, model) for tag in tags]
        try:
            data = model.validate_data("household", data)
        except model.ValidationError as exc:
            problems.append(
                AdminError("service.admin.error.row", row=offset, problem=str(exc)).message()
            )
            continue
        key = (
            data.get("village", ""),
            data.get("group", ""),
            data.get("number", ""),
            data.get("head", ""),
        )
        if key in seen:
            problems.append(
                AdminError(
                    "service.admin.error.duplicate_household", row=offset, other=seen[key]
                ).message()
            )
            continue
        seen[key] = offset
        households.append(data)
    if problems:
        raise AdminError(
            "service.admin.error.import_rows", path=str(path), problems="\n".join(problems)
        )
    if not households:
        raise AdminError("service.admin.error.empty_file", path=str(path))
    top = db.next_seq(session, len(households))
    first = top - len(households) + 1
    now = db.utcnow()
    session.add_all(
        db.Household(id=_new_id(), grid_id=target.id, data=data, imported_at=now, seq=first + i)
        for i, data in enumerate(households)
    )
    session.flush()
    return len(households)


# --------------------------------------------------------------------------- templates, mediators


def publish_template(
    session: Session, path: str | Path, township: str | None = None
) -> db.Template:
    """Publish a checklist template (JSON file) for ``township`` (or every township): devices
    get it with their next pull.  A template id and version are published once."""
    import json

    from gridterm.core.checklists import TemplateError, validate

    path = Path(path)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AdminError(
            "service.admin.error.file", path=str(path), detail=type(exc).__name__
        ) from None
    try:
        body = validate(body)
    except TemplateError as exc:
        raise AdminError("service.admin.error.template", path=str(path), detail=str(exc)) from None
    township_id = find_township(session, township).id if township else None
    if session.get(db.Template, (body["id"], body["version"])) is not None:
        raise AdminError(
            "service.admin.error.template_exists", id=body["id"], version=body["version"]
        )
    row = db.Template(
        id=body["id"],
        version=body["version"],
        township_id=township_id,
        body=body,
        seq=db.next_seq(session),
    )
    session.add(row)
    session.flush()
    return row


STANDINGS = ("xiangxian", "party_member", "cadre", "veteran", "teacher")


def add_mediator(
    session: Session,
    township: str,
    name: str,
    standing: str = "",
    village: str = "",
    phone: str = "",
) -> db.Mediator:
    """An elder mediator on the township's roster; devices get it with their next pull."""
    parent = find_township(session, township)
    if standing and standing not in STANDINGS:
        raise AdminError(
            "service.admin.error.bad_standing", value=standing, allowed=", ".join(STANDINGS)
        )
    phone = (phone or "").strip()
    if phone and not _MOBILE.match(phone):
        raise AdminError("service.admin.error.bad_phone", value=phone)
    row = db.Mediator(
        id=_new_id(),
        township_id=parent.id,
        name=_name(name),
        standing=standing,
        village=(village or "").strip()[:200],
        phone=phone,
        seq=db.next_seq(session),
    )
    session.add(row)
    session.flush()
    return row


def overview(session: Session) -> list[str]:
    """Townships, grids, officers and devices as indented lines (ids included)."""
    lines: list[str] = []
    towns = session.execute(select(db.Township).order_by(db.Township.name)).scalars().all()
    for town in towns:
        lines.append(f"{town.name}  [{town.id}]")
        grids = session.execute(
            select(db.Grid).where(db.Grid.township_id == town.id).order_by(db.Grid.name)
        ).scalars()
        for grid in grids:
            lines.append(f"  {grid.name}  [{grid.id}]")
            officers = session.execute(
                select(db.Officer).where(db.Officer.grid_id == grid.id).order_by(db.Officer.name)
            ).scalars()
            for officer in officers:
                lines.append(f"    {officer.name} {officer.phone}  [{officer.id}]".rstrip())
                devices = session.execute(
                    select(db.Device)
                    .where(db.Device.officer_id == officer.id)
                    .order_by(db.Device.enrolled_at)
                ).scalars()
                for dev in devices:
                    state = "revoked" if dev.revoked_at else "active"
                    when = dev.enrolled_at.date().isoformat()
                    lines.append(f"      {dev.name} {when} {state}  [{dev.id}]")
    return lines
