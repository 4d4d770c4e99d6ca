"""Publishing a checklist template: devices get it with their next pull."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.services.admin import AdminError, find_township


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
