"""Baseline: every table of the glossary (issue 2).

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 09:54:30.870695
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=36), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=24), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('id')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('number_sequence',
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix')
    )
    op.create_table('org_unit',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_unit_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_unit_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_unit_usn'), ['usn'], unique=False)

    op.create_table('tombstone',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tombstone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tombstone_row_id'), ['row_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tombstone_usn'), ['usn'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('budget_fen', sa.Integer(), nullable=False),
    sa.Column('visit_start', sa.Date(), nullable=False),
    sa.Column('visit_end', sa.Date(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_unit_id', 'year', 'name')
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_usn'), ['usn'], unique=False)

    op.create_table('employer',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('nature', sa.String(length=32), nullable=True),
    sa.Column('industry', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=32), nullable=True),
    sa.Column('union_unit_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['union_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_uscc'), ['uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_usn'), ['usn'], unique=False)

    op.create_table('policy_standard',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=24), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('filed', sa.Boolean(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('goods_fen', sa.Integer(), nullable=False),
    sa.Column('goods_description', sa.String(length=100), nullable=True),
    sa.Column('plan', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_unit_id', 'program', 'year', 'key', 'filed')
    )
    with op.batch_alter_table('policy_standard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_standard_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_standard_usn'), ['usn'], unique=False)

    op.create_table('scholarship_round',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('apply_start', sa.Date(), nullable=False),
    sa.Column('apply_end', sa.Date(), nullable=False),
    sa.Column('budget_fen', sa.Integer(), nullable=False),
    sa.Column('requires_notice', sa.Boolean(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_unit_id', 'year')
    )
    with op.batch_alter_table('scholarship_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scholarship_round_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scholarship_round_usn'), ['usn'], unique=False)

    op.create_table('subsistence_line',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_unit_id', 'region_code', 'year')
    )
    with op.batch_alter_table('subsistence_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsistence_line_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsistence_line_usn'), ['usn'], unique=False)

    op.create_table('sync_peer',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('relation', sa.String(length=8), nullable=False),
    sa.Column('last_sent_seq', sa.Integer(), nullable=False),
    sa.Column('last_acked_seq', sa.Integer(), nullable=False),
    sa.Column('last_received_seq', sa.Integer(), nullable=False),
    sa.Column('last_acked_usn', sa.Integer(), nullable=False),
    sa.Column('needs_full_snapshot', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id')
    )
    op.create_table('unfiled_household',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('name_initials', sa.String(length=30), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('employer_name', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('unit_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unfiled_household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unfiled_household_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_unfiled_household_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_unfiled_household_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_unfiled_household_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unfiled_household_usn'), ['usn'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('password_hash', sa.String(length=512), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_usn'), ['usn'], unique=False)

    op.create_table('campaign_fund_source',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaign_fund_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_fund_source_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_fund_source_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_fund_source_usn'), ['usn'], unique=False)

    op.create_table('campaign_standard',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('group_key', sa.String(length=32), nullable=False),
    sa.Column('cash_fen', sa.Integer(), nullable=False),
    sa.Column('goods_fen', sa.Integer(), nullable=False),
    sa.Column('goods_description', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'group_key')
    )
    with op.batch_alter_table('campaign_standard', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_standard_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_standard_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_standard_usn'), ['usn'], unique=False)

    op.create_table('disbursement',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voucher_no', sa.String(length=40), nullable=False),
    sa.Column('grant_type', sa.String(length=16), nullable=False),
    sa.Column('grant_id', sa.String(length=36), nullable=False),
    sa.Column('recipient_name', sa.String(length=30), nullable=False),
    sa.Column('recipient_id_number', sa.String(length=18), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('bank_account', sa.String(length=32), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('paid_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['paid_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('voucher_no')
    )
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.create_index('ix_disbursement_grant', ['grant_type', 'grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursement_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursement_usn'), ['usn'], unique=False)

    op.create_table('hardship_file',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_no', sa.String(length=32), nullable=False),
    sa.Column('filing_year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=True),
    sa.Column('category_proposed', sa.String(length=16), nullable=True),
    sa.Column('category_override_reason', sa.Text(), nullable=True),
    sa.Column('file_type', sa.String(length=16), nullable=False),
    sa.Column('file_origin', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('name_initials', sa.String(length=30), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('id_tail', sa.String(length=6), nullable=False),
    sa.Column('sex', sa.String(length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('ethnicity', sa.String(length=16), nullable=True),
    sa.Column('political_status', sa.String(length=24), nullable=True),
    sa.Column('health', sa.String(length=16), nullable=True),
    sa.Column('illness', sa.String(length=100), nullable=True),
    sa.Column('disability_type', sa.String(length=16), nullable=True),
    sa.Column('disability_grade', sa.String(length=4), nullable=True),
    sa.Column('work_status', sa.String(length=16), nullable=True),
    sa.Column('model_worker_type', sa.String(length=16), nullable=False),
    sa.Column('marital_status', sa.String(length=16), nullable=True),
    sa.Column('single_parent', sa.Boolean(), nullable=False),
    sa.Column('zero_employment', sa.Boolean(), nullable=False),
    sa.Column('self_help_ability', sa.Boolean(), nullable=False),
    sa.Column('medical_insurance', sa.String(length=24), nullable=True),
    sa.Column('is_migrant_worker', sa.Boolean(), nullable=False),
    sa.Column('is_new_employment_form', sa.Boolean(), nullable=False),
    sa.Column('housing_type', sa.String(length=16), nullable=True),
    sa.Column('floor_area', sa.String(length=8), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('other_contact', sa.String(length=40), nullable=True),
    sa.Column('postal_code', sa.String(length=6), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('hukou_type', sa.String(length=16), nullable=True),
    sa.Column('hukou_region_code', sa.String(length=6), nullable=True),
    sa.Column('employer_id', sa.String(length=36), nullable=True),
    sa.Column('employer_name', sa.String(length=100), nullable=False),
    sa.Column('work_start_date', sa.Date(), nullable=True),
    sa.Column('worker_monthly_income_fen', sa.Integer(), nullable=False),
    sa.Column('other_annual_income_fen', sa.Integer(), nullable=False),
    sa.Column('household_annual_income_fen', sa.Integer(), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=False),
    sa.Column('medical_expenses_fen', sa.Integer(), nullable=False),
    sa.Column('schooling_expenses_fen', sa.Integer(), nullable=False),
    sa.Column('hardship_costs_fen', sa.Integer(), nullable=False),
    sa.Column('disaster_or_accident', sa.Boolean(), nullable=False),
    sa.Column('per_capita_monthly_income_fen', sa.Integer(), nullable=False),
    sa.Column('subsistence_line_fen', sa.Integer(), nullable=True),
    sa.Column('primary_cause', sa.Integer(), nullable=False),
    sa.Column('secondary_causes', sa.String(length=16), nullable=False),
    sa.Column('other_cause_text', sa.String(length=200), nullable=True),
    sa.Column('bank_name', sa.String(length=60), nullable=True),
    sa.Column('bank_branch', sa.String(length=100), nullable=True),
    sa.Column('bank_account', sa.String(length=32), nullable=True),
    sa.Column('exit_target', sa.Boolean(), nullable=False),
    sa.Column('exit_target_since', sa.Date(), nullable=True),
    sa.Column('civil_affairs_check_date', sa.Date(), nullable=True),
    sa.Column('civil_affairs_check_result', sa.String(length=200), nullable=True),
    sa.Column('filed_by_name', sa.String(length=30), nullable=True),
    sa.Column('reviewed_by_name', sa.String(length=30), nullable=True),
    sa.Column('entered_by_name', sa.String(length=30), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('notice_start', sa.Date(), nullable=True),
    sa.Column('last_review_date', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.String(length=16), nullable=True),
    sa.Column('exit_note', sa.String(length=200), nullable=True),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('file_no')
    )
    with op.batch_alter_table('hardship_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hardship_file_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_file_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_file_id_tail'), ['id_tail'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_file_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_file_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_file_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_file_phone'), ['phone'], unique=False)
        batch_op.create_index('ix_hardship_file_status_category', ['status', 'category'], unique=False)
        batch_op.create_index('ix_hardship_file_unit_status', ['unit_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_hardship_file_usn'), ['usn'], unique=False)
        batch_op.create_index('uq_hardship_file_live_id_number', ['id_number'], unique=True, sqlite_where=sa.text("status != 'exited'"), postgresql_where=sa.text("status != 'exited'"))

    op.create_table('user_role',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'role')
    )
    op.create_table('workflow_event',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=24), nullable=False),
    sa.Column('entity_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.String(length=36), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workflow_event', schema=None) as batch_op:
        batch_op.create_index('ix_workflow_event_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_event_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_event_usn'), ['usn'], unique=False)

    op.create_table('annual_review',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.String(length=36), nullable=False),
    sa.Column('review_year', sa.Integer(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('old_category', sa.String(length=16), nullable=True),
    sa.Column('new_category', sa.String(length=16), nullable=True),
    sa.Column('per_capita_monthly_income_fen', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewer_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_file.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('annual_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_review_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_review_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_review_usn'), ['usn'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_file.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_usn'), ['usn'], unique=False)

    op.create_table('member',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('name_initials', sa.String(length=30), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('sex', sa.String(length=8), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('political_status', sa.String(length=24), nullable=True),
    sa.Column('medical_insurance', sa.String(length=24), nullable=True),
    sa.Column('health', sa.String(length=16), nullable=True),
    sa.Column('monthly_income_fen', sa.Integer(), nullable=False),
    sa.Column('identity', sa.String(length=16), nullable=True),
    sa.Column('unit_or_school', sa.String(length=100), nullable=True),
    sa.Column('education_level', sa.String(length=24), nullable=True),
    sa.Column('admission_year', sa.Integer(), nullable=True),
    sa.Column('study_years', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_file.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_usn'), ['usn'], unique=False)

    op.create_table('scholarship',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('application_no', sa.String(length=32), nullable=False),
    sa.Column('file_id', sa.String(length=36), nullable=True),
    sa.Column('unfiled_household_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('student_name', sa.String(length=30), nullable=False),
    sa.Column('student_initials', sa.String(length=30), nullable=False),
    sa.Column('student_id_number', sa.String(length=18), nullable=False),
    sa.Column('student_sex', sa.String(length=8), nullable=False),
    sa.Column('student_birth_date', sa.Date(), nullable=False),
    sa.Column('school', sa.String(length=100), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=True),
    sa.Column('education_level', sa.String(length=24), nullable=False),
    sa.Column('admission_year', sa.Integer(), nullable=False),
    sa.Column('study_years', sa.Integer(), nullable=False),
    sa.Column('admission_notice_no', sa.String(length=64), nullable=True),
    sa.Column('plan', sa.String(length=16), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('standard_amount_fen', sa.Integer(), nullable=False),
    sa.Column('amount_override_reason', sa.String(length=200), nullable=True),
    sa.Column('funded_elsewhere', sa.Boolean(), nullable=False),
    sa.Column('self_funded_abroad', sa.Boolean(), nullable=False),
    sa.Column('high_fee_programme', sa.Boolean(), nullable=False),
    sa.Column('tuition_free_programme', sa.Boolean(), nullable=False),
    sa.Column('notice_start', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.Column('stop_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_file.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['scholarship_round.id'], ),
    sa.ForeignKeyConstraint(['unfiled_household_id'], ['unfiled_household.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_no')
    )
    with op.batch_alter_table('scholarship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scholarship_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scholarship_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index('ix_scholarship_round_status', ['round_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_scholarship_student_id_number'), ['student_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_scholarship_student_name'), ['student_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_scholarship_unfiled_household_id'), ['unfiled_household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scholarship_usn'), ['usn'], unique=False)
        batch_op.create_index('uq_scholarship_round_student', ['round_id', 'student_id_number'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))

    op.create_table('visit',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.String(length=36), nullable=False),
    sa.Column('file_id', sa.String(length=36), nullable=True),
    sa.Column('unfiled_household_id', sa.String(length=36), nullable=True),
    sa.Column('group_key', sa.String(length=32), nullable=False),
    sa.Column('recipient_name', sa.String(length=30), nullable=False),
    sa.Column('recipient_id_number', sa.String(length=18), nullable=False),
    sa.Column('unit_name', sa.String(length=100), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=True),
    sa.Column('fund_source_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('cash_fen', sa.Integer(), nullable=False),
    sa.Column('goods_fen', sa.Integer(), nullable=False),
    sa.Column('goods_description', sa.String(length=100), nullable=True),
    sa.Column('cadres', sa.String(length=200), nullable=True),
    sa.Column('planned_date', sa.Date(), nullable=True),
    sa.Column('actual_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['file_id'], ['hardship_file.id'], ),
    sa.ForeignKeyConstraint(['fund_source_id'], ['campaign_fund_source.id'], ),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['unfiled_household_id'], ['unfiled_household.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_campaign_status', ['campaign_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_recipient_name'), ['recipient_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_usn'), ['usn'], unique=False)
        batch_op.create_index('uq_visit_campaign_recipient', ['campaign_id', 'recipient_id_number'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))

    op.create_table('installment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.Column('usn', sa.Integer(), nullable=False),
    sa.Column('mtime', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scholarship_id', sa.String(length=36), nullable=False),
    sa.Column('year_index', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('enrolment_checked_on', sa.Date(), nullable=True),
    sa.Column('stop_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['org_unit.id'], ),
    sa.ForeignKeyConstraint(['scholarship_id'], ['scholarship.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scholarship_id', 'year_index')
    )
    with op.batch_alter_table('installment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installment_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_installment_scholarship_id'), ['scholarship_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_installment_usn'), ['usn'], unique=False)



def downgrade() -> None:
    # The program never downgrades (DESIGN.md §5); restore a backup instead.
    raise NotImplementedError("不支持降级")
