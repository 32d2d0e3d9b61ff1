"""The sync package: its history both ways, the audit heads of units below, revoked keys; a person's
live file is unique per owning unit, so a city can hold two counties' files of the same person.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_package',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('peer_unit_id', sa.String(length=36), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('base_seq', sa.Integer(), nullable=False),
        sa.Column('full', sa.Boolean(), nullable=False),
        sa.Column('usn_since', sa.Integer(), nullable=False),
        sa.Column('usn', sa.Integer(), nullable=False),
        sa.Column('schema_revision', sa.String(length=32), nullable=False),
        sa.Column('format_version', sa.Integer(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('file_name', sa.String(length=260), nullable=True),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
        sa.Column('counts', sa.Text(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('audit_seq', sa.Integer(), nullable=False),
        sa.Column('audit_hash', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('acked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('carried', sa.LargeBinary(), nullable=True),
        sa.Column('actor_name', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['peer_unit_id'], ['org_unit.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('direction', 'peer_unit_id', 'seq'),
    )
    with op.batch_alter_table('sync_package', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_package_peer_unit_id'), ['peer_unit_id'], unique=False)

    op.create_table(
        'sync_unit_head',
        sa.Column('unit_id', sa.String(length=36), nullable=False),
        sa.Column('via_unit_id', sa.String(length=36), nullable=False),
        sa.Column('audit_seq', sa.Integer(), nullable=False),
        sa.Column('audit_hash', sa.String(length=64), nullable=False),
        sa.Column('package_id', sa.String(length=36), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['package_id'], ['sync_package.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
        sa.ForeignKeyConstraint(['via_unit_id'], ['org_unit.id'], ),
        sa.PrimaryKeyConstraint('unit_id'),
    )
    with op.batch_alter_table('sync_unit_head', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_unit_head_via_unit_id'), ['via_unit_id'], unique=False)

    op.create_table(
        'key_revocation',
        sa.Column('unit_key_id', sa.String(length=36), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('revoked_by', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['unit_key_id'], ['unit_key.id'], ),
        sa.PrimaryKeyConstraint('unit_key_id'),
    )

    # Not in batch mode: rebuilding hardship_file would renumber its rowids, which name_gram refers to.
    op.drop_index('uq_hardship_file_live_id_number', table_name='hardship_file')
    op.create_index('uq_hardship_file_live_id_number', 'hardship_file', ['owner_unit_id', 'id_number'],
                    unique=True, sqlite_where=sa.text("status != 'exited'"), postgresql_where=sa.text("status != 'exited'"))


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
