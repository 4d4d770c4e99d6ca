"""devices.previous_id: the device a re-enrolled device took over from

Revision ID: b_hardening
Revises: b_roster
"""

from alembic import op
import sqlalchemy as sa


revision = "b_hardening"
down_revision = "b_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("previous_id")
