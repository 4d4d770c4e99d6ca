"""The training day: ``import-officers`` (the township's officers from a sheet) and ``codes``
(a fresh enrollment code for every officer, as a sheet to print)."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.roster import refuse_problems
from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    from gridterm.township.services.columns import OFFICERS, describe, example

    p = sub.add_parser(
        "import-officers",
        help=t("training.import.help"),
        description=t("training.import.description"),
        epilog=t(
            "training.import.epilog",
            columns=describe(OFFICERS, "training.col"),
            example=example("officers.csv"),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("--create-grids", action="store_true", help=t("training.opt.create_grids"))
    p.add_argument("--check", action="store_true", help=t("training.opt.check"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=command(import_officers))

    p = sub.add_parser(
        "codes", help=t("training.codes.help"), description=t("training.codes.description")
    )
    p.add_argument("--township", required=True, metavar="T", help=t("service.admin.opt.township"))
    p.add_argument("--grid", metavar="G", help=t("training.opt.grid"))
    p.add_argument("--ttl", default="24h", help=t("service.admin.opt.ttl"))
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=t("training.opt.output"))
    p.set_defaults(func=command(codes))


def import_officers(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services.officers import import_officers as run

    report = run(
        session, args.township, args.file, check=args.check, create_grids=args.create_grids
    )
    counts = dict(
        township=report.township,
        added=report.added,
        changed=report.changed,
        unchanged=report.unchanged,
    )
    refuse_problems(report.problems, args, "training", counts)
    lines = []
    if report.new_grids:
        joiner = t("roster.list_joiner")
        key = "training.grids_to_create" if args.check else "training.grids_created"
        lines.append(t(key, grids=joiner.join(report.new_grids)))
    if args.check:
        lines += [t("training.check.summary", **counts), t("roster.check.nothing_written")]
    else:
        lines.append(t("training.import.done", **counts))
    return [*lines, str(report.officers)]


def codes(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.core.model import CHINA_TIME
    from gridterm.township.services.admin import parse_ttl
    from gridterm.township.services.code_sheet import EXPIRES_FORMAT, write_sheet
    from gridterm.township.services.codes import issue_codes

    rows = issue_codes(session, args.township, args.grid, parse_ttl(args.ttl))
    from gridterm.township.services.client_versions import public_url

    path = write_sheet(args.output, rows, install_url=public_url(session))
    expires = rows[0].expires.astimezone(CHINA_TIME).strftime(EXPIRES_FORMAT)
    return [t("training.codes.done", n=len(rows), expires=expires), str(path)]
