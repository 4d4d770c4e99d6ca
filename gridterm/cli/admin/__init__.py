"""``gridterm admin [--db URL] …``: the township service's administration from the shell.

Each group of commands is a module of this package with ``register(sub)`` (its parsers; each
sets ``func=command(handler)``).  A handler takes ``(args, session)`` and returns the lines to
print: a line for a person and then the new id, code or token **alone on its last line**, so
scripts can take it with ``tail -n 1``.  Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import importlib

from gridterm.core.i18n import t

# Modules of this package, in the order their commands appear in --help.
GROUPS = (
    "accounts",
    "roster",
    "training",
    "templates",
    "mediators",
    "departments",
    "database",
    "bundle",
    "photos",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "admin", help=t("service.admin.help"), description=t("service.admin.help")
    )
    parser.add_argument("--db", metavar="URL", help=t("service.admin.opt.db"))
    parser.set_defaults(func=lambda _args: _usage(parser))
    sub = parser.add_subparsers(dest="admin_command", metavar="COMMAND")
    for name in GROUPS:
        importlib.import_module(f"{__name__}.{name}").register(sub)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
