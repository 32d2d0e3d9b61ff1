"""SQLModel tables for every entity of the glossary (DESIGN.md §2) with the fields of DOMAIN.md.

Conventions:
- every id is a UUID in its canonical text form, so records of many counties merge without collisions;
- every syncable row carries its owning unit, ``usn`` (-1 = changed here, not yet acknowledged upward),
  ``mtime`` (ms since the epoch) and ``version`` (optimistic locking);
- money is integer fen in columns ending ``_fen``; enumerations are stored as the codes of
  ``domain.enums`` / ``domain.hardship`` / ``domain.lifecycle`` and validated by the services.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime
from typing import Optional

from sqlalchemy import Index, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Column, Field, SQLModel

from assist_desktop.storage.types import JSONText, widen


def new_id() -> str:
    return str(uuid.uuid4())


def now_ms() -> int:
    return int(time.time() * 1000)


# A name's pinyin sort key (domain.names.pinyin_sort_key): 7 letters a character at most, then the name.
SORT_KEY_MAX = 320


def utcnow() -> datetime:
    """Timestamps are stored in UTC (aware); the UI shows local time."""
    return datetime.now(UTC)


class Synced(SQLModel):
    """Columns every row that travels in the sync package carries."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    owner_unit_id: str = Field(foreign_key="org_unit.id", index=True, max_length=36)
    usn: int = Field(default=-1, index=True)
    mtime: int = Field(default_factory=now_ms)
    version: int = Field(default=1)

    @declared_attr  # type: ignore[misc]
    def __mapper_args__(cls) -> dict[str, object]:  # noqa: N805
        # Optimistic locking in the database too: an UPDATE carries the version it read (WHERE version = …),
        # so a save over a row another desk saved meanwhile changes nothing and is refused (StaleDataError);
        # the program sets the versions itself (services.base.touch).
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}  # type: ignore[attr-defined]


# --- organisation and people who use the program -------------------------------------------------


class OrgUnit(Synced, table=True):
    """A union body: province, city, county federation or grassroots union (基层工会)."""

    __tablename__ = "org_unit"

    code: str = Field(index=True, max_length=32)  # region code for federations, own code for grassroots
    name: str = Field(max_length=100)
    level: str = Field(max_length=16)  # OrgLevel
    parent_id: Optional[str] = Field(default=None, foreign_key="org_unit.id", max_length=36)
    region_code: Optional[str] = Field(default=None, max_length=6)
    uscc: Optional[str] = Field(default=None, max_length=18)
    contact_phone: Optional[str] = Field(default=None, max_length=32)
    active: bool = Field(default=True)


class User(Synced, table=True):
    __tablename__ = "user"

    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(max_length=64)
    unit_id: str = Field(foreign_key="org_unit.id", max_length=36)
    password_hash: str = Field(max_length=512)  # "scrypt$n$r$p$salt_hex$hash_hex"
    failed_logins: int = Field(default=0)
    locked_until: Optional[datetime] = None
    active: bool = Field(default=True)
    must_change_password: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"

    user_id: str = Field(foreign_key="user.id", primary_key=True, max_length=36)
    role: str = Field(primary_key=True, max_length=16)  # lifecycle.Role


# --- the registry ---------------------------------------------------------------------------------


class Employer(Synced, table=True):
    """A worker's employer (工作单位), identified by its unified social credit code."""

    __tablename__ = "employer"

    name: str = Field(index=True, max_length=100)
    uscc: Optional[str] = Field(default=None, index=True, max_length=18)
    nature: Optional[str] = Field(default=None, max_length=32)  # UnitNature
    industry: Optional[str] = Field(default=None, max_length=64)
    state: Optional[str] = Field(default=None, max_length=32)  # EnterpriseState
    union_unit_id: Optional[str] = Field(default=None, foreign_key="org_unit.id", max_length=36)


class ImportBatch(Synced, table=True):
    """A ledger import of historic files to come in as active (在档): the clerk imports, the approver
    approves the batch as a whole (or returns it, and its files go through the usual chain as drafts)."""

    __tablename__ = "import_batch"

    kind: str = Field(default="files", max_length=16)
    file_name: str = Field(max_length=260)
    file_sha256: str = Field(max_length=64)
    sheets: str = Field(default="", max_length=500)  # the sheets read, 、-separated
    households: int = Field(default=0)
    members: int = Field(default=0)
    status: str = Field(default="pending", max_length=16)  # pending / approved / returned
    created_by: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)
    created_by_name: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    decided_by: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)
    decided_by_name: Optional[str] = Field(default=None, max_length=64)
    decided_at: Optional[datetime] = None
    opinion: Optional[str] = Field(default=None, max_length=500)


