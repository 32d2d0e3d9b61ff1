"""打印: the printed documents from the database — gather each one's data (read-only), render it (bytes out),
and for vouchers record which copies went out.

For the 打印 page (everything returns PDF bytes; long work takes ``progress(done, total)`` and
``cancelled()`` and is meant for a background operation):

- ``file_form_pdf(session, user, file_id)`` 困难职工家庭建档申请审批表 (full ID and account: the print is
  audited, like a 显示); ``scholarship_form_pdf(session, user, scholarship_id)`` 金秋助学申请审批表 (idem).
- ``signoff_pdf(session, user, campaign_id=… | round_id=…)`` 签领表; ``notice_pdf(…)`` 公示名单;
  ``statistics_pdf(session, user, year)`` 年度统计表.
- Vouchers in two steps, so a preview costs nothing and the record matches the paper:
  ``prepare_vouchers(session, user, VoucherSelection(…), per_sheet=3)`` → ``VoucherJob`` (the PDF, marked
  补打 where a copy was printed before; writes nothing but, once, the unit's signing key), then
  ``record_printed(session, user, job)`` when the job was printed or saved (one transaction; refused if
  someone printed the same vouchers in between). ``issue_vouchers`` does both (the terminal's way).
- ``verify_voucher(session, payload)`` checks a scanned QR text offline against the unit keys held here.

The ``*_data`` functions return the renderers' dataclasses, for a preview or another layout. ``user`` is
the logged-in user; ``None`` means the terminal (``assist-desktop print``), which needs no role but is
still recorded (as 命令行).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_
from sqlmodel import Session, select

from assist_desktop.domain.contact import mask_account
from assist_desktop.domain.enums import (
    DisabilityGrade,
    DisabilityType,
    ExitReason,
    MaterialKind,
    MedicalInsurance,
    ReviewOutcome,
    FileOrigin,
    FileType,
    FloorArea,
    HealthStatus,
    HousingType,
    HukouType,
    MaritalStatus,
    MemberIdentity,
    ModelWorkerType,
    PoliticalStatus,
    Relation,
    UnitNature,
    WorkStatus,
)
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.ids import Sex, mask_id_number
from assist_desktop.domain.lifecycle import Action, GrantStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.names import pinyin_key
from assist_desktop.domain.policy import PLANS, SCHOLARSHIP_LEVELS, SPRING_FESTIVAL_GROUPS
from assist_desktop.reports.base import Cancelled, Opinion, Progress, cn_date
from assist_desktop.reports.file_form import FileForm, FileFormRenderer, MemberLine
from assist_desktop.reports.notice import NoticeLine, NoticeRenderer, PublicNotice
from assist_desktop.reports.scholarship_form import InstallmentLine, ScholarshipForm, ScholarshipFormRenderer
from assist_desktop.reports.signoff import RosterLine, SignoffRenderer, SignoffSheet
from assist_desktop.reports.statistics import StatColumn, StatisticsRenderer, StatisticsSummary, StatRow, StatSection
from assist_desktop.reports.voucher import (
    KINDS,
    PayloadInvalid,
    Voucher,
    VoucherPayload,
    VoucherRenderer,
    VoucherSheet,
)
from assist_desktop.services import keys
from assist_desktop.services.approvals import describe, history
from assist_desktop.services.public_notice import CalendarUnknown, notice_period, notice_settings
from assist_desktop.services.base import NotFound, Refusal, audit, require_role, unit_of_work
from assist_desktop.services.money_seal import event_mismatch, payment_event_amounts
from assist_desktop.services.scholarships import EXCLUSIONS, INSTALLMENT_LABELS, UNFILED_KINDS
from assist_desktop.services.setup import require_initialised
from assist_desktop.domain.regions import full_region_name
from assist_desktop.storage.models import (
    AnnualReview,
    Attachment,
    AuditEvent,
    Campaign,
    Disbursement,
    Employer,
    HardshipFile,
    Installment,
    Member,
    OrgUnit,
    Scholarship,
    ScholarshipRound,
    UnfiledHousehold,
    UnitKey,
    User,
    Visit,
    VoucherPrint,
    VoucherSave,
    new_id,
)

TERMINAL = "命令行"  # who prints from ``assist-desktop print``
CHUNK = 500
LIVE_GRANTS = (GrantStatus.approved.value, GrantStatus.paid.value)
NOTICE_STATES = (GrantStatus.reviewed.value, GrantStatus.on_notice.value, GrantStatus.approved.value,
                 GrantStatus.paid.value)
PROGRAMMES = {"visit": "春节送温暖慰问金", "scholarship": "金秋助学助学金", "installment": "金秋助学助学金（分年发放）"}
KIND_LABELS = {"W": "春节送温暖慰问金", "S": "金秋助学助学金", "I": "金秋助学助学金（分年发放）"}
METHOD_LABELS = {"cash": "现金", "transfer": "转账"}
ANY_ROLE = tuple(Role)
CASEWORK_ROLES = (Role.clerk, Role.reviewer, Role.approver)


class PrintError(DomainError):
    pass


class VoucherRefused(PrintError):
    """A grant cannot get a voucher (not approved, not paid yet)."""


class VoucherInvalid(PrintError):
    """A scanned voucher payload does not verify."""


class PrintedMeanwhile(PrintError):
    """Someone printed the same vouchers after this job was prepared."""


# --- small helpers ---------------------------------------------------------------------------------------


def _label(enum_type: Any, value: str | None) -> str:
    if not value:
        return ""
    try:
        return enum_type(value).label
    except ValueError:
        return value


def _sex(value: str | None) -> str:
    return _label(Sex, value)


def _category(value: str | None) -> str:
    return _label(HardshipCategory, value)


def _cause(code: int | str | None) -> str:
    try:
        return HardshipCause(int(code)).label if code not in (None, "") else ""  # type: ignore[arg-type]
    except ValueError:
        return str(code)


def _local_date(at: datetime) -> date:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().date()


def _check_reader(session: Session, user: User | None, roles: Sequence[Role], doing: str) -> None:
    if user is not None:
        require_role(session, user, *roles, doing=doing)


def _unit_name(session: Session, unit_id: str | None) -> str:
    unit = session.get(OrgUnit, unit_id) if unit_id else None
    return unit.name if unit else ""


def _opinions(session: Session, entity_type: str, entity_id: str, grassroots: str, county: str,
              approve_text: str, *, approved_on: date | None = None, status: str = "") -> tuple[Opinion, ...]:
    """The three opinion boxes. The grassroots union's box belongs to its own chair: it is always left for
    a hand signature and the union's seal (the county clerk who entered the submission in the program is
    not the union). The county's review and approval boxes come from the workflow — the last review and
    approval since the item was last sent back (an earlier round of steps no longer stands); a step not
    yet taken leaves its box blank. An item approved (or paid) whose workflow history is missing — carried
    over from a ledger — prints its recorded approval date, the signatures left for the hand."""
    steps: dict[str, Any] = {}
    for event in history(session, entity_type, entity_id):
        if event.action == Action.return_to_draft.value:
            steps.clear()
        elif event.action in (Action.review.value, Action.approve.value):
            steps[event.action] = event

    def box(title: str, signer: str, seal: str, action: str, default: str) -> Opinion:
        event = steps.get(action)
        if event is None:
            return Opinion(title, signer, seal)
        return Opinion(title, signer, seal, event.opinion or default, event.actor_name, _local_date(event.at))

    review = box("县总工会审核意见", "审核人", county, Action.review.value, "审核通过。")
    approval = box("县总工会审批意见", "审批人", county, Action.approve.value, approve_text)
    if not steps and approved_on is not None and status in ("active", "approved", "paid", "exited"):
        approval = Opinion("县总工会审批意见", "审批人", county, approve_text, None, approved_on)
    return (Opinion("基层工会意见", "基层工会负责人", grassroots), review, approval)


def _filled_on(session: Session, entity_type: str, entity_id: str) -> date | None:
    """The day the record was made here (its first audit event: created, or imported from a ledger)."""
    first = session.exec(select(AuditEvent.at).where(AuditEvent.entity_type == entity_type,
                                                     AuditEvent.entity_id == entity_id)
                         .order_by(AuditEvent.seq).limit(1)).first()
    return _local_date(first) if first is not None else None


def _notice_text(session: Session, start: date | None, status: str) -> str:
    if start is None:
        return ""
    try:
        period = notice_period(session, start)
    except CalendarUnknown as exc:  # the form still prints; the period's end is said to be unknown
        return f"自{cn_date(start)}起公示（{exc.year}年节假日安排未录入，期满日期待定）"
    text = f"{cn_date(start)}至{cn_date(period.last_day)}公示（{period.days}个工作日）"
    return text + ("，期满无异议" if status in ("active", "approved", "paid") else "")


def _audit_print(session: Session, user: User | None, entity: Any, document: str, fields: list[str]) -> None:
    """A print of full ID numbers or accounts is a look at sensitive data: one audit event (PIPL)."""
    with unit_of_work(session, user, Refusal(type(entity).__tablename__, entity.id, "print")):
        if user is not None:
            require_role(session, user, *CASEWORK_ROLES, doing=f"打印《{document}》")
        audit(session, user, entity, "print", {"document": document, "fields": fields},
              name=None if user else TERMINAL)


# --- 困难职工家庭建档申请审批表 -------------------------------------------------------------------------------


def file_form_data(session: Session, file_id: str, *, today: date | None = None) -> FileForm:
    unit = require_initialised(session)
    hf = session.get(HardshipFile, file_id)
    if hf is None:
        raise NotFound(f"找不到该困难职工档案（编号 {file_id}）。")
    members = session.exec(select(Member).where(Member.file_id == file_id).order_by(Member.seq)).all()
    employer = session.get(Employer, hf.employer_id) if hf.employer_id else None
    grassroots = _unit_name(session, hf.unit_id)
    disability = " ".join(x for x in (_label(DisabilityType, hf.disability_type),
                                      _label(DisabilityGrade, hf.disability_grade)) if x)
    health = _label(HealthStatus, hf.health) + (f"（{hf.illness}）" if hf.illness else "")
    flags = [label for flag, label in ((hf.single_parent, "单亲家庭"), (hf.zero_employment, "零就业家庭"),
                                        (hf.is_migrant_worker, "农民工"), (hf.is_new_employment_form, "新就业形态"),
                                        (hf.exit_target, "解困脱困对象"), (not hf.self_help_ability, "无自救能力"))
             if flag]
    secondary = tuple(_cause(c) for c in (hf.secondary_causes or "").split(",") if c.strip())
    check = ""
    if hf.civil_affairs_check_date or hf.civil_affairs_check_result:
        check = f"{cn_date(hf.civil_affairs_check_date, blank='')} {hf.civil_affairs_check_result or ''}".strip()
    return FileForm(
        unit_name=unit.name, grassroots_name=grassroots, file_no=hf.file_no, printed_on=today or date.today(),
        status=hf.status, name=hf.name, sex=_sex(hf.sex), id_number=hf.id_number, birth_date=hf.birth_date,
        phone=hf.phone, address=hf.address, employer_name=hf.employer_name, ethnicity=hf.ethnicity or "",
        political_status=_label(PoliticalStatus, hf.political_status), health=health, disability=disability,
        work_status=_label(WorkStatus, hf.work_status), model_worker=_label(ModelWorkerType, hf.model_worker_type),
        marital_status=_label(MaritalStatus, hf.marital_status), hukou=_label(HukouType, hf.hukou_type),
        housing=" ".join(x for x in (_label(HousingType, hf.housing_type), _label(FloorArea, hf.floor_area)) if x),
        unit_nature=_label(UnitNature, employer.nature if employer else None),
        file_type=_label(FileType, hf.file_type), file_origin=_label(FileOrigin, hf.file_origin), flags=tuple(flags),
        members=tuple(MemberLine(m.name, _label(Relation, m.relation), _sex(m.sex), m.id_number or "", m.birth_date,
                                 _label(MemberIdentity, m.identity), _label(HealthStatus, m.health),
                                 m.monthly_income_fen, m.unit_or_school or "") for m in members),
        household_size=hf.household_size, members_pending=bool(hf.members_pending),
        worker_monthly_income_fen=hf.worker_monthly_income_fen,
        other_annual_income_fen=hf.other_annual_income_fen, household_annual_income_fen=hf.household_annual_income_fen,
        medical_expenses_fen=hf.medical_expenses_fen, schooling_expenses_fen=hf.schooling_expenses_fen,
        hardship_costs_fen=hf.hardship_costs_fen, per_capita_fen=hf.per_capita_monthly_income_fen,
        subsistence_line_fen=hf.subsistence_line_fen, category=_category(hf.category),
        category_proposed=_category(hf.category_proposed), category_override_reason=hf.category_override_reason or "",
        primary_cause=_cause(hf.primary_cause), secondary_causes=secondary, other_cause_text=hf.other_cause_text or "",
        bank_name=hf.bank_name or "", bank_branch=hf.bank_branch or "", bank_account=hf.bank_account or "",
        civil_affairs_check=check, notice=_notice_text(session, hf.notice_start, hf.status),
        opinions=_opinions(session, "hardship_file", hf.id, grassroots or unit.name, unit.name, "同意建档。",
                           approved_on=hf.opened_on, status=hf.status),
        filled_on=hf.filed_on or _filled_on(session, "hardship_file", hf.id) or hf.opened_on,
        medical_insurance=_label(MedicalInsurance, hf.medical_insurance),
        hukou_region=(f"{full_region_name(hf.hukou_region_code) or '未知区划'}（{hf.hukou_region_code}）"
                      if hf.hukou_region_code else ""),
        work_start=hf.work_start_date, postal_code=hf.postal_code or "", other_contact=hf.other_contact or "",
        filed_by=hf.filed_by_name or "", reviewed_by=hf.reviewed_by_name or "", entered_by=hf.entered_by_name or "",
        reviews=tuple(_review_line(r) for r in session.exec(
            select(AnnualReview).where(AnnualReview.file_id == hf.id).order_by(AnnualReview.review_date))),
        attachments=_attachments(session, hf.id),
        exit_date=hf.exit_date if hf.status == "exited" else None,
        exit_reason=_label(ExitReason, hf.exit_reason) if hf.status == "exited" else "",
        exit_note=(hf.exit_note or "") if hf.status == "exited" else "",
    )


def _review_line(r: AnnualReview) -> str:
    outcome = _label(ReviewOutcome, r.outcome)
    change = (f"，{_category(r.old_category)}→{_category(r.new_category)}"
              if r.new_category and r.old_category and r.new_category != r.old_category else "")
    return f"{cn_date(r.review_date)} {r.review_year}年度复核：{outcome}{change}" + (f"（{r.note}）" if r.note else "")


def _attachments(session: Session, file_id: str) -> tuple[str, ...]:
    rows = session.execute(select(Attachment.kind, Attachment.name).where(Attachment.file_id == file_id)
                           .order_by(Attachment.kind, Attachment.name)).all()  # names only, never the contents
    return tuple(f"{_label(MaterialKind, kind)}：{name}" for kind, name in rows)


def file_form_pdf(session: Session, user: User | None, file_id: str, *, today: date | None = None) -> bytes:
    """The file's approval form. It carries the full ID and account numbers, so the print is audited."""
    _check_reader(session, user, CASEWORK_ROLES, "打印档案审批表")
    data = file_form_data(session, file_id, today=today)
    pdf = FileFormRenderer().render(data)  # refuses missing data before anything is recorded
    hf = session.get(HardshipFile, file_id)
    _audit_print(session, user, hf, FileFormRenderer.document, ["身份证号", "银行卡号", "健康状况"])
    return pdf


