"""Running an admin command: the database at head, one write session, the lines printed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from gridterm.core.errors import GridtermError

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
    """``func`` for a parser: run ``handler(args, session)`` in one write session, print.

    Whatever goes wrong ends as one line and exit 2, never a traceback — the handler's own
    message when it has one, else :func:`one_line` of the exception — and the write session
    is rolled back: nothing was changed."""

    def run(args: argparse.Namespace) -> int:
        from gridterm.township import db

        engine = open_database(database_url(args))
        try:
            with db.write_session(db.session_factory(engine)) as session:
                lines = handler(args, session)
        except (GridtermError, KeyboardInterrupt):
            raise
        except Exception as exc:
            raise one_line(exc) from None
        finally:
            engine.dispose()
        for line in lines:
            print(line)
        return 0

    return run


def one_line(exc: BaseException) -> GridtermError:
    """An exception no handler expected, as one line a person can act on."""
    import csv
    import zipfile

    from sqlalchemy.exc import SQLAlchemyError

    from gridterm.township.services.admin import AdminError

    if isinstance(exc, RecursionError):
        return AdminError("hardening.admin.nested")
    if isinstance(exc, MemoryError):
        return AdminError("hardening.admin.too_big")
    if isinstance(exc, UnicodeError):
        return AdminError("hardening.admin.encoding")
    if isinstance(exc, (csv.Error, zipfile.BadZipFile)):
        return AdminError("hardening.admin.unreadable")
    if isinstance(exc, OSError):
        path = exc.filename or ""
        detail = exc.strerror or str(exc)
        return AdminError("service.admin.error.file", path=str(path), detail=detail)
    if isinstance(exc, SQLAlchemyError):
        detail = str(getattr(exc, "orig", None) or "").strip().splitlines()
        return AdminError("service.admin.error.db", detail=detail[0] if detail else "-")
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return AdminError("hardening.admin.failed", detail=first or "-")
