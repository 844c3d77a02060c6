"""assignments.active: a department taken off a task keeps its reports (issue 17)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:00:00

Removing a department from a task used to delete its assignment and, by cascade, every
report and evidence file of that department on the task, locked months included. The
assignment now stays, marked inactive.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN on both backends: a batch (table copy) on SQLite would drop the
    # old table, and with it, by ON DELETE CASCADE, every report
    op.add_column(
        "assignments",
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("assignments", "active")
