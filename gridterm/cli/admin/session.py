"""Running an admin command: the database at head, one write session, the lines printed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

Handler = Callable[[argparse.Namespace, Any], list[str]]


def database_url(args: argparse.Namespace) -> str:
    from gridterm.township import db

    if args.db:
        return db.normalize_url(args.db)
    return db.default_db_url(getattr(args, "data_dir", None))


def open_database(url: str) -> Any:
    """An engine for ``url`` with the schema at head; AdminError when it cannot be reached."""
    from sqlalchemy.exc import SQLAlchemyError

    from gridterm.township import db
    from gridterm.township.migrations import upgrade
    from gridterm.township.services.admin import AdminError

    try:
        engine = db.make_engine(url)
        upgrade(engine)
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or type(exc).__name__).strip().splitlines()[0]
        raise AdminError("service.admin.error.db", detail=detail) from None
    except OSError as exc:
        raise AdminError("service.admin.error.db", detail=exc.strerror or str(exc)) from None
    return engine


def command(handler: Handler) -> Callable[[argparse.Namespace], int]:
    """``func`` for a parser: run ``handler(args, session)`` in one write session, print."""

    def run(args: argparse.Namespace) -> int:
        from gridterm.township import db

        engine = open_database(database_url(args))
        try:
            with db.write_session(db.session_factory(engine)) as session:
                lines = handler(args, session)
        finally:
            engine.dispose()
        for line in lines:
            print(line)
        return 0

    return run
