"""Alembic takes an empty database to head on each engine, and the models agree with it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from gridterm.township import db
from gridterm.township.migrations import current_revision, head_revision, upgrade


def test_empty_database_upgrades_to_head_and_models_agree(fresh_db_url):
    engine = db.make_engine(fresh_db_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine) is not None
        tables = set(inspect(engine).get_table_names())
        assert set(db.Base.metadata.tables) <= tables
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, db.Base.metadata)
        assert diff == [], diff
        # The change sequence exists and starts at zero.
        with db.write_session(db.session_factory(engine)) as s:
            assert db.current_seq(s) == 0
            assert db.next_seq(s, 3) == 3
        # Running it again (every service start does) changes nothing.
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(fresh_db_url):
    engine = db.make_engine(fresh_db_url)
    try:
        upgrade(engine)
        from alembic import command

        from gridterm.township.migrations import alembic_config

        command.downgrade(alembic_config(engine), "base")
        assert not set(db.Base.metadata.tables) & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) == head_revision(engine)
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 't.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def test_default_path_is_under_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("GRIDTERM_DB", raising=False)
    monkeypatch.setenv("GRIDTERM_DATA_DIR", str(tmp_path / "d"))
    assert db.default_db_url() == f"sqlite:///{tmp_path / 'd' / 'township.db'}"
    monkeypatch.setenv("GRIDTERM_DB", "postgresql://u@h/x")
    assert db.default_db_url() == "postgresql+psycopg://u@h/x"
