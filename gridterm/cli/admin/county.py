"""``gridterm admin county add|list`` and ``gridterm admin liaison add``: the county above the
townships and its leaders, each responsible for some villages (包村; docs/county.md).  The
county's townships, departments and staff are made with ``township``, ``department`` and
``staff`` and their ``--county``."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    county = sub.add_parser("county", help=t("county.admin.help"))
    actions = county.add_subparsers(dest="action", metavar="add|list", required=True)
    p = actions.add_parser("add", help=t("county.admin.add_help"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(add))
    p = actions.add_parser("list", help=t("county.admin.list_help"))
    p.set_defaults(func=command(list_all))

    liaison = sub.add_parser("liaison", help=t("county.admin.liaison_help"))
    actions = liaison.add_subparsers(dest="action", metavar="add", required=True)
    p = actions.add_parser("add", help=t("county.admin.liaison_add_help"))
    p.add_argument("--county", required=True, metavar="C", help=t("county.admin.opt.county"))
    p.add_argument("--village", required=True, metavar="V", help=t("county.admin.opt.village"))
    p.add_argument("--township", metavar="T", help=t("county.admin.opt.liaison_township"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(liaison_add))


def add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import county

    row = county.add_county(session, args.name)
    return [t("county.admin.added", name=row.name), row.id]


def list_all(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import county

    return county.overview(session) or [t("county.admin.none")]


def liaison_add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import county

    token, row, added = county.add_liaison(
        session, args.county, args.name, args.village, args.township
    )
    if token is not None:
        return [t("county.admin.liaison_made", name=row.name, village=args.village.strip()), token]
    key = "county.admin.liaison_village" if added else "county.admin.liaison_had"
    return [t(key, name=row.name, village=args.village.strip()), row.id]
