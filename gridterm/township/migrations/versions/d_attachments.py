"""attachments: the content the service holds (by SHA-256), the records that name it, and
the content the township removed (retention, erasure)

Revision ID: d_attachments
Revises: b_hardening
"""

from alembic import op
import sqlalchemy as sa


revision = "d_attachments"
down_revision = "b_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_contents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_contents")),
    )
    with op.batch_alter_table("attachment_contents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_contents_device_id"), ["device_id"], unique=False
        )
    op.create_table(
        "attachment_refs",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("named_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_attachment_refs_record_id_records")
        ),
        sa.PrimaryKeyConstraint("record_id", "sha256", name=op.f("pk_attachment_refs")),
    )
    with op.batch_alter_table("attachment_refs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_refs_sha256"), ["sha256"], unique=False)
    op.create_table(
        "attachment_removals",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=False),
        sa.Column("why", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_removals")),
    )


def downgrade() -> None:
    op.drop_table("attachment_removals")
    with op.batch_alter_table("attachment_refs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_refs_sha256"))
    op.drop_table("attachment_refs")
    with op.batch_alter_table("attachment_contents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_contents_device_id"))
    op.drop_table("attachment_contents")