class HardshipFile(Synced, table=True):
    """One household's file (一户一档); the worker is the head of household."""

    __tablename__ = "hardship_file"
    __table_args__ = (
        Index("ix_hardship_file_status_category", "status", "category"),
        Index("ix_hardship_file_unit_status", "unit_id", "status"),
        # "the last four" of a phone and the serial of a file number (…-00042), found by index, each with the
        # file's number (and phone): a keystroke's first page is ranked in the index, no row read (migration 0016)
        Index("ix_hardship_file_phone_tail", text("substr(phone, -4)"), "file_no", "phone"),
        Index("ix_hardship_file_serial", text("substr(file_no, 13)"), "file_no", "phone"),
        # the first three digits of a phone with the file number: the first page of the 4,285 files whose phone
        # starts 172 (at 300k) is the first 100 entries of this index, however many files match (migration 0016)
        Index("ix_hardship_file_phone_head", text("substr(phone, 1, 3)"), "file_no", "phone"),
        Index("ix_hardship_file_id_tail", "id_tail", "file_no"),
        Index("ix_hardship_file_id_last_four", text("substr(id_tail, -4)"), "file_no"),
        # the registry list in file-number order, with what search-as-you-type tests on each row it walks:
        # a keystroke matching tens of thousands of files reads a page of this index, not their rows
        Index("ix_hardship_file_list", "file_no", "name_initials", "phone", "id_tail", "id"),
        # the start of a phone number with each file's number: the first page of 4,000 files whose phone
        # starts 172 (at 300k) is ranked in this index alone, and only its 200 rows are read (migration 0013)
        Index("ix_hardship_file_phone", "phone", "file_no"),
        # one household, one file: a person has at most one file that is not exited, per owning unit
        # (a city holds its counties' files, where the same person in two counties is a finding of
        # sync.checks, not a write error; migration 0005)
        Index("uq_hardship_file_live_id_number", "owner_unit_id", "id_number", unique=True,
              sqlite_where=text("status != 'exited'"), postgresql_where=text("status != 'exited'")),
    )

    file_no: str = Field(unique=True, max_length=32)  # 610826-2026-00042
    filing_year: int
    unit_id: str = Field(foreign_key="org_unit.id", max_length=36)  # grassroots union holding the file
    status: str = Field(default="draft", max_length=16)  # lifecycle.FileStatus
    category: Optional[str] = Field(default=None, max_length=16)  # HardshipCategory
    category_proposed: Optional[str] = Field(default=None, max_length=16)
    category_override_reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    file_type: str = Field(default="urban_worker", max_length=16)  # FileType
    file_origin: str = Field(default="new", max_length=16)  # FileOrigin

    # the worker
    name: str = Field(index=True, max_length=30)
    name_initials: str = Field(index=True, max_length=30)
    name_sort: Optional[str] = Field(default=None, index=True, max_length=SORT_KEY_MAX)  # storage.sort_keys
    id_number: str = Field(index=True, max_length=18)
    id_tail: str = Field(max_length=6)  # last 6 characters, for search-as-you-type: ix_hardship_file_id_tail
    sex: str = Field(max_length=8)
    birth_date: date
    ethnicity: Optional[str] = Field(default="汉族", max_length=16)
    political_status: Optional[str] = Field(default=None, max_length=24)
    health: Optional[str] = Field(default=None, max_length=16)
    illness: Optional[str] = Field(default=None, max_length=100)
    disability_type: Optional[str] = Field(default=None, max_length=16)
    disability_grade: Optional[str] = Field(default=None, max_length=4)
    work_status: Optional[str] = Field(default=None, max_length=16)
    model_worker_type: str = Field(default="none", max_length=16)
    marital_status: Optional[str] = Field(default=None, max_length=16)
    single_parent: bool = Field(default=False)
    zero_employment: bool = Field(default=False)
    self_help_ability: bool = Field(default=True)
    medical_insurance: Optional[str] = Field(default=None, max_length=24)
    is_migrant_worker: bool = Field(default=False)
    is_new_employment_form: bool = Field(default=False)

    # housing, contact, hukou
    housing_type: Optional[str] = Field(default=None, max_length=16)
    floor_area: Optional[str] = Field(default=None, max_length=8)  # FloorArea bracket
    phone: str = Field(max_length=20)  # indexed with the file number: ix_hardship_file_phone
    other_contact: Optional[str] = Field(default=None, max_length=40)
    postal_code: Optional[str] = Field(default=None, max_length=6)
    address: str = Field(max_length=200)
    hukou_type: Optional[str] = Field(default=None, max_length=16)
    hukou_region_code: Optional[str] = Field(default=None, max_length=6)

    # work
    employer_id: Optional[str] = Field(default=None, foreign_key="employer.id", index=True, max_length=36)
    employer_name: str = Field(max_length=100)
    work_start_date: Optional[date] = None

    # income (fen); per-capita is derived by domain.hardship and stored for search and lists
    worker_monthly_income_fen: int = Field(default=0)
    other_annual_income_fen: int = Field(default=0)
    household_annual_income_fen: int = Field(default=0)
    household_size: int = Field(default=1)
    medical_expenses_fen: int = Field(default=0)
    schooling_expenses_fen: int = Field(default=0)
    hardship_costs_fen: int = Field(default=0)
    disaster_or_accident: bool = Field(default=False)
    per_capita_monthly_income_fen: int = Field(default=0)
    subsistence_line_fen: Optional[int] = None  # the line the category was judged against

    # causes
    primary_cause: int
    secondary_causes: str = Field(default="", max_length=16)  # "6,9"
    other_cause_text: Optional[str] = Field(default=None, max_length=200)

    # disbursement account
    bank_name: Optional[str] = Field(default=None, max_length=60)
    bank_branch: Optional[str] = Field(default=None, max_length=100)
    bank_account: Optional[str] = Field(default=None, max_length=32)

    # process
    exit_target: bool = Field(default=False)  # 解困脱困对象
    exit_target_since: Optional[date] = None
    civil_affairs_check_date: Optional[date] = None
    civil_affairs_check_result: Optional[str] = Field(default=None, max_length=200)
    filed_by_name: Optional[str] = Field(default=None, max_length=30)  # 建档人
    reviewed_by_name: Optional[str] = Field(default=None, max_length=30)  # 审核人
    entered_by_name: Optional[str] = Field(default=None, max_length=30)  # 录入人
    opened_on: Optional[date] = None
    notice_start: Optional[date] = None
    last_review_date: Optional[date] = None
    exit_reason: Optional[str] = Field(default=None, max_length=16)  # ExitReason
    exit_note: Optional[str] = Field(default=None, max_length=200)
    exit_date: Optional[date] = None
    created_by: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)

    # from a ledger (issue 16): a household row with its size and income but no member rows keeps them as
    # stated, marked 成员待补录 until the members are entered; the ledger's 建档时间 and 档案编号 are kept
    declared_household_size: Optional[int] = None
    declared_annual_income_fen: Optional[int] = None
    members_pending: bool = Field(default=False, index=True)
    filed_on: Optional[date] = None  # 建档时间 as the ledger gives it (a month alone: its first day)
    former_file_no: Optional[str] = Field(default=None, max_length=40)  # 档案编号 of the old ledger
    import_batch_id: Optional[str] = Field(default=None, foreign_key="import_batch.id", index=True, max_length=36)