# --- 金秋助学申请审批表 ----------------------------------------------------------------------------------


def scholarship_form_data(session: Session, scholarship_id: str, *, today: date | None = None) -> ScholarshipForm:
    unit = require_initialised(session)
    s = session.get(Scholarship, scholarship_id)
    if s is None:
        raise NotFound(f"找不到该助学申请（编号 {scholarship_id}）。")
    rnd = session.get(ScholarshipRound, s.round_id)
    parent = dict(parent_name="", parent_id_number="", household_kind="", file_no="", category="",
                  parent_employer="", grassroots_name="", phone="", address="")
    if s.file_id:
        hf = session.get(HardshipFile, s.file_id)
        if hf is not None:
            parent.update(parent_name=hf.name, parent_id_number=hf.id_number, household_kind="建档困难职工",
                          file_no=hf.file_no, category=_category(hf.category), parent_employer=hf.employer_name,
                          grassroots_name=_unit_name(session, hf.unit_id), phone=hf.phone, address=hf.address)
    elif s.unfiled_household_id:
        uh = session.get(UnfiledHousehold, s.unfiled_household_id)
        if uh is not None:
            parent.update(parent_name=uh.name, parent_id_number=uh.id_number,
                          household_kind=UNFILED_KINDS.get(uh.kind, uh.kind), parent_employer=uh.employer_name or "",
                          grassroots_name=_unit_name(session, uh.unit_id), phone=uh.phone or "", address=uh.address or "")
    exclusions = tuple((label, bool(getattr(s, flag))) for flag, label, _ in EXCLUSIONS)
    years = s.study_years if s.plan == "yearly" else 1
    # what was approved and paid, from the record: the installments made at approval, each paid on its own
    # voucher; a one-off grant's own voucher
    installments = []
    if s.plan == "yearly":
        rows = session.execute(
            select(Installment, Disbursement.paid_on, Disbursement.voucher_no)
            .join(Disbursement, and_(Disbursement.grant_type == "installment", Disbursement.grant_id == Installment.id),
                  isouter=True)
            .where(Installment.scholarship_id == s.id).order_by(Installment.year_index)).all()
        installments = [InstallmentLine(i.year_index, i.academic_year, i.amount_fen,
                                        INSTALLMENT_LABELS.get(i.status, i.status), paid_on, voucher_no or "",
                                        i.stop_reason or "") for i, paid_on, voucher_no in rows]
    paid = None if s.plan == "yearly" else session.exec(
        select(Disbursement).where(Disbursement.grant_type == "scholarship", Disbursement.grant_id == s.id)).first()
    return ScholarshipForm(
        unit_name=unit.name, application_no=s.application_no, round_name=rnd.name if rnd else "",
        printed_on=today or date.today(), status=s.status, student_name=s.student_name, student_sex=_sex(s.student_sex),
        student_id_number=s.student_id_number, student_birth_date=s.student_birth_date, school=s.school,
        education_level=SCHOLARSHIP_LEVELS.get(s.education_level, s.education_level),
        admission_year=s.admission_year, study_years=s.study_years, major=s.major or "",
        admission_notice_no=s.admission_notice_no or "", amount_fen=s.amount_fen,
        standard_amount_fen=s.standard_amount_fen, plan=PLANS.get(s.plan, s.plan), plan_years=years,
        amount_override_reason=s.amount_override_reason or "", exclusions=exclusions,
        notice=_notice_text(session, s.notice_start, s.status),
        opinions=_opinions(session, "scholarship", s.id, parent["grassroots_name"] or unit.name, unit.name,
                           "同意资助。", approved_on=s.approved_on, status=s.status),
        installments=tuple(installments), paid_fen=paid.amount_fen if paid else None,
        paid_on=paid.paid_on if paid else None, voucher_no=paid.voucher_no if paid else "",
        **parent,
    )


