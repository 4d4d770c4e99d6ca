"""Many rows in one statement, the way each database does it fastest.

A push stores up to a few hundred revs and current rows at once; building them row by row
through SQLAlchemy's ORM (or even its Core parameter handling) was the largest cost of a push.

* :func:`insert` — a Core ``INSERT`` that knows ``ON CONFLICT`` on either database.
* :func:`pg_bulk` — PostgreSQL: the batch as one JSON document, one statement.
* :func:`sqlite_bulk` — SQLite: one DB-API executemany with the columns' own converters.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, text
from sqlalchemy import insert as sa_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gridterm.township import db


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert(session: Session, model_class: Any):
    """A Core ``INSERT`` (with ``ON CONFLICT`` support) into ``model_class``'s table.  Core, not
    ORM, so a list of parameter sets runs as one executemany / multi-row statement."""
    table = model_class.__table__
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    return sa_insert(table)


def _pg_record_type(column: Any) -> str:
    """The type a column's field is read as from the JSON batch (``json_to_recordset``)."""
    kind = column.type
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, (DateTime, db.UTCDateTime)):
        return "timestamp"
    if isinstance(kind, BigInteger):
        return "bigint"
    if isinstance(kind, Integer):
        return "integer"
    return "text"


def _pg_json_default(value: Any) -> Any:
    # Datetimes are stored as naive UTC (db.UTCDateTime); nothing else non-JSON reaches here.
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def pg_bulk(session: Session, table: Any, rows: list[dict[str, Any]], tail: str) -> list[Any]:
    """``INSERT INTO table (…) SELECT … FROM json_to_recordset(:rows) … tail`` (PostgreSQL
    only): one statement, one round trip and one parameter for the whole batch, its text the
    same for every batch.  The batch travels as one JSON document (made by the json module's
    C encoder, parsed by PostgreSQL), not as an array per column, which psycopg's Python
    adapters would escape element by element.  Text comes back out exactly as it went in."""
    names = list(rows[0])
    quoted = ", ".join(f'"{name}"' for name in names)
    fields = ", ".join(f'"{name}" {_pg_record_type(table.c[name])}' for name in names)
    sql = (
        f'INSERT INTO "{table.name}" ({quoted}) SELECT {quoted} '
        f"FROM json_to_recordset(CAST(:rows AS json)) AS u({fields}) {tail}"
    )
    batch = json.dumps(rows, ensure_ascii=False, allow_nan=False, default=_pg_json_default)
    result = session.execute(text(sql), {"rows": batch})
    return result.all() if result.returns_rows else []


def sqlite_bulk(session: Session, table: Any, rows: list[dict[str, Any]], tail: str) -> int:
    """``INSERT INTO table (…) VALUES (?, …) tail`` as one DB-API executemany (SQLite only);
    returns the number of rows changed.

    Each column's own bind processor (the dialect's, exactly what a Core insert applies:
    JSON serialised, datetimes as UTC text) is looked up once per batch and applied here,
    sparing SQLAlchemy's per-row parameter building — the largest cost of a push."""
    names = list(rows[0])
    dialect = session.get_bind().dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    # Column by column (list comprehensions and zip run in C), then one tuple per row.
    columns = []
    for name, proc in zip(names, processors, strict=True):
        values = [row[name] for row in rows]
        if proc is not None:
            if isinstance(table.c[name].type, (DateTime, db.UTCDateTime)):
                # A batch's timestamps repeat (received_at is one instant, created_at is
                # often updated_at): each distinct one is converted once.
                done = {value: proc(value) for value in set(values)}
                values = [done[value] for value in values]
            else:
                values = [proc(value) for value in values]
        columns.append(values)
    params = list(zip(*columns, strict=True))
    quoted = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" * len(names))
    sql = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks}) {tail}'
    return session.connection().exec_driver_sql(sql, params).rowcount


def bulk(session: Session, table: Any, rows: list[dict[str, Any]], tail: str) -> None:
    """``INSERT … tail`` of ``rows`` in one statement on either database."""
    if is_postgresql(session):
        pg_bulk(session, table, rows, tail)
    else:
        sqlite_bulk(session, table, rows, tail)