class Member(Synced, table=True):
    """A person of the household other than the worker (家庭成员)."""

    __tablename__ = "member"

    file_id: str = Field(foreign_key="hardship_file.id", index=True, max_length=36)
    seq: int = Field(default=1)
    name: str = Field(index=True, max_length=30)
    name_initials: str = Field(index=True, max_length=30)
    relation: str = Field(max_length=16)  # Relation
    id_number: Optional[str] = Field(default=None, index=True, max_length=18)
    sex: Optional[str] = Field(default=None, max_length=8)
    birth_date: Optional[date] = None
    political_status: Optional[str] = Field(default=None, max_length=24)
    medical_insurance: Optional[str] = Field(default=None, max_length=24)
    health: Optional[str] = Field(default=None, max_length=16)
    monthly_income_fen: int = Field(default=0)
    identity: Optional[str] = Field(default=None, max_length=16)  # MemberIdentity
    unit_or_school: Optional[str] = Field(default=None, max_length=100)
    education_level: Optional[str] = Field(default=None, max_length=24)
    admission_year: Optional[int] = None
    study_years: Optional[int] = None


class AnnualReview(Synced, table=True):
    __tablename__ = "annual_review"

    file_id: str = Field(foreign_key="hardship_file.id", index=True, max_length=36)
    review_year: int
    review_date: date
    outcome: str = Field(max_length=16)  # ReviewOutcome
    old_category: Optional[str] = Field(default=None, max_length=16)
    new_category: Optional[str] = Field(default=None, max_length=16)
    per_capita_monthly_income_fen: Optional[int] = None
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    reviewer_id: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)


