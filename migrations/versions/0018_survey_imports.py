"""survey imports: one row per imported survey file, so that a wrong file can be
withdrawn (its answers stay, appended only, and count nowhere); filled from the answers
already imported

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_imports",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_survey_imports_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_survey_imports_imported_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["users.id"],
            name=op.f("fk_survey_imports_withdrawn_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_survey_imports")),
    )
    with op.batch_alter_table("survey_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_imports_campaign_id"), ["campaign_id"], unique=False
        )
    # the files imported before this table: one row each, from their answers
    op.execute(
        "INSERT INTO survey_imports (source, campaign_id, imported_by_id, imported_at) "
        "SELECT source, MIN(campaign_id), MIN(imported_by_id), MIN(created_at) "
        "FROM survey_answers GROUP BY source"
    )


def downgrade() -> None:
    with op.batch_alter_table("survey_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_imports_campaign_id"))
    op.drop_table("survey_imports")
