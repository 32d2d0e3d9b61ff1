"""Names sort by pinyin: a stored, indexed sort key beside the names of the big lists (files, applications,
visits), filled here for the rows already there; and materials of scholarship applications.

The key is ``domain.names.pinyin_sort_key`` (李安 before 连; 单 read Shàn), kept on every later write by
``storage.sort_keys``. An attachment now belongs to a file or to an application, so its ``file_id``
may be empty and it gains ``scholarship_id``.

Revision ID: 0008
Revises: 0009
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0009'
branch_labels = None
depends_on = None

# table → (name column, sort-key column): as storage.sort_keys, written out so that this revision keeps
# doing what it did whatever later code says
_KEYS = {"hardship_file": ("name", "name_sort"), "scholarship": ("student_name", "student_name_sort"),
         "visit": ("recipient_name", "recipient_name_sort")}
_CHUNK = 5000


def _backfill(table: str, name: str, key: str) -> None:
    from assist_desktop.domain.names import pinyin_sort_key

    conn = op.get_bind()
    rows = conn.execute(sa.text(f'SELECT id, {name} FROM "{table}"')).fetchall()
    update = sa.text(f'UPDATE "{table}" SET {key} = :key WHERE id = :id')
    for start in range(0, len(rows), _CHUNK):
        conn.execute(update, [{"id": row_id, "key": pinyin_sort_key(value)}
                              for row_id, value in rows[start:start + _CHUNK]])


def upgrade() -> None:
    for table, (name, key) in _KEYS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(key, sa.String(length=320), nullable=True))
        _backfill(table, name, key)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_{key}'), [key], unique=False)
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scholarship_id', sa.String(length=36), nullable=True))
        batch_op.alter_column('file_id', existing_type=sa.String(length=36), nullable=True)
        batch_op.create_index(batch_op.f('ix_attachment_scholarship_id'), ['scholarship_id'], unique=False)
        batch_op.create_foreign_key('fk_attachment_scholarship_id_scholarship', 'scholarship', ['scholarship_id'],
                                    ['id'])


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
