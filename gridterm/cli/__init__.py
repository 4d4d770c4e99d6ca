"""The one command: ``gridterm [--data-dir D] [--lang zh|en] [--no-mouse] [SUBCOMMAND …]``.

Each subcommand lives in its own module under ``gridterm/cli/`` with two functions:
``register(subparsers)`` adds its parser (and must import nothing heavy), and ``run(args)``
does the work, importing what it needs.  So ``gridterm sync`` never pays for Textual, and
``gridterm`` alone never pays for FastAPI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from gridterm import __version__
from gridterm.core.errors import GridtermError
from gridterm.core.i18n import UnknownLanguage, set_language, t

# name -> module under gridterm.cli; order is the order shown in --help.
COMMANDS = (
    "demo",
    "enroll",
    "sync",
    "outbox",
    "attach",
    "receipt",
    "serve",
    "admin",
    "staff",
    "pull",
    "notice",
)


def _peek_lang(argv: Sequence[str]) -> str | None:
    """--lang must be known before the parser is built, so that --help is translated."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gridterm", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"gridterm {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help=t("cli.opt.data_dir"))
    parser.add_argument("--lang", metavar="zh|en", help=t("cli.opt.lang"))
    parser.add_argument("--no-mouse", action="store_true", help=t("cli.opt.no_mouse"))
    parser.add_argument("--recover", action="store_true", help=t("cli.opt.recover"))
    sub = parser.add_subparsers(dest="command", metavar=t("cli.subcommand"))
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"gridterm.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"gridterm.cli.{name}":
                raise
            continue  # that part of gridterm is not built yet
        module.register(sub)
    return parser


def run_tui(args: argparse.Namespace) -> int:
    try:
        from gridterm.ui.officer.app import run as run_app
    except ModuleNotFoundError as exc:
        if exc.name != "gridterm.ui.officer.app":
            raise
        print(t("cli.no_tui"), file=sys.stderr)
        return 2
    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        set_language(_peek_lang(argv))
    except UnknownLanguage as exc:
        set_language(None)
        print(t("cli.bad_lang", value=str(exc)), file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return run_tui(args)
        return int(args.func(args) or 0)
    except GridtermError as exc:
        print(f"gridterm: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
