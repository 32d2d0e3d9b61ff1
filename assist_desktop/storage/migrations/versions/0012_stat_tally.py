"""统计's summary table: the programmes' figures summed ahead by dimension, key and year (services.tally),
counted from the records once here and kept current by every write after; and the registry list's index in
file-number order with what search-as-you-type tests (services.search).

Revision ID: 0012
Revises: 0007
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stat_tally',
        sa.Column('program', sa.String(length=16), nullable=False),
        sa.Column('dimension', sa.String(length=16), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('exit_year', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('v1', sa.Integer(), nullable=False),
        sa.Column('v2', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('program', 'dimension', 'key', 'year', 'exit_year', 'status'),
    )
    with op.batch_alter_table('hardship_file', schema=None) as batch_op:
        batch_op.create_index('ix_hardship_file_list', ['file_no', 'name_initials', 'phone', 'id_tail', 'id'],
                              unique=False)
    # Counted with the program's own definitions (derived data, like name_gram's pieces): a later revision
    # that changes what is counted, or the counted columns of existing rows, counts again the same way.
    from assist_desktop.services import tally

    tally.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table('stat_tally')
    with op.batch_alter_table('hardship_file', schema=None) as batch_op:
        batch_op.drop_index('ix_hardship_file_list')
