"""``gridterm admin import-households``: the township's roster into a grid (``--check`` first)."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    from gridterm.township.services.columns import ROSTER, describe, example

    p = sub.add_parser(
        "import-households",
        help=t("service.admin.import.help"),
        description=t("roster.import.description"),
        epilog=t(
            "roster.import.epilog",
            columns=describe(ROSTER, "roster.col"),
            example=example("roster.csv"),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--grid", required=True, metavar="G", help=t("service.admin.opt.grid"))
    p.add_argument("--check", action="store_true", help=t("roster.opt.check"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=command(import_households))


def refuse_problems(problems: list, args: argparse.Namespace, area: str, counts: dict) -> None:
    """An import whose file has problems writes nothing and says each (``area``: the
    catalog's ``roster`` or ``training``, whose ``check.refused`` / ``import.refused`` and
    ``check.summary`` word it)."""
    if not problems:
        return
    from gridterm.township.services.admin import AdminError
    from gridterm.township.services.roster import problems_text

    raise AdminError(
        f"{area}.check.refused" if args.check else f"{area}.import.refused",
        path=str(args.file),
        summary=t(f"{area}.check.summary", **counts),
        n=len(problems),
        problems=problems_text(problems),
    )


def import_households(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services.roster import import_roster

    report = import_roster(session, args.grid, args.file, check=args.check)
    counts = dict(
        added=report.added,
        changed=report.changed,
        unchanged=report.unchanged,
        grid=report.grid,
    )
    refuse_problems(report.problems, args, "roster", counts)
    lines = []
    if report.ignored_columns:
        joiner = t("roster.list_joiner")
        lines.append(t("roster.ignored_columns", columns=joiner.join(report.ignored_columns)))
    if args.check:
        lines.append(t("roster.check.summary", **counts))
        lines.append(t("roster.check.nothing_written"))
    else:
        lines.append(t("roster.import.done", **counts))
    return [*lines, str(report.households)]