class Attachment(Synced, table=True):
    """A scanned material of a file (the checklist of DOMAIN.md) or of a scholarship application (its
    admission notice, fee receipts), kept in the database; exactly one of ``file_id`` and
    ``scholarship_id`` is set (services.attachments)."""

    __tablename__ = "attachment"

    file_id: Optional[str] = Field(default=None, foreign_key="hardship_file.id", index=True, max_length=36)
    scholarship_id: Optional[str] = Field(default=None, foreign_key="scholarship.id", index=True, max_length=36)
    kind: str = Field(max_length=32)  # MaterialKind
    name: str = Field(max_length=200)
    mime_type: str = Field(default="application/octet-stream", max_length=100)
    size: int = Field(default=0)
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class UnfiledHousehold(Synced, table=True):
    """A household without a hardship file that still receives aid (农民工, 新就业形态, 低收入)."""

    __tablename__ = "unfiled_household"

    kind: str = Field(max_length=24)  # migrant_worker / new_employment_form / low_income
    name: str = Field(index=True, max_length=30)
    name_initials: str = Field(index=True, max_length=30)
    id_number: str = Field(index=True, max_length=18)
    phone: Optional[str] = Field(default=None, max_length=20)
    employer_name: Optional[str] = Field(default=None, max_length=100)
    address: Optional[str] = Field(default=None, max_length=200)
    unit_id: Optional[str] = Field(default=None, foreign_key="org_unit.id", max_length=36)


# --- policy -----------------------------------------------------------------------------------------


class PolicyStandard(Synced, table=True):
    """Amount table: (program, year, key, filed) → amount; seeded from resources/policy/, editable by admins."""

    __tablename__ = "policy_standard"
    __table_args__ = (UniqueConstraint("owner_unit_id", "program", "year", "key", "filed"),)

    program: str = Field(max_length=24)  # scholarship / spring_festival
    year: int
    key: str = Field(max_length=32)
    filed: bool = Field(default=True)
    amount_fen: int
    goods_fen: int = Field(default=0)
    goods_description: Optional[str] = Field(default=None, max_length=100)
    plan: Optional[str] = Field(default=None, max_length=16)  # one_off / yearly


class SubsistenceLine(Synced, table=True):
    __tablename__ = "subsistence_line"
    __table_args__ = (UniqueConstraint("owner_unit_id", "region_code", "year"),)

    region_code: str = Field(max_length=6)
    year: int
    amount_fen: int  # yuan per person per month, in fen


# --- 金秋助学 ----------------------------------------------------------------------------------------


class ScholarshipRound(Synced, table=True):
    __tablename__ = "scholarship_round"
    __table_args__ = (UniqueConstraint("owner_unit_id", "year"),)

    year: int
    name: str = Field(max_length=100)
    apply_start: date
    apply_end: date
    budget_fen: int
    requires_notice: bool = Field(default=True)
    closed: bool = Field(default=False)


