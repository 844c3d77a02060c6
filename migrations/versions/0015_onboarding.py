"""onboarding: one-time initial passwords and the setup wizard's draft (issue 23)

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-29 12:30:00

``users.must_change_password`` marks an account whose password was issued by the office
(an initial or reset one-time password): the first login asks for a new one before
anything else. ``wizard_drafts`` keeps each user's unfinished setup wizard, so that the
wizard resumes at the step where it was left.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "wizard_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_wizard_drafts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wizard_drafts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_wizard_drafts_user_id")),
    )


def downgrade() -> None:
    op.drop_table("wizard_drafts")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
