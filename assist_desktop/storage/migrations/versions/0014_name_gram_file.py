"""A file's own name pieces found by index: ``ix_name_gram_file`` on ``name_gram (file_rowid)``.

The pieces are keyed (gram, file_no, file_rowid) for the search (0011); the triggers that cut a file's pieces
again — a new name, a member added, renamed or removed, a new number, the file deleted — and the sync import
delete them by ``file_rowid``, which read all of ``name_gram`` each time: 2.4 M pieces at 300k households,
0.17–0.39 s for one renamed worker or member. With the index it is a few entries.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_name_gram_file', 'name_gram', ['file_rowid'], unique=False)


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
