"""The b_departments migration on a database from before it: cases the officer had closed,
left "reported" by the old rule, come out closed_on_spot with an event and a new change seq
(so devices pull it); open cases, touched cases and reports stay as they were."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from gridterm.township import db
from gridterm.township.migrations import upgrade

T = sa.table
C = sa.column


def _insert_old(conn, rows: dict[str, tuple[str, dict, int]]) -> None:
    now = dt.datetime(2026, 11, 20, 8, 0)
    conn.execute(
        T("townships", C("id"), C("name"), C("created_at")).insert(),
        [{"id": "t1", "name": "镇", "created_at": now}],
    )
    conn.execute(
        T("grids", C("id"), C("township_id"), C("name"), C("created_at")).insert(),
        [{"id": "g1", "township_id": "t1", "name": "网格", "created_at": now}],
    )
    records = T(
        "records",
        *(C(n) for n in ("id", "kind", "rev", "township_id", "grid_id", "officer_id")),
        *(C(n) for n in ("device_id", "receipts", "created_at", "updated_at", "received_at")),
        *(C(n) for n in ("status", "seq", "village", "category", "urgency", "search")),
        C("data", sa.JSON),
    )
    conn.execute(
        records.insert(),
        [
            {
                "id": rid,
                "kind": kind,
                "rev": 1,
                "township_id": "t1",
                "grid_id": "g1",
                "officer_id": "o1",
                "device_id": "d1",
                "data": data,
                "receipts": "[]",
                "created_at": now,
                "updated_at": now,
                "received_at": now,
                "status": "reported",
                "seq": seq,
                "village": "",
                "category": "",
                "urgency": "",
                "search": "",
            }
            for rid, (kind, data, seq) in rows.items()
        ],
    )


def test_cases_the_officer_closed_come_out_closed(fresh_db_url):
    engine = db.make_engine(fresh_db_url)
    closed = {"closed_at": "2026-11-21T16:00:00+08:00", "outcome": "success"}
    rows = {
        str(uuid.uuid4()): ("case", closed, 0),  # closed by the officer, untouched: closes
        str(uuid.uuid4()): ("case", {"outcome": "success"}, 0),  # not closed: stays
        str(uuid.uuid4()): ("case", closed, 7),  # the township already acted: stays
        str(uuid.uuid4()): ("report", {"closed_at": "2026-11-21"}, 0),  # not a case
    }
    try:
        upgrade(engine, "0001")
        with engine.begin() as conn:
            _insert_old(conn, rows)
        upgrade(engine)
        with db.session_factory(engine)() as s:
            got = {r.id: (r.status, r.seq) for r in s.query(db.Record)}
            events = s.query(db.RecordEvent).all()
            top = db.current_seq(s)
    finally:
        engine.dispose()
    first, second, third, fourth = rows
    assert got[first] == ("closed_on_spot", 1) and top == 1
    assert got[second] == ("reported", 0)
    assert got[third] == ("reported", 7)
    assert got[fourth] == ("reported", 0)
    assert [(e.record_id, e.from_status, e.to_status) for e in events] == [
        (first, "reported", "closed_on_spot")
    ]
