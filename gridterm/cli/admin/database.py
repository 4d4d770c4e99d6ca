"""``gridterm admin migrate``: bring the database's schema to head (also done at every start)."""

from __future__ import annotations

import argparse

from gridterm.cli.admin.session import database_url, open_database
from gridterm.core.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help=t("service.admin.migrate.help"))
    p.set_defaults(func=migrate)


def migrate(args: argparse.Namespace) -> int:
    from gridterm.township.migrations import current_revision

    engine = open_database(database_url(args))
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    print(t("service.admin.migrated", revision=revision))
    print(revision)
    return 0
