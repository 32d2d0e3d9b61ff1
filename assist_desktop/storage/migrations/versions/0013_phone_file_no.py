"""The start of a phone number ranked by file number in its own index (issue 23): ``ix_hardship_file_phone``
becomes (phone, file_no).

Three digits typed (172) match 4,285 files of a 300k province; their first page in file-number order looked
every one of them up in ``hardship_file`` for its number (8–11 ms against 5 at 10k). With the number beside
the phone the page is ranked in the index and only its rows are read (services.search, the "keys" plan).
The index stays one index: an import writes no more entries than before.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An index changes in place on both engines (no table rebuild, so no batch mode for SQLite).
    op.drop_index('ix_hardship_file_phone', table_name='hardship_file')
    op.create_index('ix_hardship_file_phone', 'hardship_file', ['phone', 'file_no'], unique=False)


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
