"""village affairs (issue 17): published notice versions, the village supervision committee's
members and their countersignatures, residents' questions

Revision ID: e_village
Revises: d_attachments
"""

import sqlalchemy as sa
from alembic import op


revision = "e_village"
down_revision = "d_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_questions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.String(length=36), nullable=False),
        sa.Column("village", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_by", sa.String(length=200), nullable=True),
        sa.Column("dismissed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["township_id"],
            ["townships.id"],
            name=op.f("fk_notice_questions_township_id_townships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_questions")),
    )
    with op.batch_alter_table("notice_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_questions_number"), ["number"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_questions_phone"), ["phone"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notice_questions_township_id"), ["township_id"], unique=False
        )

    op.create_table(
        "notice_versions",
        sa.Column("pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.String(length=36), nullable=False),
        sa.Column("village", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("public_items", sa.JSON(), nullable=True),
        sa.Column("period_from", sa.String(length=10), nullable=True),
        sa.Column("period_to", sa.String(length=10), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["township_id"], ["townships.id"], name=op.f("fk_notice_versions_township_id_townships")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_notice_versions")),
        sa.UniqueConstraint("number", "version", name=op.f("uq_notice_versions_number_version")),
        sa.UniqueConstraint("record_id", name=op.f("uq_notice_versions_record_id")),
    )
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_versions_township_id"), ["township_id"], unique=False
        )
        batch_op.create_index(
            "ix_notice_versions_village_published", ["village", "published_at"], unique=False
        )

    op.create_table(
        "village_supervisors",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("township_id", sa.String(length=36), nullable=False),
        sa.Column("village", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["township_id"],
            ["townships.id"],
            name=op.f("fk_village_supervisors_township_id_townships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_village_supervisors")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_village_supervisors_token_hash")),
    )
    with op.batch_alter_table("village_supervisors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_village_supervisors_township_id"), ["township_id"], unique=False
        )

    op.create_table(
        "notice_countersigns",
        sa.Column("pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("supervisor_id", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["village_supervisors.id"],
            name=op.f("fk_notice_countersigns_supervisor_id_village_supervisors"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_notice_countersigns")),
        sa.UniqueConstraint(
            "record_id",
            "rev",
            "supervisor_id",
            name=op.f("uq_notice_countersigns_record_id_rev_supervisor_id"),
        ),
    )
    with op.batch_alter_table("notice_countersigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_countersigns_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notice_countersigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_countersigns_record_id"))

    op.drop_table("notice_countersigns")
    with op.batch_alter_table("village_supervisors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_village_supervisors_township_id"))

    op.drop_table("village_supervisors")
    with op.batch_alter_table("notice_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_versions_village_published")
        batch_op.drop_index(batch_op.f("ix_notice_versions_township_id"))

    op.drop_table("notice_versions")
    with op.batch_alter_table("notice_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_questions_township_id"))
        batch_op.drop_index(batch_op.f("ix_notice_questions_phone"))
        batch_op.drop_index(batch_op.f("ix_notice_questions_number"))

    op.drop_table("notice_questions")
