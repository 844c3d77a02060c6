"""department × month summary index by campaign and month (a month's rows of every unit)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:20:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_department_months_campaign_period",
        "department_months",
        ["campaign_id", "period"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_department_months_campaign_period", table_name="department_months")