class Scholarship(Synced, table=True):
    """One application for a student in a round; a grant with the grant lifecycle."""

    __tablename__ = "scholarship"
    __table_args__ = (
        # one scholarship per student per round; a cancelled one may be replaced
        Index("uq_scholarship_round_student", "round_id", "student_id_number", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_scholarship_round_status", "round_id", "status"),
    )

    round_id: str = Field(foreign_key="scholarship_round.id", max_length=36)
    application_no: str = Field(unique=True, max_length=32)
    file_id: Optional[str] = Field(default=None, foreign_key="hardship_file.id", index=True, max_length=36)
    unfiled_household_id: Optional[str] = Field(
        default=None, foreign_key="unfiled_household.id", index=True, max_length=36
    )
    status: str = Field(default="draft", max_length=16)  # lifecycle.GrantStatus
    student_name: str = Field(index=True, max_length=30)
    student_initials: str = Field(max_length=30)
    student_name_sort: Optional[str] = Field(default=None, index=True, max_length=SORT_KEY_MAX)
    student_id_number: str = Field(index=True, max_length=18)
    student_sex: str = Field(max_length=8)
    student_birth_date: date
    school: str = Field(max_length=100)
    major: Optional[str] = Field(default=None, max_length=100)
    education_level: str = Field(max_length=24)
    admission_year: int
    study_years: int
    admission_notice_no: Optional[str] = Field(default=None, max_length=64)
    plan: str = Field(default="one_off", max_length=16)  # one_off / yearly
    amount_fen: int
    standard_amount_fen: int
    amount_override_reason: Optional[str] = Field(default=None, max_length=200)
    funded_elsewhere: bool = Field(default=False)
    self_funded_abroad: bool = Field(default=False)
    high_fee_programme: bool = Field(default=False)
    tuition_free_programme: bool = Field(default=False)
    notice_start: Optional[date] = None
    approved_on: Optional[date] = None
    cancel_reason: Optional[str] = Field(default=None, max_length=200)
    stop_reason: Optional[str] = Field(default=None, max_length=200)


class Installment(Synced, table=True):
    """One yearly payment of a multi-year scholarship plan (分年发放)."""

    __tablename__ = "installment"
    __table_args__ = (UniqueConstraint("scholarship_id", "year_index"),)

    scholarship_id: str = Field(foreign_key="scholarship.id", index=True, max_length=36)
    year_index: int  # 1 = first study year
    academic_year: int
    amount_fen: int
    status: str = Field(default="pending", max_length=16)  # pending / released / paid / stopped
    enrolment_checked_on: Optional[date] = None
    stop_reason: Optional[str] = Field(default=None, max_length=200)


# --- 春节送温暖 --------------------------------------------------------------------------------------


class Campaign(Synced, table=True):
    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("owner_unit_id", "year", "name"),)

    year: int  # the Spring Festival's year
    name: str = Field(max_length=100)
    budget_fen: int
    visit_start: date
    visit_end: date
    closed: bool = Field(default=False)


class CampaignFundSource(Synced, table=True):
    __tablename__ = "campaign_fund_source"

    campaign_id: str = Field(foreign_key="campaign.id", index=True, max_length=36)
    name: str = Field(max_length=100)  # e.g. 上级工会拨款, 本级工会经费
    amount_fen: int


class CampaignStandard(Synced, table=True):
    __tablename__ = "campaign_standard"
    __table_args__ = (UniqueConstraint("campaign_id", "group_key"),)

    campaign_id: str = Field(foreign_key="campaign.id", index=True, max_length=36)
    group_key: str = Field(max_length=32)  # deep / relative / accident / model_worker / on_duty / unfiled
    cash_fen: int
    goods_fen: int = Field(default=0)
    goods_description: Optional[str] = Field(default=None, max_length=100)


class Visit(Synced, table=True):
    """One household visit of a campaign; a grant with the grant lifecycle."""

    __tablename__ = "visit"
    __table_args__ = (
        # a household appears once per campaign; a cancelled visit may be replaced
        Index("uq_visit_campaign_recipient", "campaign_id", "recipient_id_number", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_visit_campaign_status", "campaign_id", "status"),
    )

    campaign_id: str = Field(foreign_key="campaign.id", max_length=36)
    file_id: Optional[str] = Field(default=None, foreign_key="hardship_file.id", index=True, max_length=36)
    unfiled_household_id: Optional[str] = Field(
        default=None, foreign_key="unfiled_household.id", max_length=36
    )
    group_key: str = Field(max_length=32)
    recipient_name: str = Field(index=True, max_length=30)
    recipient_name_sort: Optional[str] = Field(default=None, index=True, max_length=SORT_KEY_MAX)
    recipient_id_number: str = Field(max_length=18)
    unit_name: Optional[str] = Field(default=None, max_length=100)
    category: Optional[str] = Field(default=None, max_length=16)
    fund_source_id: Optional[str] = Field(default=None, foreign_key="campaign_fund_source.id", max_length=36)
    status: str = Field(default="draft", max_length=16)  # lifecycle.GrantStatus
    cash_fen: int = Field(default=0)
    goods_fen: int = Field(default=0)
    goods_description: Optional[str] = Field(default=None, max_length=100)
    cadres: Optional[str] = Field(default=None, max_length=200)
    planned_date: Optional[date] = None
    actual_date: Optional[date] = None
    notes: Optional[str] = Field(default=None, sa_column=Column(Text))
    photo: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary))
    approved_on: Optional[date] = None
    cancel_reason: Optional[str] = Field(default=None, max_length=200)


