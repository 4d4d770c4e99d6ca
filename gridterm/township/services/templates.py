"""Publishing a checklist template: devices get it with their next pull."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from gridterm.core.i18n import t
from gridterm.township import db
from gridterm.township.services import bounds
from gridterm.township.services.admin import AdminError, find_township

# A template is a few dozen items: 1 MiB and 20 levels hold any real one many times over.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 20


def read_template(path: Path) -> Any:
    """The JSON document in ``path``, or an AdminError saying in one line what is wrong with
    the file: unreadable, too big, not UTF-8, not JSON, nested too deeply."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        detail = exc.strerror or str(exc)
        raise AdminError("service.admin.error.file", path=str(path), detail=detail) from None
    problem = _problem(raw)
    if problem is None:
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except json.JSONDecodeError as exc:
            problem = t("hardening.file.not_json", line=exc.lineno, column=exc.colno, why=exc.msg)
        except RecursionError:
            problem = t("hardening.file.nested", depth=MAX_DEPTH)
    raise AdminError("service.admin.error.file", path=str(path), detail=problem)


def _problem(raw: bytes) -> str | None:
    """What makes ``raw`` no template file before it is parsed, or None."""
    if len(raw) > MAX_BYTES:
        return t("hardening.file.too_big", limit=MAX_BYTES // 1024)
    if not raw.strip():
        return t("hardening.file.empty")
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return t("hardening.file.not_utf8", at=exc.start)
    # Brackets opened and not yet closed, outside strings: deeper than any template needs is
    # refused before the parser recurses into it.
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return t("hardening.file.nested", depth=MAX_DEPTH) if deepest > MAX_DEPTH else None


def publish_template(
    session: Session, path: str | Path, township: str | None = None
) -> db.Template:
    """Publish a checklist template (JSON file) for ``township`` (or every township): devices
    get it with their next pull.  A template id and version are published once."""
    from gridterm.core.checklists import TemplateError, validate

    path = Path(path)
    body = read_template(path)
    try:
        body = validate(body)
    except TemplateError as exc:
        raise AdminError("service.admin.error.template", path=str(path), detail=str(exc)) from None
    if body["version"] > bounds.REV_MAX:  # the column is an integer on every engine
        raise AdminError(
            "service.admin.error.template", path=str(path), detail=t("hardening.file.version")
        )
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
