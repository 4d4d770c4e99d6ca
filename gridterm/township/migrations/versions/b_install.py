"""devices.client_version: the gridterm version each device last reported

Revision ID: b_install
Revises: b_township_phone
"""

from alembic import op
import sqlalchemy as sa


revision = "b_install"
down_revision = "b_township_phone"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_version", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("client_version")