# --- money handed over ---------------------------------------------------------------------------------


class Disbursement(Synced, table=True):
    """Money actually handed over or transferred (发放), with its voucher number."""

    __tablename__ = "disbursement"
    __table_args__ = (Index("ix_disbursement_grant", "grant_type", "grant_id"),)

    voucher_no: str = Field(unique=True, max_length=40)
    grant_type: str = Field(max_length=16)  # scholarship / installment / visit
    grant_id: str = Field(max_length=36)
    recipient_name: str = Field(max_length=30)
    recipient_id_number: str = Field(max_length=18)
    amount_fen: int
    method: str = Field(default="transfer", max_length=16)  # cash / transfer
    bank_account: Optional[str] = Field(default=None, max_length=32)
    paid_on: date
    paid_by: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)


# --- process records, audit and sync bookkeeping -----------------------------------------------------


class WorkflowEvent(Synced, table=True):
    """One step of a lifecycle: who moved what from which state to which, with the opinion."""

    __tablename__ = "workflow_event"
    __table_args__ = (Index("ix_workflow_event_entity", "entity_type", "entity_id"),)

    entity_type: str = Field(max_length=24)
    entity_id: str = Field(max_length=36)
    action: str = Field(max_length=24)
    from_state: str = Field(max_length=16)
    to_state: str = Field(max_length=16)
    actor_id: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)
    actor_name: str = Field(max_length=64)
    at: datetime
    opinion: Optional[str] = Field(default=None, sa_column=Column(Text))


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained log of every write and of every look at sensitive fields."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id"),)  # a file's history

    seq: Optional[int] = Field(default=None, primary_key=True)  # order of the chain
    id: str = Field(default_factory=new_id, unique=True, max_length=36)
    at: datetime
    actor_id: Optional[str] = Field(default=None, max_length=36)
    actor_name: str = Field(max_length=64)
    entity_type: str = Field(max_length=24)
    entity_id: Optional[str] = Field(default=None, max_length=36)
    action: str = Field(max_length=32)
    changes: str = Field(default="{}", sa_column=Column(JSONText, nullable=False))  # canonical JSON
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class NameGram(SQLModel, table=True):
    """Every one- and two-character piece of a worker's name, and every two-character piece of a
    household member's name, with the file's number and rowid: a part of a name is found through this
    index instead of reading every name, and its files come in file-number order, so the registry's first
    page stops after the page (migration 0011). Kept by triggers (storage.derived), whoever writes the
    names or the numbers."""

    __tablename__ = "name_gram"
    __table_args__ = (
        # a file's own pieces, for the triggers that cut them again when a name, a member or the number
        # changes, and for a file deleted: without it each of those read every piece (2.4 M at 300k)
        Index("ix_name_gram_file", "file_rowid"),
        {"sqlite_with_rowid": False},
    )

    gram: str = Field(primary_key=True, max_length=2)
    file_no: str = Field(primary_key=True, max_length=32)
    file_rowid: int = Field(primary_key=True)


class Tombstone(SQLModel, table=True):
    """A deleted syncable row, so the upper unit learns of the deletion."""

    __tablename__ = "tombstone"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    table_name: str = Field(max_length=40)
    row_id: str = Field(max_length=36, index=True)
    owner_unit_id: str = Field(max_length=36)
    usn: int = Field(default=-1, index=True)
    mtime: int = Field(default_factory=now_ms)


class SyncPeer(SQLModel, table=True):
    """Bookkeeping per unit we exchange packages with (upper unit, or enrolled lower units)."""

    __tablename__ = "sync_peer"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    unit_id: str = Field(foreign_key="org_unit.id", unique=True, max_length=36)
    relation: str = Field(max_length=8)  # upper / lower
    last_sent_seq: int = Field(default=0)
    last_acked_seq: int = Field(default=0)
    last_received_seq: int = Field(default=0)
    last_acked_usn: int = Field(default=0)
    needs_full_snapshot: bool = Field(default=True)
    updated_at: Optional[datetime] = None


class NumberSequence(SQLModel, table=True):
    """Counters for people-facing numbers; a number handed out is never reused."""

    __tablename__ = "number_sequence"

    prefix: str = Field(primary_key=True, max_length=32)  # e.g. "file:610826:2026"
    last: int = Field(default=0)


