"""Ledgers as county unions keep them: a household row's declared size and income kept as stated with
成员待补录 (members to be completed), the ledger's 建档时间 and 档案编号 kept for every imported file, and
import batches of historic files that the approver approves as a whole.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_batch',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
        sa.Column('usn', sa.Integer(), nullable=False),
        sa.Column('mtime', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('file_name', sa.String(length=260), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('sheets', sa.String(length=500), nullable=False),
        sa.Column('households', sa.Integer(), nullable=False),
        sa.Column('members', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_by', sa.String(length=36), nullable=True),
        sa.Column('created_by_name', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=36), nullable=True),
        sa.Column('decided_by_name', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('opinion', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
        sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ),
        sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_batch_usn'), ['usn'], unique=False)

    # Plain ADD COLUMN, not batch mode: rebuilding hardship_file would renumber its rowids, which name_gram
    # refers to (as in 0005).
    op.add_column('hardship_file', sa.Column('declared_household_size', sa.Integer(), nullable=True))
    op.add_column('hardship_file', sa.Column('declared_annual_income_fen', sa.Integer(), nullable=True))
    op.add_column('hardship_file', sa.Column('members_pending', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    op.add_column('hardship_file', sa.Column('filed_on', sa.Date(), nullable=True))
    op.add_column('hardship_file', sa.Column('former_file_no', sa.String(length=40), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column's foreign key only inline
        op.execute('ALTER TABLE hardship_file ADD COLUMN import_batch_id VARCHAR(36) REFERENCES import_batch (id)')
    else:
        op.add_column('hardship_file', sa.Column('import_batch_id', sa.String(length=36), nullable=True))
        op.create_foreign_key(None, 'hardship_file', 'import_batch', ['import_batch_id'], ['id'])
    op.create_index('ix_hardship_file_members_pending', 'hardship_file', ['members_pending'], unique=False)
    op.create_index('ix_hardship_file_import_batch_id', 'hardship_file', ['import_batch_id'], unique=False)


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
