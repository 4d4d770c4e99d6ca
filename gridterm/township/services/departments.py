"""The township's list of who handles assigned records, and the rule an assignment follows.

Township IT keeps the list (``gridterm admin department add --township T [--person] NAME``);
staff pick from it when they move a record to ``assigned``.  The rule (:func:`assignee_for`):
a move to ``assigned`` names an entry of the caller's township's list — required once the
township keeps a list (a township without one assigns as before, naming nobody); no other
move names one.  The resident's page says which department handles the record; a person on
the list is not named there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridterm.township import db
from gridterm.township.db.departments import KINDS
from gridterm.township.services.admin import AdminError, clean_name, find_township, new_id
from gridterm.township.services.errors import InvalidInput


class AssigneeRefused(InvalidInput):
    """An assignment the rule refuses; ``code``: ``assignee_required``, ``unknown_assignee``
    or ``assignee_not_expected``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(f"departments.error.{code}", **params)
        self.code = code


def add_department(
    session: Session, township: str, name: str, kind: str = "department"
) -> db.Department:
    """A new entry of ``township``'s list (by id or unique name); AdminError when the name is
    taken (the unique constraint says so: two admins adding at once cannot both succeed)."""
    parent = find_township(session, township)
    if kind not in KINDS:
        raise AdminError("departments.error.bad_kind", value=kind, allowed=", ".join(KINDS))
    row = db.Department(id=new_id(), township_id=parent.id, name=clean_name(name), kind=kind)
    return insert(session, row, parent.name)


def insert(session: Session, row: db.Department, owner: str) -> db.Department:
    """Add ``row`` (a township's or a county's department); AdminError naming ``owner`` when
    the name is taken there (the unique constraint says so: two admins adding at once cannot
    both succeed)."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise AdminError("departments.error.exists", name=row.name, township=owner) from None
    return row


def as_dict(row: db.Department) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "kind": row.kind}


def list_departments(session: Session, township_id: str) -> list[db.Department]:
    """The township's list: departments first, then people, each by name."""
    rows = session.execute(
        select(db.Department).where(db.Department.township_id == township_id)
    ).scalars()
    return sorted(rows, key=lambda r: (KINDS.index(r.kind) if r.kind in KINDS else 9, r.name))


def list_for_admin(session: Session, township: str) -> list[db.Department]:
    return list_departments(session, find_township(session, township).id)


def get(session: Session, department_id: str | None) -> db.Department | None:
    if not department_id:
        return None
    return session.get(db.Department, department_id)


def assignee_for(
    session: Session, township_id: str, to: str, assignee: str | None
) -> db.Department | None:
    """The entry a move to ``to`` assigns the record to (None: nobody), or AssigneeRefused."""
    if to != "assigned":
        if assignee:
            raise AssigneeRefused("assignee_not_expected", to=to)
        return None
    if not assignee:
        keeps_list = session.execute(
            select(db.Department.id).where(db.Department.township_id == township_id).limit(1)
        ).first()
        if keeps_list:
            raise AssigneeRefused("assignee_required")
        return None
    row = session.get(db.Department, assignee[:64])
    if row is None or row.township_id != township_id:
        raise AssigneeRefused("unknown_assignee", id=assignee[:64])
    return row
