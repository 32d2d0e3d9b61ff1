"""Search-as-you-type at province size on PostgreSQL (issue 22): the matchers' indexes hold the rowid.

Each matcher of the registry search (services.search) is a ``SELECT rowid FROM hardship_file WHERE <column>
…`` on the column's index, and a term's matches are counted by their rowids. On SQLite every index holds the
rowid, so a matcher reads its index alone; a PostgreSQL index holds only its columns, and the count read the
table row of every match for its rowid (a phone's first three digits at 300k households: 4,000 rows, 20 ms; a
first letter 46,000 rows through the rowid's index, 57 ms). The same indexes on PostgreSQL now carry the
rowid (``INCLUDE``, not a key column: the order and the lookups are unchanged), so the matchers read their
index alone as on SQLite — the initials, the phone and its last four, the ID tail and number, a file
number's serial, and a member's ID number with the file it belongs to.

SQLite files need nothing from this revision. The two expression indexes are kept by ``storage.derived``
(PG_EXPRESSION_INDEXES, written the same way there); they are made again here for servers made before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# index → (table, key, the column carried)
COVERING = {
    "ix_hardship_file_name_initials": ("hardship_file", "name_initials", "rowid"),
    "ix_hardship_file_phone": ("hardship_file", "phone, file_no", "rowid"),  # with the file number since 0013
    "ix_hardship_file_id_tail": ("hardship_file", "id_tail", "rowid"),
    "ix_hardship_file_id_number": ("hardship_file", "id_number", "rowid"),
    "ix_hardship_file_phone_tail": ("hardship_file", "right(phone, 4)", "rowid"),
    "ix_hardship_file_serial": ("hardship_file", "substr(file_no, 13)", "rowid"),
    "ix_member_id_number": ("member", "id_number", "file_id"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, key, carried) in COVERING.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} ({key}) INCLUDE ({carried})")


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