def scholarship_form_pdf(session: Session, user: User | None, scholarship_id: str, *,
                         today: date | None = None) -> bytes:
    _check_reader(session, user, CASEWORK_ROLES, "打印助学申请审批表")
    data = scholarship_form_data(session, scholarship_id, today=today)
    pdf = ScholarshipFormRenderer().render(data)
    _audit_print(session, user, session.get(Scholarship, scholarship_id), ScholarshipFormRenderer.document,
                 ["学生身份证号", "家长身份证号"])
    return pdf


# --- lists of a campaign or a round -----------------------------------------------------------------------


def _which(session: Session, campaign_id: str | None, round_id: str | None) -> Campaign | ScholarshipRound:
    if bool(campaign_id) == bool(round_id):
        raise PrintError("请指定一个春节送温暖活动或一个金秋助学批次（二者选一）。")
    if campaign_id:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            raise NotFound(f"找不到该春节送温暖活动（编号 {campaign_id}）。")
        return campaign
    rnd = session.get(ScholarshipRound, round_id)
    if rnd is None:
        raise NotFound(f"找不到该金秋助学批次（编号 {round_id}）。")
    return rnd


def _visit_category(v: Visit) -> str:
    return _category(v.category) if v.category else SPRING_FESTIVAL_GROUPS.get(v.group_key, v.group_key)


def _visits(session: Session, campaign_id: str, states: Sequence[str]) -> list[Visit]:
    return list(session.exec(select(Visit).where(Visit.campaign_id == campaign_id, Visit.status.in_(states))
                             .order_by(Visit.unit_name, Visit.recipient_name_sort, Visit.id)))


def _scholarships(session: Session, round_id: str, states: Sequence[str]) -> list[Scholarship]:
    return list(session.exec(select(Scholarship).where(Scholarship.round_id == round_id,
                                                       Scholarship.status.in_(states))
                             .order_by(Scholarship.school, Scholarship.student_name_sort, Scholarship.id)))


def _tail(account: str | None) -> str:
    return account[-4:] if account else ""


def _roster_order(lines: list[tuple[str, RosterLine]]) -> list[RosterLine]:
    """By union, then by the pinyin of the name (as a caseworker looks a name up on the sheet)."""
    return [line for _key, line in sorted(lines, key=lambda kl: (kl[0], pinyin_key(kl[1].name), kl[1].masked_id))]


