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
    p.add_argument("--county", metavar="C", help=t("county.admin.opt.township_county"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(township_add))
    p = township_sub.add_parser("set", help=t("township_phone.set.help"))
    p.add_argument("township", metavar="TOWNSHIP", help=t("township_phone.opt.township"))
    p.add_argument("--phone", metavar="PHONE", help=t("township_phone.opt.phone"))
    p.add_argument("--county", metavar="C", help=t("county.admin.opt.township_county"))
    p.set_defaults(func=command(township_set))

    grid = sub.add_parser("grid", help=t("service.admin.grid.help"))
    grid_sub = grid.add_subparsers(dest="action", metavar="add|set", required=True)
    p = grid_sub.add_parser("add", help=t("service.admin.grid_add.help"))
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("--village", default="", metavar="V", help=t("county.admin.opt.grid_village"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(grid_add))
    p = grid_sub.add_parser("set", help=t("county.admin.grid_set_help"))
    p.add_argument("grid", metavar="GRID", help=t("service.admin.opt.grid"))
    p.add_argument("--village", required=True, metavar="V", help=t("county.admin.opt.grid_village"))
    p.set_defaults(func=command(grid_set))

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
    whose = p.add_mutually_exclusive_group(required=True)
    whose.add_argument("--township", metavar="T", help=t("service.admin.opt.township"))
    whose.add_argument("--county", metavar="C", help=t("county.admin.opt.staff_county"))
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
    from gridterm.township.services import admin, county

    row = admin.add_township(session, args.name)
    lines = [t("service.admin.created_township", name=row.name)]
    if args.county:
        county.set_township_county(session, row.id, args.county)
        lines.append(t("county.admin.township_in", name=row.name, county=args.county))
    return [*lines, row.id]


def township_set(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin, contact, county

    if args.phone is None and args.county is None:
        raise admin.AdminError("county.admin.set_nothing")
    lines = []
    if args.county is not None:
        row = county.set_township_county(session, args.township, args.county)
        lines.append(t("county.admin.township_in", name=row.name, county=args.county))
    if args.phone is not None:
        row = contact.set_phone(session, args.township, args.phone)
        if row.phone:
            lines.append(t("township_phone.set.done", name=row.name, phone=row.phone))
        else:
            lines.append(t("township_phone.set.cleared", name=row.name))
    return [*lines, row.id]


def grid_add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin, county

    row = admin.add_grid(session, args.township, args.name)
    if args.village:
        county.set_grid_village(session, row.id, args.village)
    return [t("service.admin.created_grid", name=row.name), row.id]


def grid_set(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import county

    row = county.set_grid_village(session, args.grid, args.village)
    return [t("county.admin.grid_village", name=row.name, village=row.village or "-"), row.id]


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
    from gridterm.township.services import admin, county

    if args.county:
        token, row = county.add_staff(session, args.county, args.name)
    else:
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
