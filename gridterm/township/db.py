"""The township service's database: SQLAlchemy 2 typed models, engine and session setup.

One schema for SQLite (the embedded default, WAL mode) and PostgreSQL (a county's shared
service).  Every schema change goes through an Alembic migration in ``migrations/``; a test
checks that these models and the migrations agree.

Concurrency rules the rest of the service relies on:

* Duplicates are made impossible by unique constraints — ``record_revs (record_id, rev)``,
  ``receipts.number``, ``idempotency_keys (device_id, key)`` — and writers use
  ``INSERT … ON CONFLICT DO NOTHING``, never check-then-insert.
* The change sequence (``seq``) that devices pull by comes from one counter row bumped with
  ``UPDATE … RETURNING`` inside the writing transaction (:func:`next_seq`).  The row lock is
  held until commit, so sequence numbers become visible in commit order — a PostgreSQL
  SEQUENCE would hand out numbers at ``nextval`` time, and a pull could skip a change that
  committed after a higher number was already read.  Only service-owned changes (status,
  feedback, imported households, templates, mediators) take that lock; pushes do not.
* On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` (see
  :func:`write_session`), so two service processes queue on ``busy_timeout`` instead of
  failing with "database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SEQ_COUNTER = "change_seq"
PULL_FLOOR_KEY = "pull_floor"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, stored as naive UTC on every engine
    (SQLite has no time zones; storing UTC keeps ordering and range filters right)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


ID = String(36)


class Meta(Base):
    """Key/value settings of the service, e.g. ``pull_floor`` (the oldest honoured cursor)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Counter(Base):
    """Monotonic counters; ``change_seq`` is the pull cursor (see :func:`next_seq`)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Township(Base):
    __tablename__ = "townships"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Grid(Base):
    __tablename__ = "grids"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Officer(Base):
    __tablename__ = "officers"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("grids.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Device(Base):
    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Keys receipt signatures (HMAC); the service must be able to recompute them, so it is
    # kept as issued, not hashed.
    secret: Mapped[str] = mapped_column(String(128))
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class EnrollmentCode(Base):
    __tablename__ = "enrollment_codes"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    device_id: Mapped[str | None] = mapped_column(ID, default=None)


class Record(Base):
    """The current state of one record: the newest rev the devices sent, plus the
    service-owned fields staff set.  Every rev is kept in :class:`RecordRev`."""

    __tablename__ = "records"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    rev: Mapped[int] = mapped_column(Integer)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"))
    grid_id: Mapped[str] = mapped_column(ForeignKey("grids.id"))
    officer_id: Mapped[str] = mapped_column(ID)
    device_id: Mapped[str] = mapped_column(ID)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    receipts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column()
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Service-owned: written by staff, pulled by devices.
    status: Mapped[str] = mapped_column(String(32), default="reported")
    status_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    feedback: Mapped[str | None] = mapped_column(Text, default=None)
    public_reply: Mapped[str | None] = mapped_column(Text, default=None)
    handled_by: Mapped[str | None] = mapped_column(String(200), default=None)
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Change sequence of the service-owned fields (0 = never changed by the service).
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    # Denormalised for staff filters and search.
    village: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(64), default="")
    urgency: Mapped[str] = mapped_column(String(32), default="")
    search: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_records_township_kind_updated", "township_id", "kind", "updated_at"),
        Index("ix_records_grid_seq", "grid_id", "seq"),
        Index("ix_records_township_status", "township_id", "status"),
    )


class RecordRev(Base):
    """Every rev ever stored, exactly as received, with the device that sent it."""

    __tablename__ = "record_revs"
    pk: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_id: Mapped[str] = mapped_column(ID)
    rev: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(ID)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("record_id", "rev"),)


class RecordEvent(Base):
    """Staff actions on a record: state changes, feedback, public replies, comments."""

    __tablename__ = "record_events"
    pk: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(32), default=None)
    to_status: Mapped[str | None] = mapped_column(String(32), default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    feedback: Mapped[str | None] = mapped_column(Text, default=None)
    public_reply: Mapped[str | None] = mapped_column(Text, default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)


class Receipt(Base):
    """A receipt number bound to the record it was issued for (one record per number)."""

    __tablename__ = "receipts"
    number: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(ID, index=True)
    device_id: Mapped[str] = mapped_column(ID)
    issued_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    party: Mapped[int | None] = mapped_column(Integer, default=None)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    pk: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    device_id: Mapped[str] = mapped_column(ID)
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("device_id", "key"),)


class Template(Base):
    """Checklist templates the township published; they reach devices with pull."""

    __tablename__ = "templates"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_id: Mapped[str | None] = mapped_column(ForeignKey("townships.id"), default=None)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class Mediator(Base):
    """Elder mediators of a township's roster (乡贤, 老党员 …); they reach devices with pull."""

    __tablename__ = "mediators"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    standing: Mapped[str] = mapped_column(String(32), default="")
    village: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


class Household(Base):
    """Households imported from the township's roster; they reach the grid's devices with pull."""

    __tablename__ = "households"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    grid_id: Mapped[str] = mapped_column(ForeignKey("grids.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)


# --------------------------------------------------------------------------- engines


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
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": 30, "check_same_thread": False},
            **kwargs,
        )
        _sqlite_setup(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, hide_parameters=True, **kwargs)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours (IMMEDIATE for writes).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
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


# --------------------------------------------------------------------------- sequence, meta


def next_seq(session: Session, n: int = 1) -> int:
    """Reserve ``n`` change-sequence numbers; returns the highest (the range is
    ``result - n + 1 … result``).  Holds the counter row's lock until the transaction ends,
    so numbers become visible in commit order across every service process."""
    stmt = (
        update(Counter)
        .where(Counter.name == SEQ_COUNTER)
        .values(value=Counter.value + n)
        .returning(Counter.value)
    )
    value = session.execute(stmt).scalar_one_or_none()
    if value is None:
        raise RuntimeError("change_seq counter missing: run `gridterm admin migrate`")
    return int(value)


def current_seq(session: Session) -> int:
    value = session.execute(select(Counter.value).where(Counter.name == SEQ_COUNTER)).scalar()
    return int(value or 0)


def meta_get(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.execute(select(Meta.value).where(Meta.key == key)).scalar()
    return default if value is None else value


def meta_set(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
    session.flush()


def pull_floor(session: Session) -> int:
    """The oldest cursor the service still honours (cursor 0, a full pull, always is)."""
    return int(meta_get(session, PULL_FLOOR_KEY, "0") or 0)


def make_url_safe(url: str) -> str:
    """``url`` without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)
