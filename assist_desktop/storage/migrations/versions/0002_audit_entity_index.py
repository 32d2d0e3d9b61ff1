"""Index the audit log by entity, so a file's history does not read the whole log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_entity', ['entity_type', 'entity_id'], unique=False)


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
