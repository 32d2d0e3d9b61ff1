"""Numbers typed into the search ranked by file number in their own indexes (issue 23: phone starts flat).

Three digits typed (172) match 4,285 files of a 300k province. Their first page in file-number order walked the
list's index testing 7,000 rows, or gathered all 4,285 from the phone's index and sorted them: the work grew with
the province. ``ix_hardship_file_phone_head`` holds the first three digits with the file number, so that page
is the index's first 100 entries at any size (services.search, the "keys" plan). The other matchers of a
number — the last four of a phone, a file number's serial, an ID tail — get the file number beside their key
too (and the phone, which counting a phone's start apart from them tests), so their part of a page is ranked
in the index without reading a row.

Each index changes in place on both engines (no table rebuild, so no batch mode for SQLite); on PostgreSQL
each carries the rowid (``INCLUDE``), as storage.derived writes them for new servers (the last four of an ID
its ID tail too: PostgreSQL reads an expression index alone only when the expression's column is in it).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

SQLITE = {
    "ix_hardship_file_phone_tail": "substr(phone, -4), file_no, phone",
    "ix_hardship_file_serial": "substr(file_no, 13), file_no, phone",
    "ix_hardship_file_phone_head": "substr(phone, 1, 3), file_no, phone",
    "ix_hardship_file_id_tail": "id_tail, file_no",
    "ix_hardship_file_id_last_four": "substr(id_tail, -4), file_no",
}
POSTGRESQL = {
    "ix_hardship_file_phone_tail": "right(phone, 4), file_no, phone) INCLUDE (rowid",
    "ix_hardship_file_serial": "substr(file_no, 13), file_no, phone) INCLUDE (rowid",
    "ix_hardship_file_phone_head": "substr(phone, 1, 3), file_no, phone) INCLUDE (rowid",
    "ix_hardship_file_id_tail": "id_tail, file_no) INCLUDE (rowid",
    "ix_hardship_file_id_last_four": "right(id_tail, 4), file_no) INCLUDE (rowid, id_tail",
}


def upgrade() -> None:
    indexes = POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE
    for name, key in indexes.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON hardship_file ({key})")


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
