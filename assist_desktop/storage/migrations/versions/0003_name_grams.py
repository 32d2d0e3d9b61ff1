"""Search at province size: name pieces kept by triggers, indexes for phone tails and file serials.

A part of a name (张 / 伟 / 李娜) was found by reading all 300k names and 660k member names on every
keystroke; "the last four" of a phone and a file's serial by reading the whole index. Now each is an
index lookup. The triggers keep ``name_gram`` right whoever writes the names (services, bulk imports,
sync), so no writer has to remember it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# The triggers that keep name_gram are created after every upgrade by storage.derived (see there);
# this revision makes the table and fills it for the files already there.
_POSITIONS = "(VALUES " + ",".join(f"({n})" for n in range(1, 31)) + ")"  # names are at most 30 characters


def _backfill(name: str, sizes: tuple[int, ...], source: str) -> str:
    selects = [f"SELECT substr({name}, p.column1, {size}), f.rowid FROM {source}, {_POSITIONS} AS p "
               f"WHERE p.column1 <= length({name}) - {size - 1} AND {name} IS NOT NULL" for size in sizes]
    return "INSERT OR IGNORE INTO name_gram (gram, file_rowid) " + " UNION ".join(selects)


def upgrade() -> None:
    # On PostgreSQL (which starts at revision 0010 with empty tables) the pieces refer to a rowid column that
    # migration 0010 adds, and storage.derived makes the expression indexes as PostgreSQL writes them.
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        'name_gram',
        sa.Column('gram', sa.String(length=2), nullable=False),
        sa.Column('file_rowid', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('gram', 'file_rowid'),
        sqlite_with_rowid=False,
    )
    if not sqlite:
        return
    with op.batch_alter_table('hardship_file', schema=None) as batch_op:
        batch_op.create_index('ix_hardship_file_phone_tail', [sa.text('substr(phone, -4)')], unique=False)
        batch_op.create_index('ix_hardship_file_serial', [sa.text('substr(file_no, 13)')], unique=False)
    op.execute(_backfill("f.name", (1, 2), "hardship_file AS f"))
    op.execute(_backfill("m.name", (2,), "member AS m JOIN hardship_file AS f ON f.id = m.file_id"))


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
