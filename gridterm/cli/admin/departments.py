"""``gridterm admin department add|list``: the township's list of who records are assigned to."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    department = sub.add_parser("department", help=t("departments.admin.help"))
    actions = department.add_subparsers(dest="action", metavar="add|list", required=True)
    p = actions.add_parser("add", help=t("departments.admin.add_help"))
    whose = p.add_mutually_exclusive_group(required=True)
    whose.add_argument("--township", metavar="T", help=t("service.admin.opt.township"))
    whose.add_argument("--county", metavar="C", help=t("county.admin.opt.department_county"))
    p.add_argument("--person", action="store_true", help=t("departments.admin.opt_person"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(add))
    p = actions.add_parser("list", help=t("departments.admin.list_help"))
    whose = p.add_mutually_exclusive_group(required=True)
    whose.add_argument("--township", metavar="T", help=t("service.admin.opt.township"))
    whose.add_argument("--county", metavar="C", help=t("county.admin.opt.department_county"))
    p.set_defaults(func=command(list_all))


def add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin, county, departments

    kind = "person" if args.person else "department"
    if args.county:
        if args.person:
            raise admin.AdminError("county.admin.no_person")
        row = county.add_department(session, args.county, args.name)
    else:
        row = departments.add_department(session, args.township, args.name, kind)
    return [t(f"departments.admin.added_{kind}", name=row.name), row.id]


def list_all(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import county, departments

    if args.county:
        rows = county.departments(session, county.find_county(session, args.county).id)
    else:
        rows = departments.list_for_admin(session, args.township)
    if not rows:
        return [t("departments.admin.none")]
    return [f"{row.id}  {t(f'departments.kind.{row.kind}')}  {row.name}" for row in rows]
