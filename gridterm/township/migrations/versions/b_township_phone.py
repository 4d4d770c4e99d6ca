"""the township's phone number, shown on the resident page

Revision ID: b_township_phone
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "b_township_phone"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # server_default: townships that exist already get "" (no number yet).
    with op.batch_alter_table("townships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phone", sa.String(length=32), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("townships", schema=None) as batch_op:
        batch_op.drop_column("phone")