def signoff_data(session: Session, *, campaign_id: str | None = None, round_id: str | None = None,
                 today: date | None = None, academic_year: int | None = None) -> SignoffSheet:
    """Every payment of the campaign or round, to be signed for: the grants approved or paid — for a round
    its one-off grants and each installment of its yearly plans (``academic_year``: only the payments of that
    school year, a round's later batches) — with voucher number and how paid (blank while not yet paid),
    by union and pinyin of the name."""
    unit = require_initialised(session)
    which = _which(session, campaign_id, round_id)
    today = today or date.today()
    if isinstance(which, Campaign):
        rows = session.execute(
            select(Visit, Disbursement, HardshipFile.phone, UnfiledHousehold.phone)
            .join(Disbursement, and_(Disbursement.grant_type == "visit", Disbursement.grant_id == Visit.id),
                  isouter=True)
            .join(HardshipFile, HardshipFile.id == Visit.file_id, isouter=True)
            .join(UnfiledHousehold, UnfiledHousehold.id == Visit.unfiled_household_id, isouter=True)
            .where(Visit.campaign_id == which.id, Visit.status.in_(LIVE_GRANTS))).all()
        goods = sorted({v.goods_description for v, *_ in rows if v.goods_fen and v.goods_description})
        lines = [(v.unit_name or "", RosterLine(
            v.recipient_name, v.unit_name or "", _visit_category(v), mask_id_number(v.recipient_id_number), v.cash_fen,
            v.goods_fen, d.voucher_no if d else "", METHOD_LABELS.get(d.method, d.method) if d else "",
            _tail(d.bank_account) if d else "", phone or other or "")) for v, d, phone, other in rows]
        note = f"慰问品：{'；'.join(goods)}（按标准折价）" if goods else ""
        return SignoffSheet(unit.name, f"{which.name}慰问金（品）签领表", _roster_order(lines), today, note=note)
    grassroots = {u.id: u.name for u in session.exec(select(OrgUnit))}
    household = (select(Scholarship, HardshipFile.unit_id, HardshipFile.phone, UnfiledHousehold.unit_id,
                        UnfiledHousehold.phone)
                 .join(HardshipFile, HardshipFile.id == Scholarship.file_id, isouter=True)
                 .join(UnfiledHousehold, UnfiledHousehold.id == Scholarship.unfiled_household_id, isouter=True))
    lines: list[tuple[str, RosterLine]] = []

    def line(s: Scholarship, unit_id: str | None, phone: str | None, amount: int, category: str,
             d: Disbursement | None) -> tuple[str, RosterLine]:
        union = grassroots.get(unit_id or "", "")
        return union, RosterLine(s.student_name, union or s.school, category, mask_id_number(s.student_id_number),
                                 amount, 0, d.voucher_no if d else "", METHOD_LABELS.get(d.method, d.method) if d else "",
                                 _tail(d.bank_account) if d else "", phone or "")

    level = lambda s: SCHOLARSHIP_LEVELS.get(s.education_level, s.education_level)  # noqa: E731
    if academic_year is None or academic_year == which.year:
        for s, fu, fp, uu, up, d in session.execute(
                household.add_columns(Disbursement)
                .join(Disbursement, and_(Disbursement.grant_type == "scholarship",
                                         Disbursement.grant_id == Scholarship.id), isouter=True)
                .where(Scholarship.round_id == which.id, Scholarship.plan != "yearly",
                       Scholarship.status.in_(LIVE_GRANTS))).all():
            lines.append(line(s, fu or uu, fp or up, s.amount_fen, level(s), d))
    stmt = (household.add_columns(Installment, Disbursement)
            .join(Installment, Installment.scholarship_id == Scholarship.id)
            .join(Disbursement, and_(Disbursement.grant_type == "installment", Disbursement.grant_id == Installment.id),
                  isouter=True)
            .where(Scholarship.round_id == which.id, Scholarship.status.in_(LIVE_GRANTS),
                   Installment.status.in_(("released", "paid"))))  # checked for the year, or paid
    if academic_year is not None:
        stmt = stmt.where(Installment.academic_year == academic_year)
    for s, fu, fp, uu, up, inst, d in session.execute(stmt).all():
        lines.append(line(s, fu or uu, fp or up, inst.amount_fen, f"{level(s)}（第{inst.year_index}学年）", d))
    title = f"{which.name}助学金签领表" + (f"（{academic_year}—{academic_year + 1}学年发放）"
                                          if academic_year and academic_year != which.year else "")
    return SignoffSheet(unit.name, title, _roster_order(lines), today, cash_label="助学金", goods_label=None,
                        unit_label="所属工会", category_label="学历层次", who="人")


def signoff_pdf(session: Session, user: User | None, *, campaign_id: str | None = None, round_id: str | None = None,
                today: date | None = None, progress: Progress | None = None,
                cancelled: Cancelled | None = None, academic_year: int | None = None) -> bytes:
    _check_reader(session, user, ANY_ROLE, "打印签领表")
    data = signoff_data(session, campaign_id=campaign_id, round_id=round_id, today=today, academic_year=academic_year)
    return SignoffRenderer().render(data, progress=progress, cancelled=cancelled)


def notice_data(session: Session, *, campaign_id: str | None = None, round_id: str | None = None,
                notice_start: date | None = None, today: date | None = None,
                states: Sequence[str] = NOTICE_STATES) -> PublicNotice:
    """The public notice of a campaign's or a round's grants from review on: name, unit, category and amount,
    the ID masked; nothing else of the household is read."""
    unit = require_initialised(session)
    which = _which(session, campaign_id, round_id)
    today = today or date.today()
    start = notice_start or today
    notice = notice_period(session, start)  # a year not yet known is refused (CalendarUnknown), never guessed
    period = f"公示期为{cn_date(start)}至{cn_date(notice.last_day)}（{notice.days}个工作日）"
    objection = f"如有异议，请在公示期内向{unit.name}反映。"
    settings = notice_settings(session)
    contact = dict(contact_phone=settings.supervision_phone, contact_person=settings.contact_person)
    if isinstance(which, Campaign):
        visits = _visits(session, which.id, states)
        lines = [NoticeLine(v.recipient_name, v.unit_name or "", _visit_category(v),
                            mask_id_number(v.recipient_id_number), v.cash_fen + v.goods_fen) for v in visits]
        intro = (f"\u3000\u3000根据{which.name}安排，经基层工会推荐、县总工会审核，拟对以下{len(lines)}户困难职工家庭走访慰问"
                 f"（慰问金额含慰问品折价），现予公示。{period}。{objection}")
        return PublicNotice(unit.name, f"{which.name}慰问对象公示名单", lines, today, intro=intro,
                            amount_label="慰问金额", who="户", **contact)
    apps = _scholarships(session, which.id, states)
    recorded = {s.notice_start for s in apps if s.notice_start is not None}
    if len(recorded) == 1 and recorded != {start}:  # the notice as it was posted, not as the print day says
        start = recorded.pop()
        notice = notice_period(session, start)
        period = f"公示期为{cn_date(start)}至{cn_date(notice.last_day)}（{notice.days}个工作日）"
    lines = [NoticeLine(s.student_name, s.school, SCHOLARSHIP_LEVELS.get(s.education_level, s.education_level),
                        mask_id_number(s.student_id_number), s.amount_fen) for s in apps]
    intro = (f"\u3000\u3000经个人申请、基层工会审核、县总工会复核，拟对以下{len(lines)}名困难职工子女给予{which.name}资助"
             f"（按年发放的为每学年金额），现予公示。{period}。{objection}")
    return PublicNotice(unit.name, f"{which.name}拟资助学生公示名单", lines, today, intro=intro,
                        amount_label="资助金额", unit_label="就读学校", category_label="学历层次", who="人", **contact)


def file_notice_data(session: Session, *, notice_start: date | None = None, today: date | None = None) -> PublicNotice:
    """The public notice of new hardship files: the files on notice (or reviewed, about to go on it), by
    union and pinyin — name, grassroots union, category and the masked ID; nothing else of the household.
    The period is the one recorded (the files' notice start, when they share one), else ``notice_start``
    (or today) for a notice about to be posted."""
    unit = require_initialised(session)
    today = today or date.today()
    files = session.execute(
        select(HardshipFile.name, HardshipFile.id_number, HardshipFile.category, HardshipFile.notice_start,
               OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == HardshipFile.unit_id, isouter=True)
        .where(HardshipFile.owner_unit_id == unit.id,
               HardshipFile.status.in_(("reviewed", "on_notice")))).all()
    if not files:
        raise PrintError("没有待公示的新建档案（已审核或公示中的档案才列入建档公示名单）。")
    starts = {start for *_, start, _union in files if start is not None}
    start = starts.pop() if len(starts) == 1 else notice_start or today  # the recorded start wins
    notice = notice_period(session, start)
    lines = sorted(((union or "", NoticeLine(name, union or "", _category(category), mask_id_number(number), 0))
                    for name, number, category, _start, union in files),
                   key=lambda kl: (kl[0], pinyin_key(kl[1].name)))
    intro = (f"\u3000\u3000经职工本人申请、基层工会入户调查、{unit.name}审核，拟将以下{len(lines)}户职工家庭纳入困难职工档案管理，"
             f"现予公示。公示期为{cn_date(start)}至{cn_date(notice.last_day)}（{notice.days}个工作日）。"
             f"如有异议，请在公示期内向{unit.name}反映。")
    settings = notice_settings(session)
    return PublicNotice(unit.name, f"{unit.name}困难职工建档对象公示名单", [line for _u, line in lines], today,
                        intro=intro, contact_phone=settings.supervision_phone, contact_person=settings.contact_person,
                        unit_label="所属基层工会", category_label="困难类别", who="户")


