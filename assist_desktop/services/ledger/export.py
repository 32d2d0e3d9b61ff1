"""Export of the program's lists as the workbooks the city still asks for: the registry roster (花名册),
scholarship lists and campaign visit lists with totals.

IDs are masked by default, and such a list carries name, unit, category and amounts only (DESIGN.md §3:
a list leaving the office has no address, phone, health or bank number — so the masked roster has no
致困原因, which may read 患重特大疾病, and no 医疗支出). Full IDs and contact columns need a role that may
read them (the same as ``registry.reveal_sensitive``); such a workbook is encrypted with a new password,
returned once in the result to be shown and told by phone (PIPL: exported files encrypted). Every export
is written to the audit log, saying whether IDs were full and whether the file is password-protected.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from assist_desktop.domain import enums
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.ids import Sex, mask_id_number
from assist_desktop.domain.lifecycle import FileStatus, GrantStatus, Role
from assist_desktop.domain.policy import SCHOLARSHIP_LEVELS, SPRING_FESTIVAL_GROUPS
from assist_desktop.services.base import PermissionDenied, Refusal, audit, audit_refusal, require_role, unit_of_work
from assist_desktop.services.ledger.xlsx import Column, new_export_password, write_table
from assist_desktop.services.scholarships import UNFILED_KINDS
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage import models as m

FULL_ID_ROLES = (Role.clerk, Role.reviewer, Role.approver)  # as registry.reveal_sensitive
HEALTH_COLUMNS = frozenset({"主要致困原因", "次要致困原因", "医疗支出"})
PAGE = 5000


class ExportError(DomainError):
    pass


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    full_ids: bool
    totals: dict[str, int]  # name → fen
    # the workbook's password when it holds full IDs, phones or bank accounts: shown once, never stored
    password: str | None = None
    # cells whose stored control characters were written as U+FFFD
    replaced_cells: int = 0


def _label(enum_type: Any, value: str | None) -> str:
    if not value:
        return ""
    try:
        return enum_type(value).label
    except ValueError:
        return value


def _sex(value: str | None) -> str:
    return Sex(value).label if value in ("male", "female") else ""


def _causes(value: str | None) -> str:
    out = []
    for part in (value or "").split(","):
        if part.strip().isdigit():
            out.append(HardshipCause(int(part)).label)
    return "、".join(out)


def _status(value: str) -> str:
    for enum_type in (FileStatus, GrantStatus):
        try:
            return enum_type(value).label
        except ValueError:
            continue
    return value


def _check(session: Session, user: m.User, full_ids: bool, what: str) -> None:
    """Refuse a user without the role, the refusal in the audit log (PIPL: a refused try at full ID numbers
    is a record too)."""
    try:
        if full_ids:
            require_role(session, user, *FULL_ID_ROLES, doing=f"导出含完整身份证号的{what}")
        else:
            require_role(session, user, *Role, doing=f"导出{what}")
    except PermissionDenied as exc:
        audit_refusal(session, user, Refusal("ledger", None, "export_full_ids" if full_ids else "export"), exc.message)
        raise


def _finish(session: Session, user: m.User, path: Path, what: str, rows: int, full_ids: bool,
            extra: dict[str, Any], replaced: int = 0) -> None:
    """Log the export (PIPL: a record of every list that leaves); a failure removes the file."""
    try:
        with unit_of_work(session, user, Refusal("ledger", None, "export")):
            require_role(session, user, *(FULL_ID_ROLES if full_ids else tuple(Role)),
                         doing=f"导出{'含完整身份证号的' if full_ids else ''}{what}")
            audit(session, user, None, "export_full_ids" if full_ids else "export",
                  {"list": what, "file": path.name, "rows": rows, "full_ids": full_ids,
                   "password_protected": full_ids, **({"control_characters_replaced": replaced} if replaced else {}),
                   **extra}, entity_type="ledger")
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _id(value: str | None, full: bool) -> str:
    return (value if full else mask_id_number(value)) if value else ""


def _pages(session: Session, stmt: Any) -> Iterator[Any]:
    """Rows of ``stmt`` page by page, so a province-sized list never sits in memory at once."""
    offset = 0
    while True:
        rows = session.execute(stmt.offset(offset).limit(PAGE)).all()
        yield from rows
        if len(rows) < PAGE:
            return
        offset += PAGE


# --- 花名册 ---------------------------------------------------------------------------------------------


def export_roster(session: Session, user: m.User, path: Path | str, *, full_ids: bool = False,
                  members: bool = False, year: int | None = None,
                  statuses: Sequence[str] = (FileStatus.active.value,)) -> ExportResult:
    """The registry roster: one row per household (with ``members``, its members on the rows below,
    ``与户主关系`` saying who they are, as the import reads them). ``year`` narrows to a filing year."""
    path = Path(path)
    _check(session, user, full_ids, "困难职工花名册")
    local = require_initialised(session)
    HF, U = m.HardshipFile, m.OrgUnit
    columns = [Column("序号", "int"), Column("档案编号"), Column("姓名")]
    columns += [Column("与户主关系")] if members else []
    columns += [Column("性别"), Column("民族"), Column("身份证号", "id"), Column("困难类别"), Column("档案类型"),
                Column("主要致困原因"), Column("次要致困原因"), Column("家庭人口", "int"), Column("月收入", "amount"),
                Column("家庭其他年收入", "amount"), Column("家庭年收入", "amount"), Column("月人均收入", "amount"),
                Column("医疗支出", "amount"), Column("教育支出", "amount"), Column("致困支出", "amount"),
                Column("遭受灾害或意外"), Column("是否单亲"), Column("是否零就业家庭"), Column("工作单位"),
                Column("所属工会"), Column("住房类型"), Column("户口类型"), Column("医保状况")]
    columns += [Column("身份"), Column("当前学历"), Column("入学年份", "int"), Column("学制", "int")] if members else []
    if full_ids:  # contact, health and bank only in a full list, which only casework roles may make
        columns += [Column("联系电话", "id"), Column("其他联系方式"), Column("邮政编码", "id"), Column("家庭住址"),
                    Column("户口所在地行政区划", "id"), Column("健康状况"), Column("开户银行"), Column("支行名称"),
                    Column("银行卡号", "id"), Column("类别调整理由")]
    columns += [Column("建档日期", "date"), Column("状态")]
    if not full_ids:  # health goes only into the protected full roster: the causes (患重特大疾病), 医疗支出
        columns = [c for c in columns if c.title not in HEALTH_COLUMNS]
    titles = [c.title for c in columns]
    stmt = (select(HF, U.name).outerjoin(U, U.id == HF.unit_id)
            .where(HF.owner_unit_id == local.id, HF.status.in_(list(statuses))).order_by(HF.file_no))
    if year is not None:
        stmt = stmt.where(HF.filing_year == year)
    totals = {"household_annual_income_fen": 0}
    count = [0]

    def member_rows(file_ids: list[str]) -> dict[str, list[m.Member]]:
        out: dict[str, list[m.Member]] = {}
        for start in range(0, len(file_ids), 500):
            for mem in session.execute(select(m.Member).where(m.Member.file_id.in_(file_ids[start:start + 500]))
                                       .order_by(m.Member.file_id, m.Member.seq)).scalars():
                out.setdefault(mem.file_id, []).append(mem)
        return out

    def flag(value: bool) -> str:
        return "是" if value else "否"

    def rows() -> Iterator[list[Any]]:
        offset = 0
        while True:
            page = session.execute(stmt.offset(offset).limit(PAGE)).all()
            kids = member_rows([hf.id for hf, _ in page]) if members else {}
            for hf, unit_name in page:
                count[0] += 1
                totals["household_annual_income_fen"] += hf.household_annual_income_fen
                values: dict[str, Any] = {
                    "序号": count[0], "档案编号": hf.file_no, "姓名": hf.name, "与户主关系": "本人", "性别": _sex(hf.sex),
                    "民族": hf.ethnicity or "", "身份证号": _id(hf.id_number, full_ids),
                    "困难类别": _label(HardshipCategory, hf.category), "档案类型": _label(enums.FileType, hf.file_type),
                    "主要致困原因": _causes(str(hf.primary_cause)), "次要致困原因": _causes(hf.secondary_causes),
                    "家庭人口": hf.household_size, "月收入": hf.worker_monthly_income_fen,
                    "家庭其他年收入": hf.other_annual_income_fen, "家庭年收入": hf.household_annual_income_fen,
                    "月人均收入": hf.per_capita_monthly_income_fen, "医疗支出": hf.medical_expenses_fen,
                    "教育支出": hf.schooling_expenses_fen, "致困支出": hf.hardship_costs_fen,
                    "遭受灾害或意外": flag(hf.disaster_or_accident), "是否单亲": flag(hf.single_parent),
                    "是否零就业家庭": flag(hf.zero_employment), "工作单位": hf.employer_name, "所属工会": unit_name or "",
                    "住房类型": _label(enums.HousingType, hf.housing_type), "户口类型": _label(enums.HukouType, hf.hukou_type),
                    "医保状况": _label(enums.MedicalInsurance, hf.medical_insurance),
                    "联系电话": hf.phone, "其他联系方式": hf.other_contact or "", "邮政编码": hf.postal_code or "",
                    "家庭住址": hf.address, "户口所在地行政区划": hf.hukou_region_code or "",
                    "健康状况": _label(enums.HealthStatus, hf.health), "开户银行": hf.bank_name or "",
                    "支行名称": hf.bank_branch or "", "银行卡号": hf.bank_account or "",
                    "类别调整理由": hf.category_override_reason or "",
                    "建档日期": hf.opened_on or hf.filed_on, "状态": _status(hf.status)}
                yield [values.get(t) for t in titles]
                for mem in kids.get(hf.id, []):
                    line = {"姓名": mem.name, "与户主关系": _label(enums.Relation, mem.relation), "性别": _sex(mem.sex),
                            "身份证号": _id(mem.id_number, full_ids), "月收入": mem.monthly_income_fen,
                            "工作单位": mem.unit_or_school or "", "医保状况": _label(enums.MedicalInsurance,
                                                                             mem.medical_insurance),
                            "身份": _label(enums.MemberIdentity, mem.identity),
                            "当前学历": _label(enums.EducationLevel, mem.education_level),
                            "入学年份": mem.admission_year, "学制": mem.study_years,
                            "健康状况": _label(enums.HealthStatus, mem.health)}
                    yield [line.get(t) for t in titles]
            if len(page) < PAGE:
                return
            offset += PAGE

    title = f"{local.name}困难职工花名册" + (f"（{year}年建档）" if year else "")
    password = new_export_password() if full_ids else None
    replaced = [0]
    write_table(path, title=title, sheet="花名册", columns=columns, rows=rows(), password=password, replaced=replaced,
                note=None if full_ids else "身份证号已脱敏；本表不含住址、电话、健康（致困原因、医疗支出）和银行信息。")
    _finish(session, user, path, "困难职工花名册", count[0], full_ids, {"year": year, "members": members}, replaced[0])
    return ExportResult(path, count[0], full_ids, totals, password, replaced[0])


# --- 金秋助学 -------------------------------------------------------------------------------------------


def export_scholarships(session: Session, user: m.User, path: Path | str, *, full_ids: bool = False,
                        round_id: str | None = None, year: int | None = None) -> ExportResult:
    """Scholarships of a round (or a year; all rounds without either), cancelled ones left out, with the total."""
    path = Path(path)
    _check(session, user, full_ids, "金秋助学名单")
    local = require_initialised(session)
    S, R, HF, UH, D = m.Scholarship, m.ScholarshipRound, m.HardshipFile, m.UnfiledHousehold, m.Disbursement
    stmt = (select(S, R.year, R.name, HF.name, HF.id_number, HF.file_no, HF.employer_name, UH.name, UH.id_number,
                   UH.kind, UH.employer_name, D.paid_on, D.method)
            .join(R, R.id == S.round_id).outerjoin(HF, HF.id == S.file_id)
            .outerjoin(UH, UH.id == S.unfiled_household_id)
            .outerjoin(D, (D.grant_type == "scholarship") & (D.grant_id == S.id))
            .where(R.owner_unit_id == local.id, S.status != GrantStatus.cancelled.value)
            .order_by(R.year, S.application_no))
    what = "金秋助学名单"
    if round_id:
        rnd = session.get(R, round_id)
        if rnd is None:
            raise ExportError("找不到该年度的金秋助学活动", field="活动")
        stmt, title = stmt.where(R.id == round_id), f"{rnd.name}受助学生名单"
    elif year:
        stmt, title = stmt.where(R.year == year), f"{year}年金秋助学受助学生名单"
    else:
        title = f"{local.name}金秋助学受助学生名单"
    columns = [Column("序号", "int"), Column("年度", "int"), Column("申请编号"), Column("学生姓名"), Column("性别"),
               Column("学生身份证号", "id"), Column("学校"), Column("专业"), Column("学段"), Column("入学年份", "int"),
               Column("学制", "int"), Column("家长姓名"), Column("家长身份证号", "id"), Column("家庭类型"),
               Column("工作单位"), Column("金额", "amount"), Column("发放日期", "date"), Column("发放方式"), Column("状态")]
    total = [0, 0]

    def rows() -> Iterator[list[Any]]:
        for (s, year_, _, hf_name, hf_id, file_no, hf_employer, uh_name, uh_id, uh_kind, uh_employer, paid_on,
             method) in _pages(session, stmt):
            total[0] += 1
            total[1] += s.amount_fen
            household = f"建档户（档案 {file_no}）" if file_no else UNFILED_KINDS.get(uh_kind or "", "")
            yield [total[0], year_, s.application_no, s.student_name, _sex(s.student_sex),
                   _id(s.student_id_number, full_ids), s.school, s.major or "",
                   SCHOLARSHIP_LEVELS.get(s.education_level, s.education_level), s.admission_year, s.study_years,
                   hf_name or uh_name or "", _id(hf_id or uh_id, full_ids), household, hf_employer or uh_employer or "",
                   s.amount_fen, paid_on, {"cash": "现金", "transfer": "转账"}.get(method or "", ""), _status(s.status)]

    def totals() -> list[Any]:
        return ["合计"] + [None] * 14 + [total[1], None, None, None]

    password = new_export_password() if full_ids else None
    replaced = [0]
    write_table(path, title=title, sheet="金秋助学", columns=columns, rows=rows(), totals=totals, password=password,
                replaced=replaced, note=None if full_ids else "身份证号已脱敏。")
    _finish(session, user, path, what, total[0], full_ids, {"round_id": round_id, "year": year, "amount_fen": total[1]},
            replaced[0])
    return ExportResult(path, total[0], full_ids, {"amount_fen": total[1]}, password, replaced[0])


# --- 春节送温暖 -----------------------------------------------------------------------------------------


def export_visits(session: Session, user: m.User, path: Path | str, *, full_ids: bool = False,
                  campaign_id: str | None = None, year: int | None = None) -> ExportResult:
    """The visit list of a campaign (or of a year's campaigns; all without either), cancelled visits left
    out, with the totals of cash and goods."""
    path = Path(path)
    _check(session, user, full_ids, "春节送温暖慰问名单")
    local = require_initialised(session)
    V, C = m.Visit, m.Campaign
    stmt = (select(V.recipient_name, V.recipient_id_number, V.unit_name, V.group_key, V.cash_fen, V.goods_fen,
                   V.goods_description, V.actual_date, V.planned_date, V.cadres, V.status, V.notes, C.year, C.name)
            .join(C, C.id == V.campaign_id)
            .where(C.owner_unit_id == local.id, V.status != GrantStatus.cancelled.value)
            .order_by(C.year, C.name, V.unit_name, V.recipient_name_sort))
    if campaign_id:
        campaign = session.get(C, campaign_id)
        if campaign is None:
            raise ExportError("找不到该春节送温暖活动", field="活动")
        stmt, title = stmt.where(C.id == campaign_id), f"{campaign.name}慰问名单"
    elif year:
        stmt, title = stmt.where(C.year == year), f"{year}年春节送温暖慰问名单"
    else:
        title = f"{local.name}春节送温暖慰问名单"
    columns = [Column("序号", "int"), Column("年度", "int"), Column("活动"), Column("姓名"), Column("身份证号", "id"),
               Column("工作单位"), Column("慰问类别"), Column("慰问金", "amount"), Column("慰问品折价", "amount"),
               Column("慰问品"), Column("走访日期", "date"), Column("走访干部"), Column("状态"), Column("备注")]
    count, cash, goods = [0], [0], [0]

    def rows() -> Iterator[list[Any]]:
        for (name, number, unit, group, cash_fen, goods_fen, description, actual, planned, cadres, status, notes,
             year_, campaign_name) in _pages(session, stmt):
            count[0] += 1
            cash[0] += cash_fen
            goods[0] += goods_fen
            yield [count[0], year_, campaign_name, name, _id(number, full_ids), unit or "",
                   SPRING_FESTIVAL_GROUPS.get(group, group), cash_fen, goods_fen, description or "", actual or planned,
                   cadres or "", _status(status), notes or ""]

    def totals() -> list[Any]:
        return ["合计"] + [None] * 6 + [cash[0], goods[0]] + [None] * 5

    password = new_export_password() if full_ids else None
    replaced = [0]
    write_table(path, title=title, sheet="慰问名单", columns=columns, rows=rows(), totals=totals, password=password,
                replaced=replaced, note=None if full_ids else "身份证号已脱敏。")
    _finish(session, user, path, "春节送温暖慰问名单", count[0], full_ids,
            {"campaign_id": campaign_id, "year": year, "cash_fen": cash[0], "goods_fen": goods[0]}, replaced[0])
    return ExportResult(path, count[0], full_ids, {"cash_fen": cash[0], "goods_fen": goods[0]}, password, replaced[0])
