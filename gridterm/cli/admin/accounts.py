"""Townships, grids, officers, enrollment codes, staff, device revocation, the overview."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    township = sub.add_parser("township", help=t("service.admin.township.help"))
    township_sub = township.add_subparsers(dest="action", metavar="add|set", required=True)
    p = township_sub.add_parser("add", help=t("service.admin.township_add.help"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(township_add))
    p = township_sub.add_parser("set", help=t("township_phone.set.help"))
    p.add_argument("township", metavar="TOWNSHIP", help=t("township_phone.opt.township"))
    p.add_argument("--phone", required=True, metavar="PHONE", help=t("township_phone.opt.phone"))
    p.set_defaults(func=command(township_set))

    grid = sub.add_parser("grid", help=t("service.admin.grid.help"))
    grid_sub = grid.add_subparsers(dest="action", metavar="add", required=True)
    p = grid_sub.add_parser("add", help=t("service.admin.grid_add.help"))
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(grid_add))

    officer = sub.add_parser("officer", help=t("service.admin.officer.help"))
    officer_sub = officer.add_subparsers(dest="action", metavar="add", required=True)
    p = officer_sub.add_parser("add", help=t("service.admin.officer_add.help"))
    p.add_argument("--grid", required=True, metavar="G", help=t("service.admin.opt.grid"))
    p.add_argument("--phone", default="", metavar="P", help=t("service.admin.opt.phone"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(officer_add))

    p = sub.add_parser("code", help=t("service.admin.code.help"))
    p.add_argument("--officer", required=True, metavar="O", help=t("service.admin.opt.officer"))
    p.add_argument("--ttl", default="24h", help=t("service.admin.opt.ttl"))
    p.set_defaults(func=command(code))

    staff = sub.add_parser("staff", help=t("service.admin.staff.help"))
    staff_sub = staff.add_subparsers(dest="action", metavar="add|revoke", required=True)
    p = staff_sub.add_parser("add", help=t("service.admin.staff_add.help"))
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(staff_add))
    p = staff_sub.add_parser("revoke", help=t("service.admin.staff_revoke.help"))
    p.add_argument("staff", metavar="STAFF")
    p.set_defaults(func=command(staff_revoke))

    p = sub.add_parser("revoke", help=t("service.admin.revoke.help"))
    p.add_argument("device", metavar="DEVICE")
    p.set_defaults(func=command(revoke))

    p = sub.add_parser("list", help=t("service.admin.list.help"))
    p.set_defaults(func=command(overview))


def township_add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin

    row = admin.add_township(session, args.name)
    return [t("service.admin.created_township", name=row.name), row.id]


def township_set(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import contact

    row = contact.set_phone(session, args.township, args.phone)
    if row.phone:
        return [t("township_phone.set.done", name=row.name, phone=row.phone), row.id]
    return [t("township_phone.set.cleared", name=row.name), row.id]


def grid_add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin

    row = admin.add_grid(session, args.township, args.name)
    return [t("service.admin.created_grid", name=row.name), row.id]


def officer_add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin

    row = admin.add_officer(session, args.grid, args.name, args.phone)
    return [t("service.admin.created_officer", name=row.name), row.id]


def code(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin, client_versions, termux

    ttl = admin.parse_ttl(args.ttl)
    new_code, row = admin.issue_code(session, args.officer, ttl)
    officer = admin.find_officer(session, row.officer_id)
    expires = row.expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    # How the officer's phone gets gridterm and this code in one line (docs/install.md).
    hint = termux.install_line(client_versions.public_url(session), new_code)
    return [t("service.admin.created_code", officer=officer.name, expires=expires), hint, new_code]


def staff_add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin

    token, row = admin.add_staff(session, args.township, args.name)
    return [t("service.admin.created_staff", name=row.name, id=row.id), token]


def staff_revoke(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin

    row, now = admin.revoke_staff(session, args.staff)
    key = "service.admin.staff_revoked" if now else "service.admin.already_revoked"
    return [t(key, name=row.name), row.id]


def revoke(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin

    row, now = admin.revoke_device(session, args.device)
    key = "service.admin.revoked" if now else "service.admin.already_revoked"
    return [t(key, name=row.name), row.id]


def overview(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin

    return admin.overview(session) or [t("service.admin.list.empty")]
