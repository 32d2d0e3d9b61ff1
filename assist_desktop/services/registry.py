"""The hardship registry: filing a household with its members, editing it, the yearly review, exit.

Rules kept here (DESIGN.md §3–§4, DOMAIN.md): one household one file, and a person may be the
worker or a member of only one file that has not exited; ID numbers are parsed and birth date, sex
and age derived from them; income totals and the per-capita figure are computed, the category is
proposed by the formula and may be overridden only with a recorded reason; file numbers carry the
unit code and year and are never reused; exited files are kept, read-only; saving over a newer
version is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from assist_desktop.domain import enums
from assist_desktop.domain.contact import parse_bank_account, parse_mobile, parse_postal_code
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.text import check_plain_text
from assist_desktop.domain.hardship import (
    MAX_MONTHLY_INCOME_FEN,
    HardshipCategory,
    check_household_size,
    check_monthly_income,
    per_capita_monthly_income,
    propose_category,
    validate_causes,
)
from assist_desktop.domain.ids import mask_id_number, parse_id_number
from assist_desktop.domain.lifecycle import Action, FileStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.names import normalise_name, pinyin_initials
from assist_desktop.domain.policy import PolicyError, load_policy
from assist_desktop.services.approvals import apply_step
from assist_desktop.services.base import (
    NotFound,
    Refusal,
    audit,
    check_version,
    diff,
    fetch,
    mask_sensitive,
    require_own,
    require_role,
    snapshot,
    tombstone,
    touch,
    unit_of_work,
)
from assist_desktop.services.campaigns import cancel_visits_for_exited_file
from assist_desktop.services.scholarships import stop_plans_for_exited_file
from assist_desktop.services.numbers import next_number
from assist_desktop.services.search import FileFilters, search  # noqa: F401  (registry.search, issue 3)
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage.models import (
    AnnualReview,
    HardshipFile,
    Member,
    OrgUnit,
    SubsistenceLine,
    User,
)

EDITABLE_STATES = frozenset({FileStatus.draft.value, FileStatus.active.value})
MAX_ANNUAL_FEN = MAX_MONTHLY_INCOME_FEN * 12 * 20  # a household of 20 at the monthly ceiling


class RegistryError(DomainError):
    pass


class DuplicatePerson(RegistryError):
    pass


@dataclass
class MemberInput:
    name: str
    relation: str
    id_number: str | None = None
    monthly_income_fen: int | None = 0  # None: not given (a blank is missing, not 0)
    identity: str | None = None
    health: str | None = None
    medical_insurance: str | None = None
    political_status: str | None = None
    unit_or_school: str | None = None
    education_level: str | None = None
    admission_year: int | None = None
    study_years: int | None = None
    id: str | None = None  # an existing member being kept


@dataclass
class FileInput:
    """What a caseworker fills in on the 档案表; derived figures are not part of it."""

    name: str
    id_number: str
    phone: str
    address: str
    employer_name: str
    unit_id: str
    primary_cause: int
    secondary_causes: tuple[int, ...] = ()
    members: list[MemberInput] = field(default_factory=list)
    # income (fen); None: not given — the category cannot be worked out without it (0 is "no income")
    worker_monthly_income_fen: int | None = 0
    other_annual_income_fen: int = 0
    medical_expenses_fen: int = 0
    schooling_expenses_fen: int = 0
    hardship_costs_fen: int = 0
    disaster_or_accident: bool = False
    # category: None takes the formula's proposal; a different one needs a reason
    category: str | None = None
    category_override_reason: str | None = None
    # the rest of the national form
    file_type: str = "urban_worker"
    file_origin: str = "new"
    ethnicity: str | None = "汉族"
    political_status: str | None = None
    health: str | None = None
    illness: str | None = None
    disability_type: str | None = None
    disability_grade: str | None = None
    work_status: str | None = None
    model_worker_type: str = "none"
    marital_status: str | None = None
    single_parent: bool = False
    zero_employment: bool = False
    self_help_ability: bool = True
    medical_insurance: str | None = None
    is_migrant_worker: bool = False
    is_new_employment_form: bool = False
    housing_type: str | None = None
    floor_area: str | None = None
    other_contact: str | None = None
    postal_code: str | None = None
    hukou_type: str | None = None
    hukou_region_code: str | None = None
    employer_id: str | None = None
    work_start_date: date | None = None
    other_cause_text: str | None = None
    bank_name: str | None = None
    bank_branch: str | None = None
    bank_account: str | None = None
    exit_target: bool = False
    exit_target_since: date | None = None
    civil_affairs_check_date: date | None = None
    civil_affairs_check_result: str | None = None
    filed_by_name: str | None = None
    reviewed_by_name: str | None = None
    entered_by_name: str | None = None
    # a household known only from a ledger row (issue 16): its size and annual income as stated, kept
    # while fewer people are listed than the household has (成员待补录); the ledger's 建档时间 and 档案编号
    declared_household_size: int | None = None
    declared_annual_income_fen: int | None = None
    filed_on: date | None = None
    former_file_no: str | None = None


# Enumerated fields of the form, with the Chinese name a message uses.
_ENUM_FIELDS: dict[str, tuple[str, type]] = {
    "file_type": ("档案类型", enums.FileType), "file_origin": ("档案来源", enums.FileOrigin),
    "political_status": ("政治面貌", enums.PoliticalStatus), "health": ("健康状况", enums.HealthStatus),
    "disability_type": ("残疾类别", enums.DisabilityType), "disability_grade": ("残疾等级", enums.DisabilityGrade),
    "work_status": ("工作状态", enums.WorkStatus), "model_worker_type": ("劳模类型", enums.ModelWorkerType),
    "marital_status": ("婚姻状况", enums.MaritalStatus), "medical_insurance": ("医保状况", enums.MedicalInsurance),
    "housing_type": ("住房类型", enums.HousingType), "floor_area": ("建筑面积", enums.FloorArea),
    "hukou_type": ("户口类型", enums.HukouType),
}
_MEMBER_ENUMS: dict[str, tuple[str, type]] = {
    "relation": ("与职工关系", enums.Relation), "identity": ("身份", enums.MemberIdentity),
    "health": ("健康状况", enums.HealthStatus), "medical_insurance": ("医保状况", enums.MedicalInsurance),
    "political_status": ("政治面貌", enums.PoliticalStatus), "education_level": ("当前学历", enums.EducationLevel),
}
_TEXT_LIMITS = {"address": ("家庭住址", 200), "employer_name": ("工作单位", 100), "illness": ("所患疾病", 100),
                "other_contact": ("其他联系方式", 40), "other_cause_text": ("其他致困原因", 200),
                "bank_name": ("开户银行", 60), "bank_branch": ("支行名称", 100),
                "civil_affairs_check_result": ("民政核对结果", 200), "category_override_reason": ("类别调整理由", 500)}


@dataclass(frozen=True)
class Figures:
    """What the formula says about a household."""

    household_size: int
    annual_income_fen: int
    rigid_expenses_fen: int
    per_capita_fen: int
    subsistence_line_fen: int
    proposed: HardshipCategory | None
    members_pending: bool = False  # the declared size counts people not listed yet (成员待补录)


class FileErrors(RegistryError):
    """Every problem of a file found at once (``check_file(all_errors=True)``), in the form's order."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = errors


