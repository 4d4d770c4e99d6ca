"""the county ladder (issue 15): counties, county staff and leaders with their villages,
county departments, grids' villages, risk tiers and the ladder's times on records,
supervision, and rate-limit buckets shared by every service process

Records already closed get the time they closed and the level that closed them, from their
events (the summary's figures count from those); their tiers are assessed by the service's
sweep, which takes every record without one.

Revision ID: c_county
Revises: b_hardening
"""

import sqlalchemy as sa
from alembic import op


revision = "c_county"
down_revision = "b_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counties",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counties")),
        sa.UniqueConstraint("name", name=op.f("uq_counties_name")),
    )
    op.create_table(
        "rate_buckets",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("stamp", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_buckets")),
    )
    op.create_table(
        "leader_villages",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("village", sa.String(length=200), nullable=False),
        sa.Column("township_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_leader_villages_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_leader_villages")),
        sa.UniqueConstraint(
            "staff_id",
            "village",
            "township_id",
            name=op.f("uq_leader_villages_staff_id_village_township_id"),
        ),
    )
    with op.batch_alter_table("leader_villages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leader_villages_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "supervisions",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("county_id", sa.String(length=36), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_id", sa.String(length=36), nullable=False),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_id"], ["counties.id"], name=op.f("fk_supervisions_county_id_counties")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_supervisions_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_supervisions")),
    )
    with op.batch_alter_table("supervisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervisions_county_id"), ["county_id"], unique=False)

    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county_id", sa.String(length=36), nullable=True))
        batch_op.alter_column("township_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.create_index(batch_op.f("ix_departments_county_id"), ["county_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_departments_county_id_name"), ["county_id", "name"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_departments_county_id_counties"), "counties", ["county_id"], ["id"]
        )

    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("village", sa.String(length=200), server_default="", nullable=False)
        )

    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("value", sa.String(length=64), nullable=True))

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tier", sa.String(length=8), server_default="green", nullable=False)
        )
        batch_op.add_column(sa.Column("tier_reason", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("tier_by", sa.String(length=8), server_default="rule", nullable=False)
        )
        batch_op.add_column(sa.Column("tier_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("tier_due_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("household_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("county_department_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("closed_level", sa.String(length=16), nullable=True))
        batch_op.create_index(
            "ix_records_township_household", ["township_id", "household_key"], unique=False
        )
        batch_op.create_index("ix_records_township_tier", ["township_id", "tier"], unique=False)

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="township", nullable=False)
        )
        batch_op.add_column(sa.Column("county_id", sa.String(length=36), nullable=True))
        batch_op.alter_column("township_id", existing_type=sa.VARCHAR(length=36), nullable=True)
        batch_op.create_index(batch_op.f("ix_staff_county_id"), ["county_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_county_id_counties"), "counties", ["county_id"], ["id"]
        )

    with op.batch_alter_table("townships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_townships_county_id"), ["county_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_townships_county_id_counties"), "counties", ["county_id"], ["id"]
        )
    _closed_from_events()


def _closed_from_events() -> None:
    records = sa.table(
        "records",
        sa.column("id", sa.String),
        sa.column("status", sa.String),
        sa.column("status_at", sa.DateTime),
        sa.column("closed_at", sa.DateTime),
        sa.column("closed_level", sa.String),
    )
    events = sa.table(
        "record_events",
        sa.column("record_id", sa.String),
        sa.column("at", sa.DateTime),
        sa.column("to_status", sa.String),
    )
    conn = op.get_bind()
    closing = conn.execute(
        sa.select(events.c.record_id, events.c.to_status, events.c.at)
        .where(events.c.to_status.in_(["done", "closed_on_spot"]))
        .order_by(events.c.at)
    ).all()
    first: dict = {}
    for record_id, to_status, at in closing:
        first.setdefault(record_id, (to_status, at))
    rows = conn.execute(
        sa.select(records.c.id, records.c.status, records.c.status_at).where(
            records.c.status.in_(["done", "checked_back", "closed_on_spot"])
        )
    ).all()
    for record_id, status, status_at in rows:
        to_status, at = first.get(record_id, (status, status_at))
        level = "village" if to_status == "closed_on_spot" else "township"
        conn.execute(
            records.update()
            .where(records.c.id == record_id)
            .values(closed_at=at or status_at, closed_level=level)
        )


def downgrade() -> None:
    # What only the county ladder made cannot stay behind a township-only schema.
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM supervisions"))
    conn.execute(sa.text("DELETE FROM leader_villages"))
    conn.execute(sa.text("DELETE FROM staff WHERE township_id IS NULL"))
    conn.execute(sa.text("DELETE FROM departments WHERE township_id IS NULL"))
    with op.batch_alter_table("townships", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_townships_county_id_counties"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_townships_county_id"))
        batch_op.drop_column("county_id")

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_staff_county_id_counties"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_staff_county_id"))
        batch_op.alter_column("township_id", existing_type=sa.VARCHAR(length=36), nullable=False)
        batch_op.drop_column("county_id")
        batch_op.drop_column("role")

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_township_tier")
        batch_op.drop_index("ix_records_township_household")
        batch_op.drop_column("closed_level")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("county_department_id")
        batch_op.drop_column("signed_at")
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("household_key")
        batch_op.drop_column("tier_due_at")
        batch_op.drop_column("tier_at")
        batch_op.drop_column("tier_by")
        batch_op.drop_column("tier_reason")
        batch_op.drop_column("tier")

    with op.batch_alter_table("record_events", schema=None) as batch_op:
        batch_op.drop_column("value")
        batch_op.drop_column("action")

    with op.batch_alter_table("grids", schema=None) as batch_op:
        batch_op.drop_column("village")

    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_departments_county_id_counties"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_departments_county_id_name"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_departments_county_id"))
        batch_op.alter_column("township_id", existing_type=sa.VARCHAR(length=36), nullable=False)
        batch_op.drop_column("county_id")

    with op.batch_alter_table("supervisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisions_county_id"))

    op.drop_table("supervisions")
    with op.batch_alter_table("leader_villages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leader_villages_staff_id"))

    op.drop_table("leader_villages")
    op.drop_table("rate_buckets")
    op.drop_table("counties")
