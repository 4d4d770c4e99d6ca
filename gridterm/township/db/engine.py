"""Engines and sessions for SQLite (WAL, BEGIN IMMEDIATE for writers) and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

# How long a request may wait for the SQLite write lock or a pooled connection before it is
# answered 503 + Retry-After: well inside a client's read timeout (60 s), so nothing hangs.
BUSY_SECONDS = 10.0
PG_POOL = 10
PG_WRITE_SLOTS = 6


def default_db_url(data_folder: str | None = None) -> str:
    """``GRIDTERM_DB``, else SQLite at ``<data folder>/township.db`` (``--data-dir``, else
    ``GRIDTERM_DATA_DIR``, else the platform's user data folder)."""
    env = os.environ.get("GRIDTERM_DB")
    if env:
        return normalize_url(env)
    from gridterm.core.paths import data_dir, ensure_private_dir

    folder = ensure_private_dir(data_dir(data_folder))
    return f"sqlite:///{folder / 'township.db'}"


def normalize_url(url: str) -> str:
    """Accept a bare path as SQLite and ``postgresql://`` as psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{os.path.abspath(os.path.expanduser(url))}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``.  Parameters are never put in error messages (they can hold
    record contents, and error messages reach logs)."""
    url = normalize_url(url)
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            kwargs.setdefault("pool_timeout", BUSY_SECONDS)  # a file: a pool of connections
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": BUSY_SECONDS, "check_same_thread": False},
            **kwargs,
        )
        _sqlite_setup(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", PG_POOL)
    kwargs.setdefault("max_overflow", PG_POOL)
    kwargs.setdefault("pool_timeout", BUSY_SECONDS)
    return create_engine(url, hide_parameters=True, **kwargs)


def write_slots(engine: Engine) -> int:
    """How many requests of one service process write at once: SQLite has one writer; on
    PostgreSQL fewer than the pool's connections, so readers always find one."""
    return 1 if is_sqlite(engine) else PG_WRITE_SLOTS


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours (IMMEDIATE for writes).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint the WAL every ~40 MB rather than every ~4 MB: hot index pages are then
        # copied into the database once per checkpoint, not once per push (pushes ~25%
        # faster), and the WAL file is cut back to 64 MB after each checkpoint.
        cur.execute("PRAGMA wal_autocheckpoint=10000")
        cur.execute("PRAGMA journal_size_limit=67108864")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("gridterm_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def write_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose transactions are writers from their first statement (BEGIN IMMEDIATE on
    SQLite) — begun in the thread that runs that statement, not when the session is made."""
    return sessionmaker(engine.execution_options(gridterm_write=True), expire_on_commit=False)


def begin_write(session: Session) -> None:
    """Mark the session's transaction as a writer (BEGIN IMMEDIATE on SQLite).  Must be the
    first thing done with a fresh session."""
    session.connection(execution_options={"gridterm_write": True})


@contextmanager
def write_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction is a writer from the start; commits on success."""
    with factory() as session:
        begin_write(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def make_url_safe(url: str) -> str:
    """``url`` without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)