class UnitKey(SQLModel, table=True):
    """A union unit's key pair (or, for another unit, its public key alone).

    ``purpose`` says what the key does: ``sign`` (Ed25519: vouchers now, sync packages later); the sync
    package adds ``encrypt`` (X25519) in the same table. Keys are rotated, never deleted: a retired key
    (``retired_at`` set) no longer signs but still verifies what it signed, found by ``key_id`` (printed
    in every payload). At most one current key per unit and purpose. The private key stays in this
    database only; what travels upward is the public part (not a synced table for that reason).
    """

    __tablename__ = "unit_key"
    __table_args__ = (
        Index("uq_unit_key_current", "unit_id", "purpose", unique=True, sqlite_where=text("retired_at IS NULL"), postgresql_where=text("retired_at IS NULL")),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    unit_id: str = Field(foreign_key="org_unit.id", index=True, max_length=36)
    purpose: str = Field(max_length=16)  # sign / encrypt
    algorithm: str = Field(max_length=16)  # ed25519 / x25519
    # first 4 bytes of SHA-256(public key), hex upper case; not unique across units (verification tries each)
    key_id: str = Field(index=True, max_length=16)
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # raw 32 bytes
    private_key: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary))  # raw 32 bytes; own keys only
    created_at: datetime = Field(default_factory=utcnow)
    retired_at: Optional[datetime] = None


class VoucherPrint(SQLModel, table=True):
    """One printed copy of a voucher: copy 1 is the original, every later copy a reprint (补打)."""

    __tablename__ = "voucher_print"
    __table_args__ = (UniqueConstraint("disbursement_id", "copy_no"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    disbursement_id: str = Field(foreign_key="disbursement.id", index=True, max_length=36)
    copy_no: int
    batch_id: str = Field(index=True, max_length=36)  # the print job it came out in
    printed_at: datetime
    printed_by: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)
    printed_by_name: str = Field(max_length=64)


class VoucherSave(SQLModel, table=True):
    """A voucher saved as a PDF file: an electronic copy, not a paper print. It is recorded (who, when, in
    which batch, which copy number the file shows) but leaves the paper copies' count alone, so the first
    paper print after a save is the original, not 补打."""

    __tablename__ = "voucher_save"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    disbursement_id: str = Field(foreign_key="disbursement.id", index=True, max_length=36)
    copy_no: int  # the copy number the saved file shows (1: no 补打 mark)
    batch_id: str = Field(index=True, max_length=36)
    saved_at: datetime
    saved_by: Optional[str] = Field(default=None, foreign_key="user.id", max_length=36)
    saved_by_name: str = Field(max_length=64)


class OfficialDay(SQLModel, table=True):
    """A day of the official holiday arrangement entered by the administrator (设置 → 公示与节假日), for a
    year the working-day library does not know yet or to correct it: a day off or a make-up working day
    (调休上班). Local to this office: not synced."""

    __tablename__ = "official_day"

    day: date = Field(primary_key=True)
    workday: bool  # True: 调休上班; False: 放假
    name: str = Field(default="", max_length=40)  # 春节 …
    entered_at: datetime = Field(default_factory=utcnow)
    entered_by_name: str = Field(max_length=64)


class SyncPackage(SQLModel, table=True):
    """One sync package (同步文件) sent upward or received from a lower unit: the history of both ways.

    ``carried`` (outgoing only) lists the rows that were changed here when the package was made, with
    their version and mtime; the acknowledgement marks those still unchanged as synced and drops it.
    """

    __tablename__ = "sync_package"
    __table_args__ = (UniqueConstraint("direction", "peer_unit_id", "seq"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    direction: str = Field(max_length=8)  # out / in
    peer_unit_id: str = Field(foreign_key="org_unit.id", index=True, max_length=36)  # target (out) or source (in)
    seq: int
    base_seq: int = Field(default=0)  # everything up to this sequence number was acknowledged before
    full: bool = Field(default=False)
    usn_since: int = Field(default=0)
    usn: int  # the usn the carried rows take when the package is acknowledged
    schema_revision: str = Field(max_length=32)
    format_version: int
    made_at: datetime
    recorded_at: datetime = Field(default_factory=utcnow)
    file_name: Optional[str] = Field(default=None, max_length=260)
    file_sha256: str = Field(max_length=64)
    manifest_sha256: str = Field(max_length=64)
    counts: str = Field(default="{}", sa_column=Column(JSONText, nullable=False))  # JSON {table: rows}
    rows: int = Field(default=0)
    audit_seq: int = Field(default=0)  # the source unit's audit chain head
    audit_hash: str = Field(max_length=64)
    status: str = Field(max_length=16)  # out: sent / acked / superseded; in: applied
    acked_at: Optional[datetime] = None
    carried: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary))
    actor_name: str = Field(max_length=64)


class SyncUnitHead(SQLModel, table=True):
    """A unit whose records reach us through a lower unit (or are that unit's own): the way they come
    and the head of its audit chain as last received, which must only move forward."""

    __tablename__ = "sync_unit_head"

    unit_id: str = Field(foreign_key="org_unit.id", primary_key=True, max_length=36)
    via_unit_id: str = Field(foreign_key="org_unit.id", index=True, max_length=36)
    audit_seq: int = Field(default=0)
    audit_hash: str = Field(max_length=64)
    package_id: Optional[str] = Field(default=None, foreign_key="sync_package.id", max_length=36)
    updated_at: datetime = Field(default_factory=utcnow)


class EnrolledUnit(SQLModel, table=True):
    """Who a unit is, as this unit trusts it: the code, name and level it was enrolled with (by us, from its key
    file after the fingerprint check) or — for a unit below a lower unit (a county at the province) — as the
    unit that enrolled it said in its signed statement of its lower units. A package may change none of them:
    a new name or level comes only with a new key file."""

    __tablename__ = "enrolled_unit"

    unit_id: str = Field(primary_key=True, max_length=36)  # no foreign key: a stated unit may have no rows yet
    enrolled_by_unit_id: str = Field(foreign_key="org_unit.id", index=True, max_length=36)
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    level: str = Field(max_length=16)
    sign_key_id: Optional[str] = Field(default=None, max_length=16)
    sign_public_key: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary))
    encrypt_public_key: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary))
    fingerprint: Optional[str] = Field(default=None, max_length=32)
    package_id: Optional[str] = Field(default=None, foreign_key="sync_package.id", max_length=36)
    updated_at: datetime = Field(default_factory=utcnow)


