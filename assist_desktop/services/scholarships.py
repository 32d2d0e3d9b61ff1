"""金秋助学 (Golden Autumn scholarships): rounds, applications, approval, and multi-year plans.

A round is one year's scholarship: its application window, budget and whether the list is posted
(公示) before approval. The amounts come from the standards table (``policy_admin``: the database
row the administrator set, else the year's policy file), by education level and by whether the
household has a hardship file; the level's standard also says whether the aid is paid once or every
year until graduation.

Rules kept here, below every screen (DESIGN.md §3–§4, DOMAIN.md 金秋助学):

- An application belongs to an active hardship file (the parent's; the student must be a member
  of it, under the same name) or to an unfiled household (农民工, 新就业形态, 低收入) whose minimal
  record is made in the same transaction. A household that has a live file applies as filed.
- The student's ID number is checked (GB 11643); birth date, sex and age are derived from it. The
  age on 1 September of the round's year must fit the level (``LEVEL_RULES``), the length of study
  must be one the level has, the admission year may not lie after the round's year, and the
  student must still be at school in the round's year.
- Excluded (refused with the reason, nothing written): funded elsewhere, self-funded study abroad,
  high-fee private or Sino-foreign programmes, military or tuition-free programmes (免费师范生, 定向).
- One scholarship per student per round; the same student under two households (different parents'
  ID numbers, in any round) is refused, unless the earlier household's file has since exited; a
  student whose multi-year plan is still running gets no new scholarship.
- The amount is the standard; only an approver changes it, with a reason. Once approved it is
  frozen (approvals.assert_grant_editable).
- Approval (``approve``/``approve_many``; approvals.act refuses it for scholarships) is the generic
  step plus: the round is open, the household is still eligible, and the round's budget holds. A
  round's budget carries its new grants (approved and paid) and the installments of earlier
  rounds' plans falling due in its year (``budget_summary``).
- A yearly plan gets one installment per remaining study year at approval: the first is released
  at once, each later one waits for the yearly enrolment check (``check_enrolment``). A plan stops
  when the check finds the student has left school (that year and the later ones), when a reviewer
  or approver stops it (``stop_plan``: every unpaid year), when the application is cancelled, or
  when the parent's file exits (``stop_plans_for_exited_file``, called from registry's exit: the
  years not yet released; a released year was due while the household was filed and stays payable).
- Payment is ``payments.pay``: a one-off scholarship, or an installment, each on its own voucher.

Every write is one transaction with an audit event; a refusal leaves nothing written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from assist_desktop.domain.contact import parse_mobile
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.ids import IdNumber, mask_id_number, parse_id_number
from assist_desktop.domain.lifecycle import Action, FileStatus, GrantStatus, Role
from assist_desktop.domain.money import MAX_AMOUNT_FEN, format_amount
from assist_desktop.domain.names import normalise_name, pinyin_initials
from assist_desktop.domain.policy import PLANS, SCHOLARSHIP, SCHOLARSHIP_LEVELS
from assist_desktop.domain.study_plan import PlanYear, StudyPlan, planned_years, years_left
from assist_desktop.domain.text import compact
from assist_desktop.services import policy_admin
from assist_desktop.services.approvals import (
    ApprovalError,
    BatchCancelled,
    GrantFrozen,
    StepResult,
    apply_step,
    assert_grant_editable,
    describe,
)
from assist_desktop.services.base import (
    NotFound,
    PermissionDenied,
    Refusal,
    audit,
    check_version,
    diff,
    fetch,
    mask_sensitive,
    require_own,
    require_role,
    retrying,
    snapshot,
    touch,
    unit_of_work,
    owner_names as base_owner_names,
)
from assist_desktop.services.numbers import next_number
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage.models import (
    HardshipFile,
    Installment,
    Member,
    OrgUnit,
    Scholarship,
    ScholarshipRound,
    UnfiledHousehold,
    User,
)

ENTITY = "scholarship"
ROUND_ENTITY = "scholarship_round"


# --- rules by education level ----------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRule:
    """Ages (full years on 1 September of the round's year) and lengths of study a level admits."""

    min_age: int
    max_age: int
    min_years: int
    max_years: int


# Senior high: pupils enter at 14–16; 13 allows an early starter, 20 a late or repeating one; 中职
# runs two or three years. Higher vocational and undergraduate: entrants are 17–19, the window allows
# early entrants and adults who return to study up to 30; 专科 runs 2–3 years, 本科 4 (5 for medicine
# and architecture). Postgraduate: a master's entrant is 21 at the earliest; up to 40 admits a
# doctoral student; master's run 2–3 years and doctorates 3–4.
LEVEL_RULES: dict[str, LevelRule] = {
    "senior_high": LevelRule(13, 20, 2, 3),
    "vocational_college": LevelRule(16, 30, 2, 3),
    "undergraduate": LevelRule(16, 30, 4, 5),
    "postgraduate": LevelRule(20, 40, 2, 4),
}
_LEVEL_ALIASES = {
    "高中": "senior_high", "中职": "senior_high", "高中/中职": "senior_high", "普通高中": "senior_high",
    "secondary_vocational": "senior_high", "高职": "vocational_college", "专科": "vocational_college",
    "大专": "vocational_college", "高职/专科": "vocational_college", "本科": "undergraduate",
    "研究生": "postgraduate", "硕士": "postgraduate", "博士": "postgraduate",
}
UNFILED_KINDS = {"migrant_worker": "农民工", "new_employment_form": "新就业形态劳动者", "low_income": "低收入职工"}
# (flag, checklist label, why it is refused)
EXCLUSIONS: tuple[tuple[str, str, str], ...] = (
    ("funded_elsewhere", "已获其他渠道资助", "已获其他渠道资助的学生不再重复资助"),
    ("self_funded_abroad", "自费出国留学", "自费出国留学的学生不在资助范围内"),
    ("high_fee_programme", "高收费民办或中外合作办学", "就读高收费民办学校或中外合作办学项目的学生不在资助范围内"),
    ("tuition_free_programme", "军事院校或免学费项目（免费师范生、定向培养等）",
     "就读军事院校或免学费项目（免费师范生、定向培养等）的学生不在资助范围内"),
)
LIVE_GRANT_STATES = frozenset({GrantStatus.approved.value, GrantStatus.paid.value})
OPEN_INSTALLMENT_STATES = ("pending", "released")
INSTALLMENT_LABELS = {"pending": "待核查", "released": "待发放", "paid": "已发放", "stopped": "已停发"}
TEXT_MAX = 200
CHUNK = 500


class ScholarshipError(DomainError):
    pass


class DuplicateApplication(ScholarshipError):
    pass


class Excluded(ScholarshipError):
    pass


class BudgetExceeded(ScholarshipError):
    pass


def level_label(level: str) -> str:
    return SCHOLARSHIP_LEVELS.get(level, level)


def age_reference_day(year: int) -> date:
    """Ages are judged on 1 September of the round's year, when the school year starts."""
    return date(year, 9, 1)


# --- inputs --------------------------------------------------------------------------------------------


@dataclass
class RoundInput:
    year: int
    apply_start: date
    apply_end: date
    budget_fen: int
    name: str | None = None  # default 2026年金秋助学
    requires_notice: bool = True


@dataclass
class UnfiledInput:
    """The minimal record of a household without a hardship file: the parent who applies."""

    name: str
    id_number: str
    kind: str = "migrant_worker"
    phone: str | None = None
    employer_name: str | None = None
    address: str | None = None
    unit_id: str | None = None


@dataclass
class ApplicationInput:
    """The application form: the household (file, existing unfiled record, or a new one), the student."""

    round_id: str
    student_name: str
    student_id_number: str
    school: str
    education_level: str
    admission_year: int
    study_years: int
    file_id: str | None = None
    unfiled_household_id: str | None = None
    unfiled: UnfiledInput | None = None
    major: str | None = None
    admission_notice_no: str | None = None
    # the eligibility checklist: any of these refuses the application
    funded_elsewhere: bool = False
    self_funded_abroad: bool = False
    high_fee_programme: bool = False
    tuition_free_programme: bool = False


# --- small helpers -----------------------------------------------------------------------------------


def _text(value: str | None, label: str, limit: int, *, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ScholarshipError(f"{label}不能为空", field=label)
        return None
    if len(text) > limit:
        raise ScholarshipError(f"{label}过长（{len(text)}字，最多{limit}字）", field=label)
    return text


def _int(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScholarshipError(f"{label}应填写整数", field=label)
    return value


def _money(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScholarshipError(f"{label}必须是以分为单位的整数金额", field=label)
    if value < 0:
        raise ScholarshipError(f"{label}不能为负数", field=label)
    if value > MAX_AMOUNT_FEN:
        raise ScholarshipError(f"{label}{format_amount(value)}元超出合理范围，请核对", field=label)
    return value


def parse_level(value: str | None) -> str:
    text = (value or "").strip()
    if text in LEVEL_RULES:
        return text
    if text in _LEVEL_ALIASES:
        return _LEVEL_ALIASES[text]
    choices = "、".join(SCHOLARSHIP_LEVELS.values())
    if not text:
        raise ScholarshipError(f"学段不能为空（{choices}）", field="学段")
    raise ScholarshipError(f"学段“{text}”不在资助范围内，金秋助学资助{choices}", field="学段")


def next_application_no(session: Session, unit_code: str, year: int) -> str:
    """``610826-2026-S00042``: the counter only moves forward, so a number is never handed out twice."""
    return f"{unit_code}-{year}-S{next_number(session, f'scholarship:{unit_code}:{year}'):05d}"


def _load(session: Session, scholarship_id: str) -> Scholarship:
    s = fetch(session, Scholarship, scholarship_id)
    if s is None:
        raise NotFound(f"找不到该助学申请（编号 {scholarship_id}）。")
    return s


def _load_round(session: Session, round_id: str) -> ScholarshipRound:
    rnd = fetch(session, ScholarshipRound, round_id) if round_id else None
    if rnd is None:
        raise NotFound("找不到该年度的金秋助学活动，请重新选择。")
    return rnd


def _load_installment(session: Session, installment_id: str) -> Installment:
    inst = fetch(session, Installment, installment_id)
    if inst is None:
        raise NotFound(f"找不到该分年发放记录（编号 {installment_id}）。")
    return inst


def _check_unit(session: Session, unit_id: str | None) -> str | None:
    if not unit_id:
        return None
    unit = session.get(OrgUnit, unit_id)
    if unit is None or not unit.active:
        raise ScholarshipError("所属基层工会不存在或已停用，请重新选择", field="所属工会")
    return unit_id


# --- rounds ------------------------------------------------------------------------------------------------


def _clean_round(data: RoundInput, today: date) -> dict[str, Any]:
    year = _int(data.year, "年度")
    if not 2000 <= year <= today.year + 1:
        raise ScholarshipError(f"年度“{year}”不合理（应在2000年至{today.year + 1}年之间）", field="年度")
    name = _text(data.name, "活动名称", 100) or f"{year}年金秋助学"
    if not isinstance(data.apply_start, date) or not isinstance(data.apply_end, date):
        raise ScholarshipError("请填写申请开始和截止日期", field="申请期限")
    if data.apply_end < data.apply_start:
        raise ScholarshipError(f"申请截止日期{data.apply_end:%Y-%m-%d}早于开始日期{data.apply_start:%Y-%m-%d}",
                               field="申请期限")
    if data.apply_start.year != year or data.apply_end.year != year:
        raise ScholarshipError(f"申请期限应在{year}年之内", field="申请期限")
    budget = _money(data.budget_fen, "预算")
    if budget <= 0:
        raise ScholarshipError("预算必须大于0", field="预算")
    return {"year": year, "name": name, "apply_start": data.apply_start, "apply_end": data.apply_end,
            "budget_fen": budget, "requires_notice": bool(data.requires_notice)}


def create_round(session: Session, user: User, data: RoundInput, *, today: date | None = None) -> ScholarshipRound:
    """Open a year's round (one per year). The chair (approver) or the administrator sets it up."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ROUND_ENTITY, None, "create")):
        require_role(session, user, Role.approver, Role.admin, doing="设立金秋助学活动")
        local = require_initialised(session)
        row = _clean_round(data, today)
        existing = session.exec(select(ScholarshipRound).where(ScholarshipRound.owner_unit_id == local.id,
                                                               ScholarshipRound.year == row["year"])).first()
        if existing is not None:
            raise ScholarshipError(f"{row['year']}年已有金秋助学活动“{existing.name}”，每年只设一次", field="年度")
        rnd = ScholarshipRound(owner_unit_id=local.id, **row)
        session.add(rnd)
        session.flush()
        audit(session, user, rnd, "create", diff({}, snapshot(rnd), skip=("id", "owner_unit_id")))
        return rnd


def update_round(session: Session, user: User, round_id: str, data: RoundInput, *, expected_version: int,
                 today: date | None = None) -> ScholarshipRound:
    """Change the window, budget, name or notice rule; the year stays. The budget may not fall below
    what is already committed, and the notice rule is fixed once applications are in the steps."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ROUND_ENTITY, round_id, "update")):
        require_role(session, user, Role.approver, Role.admin, doing="修改金秋助学活动")
        rnd = _load_round(session, round_id)
        require_own(session, rnd, f"{rnd.year}年金秋助学活动")
        check_version(rnd, expected_version, f"{rnd.year}年金秋助学活动")
        if rnd.closed:
            raise ScholarshipError(f"{rnd.name}已结束，不能修改", field="活动")
        row = _clean_round(data, today)
        if row["year"] != rnd.year:
            raise ScholarshipError("活动年度不能修改；如年度有误，请新设该年度的活动", field="年度")
        summary = budget_summary(session, rnd.id)
        if row["budget_fen"] < summary.committed_fen:
            raise ScholarshipError(f"预算{format_amount(row['budget_fen'])}元低于本轮已审批、已发放及续发金额合计"
                                   f"{format_amount(summary.committed_fen)}元", field="预算")
        if row["requires_notice"] != rnd.requires_notice:
            started = session.exec(select(func.count()).select_from(Scholarship).where(
                Scholarship.round_id == rnd.id,
                Scholarship.status.not_in((GrantStatus.draft.value, GrantStatus.cancelled.value)))).one()
            if started:
                raise ScholarshipError(f"本轮已有{started}份申请进入审核流程，不能再改变是否公示", field="是否公示")
        before = snapshot(rnd)
        for key, value in row.items():
            setattr(rnd, key, value)
        changes = diff(before, snapshot(rnd))
        if changes:
            touch(rnd)
            audit(session, user, rnd, "update", changes)
        return rnd


def set_round_closed(session: Session, user: User, round_id: str, closed: bool, *,
                     expected_version: int | None = None) -> ScholarshipRound:
    """End a round (no new applications or approvals; payments and later installments go on) or reopen it."""
    with unit_of_work(session, user, Refusal(ROUND_ENTITY, round_id, "close" if closed else "reopen")):
        require_role(session, user, Role.approver, Role.admin, doing="结束或重开金秋助学活动")
        rnd = _load_round(session, round_id)
        require_own(session, rnd, f"{rnd.year}年金秋助学活动")
        check_version(rnd, expected_version, f"{rnd.year}年金秋助学活动")
        if rnd.closed != closed:
            rnd.closed = closed
            touch(rnd)
            audit(session, user, rnd, "close" if closed else "reopen", {"closed": [not closed, closed]})
        return rnd


def rounds(session: Session) -> list[ScholarshipRound]:
    """Every round, newest first."""
    return list(session.exec(select(ScholarshipRound).order_by(ScholarshipRound.year.desc())))


def get_round(session: Session, round_id: str) -> ScholarshipRound:
    return _load_round(session, round_id)


def owner_names(session: Session) -> dict[str, str]:
    """The units whose rounds this database holds, id → name, in the order of their codes: a county only
    itself; a city or province also each unit below it that reported its rounds, which are read-only here
    (``base.require_own``), as are their applications and installments (owned by the round's unit)."""
    return base_owner_names(session, ScholarshipRound)


# --- the application: student, household, conflicts ---------------------------------------------------------


@dataclass(frozen=True)
class _Household:
    filed: bool
    parent_id_number: str
    parent_name: str
    description: str  # 档案 610826-2026-00001（王建国） / 未建档户张三（农民工）
    file: HardshipFile | None = None
    unfiled: UnfiledHousehold | None = None
    new_unfiled: dict[str, Any] | None = None  # a record to create once every check has passed


def _clean_student(data: ApplicationInput, rnd: ScholarshipRound, today: date) -> dict[str, Any]:
    try:
        name = normalise_name(data.student_name)
    except DomainError as exc:
        raise ScholarshipError(f"学生{exc.message}", field="学生姓名") from None
    try:
        number = parse_id_number(data.student_id_number, today=today)
    except DomainError as exc:
        raise ScholarshipError(f"学生{exc.message}", field="学生身份证号") from None
    level = parse_level(data.education_level)
    rule, label = LEVEL_RULES[level], level_label(level)
    school = _text(data.school, "学校", 100, required=True)
    major = _text(data.major, "专业", 100)
    notice_no = _text(data.admission_notice_no, "录取通知书编号", 64)
    admission = _int(data.admission_year, "入学年份")
    if admission > rnd.year:
        raise ScholarshipError(f"入学年份{admission}年晚于本轮活动年度{rnd.year}年，请核对", field="入学年份")
    if admission > today.year:
        raise ScholarshipError(f"入学年份{admission}年晚于今年，请核对", field="入学年份")
    years = _int(data.study_years, "学制")
    if not rule.min_years <= years <= rule.max_years:
        span = f"{rule.min_years}年" if rule.min_years == rule.max_years else f"{rule.min_years}至{rule.max_years}年"
        raise ScholarshipError(f"学制{years}年不合理：{label}学制为{span}", field="学制")
    if admission + years <= rnd.year:
        raise ScholarshipError(f"按入学年份{admission}年、学制{years}年，该生应于{admission + years}年毕业，"
                               f"{rnd.year}年已不在读，不能申请本轮助学", field="入学年份")
    day = age_reference_day(rnd.year)
    age = number.age_on(day)
    if not rule.min_age <= age <= rule.max_age:
        raise ScholarshipError(f"学生{name}按身份证号计算，{day:%Y年%m月%d日}时{age}周岁，不符合{label}学生的年龄"
                               f"（{rule.min_age}至{rule.max_age}周岁），请核对身份证号或学段", field="学生身份证号")
    for flag, _, why in EXCLUSIONS:
        if getattr(data, flag):
            raise Excluded(f"学生{name}：{why}，不能申请金秋助学。", field="资助排除条件")
    return {"student_name": name, "student_initials": pinyin_initials(name), "student_id_number": number.value,
            "student_sex": number.sex.value, "student_birth_date": number.birth_date, "school": school,
            "major": major, "education_level": level, "admission_year": admission, "study_years": years,
            "admission_notice_no": notice_no,
            **{flag: False for flag, _, _ in EXCLUSIONS}}


def _live_file_of(session: Session, id_number: str) -> tuple[str, str] | None:
    """(file number, role there) of a file that has not exited and holds this person."""
    live = HardshipFile.status != FileStatus.exited.value
    row = session.exec(select(HardshipFile.file_no).where(HardshipFile.id_number == id_number, live)).first()
    if row:
        return row, "职工"
    row = session.exec(select(HardshipFile.file_no).join(Member, Member.file_id == HardshipFile.id)
                       .where(Member.id_number == id_number, live)).first()
    return (row, "家庭成员") if row else None


def _filed_household(session: Session, file_id: str, student: dict[str, Any]) -> _Household:
    hf = session.get(HardshipFile, file_id, populate_existing=True)
    if hf is None:
        raise NotFound("找不到所选的困难职工档案，请重新选择。")
    if hf.status != FileStatus.active.value:
        raise ScholarshipError(f"档案 {hf.file_no}（{hf.name}）当前状态为“{FileStatus(hf.status).label}”，"
                               "只有在档的困难职工档案才能申请金秋助学", field="档案")
    number, name = student["student_id_number"], student["student_name"]
    if hf.id_number == number:
        raise ScholarshipError("金秋助学资助困难职工的子女，职工本人不能作为学生申请", field="学生身份证号")
    members = list(session.exec(select(Member).where(Member.file_id == hf.id)))
    member = next((m for m in members if m.id_number == number), None)
    if member is None:
        same_name = next((m for m in members if m.name == name), None)
        if same_name is not None and not same_name.id_number:
            raise ScholarshipError(f"档案 {hf.file_no} 中的家庭成员{name}没有登记身份证号，请先在档案中补充",
                                   field="学生身份证号")
        raise ScholarshipError(f"学生{name}（{mask_id_number(number)}）不是档案 {hf.file_no}（{hf.name}）的家庭成员；"
                               "请先在档案中登记该学生，或核对身份证号", field="学生身份证号")
    if member.name != name:
        raise ScholarshipError(f"学生姓名“{name}”与档案 {hf.file_no} 中登记的“{member.name}”不一致，请核对",
                               field="学生姓名")
    return _Household(True, hf.id_number, hf.name, f"档案 {hf.file_no}（{hf.name}）", file=hf)


def _clean_unfiled(session: Session, raw: UnfiledInput, today: date) -> dict[str, Any]:
    try:
        name = normalise_name(raw.name)
    except DomainError as exc:
        raise ScholarshipError(f"家长{exc.message}", field="家长姓名") from None
    try:
        number = parse_id_number(raw.id_number, today=today)
    except DomainError as exc:
        raise ScholarshipError(f"家长{exc.message}", field="家长身份证号") from None
    if number.age_on(today) < 16:
        raise ScholarshipError(f"家长{name}按身份证号计算未满16周岁，请核对", field="家长身份证号")
    kind = (raw.kind or "").strip()
    kind = next((k for k, label in UNFILED_KINDS.items() if kind in (k, label)), None)
    if kind is None:
        raise ScholarshipError(f"未建档户类别“{raw.kind}”只能是{'、'.join(UNFILED_KINDS.values())}",
                               field="未建档户类别")
    phone = parse_mobile(raw.phone, field="家长手机号码") if raw.phone and raw.phone.strip() else None
    return {"kind": kind, "name": name, "name_initials": pinyin_initials(name), "id_number": number.value,
            "phone": phone, "employer_name": _text(raw.employer_name, "家长工作单位", 100),
            "address": _text(raw.address, "家庭住址", 200), "unit_id": _check_unit(session, raw.unit_id)}


def _unfiled_household(session: Session, data: ApplicationInput, student: dict[str, Any],
                       today: date) -> _Household:
    new_row = None
    if data.unfiled_household_id:
        record = session.get(UnfiledHousehold, data.unfiled_household_id, populate_existing=True)
        if record is None:
            raise NotFound("找不到所选的未建档户，请重新选择。")
    else:
        assert data.unfiled is not None
        new_row = _clean_unfiled(session, data.unfiled, today)
        record = session.exec(select(UnfiledHousehold).where(
            UnfiledHousehold.id_number == new_row["id_number"])).first()
        if record is not None:
            if record.name != new_row["name"]:
                raise ScholarshipError(f"家长身份证号已登记为未建档户“{record.name}”，与填写的姓名“{new_row['name']}”"
                                       "不一致，请核对", field="家长姓名")
    parent_id = record.id_number if record is not None else new_row["id_number"]  # type: ignore[index]
    parent_name = record.name if record is not None else new_row["name"]  # type: ignore[index]
    kind = record.kind if record is not None else new_row["kind"]  # type: ignore[index]
    if parent_id == student["student_id_number"]:
        raise ScholarshipError("学生与家长的身份证号相同，请核对", field="学生身份证号")
    filed = _live_file_of(session, parent_id)
    if filed is not None:
        raise ScholarshipError(f"家长{parent_name}已在档案 {filed[0]} 中登记为{filed[1]}，"
                               "请按建档户（选择该档案）申请", field="家长身份证号")
    filed = _live_file_of(session, student["student_id_number"])
    if filed is not None:
        raise DuplicateApplication(f"学生{student['student_name']}已是档案 {filed[0]} 的{filed[1]}，"
                                   "请按该建档户申请，同一学生不能在两个家庭下申请", field="学生身份证号")
    return _Household(False, parent_id, parent_name, f"未建档户{parent_name}（{UNFILED_KINDS.get(kind, kind)}）",
                      unfiled=record, new_unfiled=new_row if record is None else None)


def _household(session: Session, data: ApplicationInput, student: dict[str, Any], today: date) -> _Household:
    chosen = sum(1 for v in (data.file_id, data.unfiled_household_id, data.unfiled) if v)
    if chosen != 1:
        raise ScholarshipError("请选择学生所在家庭：在档的困难职工档案，或未建档户（只选一种）", field="家庭")
    if data.file_id:
        return _filed_household(session, data.file_id, student)
    return _unfiled_household(session, data, student, today)


@dataclass(frozen=True)
class _Other:
    id: str
    application_no: str
    status: str
    plan: str
    round_id: str
    year: int
    parent_id_number: str | None
    description: str
    file_exited: bool


def _other_applications(session: Session, student_id_number: str, exclude_id: str | None) -> list[_Other]:
    S, R, HF, UH = Scholarship, ScholarshipRound, HardshipFile, UnfiledHousehold
    stmt = (select(S.id, S.application_no, S.status, S.plan, S.round_id, R.year, HF.id_number, HF.status,
                   HF.file_no, HF.name, UH.id_number, UH.name)
            .select_from(S).join(R, R.id == S.round_id)
            .outerjoin(HF, HF.id == S.file_id).outerjoin(UH, UH.id == S.unfiled_household_id)
            .where(S.student_id_number == student_id_number, S.status != GrantStatus.cancelled.value))
    if exclude_id:
        stmt = stmt.where(S.id != exclude_id)
    out = []
    for (sid, no, status, plan, round_id, year, hf_id, hf_status, file_no, hf_name, uh_id,
         uh_name) in session.execute(stmt.order_by(R.year, S.application_no)):
        description = f"档案 {file_no}（{hf_name}）" if file_no else f"未建档户{uh_name}"
        out.append(_Other(sid, no, status, plan, round_id, year, hf_id or uh_id, description,
                          hf_status == FileStatus.exited.value))
    return out


def _open_plans(session: Session, others: list[_Other]) -> list[tuple[_Other, int]]:
    """Yearly plans among ``others`` with installments still to check or pay, with their last year."""
    live = {o.id: o for o in others if o.plan == "yearly" and o.status in LIVE_GRANT_STATES}
    if not live:
        return []
    rows = session.execute(select(Installment.scholarship_id, func.max(Installment.academic_year))
                           .where(Installment.scholarship_id.in_(list(live)),
                                  Installment.status.in_(OPEN_INSTALLMENT_STATES))
                           .group_by(Installment.scholarship_id)).all()
    return [(live[sid], last) for sid, last in rows]


def _check_student(session: Session, rnd: ScholarshipRound, student: dict[str, Any], household: _Household,
                   plan: str, exclude_id: str | None) -> None:
    number, name = student["student_id_number"], student["student_name"]
    who = f"学生{name}（{mask_id_number(number)}）"
    others = _other_applications(session, number, exclude_id)
    for other in others:
        if other.round_id == rnd.id:
            raise DuplicateApplication(f"{who}在{rnd.year}年已有助学申请 {other.application_no}"
                                       f"（{GrantStatus(other.status).label}），每名学生每轮只能资助一次",
                                       field="学生身份证号")
    for other in others:
        if other.parent_id_number != household.parent_id_number and not other.file_exited:
            raise DuplicateApplication(f"{who}已在{other.year}年的助学申请 {other.application_no} 中登记为"
                                       f"{other.description}的子女，与本次申请的家庭（{household.description}）不一致；"
                                       "同一学生不能在两个家庭下申请，请核实", field="学生身份证号")
    for other, last in _open_plans(session, others):
        what = "一次性助学金" if plan == "one_off" else "新的助学金"
        raise DuplicateApplication(f"{who}正在享受按年发放的助学金（{other.year}年申请 {other.application_no}，"
                                   f"发放至{last}年），不能再申请{what}", field="学生身份证号")


def _standard(session: Session, rnd: ScholarshipRound, level: str, filed: bool) -> policy_admin.Standard:
    return policy_admin.require_standard(session, SCHOLARSHIP, rnd.year, level, filed)


def _create_unfiled(session: Session, user: User, owner_id: str, household: _Household) -> str:
    if household.unfiled is not None:
        return household.unfiled.id
    assert household.new_unfiled is not None
    record = UnfiledHousehold(owner_unit_id=owner_id, **household.new_unfiled)
    session.add(record)
    session.flush()
    audit(session, user, record, "create", mask_sensitive(diff({}, snapshot(record), skip=("id", "owner_unit_id"))))
    return record.id


def _open_round_for(rnd: ScholarshipRound, doing: str) -> None:
    if rnd.closed:
        raise ScholarshipError(f"{rnd.name}已结束，不能{doing}", field="活动")


def create_application(session: Session, user: User, data: ApplicationInput, *,
                       today: date | None = None) -> Scholarship:
    """Take an application (status draft) within the round's window; the amount is the standard."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, None, "create")):
        require_role(session, user, Role.clerk, doing="填写助学申请")
        local = require_initialised(session)
        rnd = _load_round(session, data.round_id)
        _open_round_for(rnd, "再受理申请")
        if not rnd.apply_start <= today <= rnd.apply_end:
            raise ScholarshipError(f"{rnd.name}的申请期限为{rnd.apply_start:%Y年%m月%d日}至{rnd.apply_end:%Y年%m月%d日}，"
                                   "今天不在期限内，不能受理新申请", field="申请期限")
        student = _clean_student(data, rnd, today)
        household = _household(session, data, student, today)
        standard = _standard(session, rnd, student["education_level"], household.filed)
        plan = standard.plan or "one_off"
        _check_student(session, rnd, student, household, plan, None)
        unfiled_id = _create_unfiled(session, user, local.id, household) if not household.filed else None
        s = Scholarship(owner_unit_id=local.id, round_id=rnd.id,
                        application_no=next_application_no(session, local.code, rnd.year),
                        file_id=household.file.id if household.file else None, unfiled_household_id=unfiled_id,
                        status=GrantStatus.draft.value, plan=plan, amount_fen=standard.amount_fen,
                        standard_amount_fen=standard.amount_fen, **student)
        session.add(s)
        session.flush()
        audit(session, user, s, "create", mask_sensitive(diff({}, snapshot(s), skip=("id", "owner_unit_id"))))
        return s


def update_application(session: Session, user: User, scholarship_id: str, data: ApplicationInput, *,
                       expected_version: int, today: date | None = None) -> Scholarship:
    """Save an edited draft (a returned application is a draft again); every rule is checked anew."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, scholarship_id, "update")):
        require_role(session, user, Role.clerk, doing="修改助学申请")
        s = _load(session, scholarship_id)
        require_own(session, s, describe(s))
        check_version(s, expected_version, describe(s))
        if s.status != GrantStatus.draft.value:
            raise ScholarshipError(f"{describe(s)}当前状态为“{GrantStatus(s.status).label}”，只有草稿可以修改"
                                   "（已提交的请审核人退回后再改）")
        if data.round_id != s.round_id:
            raise ScholarshipError("申请所属的年度活动不能修改；请取消后在新年度重新申请", field="活动")
        rnd = _load_round(session, s.round_id)
        _open_round_for(rnd, "修改申请")
        student = _clean_student(data, rnd, today)
        household = _household(session, data, student, today)
        standard = _standard(session, rnd, student["education_level"], household.filed)
        plan = standard.plan or "one_off"
        _check_student(session, rnd, student, household, plan, s.id)
        unfiled_id = _create_unfiled(session, user, s.owner_unit_id, household) if not household.filed else None
        before = snapshot(s)
        for key, value in student.items():
            setattr(s, key, value)
        s.file_id = household.file.id if household.file else None
        s.unfiled_household_id = unfiled_id
        s.plan = plan
        s.standard_amount_fen = standard.amount_fen
        if s.amount_override_reason is None:
            s.amount_fen = standard.amount_fen
        changes = mask_sensitive(diff(before, snapshot(s)))
        if changes:
            touch(s)
            audit(session, user, s, "update", changes)
        return s


def set_amount(session: Session, user: User, scholarship_id: str, amount_fen: int, reason: str, *,
               expected_version: int | None = None) -> Scholarship:
    """The approver sets an amount other than the standard (or back to it), with a reason."""
    with unit_of_work(session, user, Refusal(ENTITY, scholarship_id, "set_amount")):
        s = _load(session, scholarship_id)
        require_own(session, s, describe(s))
        check_version(s, expected_version, describe(s))
        _override_amount(session, user, s, amount_fen, reason)
        return s


def _override_amount(session: Session, user: User, s: Scholarship, amount_fen: int, reason: str | None) -> None:
    require_role(session, user, Role.approver, doing="调整助学金额")
    assert_grant_editable(s, {"amount_fen"})
    if s.status == GrantStatus.cancelled.value:
        raise ScholarshipError(f"{describe(s)}已取消，不能调整金额")
    amount = _money(amount_fen, "助学金额")
    if amount <= 0:
        raise ScholarshipError("助学金额必须大于0；不予资助请取消申请", field="助学金额")
    reason = _text(reason, "金额调整理由", TEXT_MAX, required=True)
    before = snapshot(s)
    s.amount_fen = amount
    s.amount_override_reason = None if amount == s.standard_amount_fen else reason
    changes = diff(before, snapshot(s))
    if changes:
        touch(s)
        audit(session, user, s, "set_amount", {**changes, "standard_amount_fen": s.standard_amount_fen,
                                               "reason": reason})


def get_application(session: Session, user: User, scholarship_id: str) -> tuple[Scholarship, list[Installment]]:
    require_role(session, user, *Role, doing="查看助学申请")
    s = _load(session, scholarship_id)
    return s, installments_of(session, s.id)


def plan_of(session: Session, s: Scholarship) -> StudyPlan:
    """The application's payment plan as the record holds it: the installments once a yearly plan was
    approved, else what approval will make (the study years left from the round's year) — the one
    source for every screen that states years and totals."""
    made = installments_of(session, s.id) if s.plan == "yearly" else []
    if made:
        return StudyPlan(s.plan, tuple(PlanYear(i.year_index, i.academic_year, i.amount_fen, i.status) for i in made),
                         projected=False)
    rnd = _load_round(session, s.round_id)
    years = planned_years(s.plan, s.admission_year, s.study_years, rnd.year, s.amount_fen)
    if s.plan != "yearly" and s.status in (GrantStatus.approved.value, GrantStatus.paid.value):
        return StudyPlan(s.plan, tuple(PlanYear(y.year_index, y.academic_year, y.amount_fen,
                                                "paid" if s.status == "paid" else "released") for y in years), False)
    return StudyPlan(s.plan, tuple(years), projected=True)


def installments_of(session: Session, scholarship_id: str) -> list[Installment]:
    return list(session.exec(select(Installment).where(Installment.scholarship_id == scholarship_id)
                             .order_by(Installment.year_index)))


# --- approval, budget, cancelling -----------------------------------------------------------------------------


def _recheck_household(session: Session, s: Scholarship, rnd: ScholarshipRound) -> None:
    """What may have changed since the application was taken: the file's status, the student's other grants."""
    if s.file_id:
        hf = session.get(HardshipFile, s.file_id)
        if hf is None or hf.status != FileStatus.active.value:
            state = FileStatus(hf.status).label if hf else "不存在"
            raise ScholarshipError(f"{describe(s)}所属档案当前为“{state}”，不能审批；请取消该申请")
        household = _Household(True, hf.id_number, hf.name, f"档案 {hf.file_no}（{hf.name}）", file=hf)
    else:
        uh = session.get(UnfiledHousehold, s.unfiled_household_id)
        if uh is None:
            raise ScholarshipError(f"{describe(s)}找不到所属的未建档户")
        household = _Household(False, uh.id_number, uh.name, f"未建档户{uh.name}", unfiled=uh)
    student = {"student_id_number": s.student_id_number, "student_name": s.student_name}
    _check_student(session, rnd, student, household, s.plan, s.id)


def _check_budget(session: Session, s: Scholarship, rnd: ScholarshipRound) -> None:
    summary = budget_summary(session, rnd.id, exclude_id=s.id)
    total = summary.committed_fen + s.amount_fen
    if total > rnd.budget_fen:
        raise BudgetExceeded(f"{describe(s)}金额{format_amount(s.amount_fen)}元：审批后本轮资助合计"
                             f"{format_amount(total)}元，超出预算{format_amount(rnd.budget_fen)}元 "
                             f"{format_amount(total - rnd.budget_fen)}元，不能审批", field="预算")


def _make_installments(session: Session, user: User, s: Scholarship, rnd: ScholarshipRound) -> list[Installment]:
    """One installment per remaining study year; the first is released at approval."""
    if installments_of(session, s.id):
        return []
    made = []
    for k, (year_index, academic_year) in enumerate(years_left(s.admission_year, s.study_years, rnd.year)):
        inst = Installment(owner_unit_id=s.owner_unit_id, scholarship_id=s.id, year_index=year_index,
                           academic_year=academic_year, amount_fen=s.amount_fen,
                           status="released" if k == 0 else "pending")
        session.add(inst)
        made.append(inst)
    session.flush()
    audit(session, user, s, "plan", {"installments": [[i.year_index, i.academic_year, i.amount_fen, i.status]
                                                      for i in made]})
    return made


def _approve_one(session: Session, user: User, s: Scholarship, *, opinion: str | None, today: date,
                 amount_fen: int | None = None, amount_reason: str | None = None) -> StepResult:
    rnd = _load_round(session, s.round_id)
    if amount_fen is not None and amount_fen != s.amount_fen:
        _override_amount(session, user, s, amount_fen, amount_reason)
    result = apply_step(session, user, s, Action.approve, opinion=opinion, today=today)
    _open_round_for(rnd, "审批")
    _recheck_household(session, s, rnd)
    _check_budget(session, s, rnd)
    if s.plan == "yearly":
        _make_installments(session, user, s, rnd)
    return result


@retrying
def approve(session: Session, user: User, scholarship_id: str, *, opinion: str | None = None,
            today: date | None = None, expected_version: int | None = None, amount_fen: int | None = None,
            amount_reason: str | None = None) -> StepResult:
    """The approver's step for one application: the generic step plus budget, eligibility and plan."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, scholarship_id, Action.approve.value)):
        s = _load(session, scholarship_id)
        require_own(session, s, describe(s))
        check_version(s, expected_version, describe(s))
        return _approve_one(session, user, s, opinion=opinion, today=today, amount_fen=amount_fen,
                            amount_reason=amount_reason)


@retrying
def approve_many(session: Session, user: User, scholarship_ids: Sequence[str], *, opinion: str | None = None,
                 today: date | None = None, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> list[StepResult]:
    """Approve a list as ONE transaction: the budget is checked item by item against what the list has
    approved so far; if any item is refused (the message names it), none is approved."""
    today = today or date.today()
    results = []
    with unit_of_work(session, user, Refusal(ENTITY, None, f"{Action.approve.value}:batch")):
        for index, sid in enumerate(scholarship_ids, start=1):
            if cancelled and cancelled():
                raise BatchCancelled(f"已取消，{len(scholarship_ids)}项均未审批。")
            s = _load(session, sid)
            try:
                results.append(_approve_one(session, user, s, opinion=opinion, today=today))
            except PermissionDenied as exc:
                raise PermissionDenied(f"第{index}项 {describe(s)}：{exc.message}") from None
            except DomainError as exc:
                raise ApprovalError(f"第{index}项：{exc.message}（本批均未审批）", field=exc.field) from None
            if progress:
                progress(index, len(scholarship_ids))
    return results


def cancel(session: Session, user: User, scholarship_id: str, reason: str, *, today: date | None = None,
           expected_version: int | None = None) -> StepResult:
    """Cancel an application (with a reason, by the role whose turn it is); an approved plan's unpaid
    installments stop with it. Prefer this to approvals.act(cancel), which does not record the reason
    on the application nor stop the installments."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, scholarship_id, Action.cancel.value)):
        s = _load(session, scholarship_id)
        require_own(session, s, describe(s))
        check_version(s, expected_version, describe(s))
        reason = _text(reason, "取消理由", TEXT_MAX, required=True) or ""
        s.cancel_reason = reason
        result = apply_step(session, user, s, Action.cancel, opinion=reason, today=today)
        stopped = _stop_open(session, user, s, f"申请已取消：{reason}"[:TEXT_MAX], today)
        if stopped:
            s.stop_reason = f"申请已取消：{reason}"[:TEXT_MAX]
        return result


# --- multi-year plans ---------------------------------------------------------------------------------------


def _stop_open(session: Session, user: User, s: Scholarship, reason: str, today: date, *, from_index: int = 0,
               released_too: bool = True) -> list[int]:
    """Stop the installments of ``s`` not yet paid (from study year ``from_index`` on; those released for
    payment only with ``released_too``); return their study years."""
    states = OPEN_INSTALLMENT_STATES if released_too else ("pending",)
    stopped = []
    for inst in installments_of(session, s.id):
        if inst.status in states and inst.year_index >= from_index:
            inst.status = "stopped"
            inst.stop_reason = reason
            touch(inst)
            stopped.append(inst.year_index)
            audit(session, user, inst, "stop", {"status": ["open", "stopped"], "reason": reason,
                                                "on": today.isoformat()})
    return stopped


def check_enrolment(session: Session, user: User, installment_id: str, *, checked_on: date, still_enrolled: bool,
                    note: str | None = None, expected_version: int | None = None,
                    today: date | None = None) -> Installment:
    """The yearly enrolment check (在读核查) of a later year's installment: still at school releases it for
    payment; left school stops it and every later one, with the reason."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal("installment", installment_id, "check_enrolment")):
        require_role(session, user, Role.clerk, Role.reviewer, doing="核查在读情况")
        inst = _load_installment(session, installment_id)
        require_own(session, inst, f"第{inst.year_index}学年的分年发放")
        check_version(inst, expected_version, f"第{inst.year_index}学年的分年发放")
        s = _load(session, inst.scholarship_id)
        what = f"{describe(s)}第{inst.year_index}学年（{inst.academic_year}年）"
        if s.status not in LIVE_GRANT_STATES:
            raise ScholarshipError(f"{describe(s)}当前为“{GrantStatus(s.status).label}”，没有待核查的分年发放")
        if inst.status != "pending":
            raise ScholarshipError(f"{what}已是“{INSTALLMENT_LABELS.get(inst.status, inst.status)}”，不需再核查")
        earlier = [i for i in installments_of(session, s.id)
                   if i.year_index < inst.year_index and i.status == "pending"]
        if earlier:
            raise ScholarshipError(f"请先核查{describe(s)}第{earlier[0].year_index}学年的在读情况")
        if not isinstance(checked_on, date) or checked_on > today:
            raise ScholarshipError("核查日期不能晚于今天", field="核查日期")
        if checked_on.year < inst.academic_year:
            raise ScholarshipError(f"{what}的在读核查应在{inst.academic_year}年进行，核查日期"
                                   f"{checked_on:%Y-%m-%d}过早", field="核查日期")
        if s.file_id:
            hf = session.get(HardshipFile, s.file_id)
            if hf is not None and hf.status == FileStatus.exited.value:
                raise ScholarshipError(f"{describe(s)}所属档案 {hf.file_no} 已撤档，应停止发放而不是核查")
        note = _text(note, "核查说明", TEXT_MAX)
        inst.enrolment_checked_on = checked_on
        if still_enrolled:
            inst.status = "released"
            touch(inst)
            audit(session, user, inst, "check_enrolment", {"status": ["pending", "released"],
                                                            "checked_on": checked_on.isoformat(),
                                                            **({"note": note} if note else {})})
            return inst
        if not note:
            raise ScholarshipError("学生已不在读时须填写说明（如退学、休学、转学）", field="核查说明")
        reason = f"在读核查：{note}"[:TEXT_MAX]
        audit(session, user, inst, "check_enrolment", {"still_enrolled": False, "checked_on": checked_on.isoformat(),
                                                        "note": note})
        _stop_open(session, user, s, reason, today, from_index=inst.year_index)
        s.stop_reason = reason
        touch(s)
        return inst


def stop_plan(session: Session, user: User, scholarship_id: str, reason: str, *, today: date | None = None,
              expected_version: int | None = None) -> list[int]:
    """Stop a multi-year plan (the student left school, moved away …): every unpaid installment stops.
    Returns the study years stopped. A reviewer or the approver decides it."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, scholarship_id, "stop_plan")):
        require_role(session, user, Role.reviewer, Role.approver, doing="停止分年发放")
        s = _load(session, scholarship_id)
        require_own(session, s, describe(s))
        check_version(s, expected_version, describe(s))
        reason = _text(reason, "停发理由", TEXT_MAX, required=True) or ""
        if s.plan != "yearly" or s.status not in LIVE_GRANT_STATES:
            raise ScholarshipError(f"{describe(s)}不是已审批的按年发放助学金，没有可停止的分年发放")
        stopped = _stop_open(session, user, s, reason, today)
        if not stopped:
            raise ScholarshipError(f"{describe(s)}已没有待发放的年度")
        s.stop_reason = reason
        touch(s)
        audit(session, user, s, "stop_plan", {"reason": reason, "years": stopped})
        return stopped


def stop_plans_for_exited_file(session: Session, user: User, file_id: str, *, reason: str | None = None,
                               today: date | None = None) -> int:
    """Stop the later years of every plan of a file that exits: the installments still waiting for their
    enrolment check. A year already released (checked, or the first year) was due while the household was
    in the registry and stays payable. Runs inside the CALLER's transaction (registry's exit, by the
    approver); returns how many installments were stopped."""
    today = today or date.today()
    hf = session.get(HardshipFile, file_id)
    if hf is None:
        return 0
    if reason is None:
        from assist_desktop.domain.enums import ExitReason

        try:
            why = ExitReason(hf.exit_reason).label if hf.exit_reason else ""
        except ValueError:
            why = hf.exit_reason or ""
        reason = f"档案 {hf.file_no} 已撤档" + (f"（{why}）" if why else "")
    count = 0
    plans = session.exec(select(Scholarship).where(Scholarship.file_id == file_id, Scholarship.plan == "yearly",
                                                   Scholarship.status.in_(tuple(LIVE_GRANT_STATES)))).all()
    for s in plans:
        stopped = _stop_open(session, user, s, reason[:TEXT_MAX], today, released_too=False)
        if stopped:
            s.stop_reason = reason[:TEXT_MAX]
            touch(s)
            audit(session, user, s, "stop_plan", {"reason": reason, "years": stopped})
            count += len(stopped)
    return count


@dataclass(frozen=True, slots=True)
class UnfiledView:
    """An unfiled household as the application form shows it."""

    id: str
    name: str
    id_number: str
    masked_id: str
    kind: str
    kind_label: str


def find_unfiled(session: Session, user: User, *, household_id: str | None = None,
                 id_number: str | None = None) -> UnfiledView | None:
    """The unfiled household by its record or by the parent's ID number (an application for a second
    child reuses the household already recorded), or None."""
    require_role(session, user, *Role, doing="查看未建档户")
    if household_id:
        record = session.get(UnfiledHousehold, household_id)
    elif id_number:
        try:
            number = parse_id_number(id_number).value
        except DomainError:
            return None
        record = session.exec(select(UnfiledHousehold).where(UnfiledHousehold.id_number == number)).first()
    else:
        return None
    if record is None:
        return None
    return UnfiledView(record.id, record.name, record.id_number, mask_id_number(record.id_number), record.kind,
                       UNFILED_KINDS.get(record.kind, record.kind))


# --- queries for the screens -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSummary:
    """A round's money. ``committed`` is what approval is checked against."""

    round_id: str
    year: int
    budget_fen: int
    applications: int  # not cancelled, any step
    applications_fen: int
    in_process_fen: int  # draft … on notice
    approved_fen: int  # approved, not yet paid
    paid_fen: int
    continuing_fen: int  # installments of earlier rounds' plans falling due in this year
    committed_fen: int  # approved + paid + continuing
    remaining_fen: int  # budget − committed (negative when over)
    planned_fen: int  # applications + continuing: the cost if everything in the steps were approved

    @property
    def over_if_all_approved_fen(self) -> int:
        return max(0, self.planned_fen - self.budget_fen)


def budget_summary(session: Session, round_id: str, *, exclude_id: str | None = None) -> BudgetSummary:
    rnd = _load_round(session, round_id)
    S = Scholarship
    stmt = (select(S.status, func.count(), func.coalesce(func.sum(S.amount_fen), 0))
            .where(S.round_id == rnd.id, S.status != GrantStatus.cancelled.value).group_by(S.status))
    if exclude_id:
        stmt = stmt.where(S.id != exclude_id)
    by_status = {status: (n, int(total)) for status, n, total in session.execute(stmt)}
    approved = by_status.get(GrantStatus.approved.value, (0, 0))[1]
    paid = by_status.get(GrantStatus.paid.value, (0, 0))[1]
    applications = sum(n for n, _ in by_status.values())
    applications_fen = sum(t for _, t in by_status.values())
    continuing = int(session.execute(
        select(func.coalesce(func.sum(Installment.amount_fen), 0))
        .join(S, S.id == Installment.scholarship_id)
        .where(Installment.academic_year == rnd.year, Installment.status != "stopped", S.round_id != rnd.id,
               S.status.in_(tuple(LIVE_GRANT_STATES)), S.owner_unit_id == rnd.owner_unit_id)).scalar_one())
    committed = approved + paid + continuing
    return BudgetSummary(rnd.id, rnd.year, rnd.budget_fen, applications, applications_fen,
                         applications_fen - approved - paid, approved, paid, continuing, committed,
                         rnd.budget_fen - committed, applications_fen + continuing)


_ORDERS: dict[str, Any] = {
    "application_no": Scholarship.application_no, "student_name": Scholarship.student_name_sort,
    "school": Scholarship.school, "level": Scholarship.education_level, "amount": Scholarship.amount_fen,
    "status": Scholarship.status, "admission_year": Scholarship.admission_year, "plan": Scholarship.plan,
}


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def list_applications(session: Session, user: User, *, round_id: str | None = None, text: str = "",
                      status: str | Iterable[str] | None = None, level: str | Iterable[str] | None = None,
                      school: str | None = None, unit: str | None = None, plan: str | None = None,
                      order: str = "application_no", offset: int = 0, limit: int = 200) -> tuple[int, list[str]]:
    """(number of matches, the ids of one page) for the scholarship list. ``text`` matches the student's
    name, pinyin initials, the tail of the ID number, the application number and the school.
    ``order`` is a key of the list (application_no, student_name, school, level, amount, status,
    admission_year, plan), ``-key`` for descending."""
    require_role(session, user, *Role, doing="查看助学申请")
    S, HF, UH = Scholarship, HardshipFile, UnfiledHousehold
    conditions: list[Any] = []
    if round_id:
        conditions.append(S.round_id == round_id)
    statuses = _as_tuple(status)
    if statuses:
        conditions.append(S.status.in_(statuses))
    levels = tuple(parse_level(v) for v in _as_tuple(level))
    if levels:
        conditions.append(S.education_level.in_(levels))
    if plan:
        conditions.append(S.plan == plan)
    if school and school.strip():
        conditions.append(S.school.like(f"%{_like_escape(school.strip())}%", escape="\\"))
    needs_households = bool(unit)
    if unit:
        conditions.append(or_(HF.unit_id == unit, UH.unit_id == unit))
    query = compact(text or "")
    if query:
        pattern = _like_escape(query)
        alternatives = [S.student_name.like(f"%{pattern}%", escape="\\"), S.school.like(f"%{pattern}%", escape="\\"),
                        S.application_no.like(f"%{pattern}%", escape="\\")]
        if query.isascii() and query.isalpha():
            alternatives.append(S.student_initials.like(f"{pattern.lower()}%", escape="\\"))
        if len(query) >= 4 and query[:-1].isdigit() and (query[-1].isdigit() or query[-1] in "Xx"):
            alternatives.append(S.student_id_number.like(f"%{pattern.upper()}", escape="\\"))
        conditions.append(or_(*alternatives))
    base = select(S.id).select_from(S)
    count = select(func.count()).select_from(S)
    if needs_households:
        base = base.outerjoin(HF, HF.id == S.file_id).outerjoin(UH, UH.id == S.unfiled_household_id)
        count = count.outerjoin(HF, HF.id == S.file_id).outerjoin(UH, UH.id == S.unfiled_household_id)
    if conditions:
        base, count = base.where(*conditions), count.where(*conditions)
    descending = order.startswith("-")
    column = _ORDERS.get(order.lstrip("-"))
    if column is None:
        raise ValueError(f"unknown order {order!r}")
    ordering = [column.desc() if descending else column.asc()]
    if column is not S.application_no:
        ordering.append(S.application_no.desc() if descending else S.application_no.asc())
    total = session.execute(count).scalar_one()
    ids = list(session.execute(base.order_by(*ordering).offset(max(0, offset)).limit(max(0, limit))).scalars())
    return total, ids


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: str
    application_no: str
    round_year: int
    student_name: str
    masked_id: str
    sex_label: str
    age: int
    school: str
    major: str
    level: str
    level_label: str
    admission_year: int
    study_years: int
    plan: str
    plan_label: str
    amount_fen: int
    standard_amount_fen: int
    amount_overridden: bool
    status: str
    status_label: str
    filed: bool
    household_name: str  # the parent
    file_no: str  # "" for an unfiled household
    unit_name: str
    installments_total: int
    installments_paid: int
    stop_reason: str
    version: int


def application_rows(session: Session, user: User, ids: Sequence[str]) -> list[ApplicationRow]:
    """The list's rows for ``ids`` in the order of ``ids``; the student's ID number leaves masked."""
    require_role(session, user, *Role, doing="查看助学申请")
    if not ids:
        return []
    S, R, HF, UH = Scholarship, ScholarshipRound, HardshipFile, UnfiledHousehold
    unit_id = func.coalesce(HF.unit_id, UH.unit_id)
    stmt = (select(S, R.year, HF.name, HF.file_no, UH.name, OrgUnit.name).select_from(S)
            .join(R, R.id == S.round_id).outerjoin(HF, HF.id == S.file_id)
            .outerjoin(UH, UH.id == S.unfiled_household_id).outerjoin(OrgUnit, OrgUnit.id == unit_id))
    found: dict[str, ApplicationRow] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        counts = {sid: (total, paid) for sid, total, paid in session.execute(
            select(Installment.scholarship_id, func.count(),
                   func.sum(case((Installment.status == "paid", 1), else_=0)))
            .where(Installment.scholarship_id.in_(chunk)).group_by(Installment.scholarship_id))}
        for s, year, hf_name, file_no, uh_name, unit_name in session.execute(stmt.where(S.id.in_(chunk))):
            total, paid = counts.get(s.id, (0, 0))
            found[s.id] = ApplicationRow(
                id=s.id, application_no=s.application_no, round_year=year, student_name=s.student_name,
                masked_id=mask_id_number(s.student_id_number), sex_label="男" if s.student_sex == "male" else "女",
                age=IdNumber(s.student_id_number).age_on(age_reference_day(year)), school=s.school,
                major=s.major or "", level=s.education_level, level_label=level_label(s.education_level),
                admission_year=s.admission_year, study_years=s.study_years, plan=s.plan,
                plan_label=PLANS.get(s.plan, s.plan), amount_fen=s.amount_fen,
                standard_amount_fen=s.standard_amount_fen, amount_overridden=s.amount_override_reason is not None,
                status=s.status, status_label=_status_label(s.status), filed=s.file_id is not None,
                household_name=hf_name or uh_name or "", file_no=file_no or "", unit_name=unit_name or "",
                installments_total=int(total or 0), installments_paid=int(paid or 0), stop_reason=s.stop_reason or "",
                version=s.version)
    return [found[i] for i in ids if i in found]


def _status_label(status: str) -> str:
    try:
        return GrantStatus(status).label
    except ValueError:
        return status


@dataclass(frozen=True, slots=True)
class InstallmentDue:
    id: str
    scholarship_id: str
    application_no: str
    student_name: str
    masked_id: str
    school: str
    year_index: int
    academic_year: int
    amount_fen: int
    status: str  # pending: check enrolment first; released: pay
    status_label: str
    version: int
    owner_unit_id: str = ""  # at a city: a county's installments are listed, but only the county acts on them


def installments_due(session: Session, user: User, year: int) -> list[InstallmentDue]:
    """Installments of ``year`` (and earlier ones still open) waiting for an enrolment check or payment."""
    require_role(session, user, *Role, doing="查看分年发放")
    S, I = Scholarship, Installment
    stmt = (select(I, S.application_no, S.student_name, S.student_id_number, S.school)
            .join(S, S.id == I.scholarship_id)
            .where(I.academic_year <= year, I.status.in_(OPEN_INSTALLMENT_STATES),
                   S.status.in_(tuple(LIVE_GRANT_STATES)))
            .order_by(I.academic_year, S.application_no, I.year_index))
    return [InstallmentDue(i.id, i.scholarship_id, no, name, mask_id_number(number), school, i.year_index,
                           i.academic_year, i.amount_fen, i.status, INSTALLMENT_LABELS[i.status], i.version,
                           i.owner_unit_id)
            for i, no, name, number, school in session.execute(stmt)]


__all__ = [
    "EXCLUSIONS", "LEVEL_RULES", "UNFILED_KINDS", "ApplicationInput", "ApplicationRow", "BudgetExceeded",
    "BudgetSummary", "DuplicateApplication", "Excluded", "GrantFrozen", "InstallmentDue", "LevelRule", "RoundInput",
    "ScholarshipError", "UnfiledInput", "UnfiledView", "application_rows", "approve", "approve_many",
    "budget_summary", "cancel", "check_enrolment", "create_application", "create_round", "find_unfiled",
    "get_application", "get_round", "installments_due", "installments_of", "list_applications",
    "next_application_no", "owner_names", "pick_student", "plan_of", "rounds", "set_amount", "set_round_closed",
    "stop_plan", "stop_plans_for_exited_file", "student_candidates", "update_application", "update_round",
]


# --- the student picked from the household's members ---------------------------------------------------------

_MEMBER_LEVELS = {"senior_high": "senior_high", "secondary_vocational": "senior_high",
                  "vocational_college": "vocational_college", "undergraduate": "undergraduate",
                  "postgraduate": "postgraduate"}


@dataclass(frozen=True)
class StudentCandidate:
    member_id: str
    name: str
    relation_label: str
    masked_id: str
    education_label: str


@dataclass(frozen=True)
class StudentPick:
    name: str
    id_number: str
    school: str
    level: str | None  # the scholarship level of the member's education, when it has one
    admission_year: int | None
    study_years: int | None


def student_candidates(session: Session, user: User, file_id: str) -> list[StudentCandidate]:
    """The members of a filed household who could be the student (those with an ID number), masked."""
    from assist_desktop.domain.enums import EducationLevel, Relation
    from assist_desktop.storage.models import Member

    require_role(session, user, *Role, doing="查看家庭成员")
    out = []
    for m in session.exec(select(Member).where(Member.file_id == file_id, Member.id_number.is_not(None))
                          .order_by(Member.seq)):
        try:
            relation = Relation(m.relation).label
        except ValueError:
            relation = m.relation
        try:
            education = EducationLevel(m.education_level).label if m.education_level else ""
        except ValueError:
            education = m.education_level or ""
        out.append(StudentCandidate(m.id, m.name, relation, mask_id_number(m.id_number or ""), education))
    return out


def pick_student(session: Session, user: User, file_id: str, member_id: str) -> StudentPick:
    """The member's name, ID number and schooling for the application form; the look at the ID number is
    written to the audit log, as every look at a file's sensitive fields is."""
    from assist_desktop.storage.models import Member

    with unit_of_work(session, user, Refusal("hardship_file", file_id, "view_sensitive")):
        require_role(session, user, Role.clerk, doing="填写助学申请")
        member = session.get(Member, member_id)
        hf = session.get(HardshipFile, file_id)
        if member is None or hf is None or member.file_id != file_id or not member.id_number:
            raise NotFound("找不到该家庭成员，请重新选择档案。")
        audit(session, user, hf, "view_sensitive", {"fields": ["家庭成员身份证号"], "member": member.name,
                                                    "for": "金秋助学申请"})
        return StudentPick(member.name, member.id_number, member.unit_or_school or "",
                           _MEMBER_LEVELS.get(member.education_level or ""), member.admission_year, member.study_years)
