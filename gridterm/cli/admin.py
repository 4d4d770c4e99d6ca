"""``gridterm admin [--db URL] …``: townships, grids, officers, enrollment codes, staff,
device revocation, household roster import, schema migration.

Each command that makes something prints a line for a person and then the new id, code or
token **alone on its last line**, so scripts can take it with ``tail -n 1``.
"""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.core.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "admin", help=t("service.admin.help"), description=t("service.admin.help")
    )
    parser.add_argument("--db", metavar="URL", help=t("service.admin.opt.db"))
    parser.set_defaults(func=lambda _args: _usage(parser))
    sub = parser.add_subparsers(dest="admin_command", metavar="COMMAND")

    township = sub.add_parser("township", help=t("service.admin.township.help"))
    township_sub = township.add_subparsers(dest="action", metavar="add", required=True)
    p = township_sub.add_parser("add", help=t("service.admin.township_add.help"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=run, op="township_add")

    grid = sub.add_parser("grid", help=t("service.admin.grid.help"))
    grid_sub = grid.add_subparsers(dest="action", metavar="add", required=True)
    p = grid_sub.add_parser("add", help=t("service.admin.grid_add.help"))
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=run, op="grid_add")

    officer = sub.add_parser("officer", help=t("service.admin.officer.help"))
    officer_sub = officer.add_subparsers(dest="action", metavar="add", required=True)
    p = officer_sub.add_parser("add", help=t("service.admin.officer_add.help"))
    p.add_argument("--grid", required=True, metavar="G", help=t("service.admin.opt.grid"))
    p.add_argument("--phone", default="", metavar="P", help=t("service.admin.opt.phone"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=run, op="officer_add")

    p = sub.add_parser("code", help=t("service.admin.code.help"))
    p.add_argument("--officer", required=True, metavar="O", help=t("service.admin.opt.officer"))
    p.add_argument("--ttl", default="24h", help=t("service.admin.opt.ttl"))
    p.set_defaults(func=run, op="code")

    staff = sub.add_parser("staff", help=t("service.admin.staff.help"))
    staff_sub = staff.add_subparsers(dest="action", metavar="add|revoke", required=True)
    p = staff_sub.add_parser("add", help=t("service.admin.staff_add.help"))
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=run, op="staff_add")
    p = staff_sub.add_parser("revoke", help=t("service.admin.staff_revoke.help"))
    p.add_argument("staff", metavar="STAFF")
    p.set_defaults(func=run, op="staff_revoke")

    p = sub.add_parser("revoke", help=t("service.admin.revoke.help"))
    p.add_argument("device", metavar="DEVICE")
    p.set_defaults(func=run, op="revoke")

    p = sub.add_parser("import-households", help=t("service.admin.import.help"))
    p.add_argument("--grid", required=True, metavar="G", help=t("service.admin.opt.grid"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=run, op="import_households")

    p = sub.add_parser("migrate", help=t("service.admin.migrate.help"))
    p.set_defaults(func=run, op="migrate")

    template = sub.add_parser("template", help=t("service.admin.template.help"))
    template_sub = template.add_subparsers(dest="action", metavar="publish", required=True)
    p = template_sub.add_parser("publish", help=t("service.admin.template_publish.help"))
    p.add_argument("--township", metavar="T", help=t("service.admin.opt.all_townships"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=run, op="template_publish")

    mediator = sub.add_parser("mediator", help=t("service.admin.mediator.help"))
    mediator_sub = mediator.add_subparsers(dest="action", metavar="add", required=True)
    p = mediator_sub.add_parser("add", help=t("service.admin.mediator_add.help"))
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("--standing", default="", help=t("service.admin.opt.standing"))
    p.add_argument("--village", default="", help=t("service.admin.opt.village"))
    p.add_argument("--phone", default="", metavar="P", help=t("service.admin.opt.phone"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=run, op="mediator_add")

    p = sub.add_parser("list", help=t("service.admin.list.help"))
    p.set_defaults(func=run, op="list")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def open_database(url: str) -> Any:
    """An engine for ``url`` with the schema at head; AdminError when it cannot be reached."""
    from sqlalchemy.exc import SQLAlchemyError

    from gridterm.township import db
    from gridterm.township.migrations import upgrade
    from gridterm.township.services.admin import AdminError

    try:
        engine = db.make_engine(url)
        upgrade(engine)
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or type(exc).__name__).strip().splitlines()[0]
        raise AdminError("service.admin.error.db", detail=detail) from None
    except OSError as exc:
        raise AdminError("service.admin.error.db", detail=exc.strerror or str(exc)) from None
    return engine


def run(args: argparse.Namespace) -> int:
    from gridterm.township import db
    from gridterm.township.migrations import current_revision
    from gridterm.township.services import admin

    url = (
        db.normalize_url(args.db) if args.db else db.default_db_url(getattr(args, "data_dir", None))
    )
    engine = open_database(url)
    try:
        if args.op == "migrate":
            print(t("service.admin.migrated", revision=current_revision(engine)))
            print(current_revision(engine))
            return 0
        with db.write_session(db.session_factory(engine)) as session:
            lines = _do(args, session, admin)
        for line in lines:
            print(line)
        return 0
    finally:
        engine.dispose()


def _do(args: argparse.Namespace, session: Any, admin: Any) -> list[str]:
    op = args.op
    if op == "township_add":
        row = admin.add_township(session, args.name)
        return [t("service.admin.created_township", name=row.name), row.id]
    if op == "grid_add":
        row = admin.add_grid(session, args.township, args.name)
        return [t("service.admin.created_grid", name=row.name), row.id]
    if op == "officer_add":
        row = admin.add_officer(session, args.grid, args.name, args.phone)
        return [t("service.admin.created_officer", name=row.name), row.id]
    if op == "code":
        ttl = admin.parse_ttl(args.ttl)
        code, row = admin.issue_code(session, args.officer, ttl)
        officer = admin.find_officer(session, row.officer_id)
        expires = row.expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
        return [t("service.admin.created_code", officer=officer.name, expires=expires), code]
    if op == "staff_add":
        token, row = admin.add_staff(session, args.township, args.name)
        return [t("service.admin.created_staff", name=row.name, id=row.id), token]
    if op == "staff_revoke":
        row, now = admin.revoke_staff(session, args.staff)
        key = "service.admin.staff_revoked" if now else "service.admin.already_revoked"
        return [t(key, name=row.name), row.id]
    if op == "revoke":
        row, now = admin.revoke_device(session, args.device)
        key = "service.admin.revoked" if now else "service.admin.already_revoked"
        return [t(key, name=row.name), row.id]
    if op == "import_households":
        count = admin.import_households(session, args.grid, args.file)
        grid = admin.find_grid(session, args.grid)
        return [t("service.admin.imported", count=count, grid=grid.name), str(count)]
    if op == "template_publish":
        row = admin.publish_template(session, args.file, args.township)
        return [
            t("service.admin.published", id=row.id, version=row.version),
            f"{row.id}:{row.version}",
        ]
    if op == "mediator_add":
        row = admin.add_mediator(
            session, args.township, args.name, args.standing, args.village, args.phone
        )
        return [t("service.admin.created_mediator", name=row.name), row.id]
    if op == "list":
        return admin.overview(session) or [t("service.admin.list.empty")]
    raise AssertionError(op)
