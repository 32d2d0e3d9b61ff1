"""Sync trust: the identity each unit was enrolled with (code, name, level, keys), kept apart from its
``org_unit`` row, which the unit's own packages rewrite; and at a province, the counties each city says it
enrolled (its signed statement of its lower units).

Existing enrolments are carried over from the lower and upper units this database exchanges packages with,
as their rows and current signing keys stand now.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02
"""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'enrolled_unit',
        sa.Column('unit_id', sa.String(length=36), nullable=False),
        sa.Column('enrolled_by_unit_id', sa.String(length=36), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('sign_key_id', sa.String(length=16), nullable=True),
        sa.Column('sign_public_key', sa.LargeBinary(), nullable=True),
        sa.Column('encrypt_public_key', sa.LargeBinary(), nullable=True),
        sa.Column('fingerprint', sa.String(length=32), nullable=True),
        sa.Column('package_id', sa.String(length=36), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enrolled_by_unit_id'], ['org_unit.id'], ),
        sa.ForeignKeyConstraint(['package_id'], ['sync_package.id'], ),
        sa.PrimaryKeyConstraint('unit_id'),
    )
    with op.batch_alter_table('enrolled_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolled_unit_enrolled_by_unit_id'), ['enrolled_by_unit_id'], unique=False)

    bind = op.get_bind()
    local = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'local_unit_id'")).scalar()
    if local is None:
        return
    now = datetime.now(UTC)
    peers = bind.execute(sa.text(
        "SELECT u.id, u.code, u.name, u.level FROM sync_peer p JOIN org_unit u ON u.id = p.unit_id")).all()
    for unit_id, code, name, level in peers:
        keys = {purpose: (key_id, public) for purpose, key_id, public in bind.execute(sa.text(
            "SELECT purpose, key_id, public_key FROM unit_key WHERE unit_id = :u AND retired_at IS NULL"),
            {"u": unit_id})}
        sign = keys.get("sign", (None, None))
        bind.execute(sa.text(
            "INSERT INTO enrolled_unit (unit_id, enrolled_by_unit_id, code, name, level, sign_key_id, "
            "sign_public_key, encrypt_public_key, updated_at) VALUES (:u, :by, :c, :n, :l, :k, :s, :e, :t)"
        ).bindparams(sa.bindparam("t", type_=sa.DateTime(timezone=True))),
            {"u": unit_id, "by": local, "c": code, "n": name, "l": level, "k": sign[0], "s": sign[1],
             "e": keys.get("encrypt", (None, None))[1], "t": now})


def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
