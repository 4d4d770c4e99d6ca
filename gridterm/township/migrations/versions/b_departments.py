"""departments: the township's list of who handles assigned records; who a record is assigned to

Also: mediation cases the officer had already closed when they reached the township were left
"reported" (the to-do list kept them); they are "closed_on_spot" now, like reports the officer
closed on the spot, with an event saying so and a new change seq so devices pull it.

Revision ID: b_departments
Revises: b_install
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "b_departments"
down_revision = "b_install"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("township_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["township_id"], ["townships.id"], name=op.f("fk_departments_township_id_townships")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("township_id", "name", name=op.f("uq_departments_township_id_name")),
    )
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_departments_township_id"), ["township_id"], unique=False
        )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.String(length=36), nullable=True))
    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.String(length=36), nullable=True))
    _close_cases_the_officer_closed()


def _close_cases_the_officer_closed() -> None:
    records = sa.table(
        "records",
        sa.column("id", sa.String),
        sa.column("kind", sa.String),
        sa.column("data", sa.JSON),
        sa.column("status", sa.String),
        sa.column("status_at", sa.DateTime),
        sa.column("seq", sa.BigInteger),
    )
    events = sa.table(
        "record_events",
        sa.column("record_id", sa.String),
        sa.column("at", sa.DateTime),
        sa.column("actor", sa.String),
        sa.column("from_status", sa.String),
        sa.column("to_status", sa.String),
        sa.column("reason", sa.String),
    )
    counters = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(records.c.id, records.c.data).where(
            records.c.kind == "case", records.c.status == "reported", records.c.seq == 0
        )
    ).all()
    closed = [rid for rid, data in rows if isinstance(data, dict) and data.get("closed_at")]
    if not closed:
        return
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    seq = conn.execute(
        sa.select(counters.c.value).where(counters.c.name == "change_seq")
    ).scalar_one()
    for rid in closed:
        seq += 1
        conn.execute(
            records.update()
            .where(records.c.id == rid)
            .values(status="closed_on_spot", status_at=now, seq=seq)
        )
        conn.execute(
            events.insert().values(
                record_id=rid,
                at=now,
                actor="migration:b_departments",
                from_status="reported",
                to_status="closed_on_spot",
                reason="closed_at",
            )
        )
    conn.execute(counters.update().where(counters.c.name == "change_seq").values(value=seq))


def downgrade() -> None:
    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.drop_column("assignee_id")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("assignee_id")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departments_township_id"))
    op.drop_table("departments")
