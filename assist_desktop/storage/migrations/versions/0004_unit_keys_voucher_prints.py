"""Printed vouchers: the unit's signing key (QR codes verifiable offline) and a record of every printed copy.

``unit_key`` holds a unit's key pairs by purpose (Ed25519 ``sign`` now; the sync package adds X25519
``encrypt``); keys are retired, never deleted, so vouchers signed with an old key still verify.
``voucher_print`` counts the copies of each voucher (copy 1 the original, later copies 补打).
No key is made here: the program makes the local unit's key the first time it needs one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'unit_key',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('unit_id', sa.String(length=36), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('algorithm', sa.String(length=16), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('private_key', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('unit_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_key_key_id'), ['key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_key_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('uq_unit_key_current', ['unit_id', 'purpose'], unique=True,
                              sqlite_where=sa.text('retired_at IS NULL'), postgresql_where=sa.text('retired_at IS NULL'))

    op.create_table(
        'voucher_print',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('disbursement_id', sa.String(length=36), nullable=False),
        sa.Column('copy_no', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.String(length=36), nullable=False),
        sa.Column('printed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('printed_by', sa.String(length=36), nullable=True),
        sa.Column('printed_by_name', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['disbursement_id'], ['disbursement.id'], ),
        sa.ForeignKeyConstraint(['printed_by'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('disbursement_id', 'copy_no'),
    )
    with op.batch_alter_table('voucher_print', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voucher_print_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_voucher_print_disbursement_id'), ['disbursement_id'], unique=False)


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
