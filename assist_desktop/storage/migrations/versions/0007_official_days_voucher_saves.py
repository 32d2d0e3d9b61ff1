"""Working days and printing: the administrator's table of official days, and vouchers saved as PDF.

``official_day`` holds the days of the State Council's holiday arrangement that the administrator entered
(a day off, or a make-up working day 调休上班) for a year the working-day library does not know yet.
``voucher_save`` records a voucher saved as a PDF file apart from the paper copies of ``voucher_print``,
so the first paper print after a save is the original and not 补打.

Revision ID: 0007
Revises: 0009
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'official_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('workday', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('entered_by_name', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )
    op.create_table(
        'voucher_save',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('disbursement_id', sa.String(length=36), nullable=False),
        sa.Column('copy_no', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.String(length=36), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('saved_by', sa.String(length=36), nullable=True),
        sa.Column('saved_by_name', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['disbursement_id'], ['disbursement.id'], ),
        sa.ForeignKeyConstraint(['saved_by'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('voucher_save', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_save_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_save_disbursement_id'), ['disbursement_id'], unique=False)


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
