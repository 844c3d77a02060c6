"""pre-aggregated department × month figures (province scale) and their state

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department_months",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("assignments", sa.Integer(), nullable=False),
        sa.Column("weight_sum", sa.Float(), nullable=False),
        sa.Column("weighted_percent", sa.Float(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Integer(), nullable=False),
        sa.Column("expected_end", sa.Float(), nullable=False),
        sa.Column("due_before", sa.Integer(), nullable=False),
        sa.Column("open_before", sa.Integer(), nullable=False),
        sa.Column("on_time_before", sa.Integer(), nullable=False),
        sa.Column("due_in_month", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("due_at_end", sa.Integer(), nullable=False),
        sa.Column("open_at_end", sa.Integer(), nullable=False),
        sa.Column("on_time_at_end", sa.Integer(), nullable=False),
        sa.Column("reports_on_time", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Float(), nullable=True),
        sa.Column("inspection", sa.Float(), nullable=True),
        sa.Column("complaints", sa.Float(), nullable=True),
        sa.Column("areas", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_department_months_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_department_months_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "department_id", "period", name=op.f("pk_department_months")
        ),
    )
    op.create_table(
        "summary_state",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_summary_state_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_summary_state")),
    )


def downgrade() -> None:
    op.drop_table("summary_state")
    op.drop_table("department_months")
