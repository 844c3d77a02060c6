"""audit log index by entity (who last changed a row, on every refused stale save)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:50:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
