"""``gridterm admin mediator add``: an elder mediator on the township's roster."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    mediator = sub.add_parser("mediator", help=t("service.admin.mediator.help"))
    mediator_sub = mediator.add_subparsers(dest="action", metavar="add", required=True)
    p = mediator_sub.add_parser("add", help=t("service.admin.mediator_add.help"))
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("--standing", default="", help=t("service.admin.opt.standing"))
    p.add_argument("--village", default="", help=t("service.admin.opt.village"))
    p.add_argument("--phone", default="", metavar="P", help=t("service.admin.opt.phone"))
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=command(add))


def add(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import mediators

    row = mediators.add_mediator(
        session, args.township, args.name, args.standing, args.village, args.phone
    )
    return [t("service.admin.created_mediator", name=row.name), row.id]