class _Collect:
    """Runs each field's check; with ``all_errors`` a failure is noted and the check goes on with the
    next field, otherwise the first failure is raised as before."""

    def __init__(self, all_errors: bool) -> None:
        self.all_errors = all_errors
        self.errors: list[DomainError] = []

    def __call__(self, check: Any, *args: Any, default: Any = None, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except DomainError as exc:
            if not self.all_errors:
                raise
            self.errors.append(exc)
            return default

    def done(self) -> None:
        if self.errors:
            raise FileErrors(self.errors)


# --- validation -----------------------------------------------------------------------------------


def _enum(value: str | None, label: str, enum_type: type, prefix: str = "") -> str | None:
    if value in (None, ""):
        return None
    try:
        return enum_type(value).value  # type: ignore[call-arg]
    except ValueError:
        try:
            return enum_type.from_label(value).value  # type: ignore[attr-defined]
        except ValueError:
            raise RegistryError(f"{prefix}{label}“{value}”不在可选范围内", field=label) from None


def _money(value: int, label: str, ceiling: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RegistryError(f"{label}必须是以分为单位的整数金额", field=label)
    if value < 0:
        raise RegistryError(f"{label}不能为负数", field=label)
    if value > ceiling:
        raise RegistryError(f"{label}{format_amount(value)}元超出合理范围，请核对", field=label)
    return value


def _text(value: str | None, label: str, limit: int, *, required: bool = False) -> str | None:
    text = (value or "").strip()
    try:
        check_plain_text(text, label)
    except DomainError as exc:
        raise RegistryError(exc.message, field=label) from None
    if not text:
        if required:
            raise RegistryError(f"{label}不能为空", field=label)
        return None
    if len(text) > limit:
        raise RegistryError(f"{label}过长（{len(text)}字，最多{limit}字）", field=label)
    return text


def _clean_member(index: int, raw: MemberInput, today: date) -> dict[str, Any]:
    try:
        name = normalise_name(raw.name)
    except DomainError as exc:
        raise RegistryError(f"第{index}名家庭成员：{exc.message}", field="家庭成员姓名") from None
    prefix = f"第{index}名家庭成员（{name}）："
    row: dict[str, Any] = {"id": raw.id, "seq": index, "name": name, "name_initials": pinyin_initials(name)}
    for key, (label, enum_type) in _MEMBER_ENUMS.items():
        row[key] = _enum(getattr(raw, key), label, enum_type, prefix)
    if row["relation"] is None:
        raise RegistryError(f"{prefix}与职工关系不能为空", field="与职工关系")
    if raw.id_number and raw.id_number.strip():
        try:
            parsed = parse_id_number(raw.id_number, today=today)
        except DomainError as exc:
            raise RegistryError(f"{prefix}{exc.message}", field="家庭成员身份证号") from None
        row.update(id_number=parsed.value, sex=parsed.sex.value, birth_date=parsed.birth_date)
    else:
        row.update(id_number=None, sex=None, birth_date=None)
    if raw.monthly_income_fen is None:
        raise RegistryError(f"{prefix}月收入未填写，不能测算困难类别；没有收入请填0", field="月收入")
    row["monthly_income_fen"] = _money(raw.monthly_income_fen, f"{prefix}月收入", MAX_MONTHLY_INCOME_FEN)
    row["unit_or_school"] = _text(raw.unit_or_school, f"{prefix}单位或学校", 100)
    if raw.admission_year is not None and not 1950 <= raw.admission_year <= today.year + 1:
        raise RegistryError(f"{prefix}入学年份“{raw.admission_year}”不合理", field="入学年份")
    if raw.study_years is not None and not 1 <= raw.study_years <= 10:
        raise RegistryError(f"{prefix}学制“{raw.study_years}”年不合理", field="学制年限")
    row["admission_year"], row["study_years"] = raw.admission_year, raw.study_years
    return row


def _name(value: str) -> str:
    try:
        return normalise_name(value)
    except DomainError as exc:
        raise RegistryError(exc.message, field="姓名") from None


def _worker_id(value: str, today: date, name: str) -> Any:
    worker_id = parse_id_number(value, today=today)
    if worker_id.age_on(today) < 16:
        raise RegistryError(f"职工{name}按身份证号计算未满16周岁，请核对身份证号", field="身份证号")
    return worker_id


def _ethnicity(value: str | None) -> str | None:
    text = _text(value, "民族", 16)
    if text and text not in enums.ETHNIC_GROUPS:
        raise RegistryError(f"民族“{text}”不在56个民族之列", field="民族")
    return text


def _hukou_code(value: str | None) -> str | None:
    # Retired region codes are still valid on old 户口簿, so the code is checked for shape only.
    code = (value or "").strip()
    if code and not (len(code) == 6 and code.isdigit()):
        raise RegistryError(f"户口所在地行政区划代码“{code}”应为6位数字", field="户口所在地")
    return code or None


def _not_future(value: date | None, label: str, today: date) -> date | None:
    if value is not None and value > today:
        raise RegistryError(f"{label}{value:%Y-%m-%d}晚于今天", field=label)
    return value


def _worker_income(value: int | None, household_income_stated: bool) -> int:
    # A blank income is missing, not 0: no category can be proposed from it. A ledger's household row
    # that states the household's income (成员待补录) is the exception: its figures come from that.
    if value is None:
        if household_income_stated:
            return 0
        raise RegistryError("本人月平均收入未填写，不能测算困难类别；没有收入请填0", field="本人月平均收入")
    return check_monthly_income(_money(value, "本人月平均收入", MAX_MONTHLY_INCOME_FEN), field="本人月平均收入")


def _declared_size(value: int | None) -> int | None:
    if value is None:
        return None
    return check_household_size(value)


def _clean(data: FileInput, today: date, *, mobile_optional: bool = False,
           all_errors: bool = False) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Parse and check every field; return the file's columns and the members' rows (no figures yet).
    ``all_errors``: go on past a bad field and raise ``FileErrors`` with every problem at the end (a ledger
    row is corrected in one pass). ``mobile_optional``: a ledger's household without a mobile number
    comes in (the caller warns); the editor asks for it at the next save."""
    check = _Collect(all_errors)
    name = check(_name, data.name, default=(data.name or "").strip() or "？")
    worker_id = check(_worker_id, data.id_number, today, name)
    row: dict[str, Any] = {
        "name": name, "name_initials": pinyin_initials(name) if name != "？" else "",
        "id_number": worker_id.value if worker_id else "", "id_tail": worker_id.value[-6:] if worker_id else "",
        "sex": worker_id.sex.value if worker_id else "", "birth_date": worker_id.birth_date if worker_id else None,
    }
    if mobile_optional and not (data.phone or "").strip():
        row["phone"] = ""
    else:
        row["phone"] = check(parse_mobile, data.phone, default="")
    # a field left empty is None without a call (a ledger's row leaves most of them empty: 10,000 rows at once)
    for key, (label, limit) in _TEXT_LIMITS.items():
        value = getattr(data, key)
        required = key in ("address", "employer_name")
        row[key] = check(_text, value, label, limit, required=required) if value or required else None
    for key, (label, enum_type) in _ENUM_FIELDS.items():
        value = getattr(data, key)
        row[key] = check(_enum, value, label, enum_type) if value not in (None, "") else None
    row["file_type"] = row["file_type"] or "urban_worker"
    row["file_origin"] = row["file_origin"] or "new"
    row["model_worker_type"] = row["model_worker_type"] or "none"
    row["ethnicity"] = check(_ethnicity, data.ethnicity)
    causes = check(validate_causes, data.primary_cause, data.secondary_causes, default=(None, ()))
    primary, secondary = causes
    row.update(primary_cause=int(primary) if primary is not None else 0,
               secondary_causes=",".join(str(int(c)) for c in secondary))
    row["postal_code"] = check(parse_postal_code, data.postal_code) if data.postal_code else None
    row["bank_account"] = check(parse_bank_account, data.bank_account) if data.bank_account else None
    row["hukou_region_code"] = check(_hukou_code, data.hukou_region_code)
    if row["disability_type"] and not row["disability_grade"]:
        check.errors.append(RegistryError("填写了残疾类别，还须填写残疾等级", field="残疾等级"))
        if not all_errors:
            raise check.errors[-1]
    row["worker_monthly_income_fen"] = check(_worker_income, data.worker_monthly_income_fen,
                                             data.declared_annual_income_fen is not None, default=0)
    for key, label in (("other_annual_income_fen", "家庭其他非薪资年收入"), ("medical_expenses_fen", "医疗支出"),
                       ("schooling_expenses_fen", "教育支出"), ("hardship_costs_fen", "致困支出")):
        row[key] = check(_money, getattr(data, key), label, MAX_ANNUAL_FEN, default=0)
    for key in ("disaster_or_accident", "single_parent", "zero_employment", "self_help_ability", "is_migrant_worker",
                "is_new_employment_form", "exit_target"):
        row[key] = bool(getattr(data, key))
    for key in ("work_start_date", "exit_target_since", "civil_affairs_check_date", "filed_on"):
        value = getattr(data, key)
        row[key] = check(_not_future, value, _DATE_LABELS[key], today) if value is not None else None
    for key in ("employer_id", "filed_by_name", "reviewed_by_name", "entered_by_name"):
        row[key] = (getattr(data, key) or None)
    row["former_file_no"] = check(_text, data.former_file_no, "原档案编号", 40)
    row["declared_household_size"] = check(_declared_size, data.declared_household_size)
    row["declared_annual_income_fen"] = (None if data.declared_annual_income_fen is None else
                                         check(_money, data.declared_annual_income_fen, "家庭年收入", MAX_ANNUAL_FEN))
    members = []
    for i, m in enumerate(data.members, start=1):
        member = check(_clean_member, i, m, today)
        if member is not None:
            members.append(member)
    seen: dict[str, str] = {worker_id.value: f"职工{name}"} if worker_id else {}
    for member in members:
        number = member["id_number"]
        if number is None:
            continue
        if number in seen:
            check(_raise, DuplicatePerson(f"身份证号 {mask_id_number(number)} 在本档案中重复出现（{seen[number]}与家庭成员"
                                          f"{member['name']}），一人只能登记一次", field="身份证号"))
            continue
        seen[number] = f"家庭成员{member['name']}"
    check.done()
    return row, members


def _raise(exc: DomainError) -> None:
    raise exc


_DATE_LABELS = {"work_start_date": "参加工作时间", "exit_target_since": "列为解困脱困对象时间",
                "civil_affairs_check_date": "民政核对日期", "filed_on": "建档时间"}


def subsistence_line(session: Session, region_code: str, year: int) -> int:
    """The line in force in ``year``: the newest one set for that year or before (a new year's line is
    published months into the year). The database's table (set by the admin) wins over resources/policy."""
    for code in (region_code, region_code[:4], region_code[:2]):
        line = session.exec(select(SubsistenceLine.amount_fen).where(
            SubsistenceLine.region_code == code, SubsistenceLine.year <= year)
            .order_by(SubsistenceLine.year.desc()).limit(1)).first()
        if line is not None:
            return line
    book = load_policy()
    for earlier in sorted((y for y in book.years() if y <= year), reverse=True):
        try:
            return book.subsistence_line(region_code, earlier)
        except PolicyError:
            continue
    raise RegistryError(f"没有{region_code}地区{year}年及以前的低保标准，请先由管理员录入。", field="低保标准")


def figures(session: Session, row: dict[str, Any], members: list[dict[str, Any]], region_code: str,
            year: int, *, line_fen: int | None = None) -> Figures:
    listed = 1 + len(members)
    declared = row.get("declared_household_size")
    pending = declared is not None and declared > listed
    size = declared if pending else listed
    annual = (row["worker_monthly_income_fen"] * 12 + row["other_annual_income_fen"]
              + sum(m["monthly_income_fen"] for m in members) * 12)
    if pending and row.get("declared_annual_income_fen") is not None:
        # the ledger's household income counts the people not listed yet: kept as stated until they are
        annual = row["declared_annual_income_fen"]
    rigid = row["medical_expenses_fen"] + row["schooling_expenses_fen"]
    per_capita = per_capita_monthly_income(annual, rigid, size)
    line = line_fen if line_fen is not None else subsistence_line(session, region_code, year)
    proposed = propose_category(per_capita_fen=per_capita, subsistence_line_fen=line, annual_income_fen=annual,
                                hardship_costs_fen=row["hardship_costs_fen"],
                                disaster_or_accident=row["disaster_or_accident"])
    return Figures(size, annual, rigid, per_capita, line, proposed, pending)



def _decide_category(data_category: str | None, reason: str | None, fig: Figures) -> tuple[str, str | None]:
    chosen = _enum(data_category, "困难类别", HardshipCategory) if data_category else None
    measured = (f"按公式测算家庭月人均收入{format_amount(fig.per_capita_fen)}元"
                f"（低保标准{format_amount(fig.subsistence_line_fen)}元）")
    if chosen is None:
        if fig.proposed is None:
            raise RegistryError(f"{measured}，不符合任一困难类别；如确需建档，请选择困难类别并填写调整理由。",
                                field="困难类别")
        return fig.proposed.value, None
    if fig.proposed is not None and chosen == fig.proposed.value:
        return chosen, None
    if not reason:
        proposed = fig.proposed.label if fig.proposed else "不符合任一类别"
        raise RegistryError(f"{measured}，公式结果为“{proposed}”，选择“{HardshipCategory(chosen).label}”"
                            "须填写类别调整理由。", field="类别调整理由")
    return chosen, reason


# --- duplicate people -----------------------------------------------------------------------------


def find_conflicts(session: Session, id_numbers: list[str], exclude_file_id: str | None) -> list[tuple[str, str, str]]:
    """(id number, other file's number, role there) for each person already in a file that has not exited."""
    if not id_numbers:
        return []
    live = HardshipFile.status != FileStatus.exited.value
    other = HardshipFile.id != exclude_file_id if exclude_file_id else True
    found = [(n, f, "职工") for n, f in session.exec(
        select(HardshipFile.id_number, HardshipFile.file_no).where(HardshipFile.id_number.in_(id_numbers), live, other))]
    found += [(n, f, "家庭成员") for n, f in session.exec(
        select(Member.id_number, HardshipFile.file_no).join(HardshipFile, HardshipFile.id == Member.file_id)
        .where(Member.id_number.in_(id_numbers), live, other))]
    return found


def _refuse_duplicates(session: Session, row: dict[str, Any], members: list[dict[str, Any]],
                       file_id: str | None) -> None:
    names = {row["id_number"]: f"职工{row['name']}"}
    names.update({m["id_number"]: f"家庭成员{m['name']}" for m in members if m["id_number"]})
    conflicts = find_conflicts(session, list(names), file_id)
    if conflicts:
        number, file_no, role = conflicts[0]
        raise DuplicatePerson(f"{names[number]}（{mask_id_number(number)}）已是档案 {file_no} 的{role}，"
                              "一人只能在一个未撤档的档案中登记。", field="身份证号")


# --- numbers ----------------------------------------------------------------------------------------


def next_file_no(session: Session, unit_code: str, year: int) -> str:
    """``610826-2026-00042``: the counter only moves forward, so a number is never handed out twice."""
    return f"{unit_code}-{year}-{next_number(session, f'file:{unit_code}:{year}'):05d}"


# --- writes ------------------------------------------------------------------------------------------


def _load_file(session: Session, file_id: str) -> HardshipFile:
    hf = fetch(session, HardshipFile, file_id)
    if hf is None:
        raise NotFound(f"找不到档案（编号 {file_id}）。")
    return hf


def _check_unit(session: Session, unit_id: str) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None or not unit.active:
        raise RegistryError("所属基层工会不存在或已停用，请重新选择", field="所属工会")
    return unit


def _apply(session: Session, hf: HardshipFile, row: dict[str, Any], fig: Figures, category: str,
           reason: str | None) -> None:
    for key, value in row.items():
        setattr(hf, key, value)
    hf.household_size = fig.household_size
    hf.household_annual_income_fen = fig.annual_income_fen
    hf.per_capita_monthly_income_fen = fig.per_capita_fen
    hf.subsistence_line_fen = fig.subsistence_line_fen
    hf.members_pending = fig.members_pending
    if not fig.members_pending:
        hf.declared_household_size = None
        hf.declared_annual_income_fen = None
    hf.category_proposed = fig.proposed.value if fig.proposed else None
    hf.category = category
    hf.category_override_reason = reason


def _sync_members(session: Session, user: User, hf: HardshipFile, members: list[dict[str, Any]]) -> dict[str, Any]:
    """Make the file's members exactly ``members``: keep by id, add new, delete (with tombstones) the rest."""
    existing = {m.id: m for m in session.exec(select(Member).where(Member.file_id == hf.id))}
    kept: set[str] = set()
    added, changed = [], {}
    for data in members:
        member_id = data.pop("id")
        if member_id and member_id in existing:
            member = existing[member_id]
            before = snapshot(member)
            for key, value in data.items():
                setattr(member, key, value)
            delta = mask_sensitive(diff(before, snapshot(member)))
            if delta:
                touch(member)
                changed[member.name] = delta
            kept.add(member_id)
        elif member_id:
            raise RegistryError(f"家庭成员{data['name']}不属于本档案，请重新打开档案后再修改")
        else:
            session.add(Member(owner_unit_id=hf.owner_unit_id, file_id=hf.id, **data))
            added.append(data["name"])
    removed = []
    for member_id, member in existing.items():
        if member_id not in kept:
            tombstone(session, member)
            removed.append(member.name)
            session.delete(member)
    out: dict[str, Any] = {}
    if added:
        out["members_added"] = added
    if removed:
        out["members_removed"] = removed
    if changed:
        out["members_changed"] = changed
    return out


def create_file(session: Session, user: User, data: FileInput, *, today: date | None = None) -> HardshipFile:
    """File a household (status draft) with its members, in one transaction."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal("hardship_file", None, "create")):
        require_role(session, user, Role.clerk, doing="新建困难职工档案")
        local = require_initialised(session)
        row, members = _clean(data, today)
        _check_unit(session, data.unit_id)
        _refuse_duplicates(session, row, members, None)
        fig = figures(session, row, members, local.region_code or local.code, today.year)
        category, reason = _decide_category(data.category, row.pop("category_override_reason"), fig)
        hf = HardshipFile(owner_unit_id=local.id, file_no=next_file_no(session, local.code, today.year),
                          filing_year=today.year, unit_id=data.unit_id, status=FileStatus.draft.value,
                          primary_cause=row["primary_cause"], name=row["name"], name_initials=row["name_initials"],
                          id_number=row["id_number"], id_tail=row["id_tail"], sex=row["sex"],
                          birth_date=row["birth_date"], phone=row["phone"], address=row["address"],
                          employer_name=row["employer_name"], created_by=user.id)
        _apply(session, hf, row, fig, category, reason)
        session.add(hf)
        session.flush()
        for member in members:
            member.pop("id")
            session.add(Member(owner_unit_id=local.id, file_id=hf.id, **member))
        changes = mask_sensitive(diff({}, snapshot(hf), skip=("id", "owner_unit_id")))
        changes["members_added"] = [m["name"] for m in members]
        audit(session, user, hf, "create", changes)
        return hf


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every rule of ``create_file``: its cleaned columns, members, figures, category."""

    row: dict[str, Any]
    members: list[dict[str, Any]]
    figures: Figures
    category: str
    category_override_reason: str | None


def check_file(session: Session, data: FileInput, *, today: date | None = None, line_fen: int | None = None,
               duplicates: bool = True, all_errors: bool = False, mobile_optional: bool = False,
               local: OrgUnit | None = None, known_units: frozenset[str] = frozenset()) -> CheckedFile:
    """The checks of ``create_file`` without writing (ledger import checks thousands before writing any).
    ``line_fen`` saves the subsistence-line lookup per file; ``duplicates=False`` leaves the database
    duplicate check to the caller, who makes it for the whole batch at once (``find_conflicts``).
    ``all_errors``: every field's problem at once (``FileErrors``); ``mobile_optional``: see ``_clean``.
    A caller checking thousands passes ``local`` and the ids of the active unions it read once."""
    today = today or date.today()
    local = local or require_initialised(session)
    row, members = _clean(data, today, all_errors=all_errors, mobile_optional=mobile_optional)
    if data.unit_id not in known_units:
        _check_unit(session, data.unit_id)
    if duplicates:
        _refuse_duplicates(session, row, members, None)
    fig = figures(session, row, members, local.region_code or local.code, today.year, line_fen=line_fen)
    category, reason = _decide_category(data.category, row.pop("category_override_reason"), fig)
    return CheckedFile(row, members, fig, category, reason)


def update_file(session: Session, user: User, file_id: str, data: FileInput, *, expected_version: int,
                today: date | None = None) -> HardshipFile:
    """Save an edited file and its members; refused if someone saved it since it was opened."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal("hardship_file", file_id, "update")):
        require_role(session, user, Role.clerk, doing="修改困难职工档案")
        hf = _load_file(session, file_id)
        require_own(session, hf, f"档案 {hf.file_no}")
        check_version(hf, expected_version, f"档案 {hf.file_no}")
        if hf.status not in EDITABLE_STATES:
            raise RegistryError(f"档案 {hf.file_no} 当前状态为“{FileStatus(hf.status).label}”，不能修改"
                                + ("（已撤档的档案只读）。" if hf.status == FileStatus.exited.value
                                   else "；如需修改，请审核人退回后再改。"))
        local = require_initialised(session)
        row, members = _clean(data, today)
        _check_unit(session, data.unit_id)
        _refuse_duplicates(session, row, members, hf.id)
        fig = figures(session, row, members, local.region_code or local.code, today.year)
        category, reason = _decide_category(data.category, row.pop("category_override_reason"), fig)
        before = snapshot(hf)
        row["unit_id"] = data.unit_id
        _apply(session, hf, row, fig, category, reason)
        changes = mask_sensitive(diff(before, snapshot(hf)))
        changes.update(_sync_members(session, user, hf, members))
        if changes:
            touch(hf)
            audit(session, user, hf, "update", changes)
        return hf


def annual_review(session: Session, user: User, file_id: str, *, outcome: str, review_date: date,
                  expected_version: int, new_category: str | None = None, note: str | None = None,
                  exit_reason: str | None = None, today: date | None = None) -> AnnualReview:
    """The yearly re-check of an active file: keep, change category (with a reason), or exit.

    The review is the reviewer's step; an exit is the approver's (as in ``exit_file``), so a review
    that ends in exit needs a user holding both roles — otherwise the reviewer keeps the file and the
    approver exits it.
    """
    today = today or date.today()
    with unit_of_work(session, user, Refusal("hardship_file", file_id, "annual_review")):
        hf = _load_file(session, file_id)
        check_version(hf, expected_version, f"档案 {hf.file_no}")
        outcome = _enum(outcome, "复核结论", enums.ReviewOutcome) or ""
        if not outcome:
            raise RegistryError("复核结论不能为空", field="复核结论")
        if review_date > today:
            raise RegistryError(f"复核日期{review_date:%Y-%m-%d}晚于今天", field="复核日期")
        note = _text(note, "复核意见", 500)
        old_category = hf.category
        apply_step(session, user, hf, Action.annual_review, opinion=note, today=today)
        if outcome == "change_category":
            category = _enum(new_category, "新困难类别", HardshipCategory)
            if category is None or category == old_category:
                raise RegistryError("变更类别须选择与原类别不同的新类别", field="新困难类别")
            if not note:
                raise RegistryError("变更类别须填写复核意见说明理由", field="复核意见")
            hf.category = category
        review = AnnualReview(owner_unit_id=hf.owner_unit_id, file_id=hf.id, review_year=review_date.year,
                              review_date=review_date, outcome=outcome, old_category=old_category,
                              new_category=hf.category, per_capita_monthly_income_fen=hf.per_capita_monthly_income_fen,
                              note=note, reviewer_id=user.id)
        session.add(review)
        hf.last_review_date = review_date
        if outcome == "exit":
            _exit(session, user, hf, exit_reason, review_date, note or "年度复核撤档", today)
        audit(session, user, hf, "annual_review", {"outcome": outcome, "category": [old_category, hf.category]})
        return review


def _exit(session: Session, user: User, hf: HardshipFile, reason: str | None, exit_date: date, note: str | None,
          today: date) -> None:
    code = _enum(reason, "撤档原因", enums.ExitReason)
    if code is None:
        raise RegistryError("撤档须选择撤档原因", field="撤档原因")
    if exit_date > today:
        raise RegistryError(f"撤档日期{exit_date:%Y-%m-%d}晚于今天", field="撤档日期")
    if hf.opened_on and exit_date < hf.opened_on:
        raise RegistryError(f"撤档日期{exit_date:%Y-%m-%d}早于建档日期{hf.opened_on:%Y-%m-%d}", field="撤档日期")
    apply_step(session, user, hf, Action.exit, opinion=f"{enums.ExitReason(code).label}：{note}" if note
               else enums.ExitReason(code).label, today=today)
    hf.exit_reason, hf.exit_date, hf.exit_note = code, exit_date, note
    hf.exit_target = False
    # A household that leaves the registry stops its children's multi-year scholarship plans and
    # comes off the visit lists of open campaigns (what was approved before stays payable).
    stop_plans_for_exited_file(session, user, hf.id, today=today)
    cancel_visits_for_exited_file(session, user, hf.id)


def exit_file(session: Session, user: User, file_id: str, *, reason: str, exit_date: date, expected_version: int,
              note: str | None = None, today: date | None = None) -> HardshipFile:
    """A household leaves the registry (解困脱困, retirement, moving, death). The file is kept, read-only."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal("hardship_file", file_id, "exit")):
        hf = _load_file(session, file_id)
        check_version(hf, expected_version, f"档案 {hf.file_no}")
        _exit(session, user, hf, reason, exit_date, _text(note, "撤档说明", 200), today)
        return hf


# --- reading ----------------------------------------------------------------------------------------


SENSITIVE_FIELDS = {"id_number": "身份证号", "bank_account": "银行卡号", "health": "健康状况", "illness": "所患疾病",
                    "disability_type": "残疾类别", "disability_grade": "残疾等级"}


def get_file(session: Session, user: User, file_id: str) -> tuple[HardshipFile, list[Member]]:
    """A file and its members for display; screens show masked values until ``reveal_sensitive``."""
    require_role(session, user, *Role, doing="查看档案")
    hf = _load_file(session, file_id)
    members = list(session.exec(select(Member).where(Member.file_id == file_id).order_by(Member.seq)
                                .execution_options(populate_existing=True)))
    return hf, members


def reveal_sensitive(session: Session, user: User, file_id: str, fields_: tuple[str, ...]) -> dict[str, Any]:
    """The full values of sensitive fields; each look is an audit event (PIPL)."""
    unknown = set(fields_) - set(SENSITIVE_FIELDS)
    if unknown:
        raise RegistryError(f"不能查看字段：{', '.join(sorted(unknown))}")
    with unit_of_work(session, user, Refusal("hardship_file", file_id, "view_sensitive")):
        require_role(session, user, Role.clerk, Role.reviewer, Role.approver, doing="查看敏感信息")
        hf = _load_file(session, file_id)
        audit(session, user, hf, "view_sensitive", {"fields": [SENSITIVE_FIELDS[f] for f in fields_]})
        return {f: getattr(hf, f) for f in fields_}

