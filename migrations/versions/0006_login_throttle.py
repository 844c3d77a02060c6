"""login throttling per username and client address, and blocked addresses (issue 17)

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-29 09:00:00

The per-username lock in ``users.failed_attempts`` / ``users.locked_until`` is no longer
read or written by the login; the columns stay (no data is dropped).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=True),
        sa.Column("locks", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("username", "address", name=op.f("uq_login_throttles_username")),
    )
    op.create_table(
        "blocked_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("blocked_by", sa.String(length=80), nullable=False),
        sa.Column("blocked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_addresses")),
        sa.UniqueConstraint("network", name=op.f("uq_blocked_addresses_network")),
    )


def downgrade() -> None:
    op.drop_table("blocked_addresses")
    op.drop_table("login_throttles")
