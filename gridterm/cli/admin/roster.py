"""``gridterm admin import-households``: the township's roster into a grid."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-households", help=t("service.admin.import.help"))
    p.add_argument("--grid", required=True, metavar="G", help=t("service.admin.opt.grid"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=command(import_households))


def import_households(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import admin, roster

    count = roster.import_households(session, args.grid, args.file)
    grid = admin.find_grid(session, args.grid)
    return [t("service.admin.imported", count=count, grid=grid.name), str(count)]