def notice_pdf(session: Session, user: User | None, *, campaign_id: str | None = None, round_id: str | None = None,
               notice_start: date | None = None, today: date | None = None, progress: Progress | None = None,
               cancelled: Cancelled | None = None, files: bool = False) -> bytes:
    """A campaign's or a round's notice list, or with ``files`` the notice of new hardship files."""
    _check_reader(session, user, ANY_ROLE, "打印公示名单")
    if files:
        data = file_notice_data(session, notice_start=notice_start, today=today)
    else:
        data = notice_data(session, campaign_id=campaign_id, round_id=round_id, notice_start=notice_start,
                           today=today)
    return NoticeRenderer().render(data, progress=progress, cancelled=cancelled)


# --- 年度统计表 ----------------------------------------------------------------------------------------------


def statistics_data(session: Session, year: int, *, today: date | None = None) -> StatisticsSummary:
    unit = require_initialised(session)
    today = today or date.today()
    # a past year is counted as of its last day (在档户数 then, not today); this year as of today
    as_of = min(today, date(year, 12, 31))
    categories = [c.value for c in HardshipCategory]
    live = session.execute(select(HardshipFile.category, func.count()).where(
        or_(HardshipFile.opened_on <= as_of, and_(HardshipFile.opened_on.is_(None), HardshipFile.status == "active")),
        or_(HardshipFile.status == "active", and_(HardshipFile.status == "exited", HardshipFile.exit_date > as_of)))
        .group_by(HardshipFile.category)).all()
    opened = session.execute(select(HardshipFile.category, func.count()).where(
        HardshipFile.opened_on >= date(year, 1, 1), HardshipFile.opened_on <= date(year, 12, 31))
        .group_by(HardshipFile.category)).all()
    exited = session.execute(select(HardshipFile.category, func.count()).where(
        HardshipFile.status == "exited", HardshipFile.exit_date >= date(year, 1, 1),
        HardshipFile.exit_date <= date(year, 12, 31)).group_by(HardshipFile.category)).all()
    by = [dict(rows) for rows in (live, opened, exited)]
    file_columns = (StatColumn("在档户数"), StatColumn("本年新建档"), StatColumn("本年撤档"))
    files = StatSection("一、困难职工档案", "困难类别", file_columns,
                        tuple(StatRow(_category(c), tuple(d.get(c, 0) for d in by)) for c in categories),
                        note=f"在档户数为截至{cn_date(as_of)}的数目（按现困难类别）；新建档按审批建档日期、撤档按撤档日期计入。")

    visits = session.execute(
        select(Visit.group_key, func.count(), func.sum(Visit.cash_fen), func.sum(Visit.goods_fen))
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .where(Campaign.year == year, Visit.status.in_(LIVE_GRANTS)).group_by(Visit.group_key)).all()
    # int(): a server's sum of BIGINT fen is NUMERIC (Decimal); the form takes integer fen
    got = {k: (n, int(cash or 0), int(goods or 0)) for k, n, cash, goods in visits}
    keys_order = [k for k in SPRING_FESTIVAL_GROUPS if k in got] + sorted(set(got) - set(SPRING_FESTIVAL_GROUPS))
    spring = StatSection(f"二、{year}年春节送温暖", "慰问对象", (StatColumn("户数"), StatColumn("慰问金", True),
                                                           StatColumn("慰问品折价", True), StatColumn("合计", True)),
                         tuple(StatRow(SPRING_FESTIVAL_GROUPS.get(k, k),
                                       (got[k][0], got[k][1], got[k][2], got[k][1] + got[k][2])) for k in keys_order),
                         note="已审批和已发放的走访慰问。")

    apps = session.execute(
        select(Scholarship.education_level, Scholarship.file_id.is_not(None), func.count(),
               func.sum(Scholarship.amount_fen))
        .join(ScholarshipRound, ScholarshipRound.id == Scholarship.round_id)
        .where(ScholarshipRound.year == year, Scholarship.status.in_(LIVE_GRANTS))
        .group_by(Scholarship.education_level, Scholarship.file_id.is_not(None))).all()
    got_s = {(level, bool(filed)): (n, int(amount or 0)) for level, filed, n, amount in apps}
    rows = []
    for level, label in SCHOLARSHIP_LEVELS.items():
        for filed in (True, False):
            if (level, filed) in got_s:
                n, amount = got_s[(level, filed)]
                rows.append(StatRow(f"{label}（{'建档' if filed else '未建档'}）", (n, amount)))
    scholarship = StatSection(f"三、{year}年金秋助学", "学历层次", (StatColumn("人数"), StatColumn("资助金额", True)),
                              tuple(rows), note="已审批和已发放的申请；按年发放的计第一学年金额。")

    paid = session.execute(
        select(Disbursement.grant_type, func.count(), func.sum(Disbursement.amount_fen))
        .where(Disbursement.paid_on >= date(year, 1, 1), Disbursement.paid_on <= date(year, 12, 31))
        .group_by(Disbursement.grant_type)).all()
    got_p = {t: (n, int(amount or 0)) for t, n, amount in paid}
    payments = StatSection(f"四、{year}年资金发放（按发放日期）", "资金项目", (StatColumn("笔数"), StatColumn("金额", True)),
                           tuple(StatRow(PROGRAMMES[t], got_p[t]) for t in PROGRAMMES if t in got_p),
                           note="以发放凭证为准。")
    return StatisticsSummary(unit.name, year, today, (files, spring, scholarship, payments), as_of=as_of)


def statistics_pdf(session: Session, user: User | None, year: int, *, today: date | None = None) -> bytes:
    _check_reader(session, user, ANY_ROLE, "打印统计表")
    return StatisticsRenderer().render(statistics_data(session, year, today=today))


# --- 发放凭证 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherSelection:
    """Which vouchers: every voucher of a campaign or a round, or chosen grants ((grant type, id): visit,
    scholarship, installment), or chosen disbursements. Exactly one of the four."""

    campaign_id: str | None = None
    round_id: str | None = None
    grants: tuple[tuple[str, str], ...] = ()
    disbursement_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class VoucherItem:
    disbursement_id: str
    voucher_no: str
    copy_no: int  # 1: the first print; 2 and more: 补打


