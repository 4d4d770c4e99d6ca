"""households.roster_key: re-importing a roster updates the same households

Revision ID: b_roster
Revises: b_departments
"""

from alembic import op
import sqlalchemy as sa


revision = "b_roster"
down_revision = "b_departments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roster_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_households_grid_id_roster_key"), ["grid_id", "roster_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_households_grid_id_roster_key"), type_="unique")
        batch_op.drop_column("roster_key")