class KeyRevocation(SQLModel, table=True):
    """A key no longer to be trusted at all (a stolen PC): unlike a retired key, it verifies nothing."""

    __tablename__ = "key_revocation"

    unit_key_id: str = Field(foreign_key="unit_key.id", primary_key=True, max_length=36)
    revoked_at: datetime = Field(default_factory=utcnow)
    reason: str = Field(max_length=200)
    revoked_by: str = Field(max_length=64)


class Meta(SQLModel, table=True):
    """Key/value facts about this database: local unit, next usn, creation time."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


class StatTally(SQLModel, table=True):
    """The 统计 page's figures summed ahead (services.tally): per programme, dimension and key, the records
    counted and their amounts, by year — kept current in the transaction of every write, so the page adds
    up a few hundred rows instead of reading a province's 300,000 files. Derived, never synced.

    ``key`` is the dimension's value as text ('' for none, and for the programme's total, dimension '');
    ``year`` is a grant's year, a payment's year, or the year a file was opened (0: none); ``exit_year`` and
    ``status`` (active / exited) are the files' only."""

    __tablename__ = "stat_tally"

    program: str = Field(primary_key=True, max_length=16)
    dimension: str = Field(primary_key=True, max_length=16)
    key: str = Field(primary_key=True, max_length=64)
    year: int = Field(primary_key=True)
    exit_year: int = Field(default=0, primary_key=True)
    status: str = Field(default="", primary_key=True, max_length=16)
    n: int = Field(default=0)
    v1: int = Field(default=0)
    v2: int = Field(default=0)


SYNCED_TABLES: tuple[type[Synced], ...] = (  # parents before children: a package is applied in this order
    OrgUnit, User, Employer, ImportBatch, HardshipFile, Member, AnnualReview, UnfiledHousehold,
    PolicyStandard, SubsistenceLine, ScholarshipRound, Scholarship, Installment, Attachment, Campaign,
    CampaignFundSource, CampaignStandard, Visit, Disbursement, WorkflowEvent,
)

# Milliseconds and fen pass PostgreSQL's 32-bit INTEGER: BIGINT there, INTEGER (64-bit already) on SQLite.
widen(SQLModel.metadata.tables.values())

# The pinyin sort keys of the names above are kept by storage.sort_keys on every write (its ORM events
# are registered there, once the models exist).
from assist_desktop.storage import sort_keys as _sort_keys  # noqa: E402,F401
