"""A common name's first page bounded by the page (issue 23): each name piece keeps its file's number.

``name_gram`` was keyed (gram, file_rowid): the 1,405 files of 王芳 at 300k households came in rowid order,
and their first page in file-number order looked every one of them up in ``hardship_file`` for its number.
Keyed (gram, file_no, file_rowid) the pieces of one name lie in file-number order: the page walks them and
stops after the page, and a file's piece is still one probe where its number is known (the row in hand).

The triggers (storage.derived) write the file's number with each piece and cut the pieces again when the
number changes; this revision rebuilds the table with the numbers of the files already there (a piece whose
file is gone, which no search could find, is left behind).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.add_column('name_gram', sa.Column('file_no', sa.String(length=32), nullable=True))
        op.execute("UPDATE name_gram AS g SET file_no = f.file_no FROM hardship_file AS f WHERE f.rowid = g.file_rowid")
        op.execute("DELETE FROM name_gram WHERE file_no IS NULL")
        op.alter_column('name_gram', 'file_no', nullable=False)
        key = bind.execute(sa.text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'name_gram'::regclass AND contype = 'p'")).scalar_one()
        op.execute(f'ALTER TABLE name_gram DROP CONSTRAINT "{key}"')
        op.execute('ALTER TABLE name_gram ADD CONSTRAINT name_gram_pkey PRIMARY KEY (gram, file_no, file_rowid)')
        return
    # SQLite cannot change a primary key in place: the table is made again (WITHOUT ROWID, as before) and
    # filled in its key's order, so the b-tree is written front to back.
    op.create_table(
        'name_gram_new',
        sa.Column('gram', sa.String(length=2), nullable=False),
        sa.Column('file_no', sa.String(length=32), nullable=False),
        sa.Column('file_rowid', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('gram', 'file_no', 'file_rowid'),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO name_gram_new (gram, file_no, file_rowid) "
               "SELECT g.gram, f.file_no, g.file_rowid FROM name_gram AS g "
               "JOIN hardship_file AS f ON f.rowid = g.file_rowid ORDER BY 1, 2, 3")
    op.drop_table('name_gram')
    op.rename_table('name_gram_new', 'name_gram')


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