@dataclass(frozen=True)
class VoucherJob:
    """A rendered batch of vouchers. ``pdf`` is what to preview, print or save; ``record_printed`` records it."""

    pdf: bytes
    items: tuple[VoucherItem, ...]
    per_sheet: int
    batch_id: str
    not_yet_paid: tuple[str, ...] = ()  # approved grants of the campaign/round without a voucher yet
    recorded: bool = False  # printed on paper and recorded (a second paper print needs a new job: 补打)
    saves: int = 0  # times saved as a PDF file (recorded apart; the copy numbers stay)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def first_prints(self) -> int:
        return sum(1 for i in self.items if i.copy_no == 1)

    @property
    def reprints(self) -> int:
        return sum(1 for i in self.items if i.copy_no > 1)

    @property
    def sheets(self) -> int:
        return -(-len(self.items) // self.per_sheet)


@dataclass
class _Row:
    d: Disbursement
    activity: str


def _grant_state(session: Session, grant_type: str, grant_id: str) -> tuple[str, str, str]:
    """(status, description, activity) of a grant, for refusals and the voucher's activity line."""
    if grant_type == "visit":
        v = session.get(Visit, grant_id)
        if v is None:
            raise NotFound(f"找不到该走访慰问记录（编号 {grant_id}）。")
        c = session.get(Campaign, v.campaign_id)
        return v.status, describe(v), c.name if c else ""
    if grant_type == "scholarship":
        s = session.get(Scholarship, grant_id)
        if s is None:
            raise NotFound(f"找不到该助学申请（编号 {grant_id}）。")
        r = session.get(ScholarshipRound, s.round_id)
        return s.status, describe(s), r.name if r else ""
    if grant_type == "installment":
        inst = session.get(Installment, grant_id)
        if inst is None:
            raise NotFound(f"找不到该分年发放记录（编号 {grant_id}）。")
        s = session.get(Scholarship, inst.scholarship_id)
        assert s is not None
        r = session.get(ScholarshipRound, s.round_id)
        status = s.status if s.status not in LIVE_GRANTS else (GrantStatus.paid.value if inst.status == "paid"
                                                               else GrantStatus.approved.value)
        return status, f"{describe(s)}第{inst.year_index}学年", f"{r.name if r else ''}（第{inst.year_index}学年）"
    raise PrintError(f"未知的发放类型“{grant_type}”。")


def _refuse_unless_live(status: str, what: str) -> None:
    if status not in LIVE_GRANTS:
        try:
            label = GrantStatus(status).label
        except ValueError:
            label = status
        raise VoucherRefused(f"{what}当前为“{label}”，未审批的事项不能出具发放凭证。")


def _rows_of_campaign(session: Session, campaign: Campaign) -> tuple[list[_Row], list[str]]:
    rows = [_Row(d, campaign.name) for d in session.exec(
        select(Disbursement).join(Visit, and_(Disbursement.grant_type == "visit", Disbursement.grant_id == Visit.id))
        .where(Visit.campaign_id == campaign.id, Visit.status.in_(LIVE_GRANTS)).order_by(Disbursement.voucher_no))]
    waiting = session.exec(select(Visit).where(Visit.campaign_id == campaign.id,
                                               Visit.status == GrantStatus.approved.value, Visit.cash_fen > 0)).all()
    return rows, [describe(v) for v in waiting]


def _rows_of_round(session: Session, rnd: ScholarshipRound) -> tuple[list[_Row], list[str]]:
    one_off = session.exec(
        select(Disbursement).join(Scholarship, and_(Disbursement.grant_type == "scholarship",
                                                    Disbursement.grant_id == Scholarship.id))
        .where(Scholarship.round_id == rnd.id, Scholarship.status.in_(LIVE_GRANTS))).all()
    yearly = session.execute(
        select(Disbursement, Installment.year_index)
        .join(Installment, and_(Disbursement.grant_type == "installment", Disbursement.grant_id == Installment.id))
        .join(Scholarship, Scholarship.id == Installment.scholarship_id)
        .where(Scholarship.round_id == rnd.id, Scholarship.status.in_(LIVE_GRANTS))).all()
    rows = [_Row(d, rnd.name) for d in one_off] + [_Row(d, f"{rnd.name}（第{i}学年）") for d, i in yearly]
    rows.sort(key=lambda r: r.d.voucher_no)
    waiting = session.exec(select(Scholarship).where(Scholarship.round_id == rnd.id, Scholarship.plan == "one_off",
                                                     Scholarship.status == GrantStatus.approved.value)).all()
    released = session.exec(select(Scholarship).join(Installment, Installment.scholarship_id == Scholarship.id)
                            .where(Scholarship.round_id == rnd.id, Installment.status == "released")).all()
    return rows, [describe(s) for s in waiting] + [f"{describe(s)}（已核查待发放）" for s in released]


def _rows_of_grants(session: Session, grants: Sequence[tuple[str, str]]) -> list[_Row]:
    rows = []
    for index, (grant_type, grant_id) in enumerate(grants, start=1):
        status, what, activity = _grant_state(session, grant_type, grant_id)
        prefix = f"第{index}项 " if len(grants) > 1 else ""
        _refuse_unless_live(status, prefix + what)
        found = session.exec(select(Disbursement).where(Disbursement.grant_type == grant_type,
                                                        Disbursement.grant_id == grant_id)).all()
        if grant_type == "scholarship" and not found:  # a yearly plan is paid year by year: its installments
            yearly = session.execute(
                select(Disbursement, Installment.year_index)
                .join(Installment, and_(Disbursement.grant_type == "installment",
                                        Disbursement.grant_id == Installment.id))
                .where(Installment.scholarship_id == grant_id).order_by(Installment.year_index)).all()
            rows += [_Row(d, f"{activity}（第{i}学年）") for d, i in yearly]
            if yearly:
                continue
        if not found:
            raise VoucherRefused(f"{prefix}{what}已审批，但尚未登记发放，还没有凭证号：请先在“发放”中登记发放，再打印凭证。")
        rows += [_Row(d, activity) for d in found]
    return rows


def _rows_of_disbursements(session: Session, ids: Sequence[str]) -> list[_Row]:
    rows = []
    for index, disbursement_id in enumerate(ids, start=1):
        d = session.get(Disbursement, disbursement_id)
        if d is None:
            raise NotFound(f"第{index}项：找不到该发放记录（编号 {disbursement_id}）。")
        status, what, activity = _grant_state(session, d.grant_type, d.grant_id)
        _refuse_unless_live(status, f"凭证 {d.voucher_no}（{what}）")
        rows.append(_Row(d, activity))
    return rows


def _prints_so_far(session: Session, disbursement_ids: Sequence[str]) -> dict[str, int]:
    ids, found = list(disbursement_ids), {}
    for start in range(0, len(ids), CHUNK):
        found.update(session.execute(
            select(VoucherPrint.disbursement_id, func.max(VoucherPrint.copy_no))
            .where(VoucherPrint.disbursement_id.in_(ids[start:start + CHUNK]))
            .group_by(VoucherPrint.disbursement_id)).all())
    return found


def _signing_key(session: Session, user: User | None) -> tuple[UnitKey, Any]:
    unit = require_initialised(session)
    key = keys.current_key(session, unit.id)
    if key is None:  # a database set up before vouchers were signed: make the unit's key once
        with unit_of_work(session, user):
            key = keys.ensure_signing_key(session, unit.id, actor=user)
    return key, keys.private_key(key)


_APPROVED = {"visit": (Visit, "cash_fen"), "scholarship": (Scholarship, "amount_fen"),
             "installment": (Installment, "amount_fen")}


def _refuse_changed_amounts(session: Session, rows: Sequence[_Row]) -> None:
    """A voucher is signed only for the amount approved and paid: the grant's frozen amount and the payment's
    audit event must both agree with the payment row. One that was changed behind the program's back
    (sqlite3) is refused naming the voucher — never signed again with the new amount."""
    by_type: dict[str, list[str]] = {}
    for r in rows:
        by_type.setdefault(r.d.grant_type, []).append(r.d.grant_id)
    approved: dict[str, int] = {}
    for grant_type, ids in by_type.items():
        model, column = _APPROVED.get(grant_type, (None, ""))
        if model is None:
            continue
        for start in range(0, len(ids), CHUNK):
            approved.update(session.execute(select(model.id, getattr(model, column))  # type: ignore[attr-defined]
                                            .where(model.id.in_(ids[start:start + CHUNK]))).all())  # type: ignore[attr-defined]
    events = payment_event_amounts(session, [r.d.id for r in rows])
    for r in rows:
        d = r.d
        expected = approved.get(d.grant_id)
        if expected is not None and expected != d.amount_fen:
            raise VoucherRefused(f"发放凭证 {d.voucher_no}（{d.recipient_name}）的金额 {format_amount(d.amount_fen)} 元与审批的 "
                                 f"{format_amount(expected)} 元不符，不能签发凭证：发放记录在程序之外被改动过，请核查"
                                 "（assist-desktop check）。")
        said = events.get(d.id)
        wrong = event_mismatch(d, said) if said is not None else None
        if wrong:
            raise VoucherRefused(f"发放凭证 {d.voucher_no} 与审计日志中的发放记录不符（{wrong}），不能签发凭证："
                                 "发放记录在程序之外被改动过，请核查（assist-desktop check）。")


def _payload(key_id: str, private: Any, d: Disbursement) -> str:
    payload = VoucherPayload(key_id, d.voucher_no, KINDS[d.grant_type], d.recipient_name,
                             mask_id_number(d.recipient_id_number), d.amount_fen, d.paid_on)
    return replace(payload, signature=private.sign(payload.message())).text()


def _minors(session: Session, disbursements: Sequence[Disbursement]) -> set[str]:
    """The disbursements paid to a student under 18 on the day paid (the guardian signs the voucher too)."""
    scholarship_of: dict[str, str] = {}
    one_off = [d.grant_id for d in disbursements if d.grant_type == "scholarship"]
    yearly = [d.grant_id for d in disbursements if d.grant_type == "installment"]
    scholarship_of.update({i: i for i in one_off})
    for start in range(0, len(yearly), CHUNK):
        scholarship_of.update(session.execute(select(Installment.id, Installment.scholarship_id)
                                              .where(Installment.id.in_(yearly[start:start + CHUNK]))).all())
    ids = sorted(set(scholarship_of.values()))
    born: dict[str, date] = {}
    for start in range(0, len(ids), CHUNK):
        born.update(session.execute(select(Scholarship.id, Scholarship.student_birth_date)
                                    .where(Scholarship.id.in_(ids[start:start + CHUNK]))).all())
    minors = set()
    for d in disbursements:
        birth = born.get(scholarship_of.get(d.grant_id, ""))
        if birth is not None and _age_on(birth, d.paid_on) < 18:
            minors.add(d.id)
    return minors


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def voucher_sheet_data(session: Session, user: User | None, selection: VoucherSelection, *,
                       per_sheet: int = 3, counterfoil: bool = False,
                       ) -> tuple[VoucherSheet, tuple[VoucherItem, ...], tuple[str, ...]]:
    """The vouchers of a selection with their signed payloads and copy numbers (read-only but for the
    unit's signing key, made once if missing): the sheet to render, one item per voucher, and the approved
    grants of a campaign or round still waiting for payment (they have no voucher number yet)."""
    _check_reader(session, user, ANY_ROLE, "打印发放凭证")
    chosen = [bool(selection.campaign_id), bool(selection.round_id), bool(selection.grants),
              bool(selection.disbursement_ids)]
    if sum(chosen) != 1:
        raise PrintError("请选择要打印的凭证：一个活动、一个批次，或所选的事项（只能选一种）。")
    key, private = _signing_key(session, user)
    unit = require_initialised(session)
    waiting: list[str] = []
    if selection.campaign_id or selection.round_id:
        which = _which(session, selection.campaign_id, selection.round_id)
        rows, waiting = (_rows_of_campaign(session, which) if isinstance(which, Campaign)
                         else _rows_of_round(session, which))
        if not rows:
            extra = f"另有{len(waiting)}项已审批但尚未登记发放。" if waiting else ""
            raise VoucherRefused(f"“{which.name}”还没有已发放的事项，没有可打印的发放凭证。{extra}")
    elif selection.grants:
        rows = _rows_of_grants(session, selection.grants)
    else:
        rows = _rows_of_disbursements(session, selection.disbursement_ids)
    seen: set[str] = set()
    rows = [r for r in rows if not (r.d.id in seen or seen.add(r.d.id))]  # type: ignore[func-returns-value]
    _refuse_changed_amounts(session, rows)
    printed = _prints_so_far(session, [r.d.id for r in rows])
    minors = _minors(session, [r.d for r in rows])
    vouchers, items = [], []
    for r in rows:
        d = r.d
        copy_no = printed.get(d.id, 0) + 1
        vouchers.append(Voucher(
            voucher_no=d.voucher_no, programme=PROGRAMMES[d.grant_type], activity=r.activity,
            recipient_name=d.recipient_name, masked_id=mask_id_number(d.recipient_id_number), amount_fen=d.amount_fen,
            paid_on=d.paid_on, method=METHOD_LABELS.get(d.method, d.method),
            account=mask_account(d.bank_account) if d.bank_account else "",
            payload=_payload(key.key_id, private, d), copy_no=copy_no, guardian=d.id in minors))
        items.append(VoucherItem(d.id, d.voucher_no, copy_no))
    return VoucherSheet(unit.name, vouchers, per_sheet, counterfoil), tuple(items), tuple(waiting)


def prepare_vouchers(session: Session, user: User | None, selection: VoucherSelection, *, per_sheet: int = 3,
                     progress: Progress | None = None, cancelled: Cancelled | None = None,
                     counterfoil: bool = False) -> VoucherJob:
    """Render the selected vouchers into one PDF; nothing is recorded (see ``record_printed``). A copy
    printed before is marked 补打 with its copy number. ``counterfoil``: each with its 存根联 (two to an A4
    sheet). Refused, naming the item, when a chosen grant is not approved or not yet paid (it has no
    voucher number)."""
    if counterfoil:
        per_sheet = 2
    sheet, items, waiting = voucher_sheet_data(session, user, selection, per_sheet=per_sheet, counterfoil=counterfoil)
    pdf = VoucherRenderer().render(sheet, progress=progress, cancelled=cancelled)
    return VoucherJob(pdf, items, per_sheet, new_id(), waiting)


def _refuse_if_printed_meanwhile(session: Session, job: VoucherJob) -> None:
    """The job's copy numbers (its 补打 marks) must still be right: nobody printed these vouchers since."""
    now = _prints_so_far(session, [i.disbursement_id for i in job.items])
    for item in job.items:
        if now.get(item.disbursement_id, 0) != item.copy_no - 1:
            copies = now.get(item.disbursement_id, 0)
            raise PrintedMeanwhile(f"凭证 {item.voucher_no} 在生成后已被打印（现已打印{copies}次），"
                                   "请重新生成这批凭证再打印，以免补打标记有误。")


def record_printed(session: Session, user: User | None, job: VoucherJob, *, at: datetime | None = None,
                   pages: tuple[int, int] | None = None) -> VoucherJob:
    """Record that the job's vouchers were printed on paper — those on ``pages`` (first, last; 1-based) when
    only a page range was printed: one row per copy and one audit event, in one transaction. Refused, writing
    nothing, if any of them was printed by someone else after the job was prepared (its 补打 mark would be
    wrong): prepare it again."""
    if job.recorded:
        raise PrintError("这批凭证已登记过打印，不能重复登记。")
    if pages is not None:
        first, last = pages
        job = replace(job, items=job.items[(first - 1) * job.per_sheet:last * job.per_sheet])
        if not job.items:
            raise PrintError(f"第{first}至{last}页没有凭证。")
    at = at or datetime.now(UTC)
    name = user.display_name if user else TERMINAL
    with unit_of_work(session, user, Refusal("disbursement", None, "print_vouchers")):
        if user is not None:
            require_role(session, user, Role.clerk, doing="打印发放凭证")
        _refuse_if_printed_meanwhile(session, job)
        rows = [dict(id=new_id(), disbursement_id=i.disbursement_id, copy_no=i.copy_no, batch_id=job.batch_id,
                     printed_at=at, printed_by=user.id if user else None, printed_by_name=name) for i in job.items]
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(VoucherPrint), rows[start:start + CHUNK])
        numbers = [i.voucher_no for i in job.items]
        audit(session, user, None, "print_vouchers", {
            "batch_id": job.batch_id, "count": len(numbers), "first": numbers[0] if numbers else None,
            "last": numbers[-1] if numbers else None, "first_prints": job.first_prints,
            "reprints": [f"{i.voucher_no}#{i.copy_no}" for i in job.items if i.copy_no > 1]},
              entity_type="disbursement", entity_id=job.items[0].disbursement_id if len(job.items) == 1 else None,
              name=name)
    return replace(job, recorded=True)


