"""Alembic environment for the township service; the engine comes from
``config.attributes["engine"]`` (see ``gridterm.township.migrations.upgrade``)."""

from __future__ import annotations

from alembic import context

from gridterm.township.db import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    # UTCDateTime is stored as a plain DateTime; migrations should not import our module.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if connection.dialect.name == "postgresql":
            # Several service processes may start at once: one migrates, the others wait.
            connection.exec_driver_sql("SELECT pg_advisory_lock(746110)")
            connection.commit()
        if sqlite:
            # Batch mode alters a table by copying it, dropping the old one and renaming the
            # copy; with foreign keys enforced, the drop fails once other tables' rows refer to
            # it (a township with grids, altered by a later migration).  Alembic's advice:
            # enforcement off while migrating, the references checked once at the end.  The
            # pragma is a no-op inside a transaction, so it goes to the driver's connection
            # before SQLAlchemy begins one (our engine's "begin" hook would).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_item=render_item,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_unlock(746110)")
                connection.commit()


run_migrations_online()
