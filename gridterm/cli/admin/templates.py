"""``gridterm admin template publish``: a checklist template for the devices' next pull."""

from __future__ import annotations

import argparse
from typing import Any

from gridterm.cli.admin.session import command
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    template = sub.add_parser("template", help=t("service.admin.template.help"))
    template_sub = template.add_subparsers(dest="action", metavar="publish", required=True)
    p = template_sub.add_parser("publish", help=t("service.admin.template_publish.help"))
    p.add_argument("--township", metavar="T", help=t("service.admin.opt.all_townships"))
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=command(publish))


def publish(args: argparse.Namespace, session: Any) -> list[str]:
    from gridterm.township.services import templates

    row = templates.publish_template(session, args.file, args.township)
    return [t("service.admin.published", id=row.id, version=row.version), f"{row.id}:{row.version}"]