def record_saved(session: Session, user: User | None, job: VoucherJob, *, file_name: str = "",
                 at: datetime | None = None) -> VoucherJob:
    """Record that the job was saved as a PDF file: an electronic copy, not paper. One row per voucher and
    one audit event, in one transaction; the paper copies' count is left alone, so the first paper print
    after a save is the original, not 补打."""
    at = at or datetime.now(UTC)
    name = user.display_name if user else TERMINAL
    with unit_of_work(session, user, Refusal("disbursement", None, "save_vouchers")):
        if user is not None:
            require_role(session, user, Role.clerk, doing="保存发放凭证")
        _refuse_if_printed_meanwhile(session, job)  # the saved file carries the same 补打 marks
        rows = [dict(id=new_id(), disbursement_id=i.disbursement_id, copy_no=i.copy_no, batch_id=job.batch_id,
                     saved_at=at, saved_by=user.id if user else None, saved_by_name=name) for i in job.items]
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(VoucherSave), rows[start:start + CHUNK])
        numbers = [i.voucher_no for i in job.items]
        audit(session, user, None, "save_vouchers_pdf", {
            "batch_id": job.batch_id, "count": len(numbers), "first": numbers[0] if numbers else None,
            "last": numbers[-1] if numbers else None, "file": file_name or None},
              entity_type="disbursement", entity_id=job.items[0].disbursement_id if len(job.items) == 1 else None,
              name=name)
    return replace(job, saves=job.saves + 1)


def issue_vouchers(session: Session, user: User | None, selection: VoucherSelection, *, per_sheet: int = 3,
                   progress: Progress | None = None, cancelled: Cancelled | None = None,
                   medium: str = "paper", file_name: str = "", counterfoil: bool = False) -> VoucherJob:
    """Render and record in one go (the terminal): ``medium`` "paper" (sent to a printer: copies counted,
    补打 from the second) or "pdf" (saved to a file: recorded apart)."""
    job = prepare_vouchers(session, user, selection, per_sheet=per_sheet, progress=progress, cancelled=cancelled,
                           counterfoil=counterfoil)
    if medium == "pdf":
        return record_saved(session, user, job, file_name=file_name)
    return record_printed(session, user, job)


def voucher_print_counts(session: Session, disbursement_ids: Iterable[str]) -> dict[str, int]:
    """How many copies of each voucher have been printed (absent: never)."""
    return _prints_so_far(session, list(disbursement_ids))


# --- verification ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherCertificate:
    """What a verified QR code certifies, and how it compares with this database's record."""

    voucher_no: str
    unit_code: str
    unit_name: str  # whose key signed it
    programme: str
    recipient_name: str
    masked_id: str
    amount_fen: int
    paid_on: date
    key_id: str
    key_retired: bool
    on_record: bool | None  # None: this database does not hold the voucher (another unit's)
    remarks: tuple[str, ...] = field(default_factory=tuple)

    def lines(self) -> list[str]:
        from assist_desktop.domain.money import amount_in_words

        out = ["验证通过：二维码由签发单位的密钥签名，内容未被改动。",
               f"签发单位：{self.unit_name}（{self.unit_code}）",
               f"凭证号：{self.voucher_no}", f"资金项目：{self.programme}",
               f"领款人：{self.recipient_name}（身份证号 {self.masked_id}）",
               f"金额：¥{format_amount(self.amount_fen)}（人民币{amount_in_words(self.amount_fen)}）",
               f"发放日期：{cn_date(self.paid_on)}",
               f"签名密钥：{self.key_id}" + ("（已停用的旧密钥，仍可验证其签发的凭证）" if self.key_retired else "")]
        return out + list(self.remarks)


def verify_voucher(session: Session, payload: str) -> VoucherCertificate:
    """Check a scanned voucher payload offline against the unit keys held here (old ones too). A changed
    amount, serial or recipient, a payload from elsewhere or a damaged one is refused (VoucherInvalid)."""
    try:
        parsed, message = VoucherPayload.parse(payload)
    except PayloadInvalid as exc:
        raise VoucherInvalid(exc.message, field="二维码内容") from None
    if parsed.text() != payload.strip():
        # the same fields written another way — a signature or name whose base32 ends in set unused bits, an
        # amount with a leading zero: no voucher of this program reads so; refused as altered
        raise VoucherInvalid("验证失败：二维码内容与签名不符，凭证号、金额或领款人等内容已被改动，或二维码不是本系统出具的。"
                             "请勿据此凭证付款或入账。")
    candidates = keys.keys_by_id(session, parsed.key_id)
    if not candidates:
        raise VoucherInvalid(f"验证失败：本系统没有签发该凭证的密钥（密钥编号 {parsed.key_id}）。凭证可能由其他单位出具"
                             "（需先导入该单位的公钥），或二维码不是本系统出具的。")
    key = next((k for k in candidates if keys.verify(k, parsed.signature, message)), None)
    if key is None:
        raise VoucherInvalid("验证失败：二维码内容与签名不符，凭证号、金额或领款人等内容已被改动，或二维码不是本系统出具的。"
                             "请勿据此凭证付款或入账。")
    signer = session.get(OrgUnit, key.unit_id)
    unit_code = parsed.voucher_no.split("-")[0]
    if signer is None or signer.code != unit_code:
        raise VoucherInvalid(f"验证失败：凭证号中的单位代码 {unit_code} 与签发单位"
                             f"{'（' + signer.name + ' ' + signer.code + '）' if signer else ''}不符。")
    remarks: list[str] = []
    on_record: bool | None = None
    d = session.exec(select(Disbursement).where(Disbursement.voucher_no == parsed.voucher_no)).first()
    if d is None:
        remarks.append("本数据库中没有这张凭证的发放记录（可能由其他单位或在其他电脑上登记）。")
    else:
        differences = [label for label, ours, theirs in (
            ("领款人", d.recipient_name, parsed.recipient_name),
            ("身份证号", mask_id_number(d.recipient_id_number), parsed.masked_id),
            ("金额", d.amount_fen, parsed.amount_fen), ("发放日期", d.paid_on, parsed.paid_on),
            ("资金项目", KINDS.get(d.grant_type), parsed.kind)) if ours != theirs]
        on_record = not differences
        if differences:
            remarks.append(f"注意：本数据库的发放记录与凭证不一致（{'、'.join(differences)}），请核查。")
        else:
            copies = _prints_so_far(session, [d.id]).get(d.id, 0)
            printed = "尚无打印记录" if not copies else f"已打印{copies}次" + (f"（含补打{copies - 1}次）" if copies > 1 else "")
            remarks.append(f"与本数据库的发放记录一致；{printed}。")
    return VoucherCertificate(parsed.voucher_no, unit_code, signer.name, KIND_LABELS[parsed.kind],
                              parsed.recipient_name, parsed.masked_id, parsed.amount_fen, parsed.paid_on, key.key_id,
                              key.retired_at is not None, on_record, tuple(remarks))


__all__ = [
    "NOTICE_STATES", "PrintError", "PrintedMeanwhile", "VoucherCertificate", "VoucherInvalid", "VoucherItem",
    "VoucherJob", "VoucherRefused", "VoucherSelection", "file_form_data", "file_form_pdf", "issue_vouchers",
    "file_notice_data", "notice_data", "notice_pdf", "prepare_vouchers", "record_printed", "record_saved", "scholarship_form_data",
    "scholarship_form_pdf", "signoff_data", "signoff_pdf", "statistics_data", "statistics_pdf", "verify_voucher",
    "voucher_print_counts", "voucher_sheet_data",
]
