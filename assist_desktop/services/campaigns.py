"""春节送温暖 (Spring Festival campaigns): the campaign, its visit list, approval against the budget, payment.

A campaign is one Spring Festival's visits (``year`` is the festival's year): a visit period, fund
sources whose sum is the budget, and a standard (cash + goods value + goods description) per group.
The groups are the hardship categories of the registry (deep, relative, accident: ``FILE_GROUPS``)
and other recipients added by hand (困难劳模, 节日坚守岗位职工, 未建档困难职工: ``OTHER_GROUPS``). The
standards default to the standards table (``policy_admin``: the database row the administrator set,
else the policy file) of the campaign's year, or of the year before when that year has no table yet
(a campaign is prepared in the winter before its festival).

Rules kept here, below every screen (DESIGN.md §3–§4, DOMAIN.md 春节送温暖):

- The visit list is generated from the registry: active files only (an exited file never), by
  category, grassroots union and flags (``FLAGS``); ``preview_visits`` shows what ``generate_visits``
  would write, with the totals against the budget, and writes nothing. Generation is one transaction
  of bulk inserts with progress; cancelling it leaves nothing behind, and the batch has one audit event.
- A household appears once per campaign: the file, the head of household and every member are looked
  for among the campaign's visits that are not cancelled (the partial unique index
  ``uq_visit_campaign_recipient`` backs this up).
- A visit's cash and goods are its group's standard. Anyone may give less before approval; more only
  the approver, with a reason (kept in the audit log). Once approved, amounts, goods, recipient and
  fund source are frozen (approvals.assert_grant_editable); cadres, dates, notes and the photo may
  still be filled in.
- Steps are the grant lifecycle without a notice (draft → submitted → reviewed → approved → paid).
  Submit, review and send back go through approvals (``act_many``); approval is ``approve_many``
  here: one transaction that refuses the whole list when any visit would push its fund source or the
  campaign over its money, naming the source and the amount over. Payment of the cash is
  ``payments.pay_many`` (``mark_paid_many``); the goods are handed over in kind.
- A closed campaign takes no new visits, amounts or approvals; payment and the record of the visits
  go on.

Every write is one transaction with an audit event; a refusal leaves nothing written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, update
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import HardshipCategory
from assist_desktop.domain.ids import mask_id_number, parse_id_number
from assist_desktop.domain.lifecycle import Action, FileStatus, GrantStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.names import normalise_name
from assist_desktop.domain.policy import SPRING_FESTIVAL, SPRING_FESTIVAL_GROUPS
from assist_desktop.domain.text import compact
from assist_desktop.services import approvals, payments, policy_admin
from assist_desktop.services.approvals import (
    ApprovalError,
    BatchCancelled,
    GrantFrozen,
    StepResult,
    apply_step,
    assert_grant_editable,
    describe,
    follow_cancel,
)
from assist_desktop.services.base import (
    NotFound,
    PermissionDenied,
    Refusal,
    audit,
    check_version,
    diff,
    fetch,
    for_write,
    mask_sensitive,
    require_own,
    require_role,
    retrying,
    snapshot,
    tombstone,
    touch,
    unit_of_work,
    owner_names as base_owner_names,
)
from assist_desktop.services.setup import require_initialised
from assist_desktop.services.tally import insert_rows  # counts the grants and files it writes (统计)
from assist_desktop.storage.models import (
    Campaign,
    CampaignFundSource,
    CampaignStandard,
    Disbursement,
    HardshipFile,
    Member,
    OrgUnit,
    UnfiledHousehold,
    User,
    Visit,
    new_id,
    now_ms,
)

ENTITY = "visit"
CAMPAIGN_ENTITY = "campaign"
FILE_GROUPS = ("deep", "relative", "accident")
OTHER_GROUPS = ("model_worker", "on_duty", "unfiled")
GROUPS: dict[str, str] = dict(SPRING_FESTIVAL_GROUPS)
# The registry's flags a visit list may be narrowed by: (label, condition on hardship_file). Every flag
# chosen must hold.
FLAGS: dict[str, tuple[str, Any]] = {
    "model_worker": ("劳模", HardshipFile.model_worker_type != "none"),
    "single_parent": ("单亲家庭", HardshipFile.single_parent.is_(True)),
    "zero_employment": ("零就业家庭", HardshipFile.zero_employment.is_(True)),
    "migrant_worker": ("农民工", or_(HardshipFile.is_migrant_worker.is_(True),
                                  HardshipFile.file_type == "migrant_worker")),
    "new_employment_form": ("新就业形态劳动者", HardshipFile.is_new_employment_form.is_(True)),
    "exit_target": ("解困脱困对象", HardshipFile.exit_target.is_(True)),
    "disabled": ("残疾", HardshipFile.disability_type.is_not(None)),
    "seriously_ill": ("患病", HardshipFile.health == "ill"),
}
LIVE_STATES = (GrantStatus.draft.value, GrantStatus.submitted.value, GrantStatus.reviewed.value,
               GrantStatus.on_notice.value, GrantStatus.approved.value, GrantStatus.paid.value)
IN_PROCESS_STATES = (GrantStatus.draft.value, GrantStatus.submitted.value, GrantStatus.reviewed.value,
                     GrantStatus.on_notice.value)
COMMITTED_STATES = (GrantStatus.approved.value, GrantStatus.paid.value)
# Fields of a visit frozen once approved, beside those approvals.assert_grant_editable names.
MONEY_FIELDS = frozenset({"cash_fen", "goods_fen", "goods_description", "fund_source_id"})
MAX_VISIT_FEN = 100_000_00  # 10万元 a household: anything larger is a slip of the keyboard
MAX_SOURCE_FEN = 100_000_000_00  # 1亿元 a fund source
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
NAME_MAX = 100
CADRES_MAX = 200
NOTES_MAX = 1000
TEXT_MAX = 200
CHUNK = 500


class CampaignError(DomainError):
    pass


class DuplicateVisit(CampaignError):
    pass


class BudgetExceeded(CampaignError):
    pass


class _Keep:
    """A field ``update_visit`` leaves as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


def group_label(key: str) -> str:
    return GROUPS.get(key, key)


def _status_label(status: str) -> str:
    try:
        return GrantStatus(status).label
    except ValueError:
        return status


def _category_label(category: str | None) -> str:
    try:
        return HardshipCategory(category).label if category else ""
    except ValueError:
        return category or ""


def _yuan(fen: int) -> str:
    return f"{format_amount(fen)}元"


# --- inputs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundSourceInput:
    """One fund source; ``id`` names an existing one on update (else it is matched by name)."""

    name: str
    amount_fen: int
    id: str | None = None


StandardTuple = tuple[int, int, str | None]  # cash_fen, goods_fen, goods description


@dataclass
class CampaignInput:
    year: int
    name: str | None  # default 2027年春节送温暖活动
    visit_start: date
    visit_end: date
    fund_sources: Sequence[tuple[str, int] | FundSourceInput]
    standards: dict[str, StandardTuple] | None = None  # group_key → standard; None: the standards table


@dataclass
class GenerationCriteria:
    """Which active files go on the list: categories, grassroots unions (none = all), flags (all must hold)."""

    categories: Sequence[str] = FILE_GROUPS
    unit_ids: Sequence[str] = ()
    flags: Sequence[str] = ()
    fund_source_id: str | None = None  # None: the campaign's only source
    planned_date: date | None = None
    cadres: str | None = None


@dataclass
class VisitInput:
    """A visit added by hand: an active hardship file, or a person of another group."""

    campaign_id: str
    file_id: str | None = None
    group_key: str | None = None  # a file: its category (or model_worker / on_duty); a person: required
    name: str | None = None
    id_number: str | None = None
    unit_name: str | None = None
    fund_source_id: str | None = None
    cadres: str | None = None
    planned_date: date | None = None
    notes: str | None = None


# --- small helpers ---------------------------------------------------------------------------------------


def _text(value: str | None, label: str, limit: int, *, required: bool = False) -> str | None:
    if value is not None and not isinstance(value, str):
        raise CampaignError(f"{label}应填写文字", field=label)
    text = (value or "").strip()
    if not text:
        if required:
            raise CampaignError(f"{label}不能为空", field=label)
        return None
    if len(text) > limit:
        raise CampaignError(f"{label}过长（{len(text)}字，最多{limit}字）", field=label)
    return text


def _text_in(value: str | None, label: str, limit: int, field: str, *, required: bool = False) -> str | None:
    """``_text`` for a part of a larger field (a line of the sources or the standards)."""
    try:
        return _text(value, label, limit, required=required)
    except CampaignError as exc:
        raise CampaignError(exc.message, field=field) from None


def _int(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CampaignError(f"{label}应填写整数", field=label)
    return value


def _money(value: Any, label: str, ceiling: int, *, field: str | None = None) -> int:
    field = field or label
    if isinstance(value, bool) or not isinstance(value, int):
        raise CampaignError(f"{label}必须是以分为单位的整数金额", field=field)
    if value < 0:
        raise CampaignError(f"{label}不能为负数", field=field)
    if value > ceiling:
        raise CampaignError(f"{label}{_yuan(value)}超出合理范围（最多{_yuan(ceiling)}），请核对", field=field)
    return value


def _date(value: Any, label: str) -> date:
    if not isinstance(value, date):
        raise CampaignError(f"请填写{label}", field=label)
    return value


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _load_campaign(session: Session, campaign_id: str | None) -> Campaign:
    c = fetch(session, Campaign, campaign_id) if campaign_id else None
    if c is None:
        raise NotFound("找不到该春节送温暖活动，请重新选择。")
    return c


def _load_visit(session: Session, visit_id: str) -> Visit:
    v = fetch(session, Visit, visit_id)
    if v is None:
        raise NotFound(f"找不到该走访慰问记录（编号 {visit_id}）。")
    return v


def _open_for(campaign: Campaign, doing: str) -> None:
    if campaign.closed:
        raise CampaignError(f"{campaign.name}已结束，不能{doing}", field="活动")


def _sources(session: Session, campaign_id: str) -> list[CampaignFundSource]:
    return list(session.exec(select(CampaignFundSource).where(CampaignFundSource.campaign_id == campaign_id)
                             .order_by(CampaignFundSource.name)))


def _standards(session: Session, campaign_id: str) -> dict[str, CampaignStandard]:
    rows = session.exec(select(CampaignStandard).where(CampaignStandard.campaign_id == campaign_id))
    return {r.group_key: r for r in rows}


def _standard_for(session: Session, campaign: Campaign, group: str) -> CampaignStandard:
    row = session.exec(select(CampaignStandard).where(CampaignStandard.campaign_id == campaign.id,
                                                      CampaignStandard.group_key == group)).first()
    if row is None:
        raise CampaignError(f"{campaign.name}没有“{group_label(group)}”的慰问标准，请先在活动设置中补充",
                            field="慰问标准")
    return row


def _fund_source(session: Session, campaign: Campaign, source_id: str | None) -> CampaignFundSource:
    """The chosen source of ``campaign``; without a choice, its only source."""
    if source_id:
        source = session.get(CampaignFundSource, source_id)
        if source is None or source.campaign_id != campaign.id:
            raise CampaignError("所选经费来源不属于本次活动，请重新选择", field="经费来源")
        return source
    sources = _sources(session, campaign.id)
    if len(sources) == 1:
        return sources[0]
    names = "、".join(f"“{s.name}”" for s in sources)
    raise CampaignError(f"本次活动有{len(sources)}个经费来源（{names}），请选择一个", field="经费来源")


def _planned_date(campaign: Campaign, value: date | None) -> date | None:
    if value is None:
        return None
    value = _date(value, "计划走访日期")
    if not campaign.visit_start <= value <= campaign.visit_end:
        raise CampaignError(f"计划走访日期{value:%Y-%m-%d}不在活动走访期间（{campaign.visit_start:%Y-%m-%d}至"
                            f"{campaign.visit_end:%Y-%m-%d}）内", field="计划走访日期")
    return value


# --- campaigns -------------------------------------------------------------------------------------------


def _clean_sources(raw: Sequence[tuple[str, int] | FundSourceInput]) -> list[FundSourceInput]:
    if not raw:
        raise CampaignError("请至少填写一个经费来源（如上级工会拨款、本级工会经费）及其金额", field="经费来源")
    out: list[FundSourceInput] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        if isinstance(item, FundSourceInput):
            name, amount, source_id = item.name, item.amount_fen, item.id
        else:
            try:
                name, amount = item
            except (TypeError, ValueError):
                raise CampaignError(f"第{index}个经费来源应为（名称，金额）", field="经费来源") from None
            source_id = None
        name = _text_in(name, f"第{index}个经费来源的名称", NAME_MAX, "经费来源", required=True) or ""
        amount = _money(amount, f"经费来源“{name}”的金额", MAX_SOURCE_FEN, field="经费来源")
        if amount <= 0:
            raise CampaignError(f"经费来源“{name}”的金额必须大于0", field="经费来源")
        if name in seen:
            raise CampaignError(f"经费来源“{name}”填写了两次", field="经费来源")
        seen.add(name)
        out.append(FundSourceInput(name, amount, source_id))
    return out


def default_standards(session: Session, year: int) -> tuple[dict[str, StandardTuple], int | None]:
    """The standards a new campaign of ``year`` starts from: the standards table of ``year`` (or of the
    year before, when ``year`` has none yet — a campaign is set up in the autumn before), one line per
    group (the unfiled group's line for households without a file); and the year they come from."""
    for which in (year, year - 1):
        lines = [s for s in policy_admin.standards(session, SPRING_FESTIVAL, which) if s.key in GROUPS]
        if lines:
            out: dict[str, StandardTuple] = {}
            for s in lines:
                wanted_filed = s.key != "unfiled"
                if s.key not in out or s.filed == wanted_filed:
                    out[s.key] = (s.amount_fen, s.goods_fen, s.goods_description or None)
            return out, which
    return {}, None


def _clean_standards(raw: dict[str, StandardTuple]) -> dict[str, StandardTuple]:
    out: dict[str, StandardTuple] = {}
    for key, value in raw.items():
        if key not in GROUPS:
            raise CampaignError(f"没有“{key}”这个慰问对象类别（可选：{'、'.join(GROUPS.values())}）", field="慰问标准")
        label = group_label(key)
        try:
            cash, goods, description = value
        except (TypeError, ValueError):
            raise CampaignError(f"“{label}”的标准应为（慰问金，慰问品折价，慰问品内容）", field="慰问标准") from None
        cash = _money(cash, f"“{label}”的慰问金", MAX_VISIT_FEN, field="慰问标准")
        goods = _money(goods, f"“{label}”的慰问品折价", MAX_VISIT_FEN, field="慰问标准")
        if cash + goods <= 0:
            raise CampaignError(f"“{label}”的慰问金和慰问品不能都为0", field="慰问标准")
        out[key] = (cash, goods, _text_in(description, f"“{label}”的慰问品内容", NAME_MAX, "慰问标准"))
    return out


def _clean_campaign(session: Session, data: CampaignInput, today: date) -> dict[str, Any]:
    year = _int(data.year, "年度")
    if not 2000 <= year <= today.year + 1:
        raise CampaignError(f"年度“{year}”不合理（应在2000年至{today.year + 1}年之间）", field="年度")
    name = _text(data.name, "活动名称", NAME_MAX) or f"{year}年春节送温暖活动"
    start, end = _date(data.visit_start, "走访开始日期"), _date(data.visit_end, "走访结束日期")
    if end < start:
        raise CampaignError(f"走访结束日期{end:%Y-%m-%d}早于开始日期{start:%Y-%m-%d}", field="走访期间")
    earliest, latest = date(year - 1, 10, 1), date(year, 3, 31)
    if start < earliest or end > latest:
        raise CampaignError(f"{year}年春节的走访期间应在{earliest:%Y年%m月%d日}至{latest:%Y年%m月%d日}之间",
                            field="走访期间")
    sources = _clean_sources(data.fund_sources)
    return {"year": year, "name": name, "visit_start": start, "visit_end": end, "sources": sources}


def create_campaign(session: Session, user: User, data: CampaignInput, *, today: date | None = None) -> Campaign:
    """Set up a campaign (the chair or the administrator). The budget is the sum of the fund sources; the
    standards are those given, the others from the standards table."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(CAMPAIGN_ENTITY, None, "create")):
        require_role(session, user, Role.approver, Role.admin, doing="设立春节送温暖活动")
        local = require_initialised(session)
        row = _clean_campaign(session, data, today)
        standards = default_standards(session, row["year"])[0]
        standards.update(_clean_standards(data.standards or {}))
        if not standards:
            raise CampaignError(f"{row['year']}年没有春节送温暖的慰问标准，请填写各类对象的慰问金和慰问品，"
                                "或请管理员先在“救助标准”中设置", field="慰问标准")
        existing = session.exec(select(Campaign).where(Campaign.owner_unit_id == local.id,
                                                       Campaign.year == row["year"],
                                                       Campaign.name == row["name"])).first()
        if existing is not None:
            raise CampaignError(f"{row['year']}年已有名为“{existing.name}”的活动，请换一个名称", field="活动名称")
        sources: list[FundSourceInput] = row.pop("sources")
        campaign = Campaign(owner_unit_id=local.id, budget_fen=sum(s.amount_fen for s in sources), **row)
        session.add(campaign)
        session.flush()
        for s in sources:
            session.add(CampaignFundSource(owner_unit_id=local.id, campaign_id=campaign.id, name=s.name,
                                           amount_fen=s.amount_fen))
        for key, (cash, goods, description) in standards.items():
            session.add(CampaignStandard(owner_unit_id=local.id, campaign_id=campaign.id, group_key=key,
                                         cash_fen=cash, goods_fen=goods, goods_description=description))
        session.flush()
        audit(session, user, campaign, "create", {
            **diff({}, snapshot(campaign), skip=("id", "owner_unit_id")),
            "fund_sources": [[s.name, s.amount_fen] for s in sources],
            "standards": {k: list(v) for k, v in sorted(standards.items())}})
        return campaign


def _committed_by_source(session: Session, campaign_id: str) -> dict[str | None, int]:
    """Approved and paid money (cash + goods) per fund source."""
    V = Visit
    rows = session.execute(select(V.fund_source_id, func.coalesce(func.sum(V.cash_fen + V.goods_fen), 0))
                           .where(V.campaign_id == campaign_id, V.status.in_(COMMITTED_STATES))
                           .group_by(V.fund_source_id))
    return {source_id: int(total) for source_id, total in rows}


def update_campaign(session: Session, user: User, campaign_id: str, data: CampaignInput, *, expected_version: int,
                    today: date | None = None) -> Campaign:
    """Change the name, the visit period, the fund sources (matched by id, else by name) and the standards
    given (the others stay). The year stays. A source may not fall below what is already approved or paid
    against it, nor be dropped while visits use it. Drafts still at their group's old standard follow a
    changed standard."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(CAMPAIGN_ENTITY, campaign_id, "update")):
        require_role(session, user, Role.approver, Role.admin, doing="修改春节送温暖活动")
        campaign = _load_campaign(session, campaign_id)
        require_own(session, campaign, campaign.name)
        check_version(campaign, expected_version, campaign.name)
        _open_for(campaign, "修改")
        row = _clean_campaign(session, data, today)
        if row["year"] != campaign.year:
            raise CampaignError("活动年度不能修改；如年度有误，请新设该年度的活动", field="年度")
        if row["name"] != campaign.name:
            clash = session.exec(select(Campaign.id).where(Campaign.owner_unit_id == campaign.owner_unit_id,
                                                           Campaign.year == campaign.year,
                                                           Campaign.name == row["name"],
                                                           Campaign.id != campaign.id)).first()
            if clash:
                raise CampaignError(f"{campaign.year}年已有名为“{row['name']}”的活动，请换一个名称", field="活动名称")
        outside = session.execute(select(func.count()).select_from(Visit).where(
            Visit.campaign_id == campaign.id, Visit.status != GrantStatus.cancelled.value,
            or_(Visit.planned_date < row["visit_start"], Visit.planned_date > row["visit_end"]))).scalar_one()
        if outside:
            raise CampaignError(f"有{outside}户的计划走访日期不在新的走访期间内，请先调整这些户的计划日期",
                                field="走访期间")
        changes: dict[str, Any] = {}
        sources_changed = _apply_sources(session, user, campaign, row.pop("sources"))
        if sources_changed:
            changes["fund_sources"] = sources_changed
        standards_changed = _apply_standards(session, user, campaign, _clean_standards(data.standards or {}))
        if standards_changed:
            changes["standards"] = standards_changed
        before = snapshot(campaign)
        for key, value in row.items():
            setattr(campaign, key, value)
        campaign.budget_fen = sum(s.amount_fen for s in _sources(session, campaign.id))
        changes.update(diff(before, snapshot(campaign)))
        if changes:
            touch(campaign)
            audit(session, user, campaign, "update", changes)
        return campaign


def _apply_sources(session: Session, user: User, campaign: Campaign,
                   wanted: list[FundSourceInput]) -> list[list[Any]]:
    current = _sources(session, campaign.id)
    by_id = {s.id: s for s in current}
    by_name = {s.name: s for s in current}
    committed = _committed_by_source(session, campaign.id)
    kept: set[str] = set()
    changes: list[list[Any]] = []
    for item in wanted:
        if item.id is not None:
            row = by_id.get(item.id)
            if row is None:
                raise CampaignError(f"经费来源“{item.name}”不属于本次活动", field="经费来源")
        else:
            row = by_name.get(item.name)
        if row is None:
            new = CampaignFundSource(owner_unit_id=campaign.owner_unit_id, campaign_id=campaign.id, name=item.name,
                                     amount_fen=item.amount_fen)
            session.add(new)
            changes.append(["add", item.name, item.amount_fen])
            continue
        if row.id in kept:
            raise CampaignError(f"经费来源“{row.name}”填写了两次", field="经费来源")
        kept.add(row.id)
        used = committed.get(row.id, 0)
        if item.amount_fen < used:
            raise CampaignError(f"经费来源“{row.name}”的金额{_yuan(item.amount_fen)}低于已审批、已发放的{_yuan(used)}，"
                                f"少{_yuan(used - item.amount_fen)}", field="经费来源")
        if (row.name, row.amount_fen) != (item.name, item.amount_fen):
            changes.append(["change", row.name, row.amount_fen, item.name, item.amount_fen])
            row.name, row.amount_fen = item.name, item.amount_fen
            touch(row)
    for row in current:
        if row.id in kept:
            continue
        live = session.execute(select(func.count()).select_from(Visit).where(
            Visit.fund_source_id == row.id, Visit.status != GrantStatus.cancelled.value)).scalar_one()
        if live:
            raise CampaignError(f"经费来源“{row.name}”已有{live}户慰问使用，不能删除；请先把这些户改到其他来源",
                                field="经费来源")
        session.execute(update(Visit).where(Visit.fund_source_id == row.id)  # cancelled visits only
                        .values(fund_source_id=None, usn=-1, mtime=now_ms(), version=Visit.version + 1))
        tombstone(session, row)
        session.delete(row)
        changes.append(["remove", row.name, row.amount_fen])
    session.flush()
    names = [r.name for r in _sources(session, campaign.id)]
    if len(names) != len(set(names)):
        raise CampaignError("修改后有两个经费来源同名，请换一个名称", field="经费来源")
    return changes


def _apply_standards(session: Session, user: User, campaign: Campaign,
                     wanted: dict[str, StandardTuple]) -> dict[str, list[Any]]:
    existing = _standards(session, campaign.id)
    changes: dict[str, list[Any]] = {}
    for key, (cash, goods, description) in wanted.items():
        row = existing.get(key)
        if row is None:
            session.add(CampaignStandard(owner_unit_id=campaign.owner_unit_id, campaign_id=campaign.id, group_key=key,
                                         cash_fen=cash, goods_fen=goods, goods_description=description))
            changes[key] = [None, [cash, goods, description]]
            continue
        old = (row.cash_fen, row.goods_fen, row.goods_description)
        if old == (cash, goods, description):
            continue
        # drafts still at the old standard follow the new one; anything further along keeps its figures
        moved = session.execute(
            update(Visit).where(Visit.campaign_id == campaign.id, Visit.group_key == key,
                                Visit.status == GrantStatus.draft.value, Visit.cash_fen == row.cash_fen,
                                Visit.goods_fen == row.goods_fen)
            .values(cash_fen=cash, goods_fen=goods, goods_description=description, usn=-1, mtime=now_ms(),
                    version=Visit.version + 1)).rowcount
        row.cash_fen, row.goods_fen, row.goods_description = cash, goods, description
        touch(row)
        changes[key] = [list(old), [cash, goods, description], {"drafts_updated": moved}]
    session.flush()
    return changes


def set_campaign_closed(session: Session, user: User, campaign_id: str, closed: bool, *,
                        expected_version: int | None = None) -> Campaign:
    """End a campaign (no new visits, amounts or approvals; payments and visit records go on) or reopen it."""
    with unit_of_work(session, user, Refusal(CAMPAIGN_ENTITY, campaign_id, "close" if closed else "reopen")):
        require_role(session, user, Role.approver, Role.admin, doing="结束或重开春节送温暖活动")
        campaign = _load_campaign(session, campaign_id)
        require_own(session, campaign, campaign.name)
        check_version(campaign, expected_version, campaign.name)
        if campaign.closed != closed:
            campaign.closed = closed
            touch(campaign)
            audit(session, user, campaign, "close" if closed else "reopen", {"closed": [not closed, closed]})
        return campaign


def campaigns(session: Session) -> list[Campaign]:
    """Every campaign, newest first."""
    return list(session.exec(select(Campaign).order_by(Campaign.year.desc(), Campaign.name)))


def get_campaign(session: Session, campaign_id: str) -> Campaign:
    return _load_campaign(session, campaign_id)


def owner_names(session: Session) -> dict[str, str]:
    """The units whose campaigns this database holds, id → name, in the order of their codes: a county only
    itself; a city or province also each unit below it that reported its campaigns, which are read-only here
    (``base.require_own``), and whose visits belong to the same unit as their campaign."""
    return base_owner_names(session, Campaign)


def fund_sources(session: Session, campaign_id: str) -> list[CampaignFundSource]:
    return _sources(session, campaign_id)


def campaign_standards(session: Session, campaign_id: str) -> list[CampaignStandard]:
    """The campaign's standards in the order of the groups."""
    order = list(GROUPS)
    rows = _standards(session, campaign_id).values()
    return sorted(rows, key=lambda r: (order.index(r.group_key) if r.group_key in order else len(order), r.group_key))


# --- generating the list from the registry ---------------------------------------------------------------


@dataclass(frozen=True)
class GroupPreview:
    group_key: str
    label: str
    count: int
    cash_fen: int
    goods_fen: int
    skipped: int  # already in the campaign

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen


@dataclass(frozen=True)
class SourcePreview:
    """A fund source (or the whole campaign) with the list added: planned = every visit not cancelled."""

    id: str | None
    name: str
    amount_fen: int
    planned_fen: int  # before the list
    committed_fen: int  # approved and paid
    adding_fen: int

    @property
    def planned_after_fen(self) -> int:
        return self.planned_fen + self.adding_fen

    @property
    def over_fen(self) -> int:
        """How far the plan would exceed the money if everything were approved (0 when it fits)."""
        return max(0, self.planned_after_fen - self.amount_fen)


@dataclass(frozen=True)
class GenerationPreview:
    groups: list[GroupPreview]
    count: int
    cash_fen: int
    goods_fen: int
    skipped: int  # households matching the criteria already in the campaign
    budget: SourcePreview  # the whole campaign
    fund_source: SourcePreview  # the source the list is charged to
    sources: list[SourcePreview] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen


@dataclass(frozen=True)
class GenerationResult:
    created: int
    skipped: int
    cash_fen: int
    goods_fen: int

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen


@dataclass(frozen=True)
class _Plan:
    campaign: Campaign
    categories: tuple[str, ...]
    unit_ids: tuple[str, ...]
    flags: tuple[str, ...]
    source: CampaignFundSource
    planned_date: date | None
    cadres: str | None
    standards: dict[str, CampaignStandard]
    conditions: list[Any]
    in_campaign: Any

    def criteria(self) -> dict[str, Any]:
        return {"categories": list(self.categories), "unit_ids": list(self.unit_ids), "flags": list(self.flags),
                "fund_source": self.source.name,
                "planned_date": self.planned_date.isoformat() if self.planned_date else None,
                "cadres": self.cadres}


def _plan(session: Session, campaign: Campaign, criteria: GenerationCriteria) -> _Plan:
    categories = tuple(dict.fromkeys(_as_tuple(criteria.categories)))
    if not categories:
        raise CampaignError("请至少选择一个困难类别", field="困难类别")
    for c in categories:
        if c not in FILE_GROUPS:
            raise CampaignError(f"困难类别“{c}”只能是深度困难、相对困难或意外致困", field="困难类别")
    unit_ids = tuple(dict.fromkeys(_as_tuple(criteria.unit_ids)))
    if unit_ids:
        found = set(session.exec(select(OrgUnit.id).where(OrgUnit.id.in_(unit_ids))))
        if len(found) != len(unit_ids):
            raise CampaignError("所选基层工会中有不存在的单位，请重新选择", field="所属工会")
    flags = tuple(dict.fromkeys(_as_tuple(criteria.flags)))
    for f in flags:
        if f not in FLAGS:
            raise CampaignError(f"没有“{f}”这个筛选条件（可选：{'、'.join(v[0] for v in FLAGS.values())}）",
                                field="筛选条件")
    source = _fund_source(session, campaign, criteria.fund_source_id)
    planned = _planned_date(campaign, criteria.planned_date)
    cadres = _text(criteria.cadres, "走访干部", CADRES_MAX)
    standards = _standards(session, campaign.id)
    missing = [group_label(c) for c in categories if c not in standards]
    if missing:
        raise CampaignError(f"{campaign.name}没有“{'、'.join(missing)}”的慰问标准，请先在活动设置中补充",
                            field="慰问标准")
    HF, V = HardshipFile, Visit
    conditions = [HF.status == FileStatus.active.value, HF.owner_unit_id == campaign.owner_unit_id,
                  HF.category.in_(categories)]
    if unit_ids:
        conditions.append(HF.unit_id.in_(unit_ids))
    conditions += [FLAGS[f][1] for f in flags]
    live = and_(V.campaign_id == campaign.id, V.status != GrantStatus.cancelled.value)
    recipients = select(V.recipient_id_number).where(live)
    # the household is on the list already: its file, its head, or one of its members (added by hand);
    # the campaign's lists are read once (uncorrelated), then each file is looked up by index
    in_campaign = or_(
        HF.id.in_(select(V.file_id).where(live, V.file_id.is_not(None))),
        HF.id_number.in_(recipients),
        exists().where(Member.file_id == HF.id, Member.id_number.in_(recipients)),
    )
    return _Plan(campaign, categories, unit_ids, flags, source, planned, cadres, standards, conditions, in_campaign)


def _planned_by_source(session: Session, campaign_id: str) -> dict[str | None, tuple[int, int]]:
    """(planned, committed) money per fund source: planned = every visit not cancelled."""
    V = Visit
    money = V.cash_fen + V.goods_fen
    rows = session.execute(
        select(V.fund_source_id, func.coalesce(func.sum(money), 0),
               func.coalesce(func.sum(case((V.status.in_(COMMITTED_STATES), money), else_=0)), 0))
        .where(V.campaign_id == campaign_id, V.status != GrantStatus.cancelled.value).group_by(V.fund_source_id))
    return {source_id: (int(planned), int(committed)) for source_id, planned, committed in rows}


def preview_visits(session: Session, user: User, campaign_id: str, criteria: GenerationCriteria) -> GenerationPreview:
    """What ``generate_visits`` would add, per group, with the totals against the budget. Writes nothing."""
    require_role(session, user, *Role, doing="查看慰问名单")
    campaign = _load_campaign(session, campaign_id)
    plan = _plan(session, campaign, criteria)
    HF = HardshipFile
    rows = session.execute(
        select(HF.category, func.count(), func.coalesce(func.sum(case((plan.in_campaign, 1), else_=0)), 0))
        .where(*plan.conditions).group_by(HF.category)).all()
    found = {category: (int(n), int(skipped)) for category, n, skipped in rows}
    groups = []
    for key in plan.categories:
        n, skipped = found.get(key, (0, 0))
        std = plan.standards[key]
        new = n - skipped
        groups.append(GroupPreview(key, group_label(key), new, new * std.cash_fen, new * std.goods_fen, skipped))
    cash, goods = sum(g.cash_fen for g in groups), sum(g.goods_fen for g in groups)
    by_source = _planned_by_source(session, campaign.id)
    sources = [SourcePreview(s.id, s.name, s.amount_fen, *by_source.get(s.id, (0, 0)),
                             adding_fen=cash + goods if s.id == plan.source.id else 0)
               for s in _sources(session, campaign.id)]
    budget = SourcePreview(None, campaign.name, campaign.budget_fen, sum(p for p, _ in by_source.values()),
                           sum(c for _, c in by_source.values()), cash + goods)
    chosen = next(s for s in sources if s.id == plan.source.id)
    return GenerationPreview(groups, sum(g.count for g in groups), cash, goods, sum(g.skipped for g in groups),
                             budget, chosen, sources)


def generate_visits(session: Session, user: User, campaign_id: str, criteria: GenerationCriteria, *,
                    progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> GenerationResult:
    """Put the active files matching ``criteria`` on the campaign's list (status draft, the group's standard)
    in ONE transaction of bulk inserts; households already on it are skipped. ``progress(done, total)``
    follows the inserts; ``cancelled()`` returning True rolls everything back (BatchCancelled)."""
    with unit_of_work(session, user, Refusal(CAMPAIGN_ENTITY, campaign_id, "generate_visits")):
        require_role(session, user, Role.clerk, doing="生成慰问名单")
        campaign = _load_campaign(session, campaign_id)
        _open_for(campaign, "再生成慰问名单")
        plan = _plan(session, campaign, criteria)
        HF = HardshipFile
        skipped = session.execute(select(func.count()).select_from(HF)
                                  .where(*plan.conditions, plan.in_campaign)).scalar_one()
        candidates = session.execute(
            select(HF.id, HF.name, HF.id_number, HF.category, OrgUnit.name).select_from(HF)
            .outerjoin(OrgUnit, OrgUnit.id == HF.unit_id)
            .where(*plan.conditions, ~plan.in_campaign).order_by(HF.file_no)).all()
        total = len(candidates)
        if total == 0:
            raise CampaignError(f"没有符合条件、尚未列入{campaign.name}的在档困难职工"
                                f"（{skipped}户已在名单中）" if skipped else "没有符合条件的在档困难职工",
                                field="筛选条件")
        mtime = now_ms()
        base = {"owner_unit_id": campaign.owner_unit_id, "usn": -1, "mtime": mtime, "version": 1,
                "campaign_id": campaign.id, "unfiled_household_id": None, "fund_source_id": plan.source.id,
                "status": GrantStatus.draft.value, "cadres": plan.cadres, "planned_date": plan.planned_date,
                "actual_date": None, "notes": None, "photo": None, "approved_on": None, "cancel_reason": None}
        rows = []
        cash = goods = 0
        for file_id, name, id_number, category, unit_name in candidates:
            std = plan.standards[category]
            rows.append({**base, "id": new_id(), "file_id": file_id, "group_key": category, "recipient_name": name,
                         "recipient_id_number": id_number, "unit_name": unit_name, "category": category,
                         "cash_fen": std.cash_fen, "goods_fen": std.goods_fen,
                         "goods_description": std.goods_description})
            cash += std.cash_fen
            goods += std.goods_fen
        conn = session.connection()
        done = 0
        for start in range(0, total, CHUNK):
            if cancelled and cancelled():
                raise BatchCancelled(f"已取消，慰问名单未生成（{total}户均未列入）。")
            done += insert_rows(conn, Visit, rows[start:start + CHUNK], chunk=CHUNK)
            if progress:
                progress(done, total)
        if cancelled and cancelled():
            raise BatchCancelled(f"已取消，慰问名单未生成（{total}户均未列入）。")
        by_group: dict[str, int] = {}
        for r in rows:
            by_group[r["group_key"]] = by_group.get(r["group_key"], 0) + 1
        audit(session, user, campaign, "generate_visits", {
            "count": total, "skipped": skipped, "by_group": by_group, "cash_fen": cash, "goods_fen": goods,
            "criteria": plan.criteria()})
        return GenerationResult(total, skipped, cash, goods)


# --- visits by hand ----------------------------------------------------------------------------------


def _household_of(session: Session, id_number: str) -> HardshipFile | None:
    """The file (not exited) whose head or member carries this ID number."""
    live = HardshipFile.status != FileStatus.exited.value
    hf = session.exec(select(HardshipFile).where(HardshipFile.id_number == id_number, live)).first()
    if hf is not None:
        return hf
    return session.exec(select(HardshipFile).join(Member, Member.file_id == HardshipFile.id)
                        .where(Member.id_number == id_number, live)).first()


def _refuse_duplicate(session: Session, campaign: Campaign, who: str, file_ids: set[str],
                      id_numbers: set[str]) -> None:
    V = Visit
    alternatives = [V.recipient_id_number.in_(id_numbers)]
    if file_ids:
        alternatives.append(V.file_id.in_(file_ids))
    stmt = select(V.recipient_name, V.recipient_id_number, V.group_key, V.status).where(
        V.campaign_id == campaign.id, V.status != GrantStatus.cancelled.value, or_(*alternatives))
    row = session.execute(stmt.limit(1)).first()
    if row is not None:
        name, number, group, status = row
        raise DuplicateVisit(f"{who}所在家庭已列入{campaign.name}：{name}（{mask_id_number(number)}，{group_label(group)}，"
                             f"{_status_label(status)}）；同一户每次活动只慰问一次", field="慰问对象")


def _members_ids(session: Session, file_id: str) -> set[str]:
    return {n for n in session.exec(select(Member.id_number).where(Member.file_id == file_id)) if n}


def _unit_name(session: Session, unit_id: str | None) -> str | None:
    unit = session.get(OrgUnit, unit_id) if unit_id else None
    return unit.name if unit else None


def _filed_visit(session: Session, campaign: Campaign, data: VisitInput) -> dict[str, Any]:
    hf = session.get(HardshipFile, data.file_id, populate_existing=True)
    if hf is None:
        raise NotFound("找不到所选的困难职工档案，请重新选择。")
    who = f"档案 {hf.file_no}（{hf.name}）"
    if hf.status == FileStatus.exited.value:
        raise CampaignError(f"{who}已撤档，不能列入慰问名单", field="档案")
    if hf.status != FileStatus.active.value:
        raise CampaignError(f"{who}当前状态为“{FileStatus(hf.status).label}”，只有在档的困难职工才能列入慰问名单",
                            field="档案")
    group = data.group_key or hf.category
    if not group:
        raise CampaignError(f"{who}没有困难类别，请先在档案中核定类别", field="档案")
    if group not in (hf.category, "model_worker", "on_duty"):
        raise CampaignError(f"{who}的困难类别为“{_category_label(hf.category)}”，不能按“{group_label(group or '')}”慰问",
                            field="慰问对象类别")
    if group == "model_worker" and hf.model_worker_type == "none":
        raise CampaignError(f"{who}未登记劳模类型，不能按困难劳模慰问", field="慰问对象类别")
    _refuse_duplicate(session, campaign, who, {hf.id}, {hf.id_number} | _members_ids(session, hf.id))
    return {"file_id": hf.id, "unfiled_household_id": None, "group_key": group, "recipient_name": hf.name,
            "recipient_id_number": hf.id_number, "unit_name": _unit_name(session, hf.unit_id),
            "category": hf.category}


def _person_visit(session: Session, campaign: Campaign, data: VisitInput, today: date) -> dict[str, Any]:
    group = (data.group_key or "").strip()
    if group not in OTHER_GROUPS:
        choices = "、".join(group_label(g) for g in OTHER_GROUPS)
        if group in FILE_GROUPS:
            raise CampaignError(f"“{group_label(group)}”须从在档的困难职工档案中选择；按人员添加只能是{choices}",
                                field="慰问对象类别")
        raise CampaignError(f"请选择慰问对象类别（{choices}）", field="慰问对象类别")
    try:
        name = normalise_name(data.name or "")
    except DomainError as exc:
        raise CampaignError(exc.message, field="姓名") from None
    try:
        number = parse_id_number(data.id_number or "", today=today).value
    except DomainError as exc:
        raise CampaignError(f"{name}的{exc.message}", field="身份证号") from None
    unit_name = _text(data.unit_name, "工作单位", NAME_MAX, required=True)
    who = f"{name}（{mask_id_number(number)}）"
    hf = _household_of(session, number)
    file_id = None
    if hf is not None:
        if hf.id_number == number and hf.name != name:
            raise CampaignError(f"身份证号{mask_id_number(number)}在档案 {hf.file_no} 中登记的姓名为“{hf.name}”，"
                                f"与填写的“{name}”不一致，请核对", field="姓名")
        if group == "unfiled" and hf.status == FileStatus.active.value:
            raise CampaignError(f"{who}已建档（档案 {hf.file_no}），请从困难职工档案中选择，不能按未建档户慰问",
                                field="慰问对象类别")
        if hf.id_number == number and hf.status == FileStatus.active.value:
            file_id = hf.id
        ids = {hf.id_number} | _members_ids(session, hf.id) | {number}
        _refuse_duplicate(session, campaign, who, {hf.id}, ids)
    else:
        _refuse_duplicate(session, campaign, who, set(), {number})
    unfiled_id = None
    if group == "unfiled":
        record = session.exec(select(UnfiledHousehold).where(UnfiledHousehold.id_number == number)).first()
        if record is not None:
            if record.name != name:
                raise CampaignError(f"身份证号{mask_id_number(number)}已登记为未建档户“{record.name}”，"
                                    f"与填写的姓名“{name}”不一致，请核对", field="姓名")
            unfiled_id = record.id
    return {"file_id": file_id, "unfiled_household_id": unfiled_id, "group_key": group, "recipient_name": name,
            "recipient_id_number": number, "unit_name": unit_name, "category": None}


def add_visit(session: Session, user: User, data: VisitInput, *, today: date | None = None) -> Visit:
    """Add one household by hand (status draft, its group's standard): an active hardship file, or a
    person of another group (劳模, 坚守岗位职工, 未建档户) with a checked ID number."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, None, "create")):
        require_role(session, user, Role.clerk, doing="添加慰问对象")
        campaign = _load_campaign(session, data.campaign_id)
        _open_for(campaign, "再添加慰问对象")
        if bool(data.file_id) == bool(data.name or data.id_number):
            raise CampaignError("请选择一份在档的困难职工档案，或填写其他慰问对象的姓名和身份证号（只选一种）",
                                field="慰问对象")
        recipient = (_filed_visit(session, campaign, data) if data.file_id
                     else _person_visit(session, campaign, data, today))
        std = _standard_for(session, campaign, recipient["group_key"])
        source = _fund_source(session, campaign, data.fund_source_id)
        v = Visit(owner_unit_id=campaign.owner_unit_id, campaign_id=campaign.id, fund_source_id=source.id,
                  status=GrantStatus.draft.value, cash_fen=std.cash_fen, goods_fen=std.goods_fen,
                  goods_description=std.goods_description, cadres=_text(data.cadres, "走访干部", CADRES_MAX),
                  planned_date=_planned_date(campaign, data.planned_date),
                  notes=_text(data.notes, "备注", NOTES_MAX), **recipient)
        session.add(v)
        session.flush()
        audit(session, user, v, "create", mask_sensitive(diff({}, snapshot(v), skip=("id", "owner_unit_id", "photo"))))
        return v


def _check_photo(photo: bytes | None) -> bytes | None:
    if photo is None:
        return None
    if not isinstance(photo, (bytes, bytearray, memoryview)):
        raise CampaignError("照片应为图片文件的内容", field="照片")
    photo = bytes(photo)
    if not photo:
        return None
    if len(photo) > PHOTO_MAX_BYTES:
        raise CampaignError(f"照片过大（{len(photo) / 1024 / 1024:.1f} MB，最多 {PHOTO_MAX_BYTES // 1024 // 1024} MB），"
                            "请压缩后再上传", field="照片")
    if not any(photo.startswith(magic) for magic in PHOTO_TYPES):
        raise CampaignError("照片只能是 JPEG 或 PNG 格式", field="照片")
    return photo


def _photo_note(photo: bytes | None) -> str | None:
    """How the audit log names a photo: its size and fingerprint, never the picture."""
    if not photo:
        return None
    return f"{len(photo)} bytes sha256:{hashlib.sha256(photo).hexdigest()[:16]}"


def update_visit(session: Session, user: User, visit_id: str, *, expected_version: int,
                 cadres: Any = KEEP, planned_date: Any = KEEP, actual_date: Any = KEEP, notes: Any = KEEP,
                 photo: Any = KEEP, cash_fen: Any = KEEP, goods_fen: Any = KEEP, goods_description: Any = KEEP,
                 fund_source_id: Any = KEEP, amount_reason: str | None = None,
                 today: date | None = None) -> Visit:
    """Change what is given (``KEEP`` leaves a field as it is; None clears a text, a date or the photo).

    Cash, goods and the fund source: the clerk while the visit is a draft, at or below the group's
    standard; the approver until approval, above the standard with ``amount_reason``. Frozen once
    approved. Cadres, dates, notes and the photo may be filled in until the visit is cancelled; the
    actual date only once approved, not before the approval date and not after today."""
    today = today or date.today()
    with unit_of_work(session, user, Refusal(ENTITY, visit_id, "update")):
        held = require_role(session, user, Role.clerk, Role.reviewer, Role.approver, doing="修改走访慰问记录")
        v = _load_visit(session, visit_id)
        require_own(session, v, describe(v))
        check_version(v, expected_version, describe(v))
        if v.status == GrantStatus.cancelled.value:
            raise CampaignError(f"{describe(v)}已取消，不能修改")
        campaign = _load_campaign(session, v.campaign_id)
        before = snapshot(v)
        old_photo = v.photo
        money = {k: val for k, val in (("cash_fen", cash_fen), ("goods_fen", goods_fen),
                                       ("goods_description", goods_description), ("fund_source_id", fund_source_id))
                 if val is not KEEP}
        override = None
        if money:
            override = _change_money(session, user, held, v, campaign, money, amount_reason)
        if cadres is not KEEP:
            v.cadres = _text(cadres, "走访干部", CADRES_MAX)
        if notes is not KEEP:
            v.notes = _text(notes, "备注", NOTES_MAX)
        if planned_date is not KEEP:
            v.planned_date = _planned_date(campaign, planned_date)
        if actual_date is not KEEP:
            v.actual_date = _actual_date(v, actual_date, today)
        if photo is not KEEP:
            v.photo = _check_photo(photo)
        changes = mask_sensitive(diff(before, snapshot(v), skip=("photo",)))
        if v.photo != old_photo:
            changes["photo"] = [_photo_note(old_photo), _photo_note(v.photo)]
        if changes:
            touch(v)
            if override is not None:
                changes.update(override)
            audit(session, user, v, "set_amount" if override is not None else "update", changes)
        return v


def _change_money(session: Session, user: User, held: frozenset[Role], v: Visit, campaign: Campaign,
                  money: dict[str, Any], reason: str | None) -> dict[str, Any] | None:
    """Apply new cash, goods, goods description or fund source; return the override record, if any."""
    assert_grant_editable(v, set(money))
    if v.status in approvals.FROZEN_GRANT_STATES:
        raise GrantFrozen(f"{describe(v)}已审批，金额、慰问品和经费来源不能再改；如需变更请取消后重新添加。")
    _open_for(campaign, "调整慰问金额")
    approver = Role.approver in held
    if not approver and not (Role.clerk in held and v.status == GrantStatus.draft.value):
        raise PermissionDenied(f"{describe(v)}当前为“{_status_label(v.status)}”，只有“审批”角色才能调整金额和经费来源。")
    std = _standard_for(session, campaign, v.group_key)
    cash = _money(money.get("cash_fen", v.cash_fen), "慰问金", MAX_VISIT_FEN)
    goods = _money(money.get("goods_fen", v.goods_fen), "慰问品折价", MAX_VISIT_FEN)
    if cash + goods <= 0:
        raise CampaignError("慰问金和慰问品不能都为0；不再慰问请取消该户", field="慰问金")
    description = (_text(money["goods_description"], "慰问品内容", NAME_MAX) if "goods_description" in money
                   else v.goods_description)
    if "fund_source_id" in money:
        v.fund_source_id = _fund_source(session, campaign, money["fund_source_id"]).id
    above = [(label, amount, standard) for label, amount, standard in
             (("慰问金", cash, std.cash_fen), ("慰问品折价", goods, std.goods_fen)) if amount > standard]
    override = None
    if above:
        label, amount, standard = above[0]
        what = f"{describe(v)}的{label}{_yuan(amount)}高于“{group_label(v.group_key)}”标准{_yuan(standard)}"
        if not approver:
            raise CampaignError(f"{what}；只有审批人可以提高金额（须填写理由）", field=label)
        text = _text(reason, "金额调整理由", TEXT_MAX)
        if not text:
            raise CampaignError(f"{what}，须填写金额调整理由", field="金额调整理由")
        override = {"reason": text, "standard": [std.cash_fen, std.goods_fen]}
    v.cash_fen, v.goods_fen, v.goods_description = cash, goods, description
    return override


def _actual_date(v: Visit, value: date | None, today: date) -> date | None:
    if value is None:
        return None
    value = _date(value, "实际走访日期")
    if v.status not in approvals.FROZEN_GRANT_STATES or v.approved_on is None:
        raise CampaignError(f"{describe(v)}尚未审批，审批后才能登记实际走访日期", field="实际走访日期")
    if value > today:
        raise CampaignError(f"实际走访日期{value:%Y-%m-%d}晚于今天", field="实际走访日期")
    if value < v.approved_on:
        raise CampaignError(f"实际走访日期{value:%Y-%m-%d}早于审批日期{v.approved_on:%Y-%m-%d}", field="实际走访日期")
    return value


def get_visit(session: Session, user: User, visit_id: str) -> Visit:
    """The whole visit, photo included (the editor)."""
    require_role(session, user, *Role, doing="查看走访慰问记录")
    return _load_visit(session, visit_id)


# --- steps -------------------------------------------------------------------------------------------------


def _preload(session: Session, ids: Sequence[str]) -> dict[str, Visit]:
    """The visits of ``ids`` in a few queries, without their photos."""
    out: dict[str, Visit] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        for v in session.exec(for_write(session, select(Visit).options(defer(Visit.photo))  # type: ignore[arg-type]
                                        .where(Visit.id.in_(chunk)).order_by(Visit.id)
                                        .execution_options(populate_existing=True))):
            out[v.id] = v
    for index, vid in enumerate(ids, start=1):
        if vid not in out:
            raise NotFound(f"第{index}项：找不到该走访慰问记录（编号 {vid}）。")
    return out


def _unfit_files(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """Visits of ``ids`` whose file is no longer active: visit id → (file no., name, status)."""
    out: dict[str, tuple[str, str, str]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        rows = session.execute(
            select(Visit.id, HardshipFile.file_no, HardshipFile.name, HardshipFile.status)
            .join(HardshipFile, HardshipFile.id == Visit.file_id)
            .where(Visit.id.in_(chunk), Visit.group_key.in_(FILE_GROUPS),
                   HardshipFile.status != FileStatus.active.value))
        out.update({vid: (no, name, status) for vid, no, name, status in rows})
    return out


class _Ledger:
    """Approved and paid money of one campaign, per fund source and in all, as a batch approves.

    ``mine``: visits this transaction has already approved (and may have written), left out of what is read
    here, so the ledger starts from what the other transactions committed before it."""

    def __init__(self, session: Session, campaign: Campaign, mine: Sequence[Visit] = ()) -> None:
        self.campaign = campaign
        self.sources = {s.id: s for s in _sources(session, campaign.id)}
        self.committed = _committed_by_source(session, campaign.id)
        for v in mine:
            self.committed[v.fund_source_id] = self.committed.get(v.fund_source_id, 0) - (v.cash_fen + v.goods_fen)
        self.total = sum(self.committed.values())

    def add(self, v: Visit) -> None:
        amount = v.cash_fen + v.goods_fen
        source = self.sources.get(v.fund_source_id or "")
        if source is None:
            raise CampaignError(f"{describe(v)}没有指定经费来源，请先选择经费来源再审批", field="经费来源")
        after = self.committed.get(source.id, 0) + amount
        if after > source.amount_fen:
            raise BudgetExceeded(f"{describe(v)}金额{_yuan(amount)}：审批后经费来源“{source.name}”已审批合计{_yuan(after)}，"
                                 f"超出该来源金额{_yuan(source.amount_fen)} {_yuan(after - source.amount_fen)}，不能审批",
                                 field="经费来源")
        total = self.total + amount
        if total > self.campaign.budget_fen:
            raise BudgetExceeded(f"{describe(v)}金额{_yuan(amount)}：审批后{self.campaign.name}已审批合计{_yuan(total)}，"
                                 f"超出预算{_yuan(self.campaign.budget_fen)} {_yuan(total - self.campaign.budget_fen)}，"
                                 "不能审批", field="预算")
        self.committed[source.id] = after
        self.total = total


def approve_many(session: Session, user: User, visit_ids: Sequence[str], *, opinion: str | None = None,
                 today: date | None = None, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> list[StepResult]:
    """Approve a selection as ONE transaction (sets the approval date). Each visit's fund source and the
    campaign's budget are checked against what is approved so far, this list included; if any visit is
    refused (the message names it, and for money the source and the amount over), none is approved."""
    return _approve(session, user, list(visit_ids), opinion=opinion, today=today or date.today(), progress=progress,
                    cancelled=cancelled)


def approve(session: Session, user: User, visit_id: str, *, opinion: str | None = None, today: date | None = None,
            expected_version: int | None = None) -> StepResult:
    """The approver's step for one visit: the same checks as ``approve_many``."""
    return _approve(session, user, [visit_id], opinion=opinion, today=today or date.today(),
                    expected_version=expected_version)[0]


class _Refused(Exception):
    """A visit of ``_approve``'s batch refused: its place in the batch and why."""

    def __init__(self, index: int, visit: Visit, error: DomainError) -> None:
        super().__init__(error)
        self.index, self.visit, self.error = index, visit, error

    def reraise(self) -> None:
        index, v, exc = self.index, self.visit, self.error
        if isinstance(exc, PermissionDenied):
            raise PermissionDenied(f"第{index}项 {describe(v)}：{exc.message}") from None
        cls = type(exc) if isinstance(exc, CampaignError) else ApprovalError
        message = exc.message if exc.message.startswith(describe(v)) else f"{describe(v)}：{exc.message}"
        raise cls(f"第{index}项 {message}（本批均未审批）", field=exc.field) from None


class VisitApproval:
    """The approval of visits inside one transaction: each visit's file must still be active, and its
    fund source and the campaign's budget must hold what is approved so far, this batch included.

    Two ways to use it. The 审批 page's batch (each visit that can be, ``approve``) checks the money visit by
    visit, so it reads the ledger — and locks the campaign — at the batch's first visit of a campaign.
    ``approve_many`` (all or nothing) takes every other check and writes every step first (``step``), and
    checks the money of the whole batch at the end (``settle``): the campaign's row, which every desk
    approving in that campaign must lock to read its ledger, is then held only from there to the commit,
    so desks approving batches of the same campaign at once wait for each other that long, not for a
    whole batch."""

    def __init__(self, session: Session, ids: Sequence[str]) -> None:
        self.unfit = _unfit_files(session, ids)
        self.by = approvals.submitters(session, ENTITY, ids)
        self.ledgers: dict[str, _Ledger] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.applied: list[tuple[Visit, StepResult]] = []  # stepped by ``step``, in order

    def approve(self, session: Session, user: User, v: Visit, *, opinion: str | None, today: date) -> StepResult:
        ledger = self.ledgers.get(v.campaign_id)
        if ledger is None:  # read before this batch approves anything of the campaign
            ledger = self.ledgers[v.campaign_id] = _Ledger(session, _load_campaign(session, v.campaign_id))
        result = self._step(session, user, v, ledger.campaign, opinion=opinion, today=today)
        ledger.add(v)  # last: a visit refused above never counts against the budget
        return result

    def step(self, session: Session, user: User, v: Visit, *, opinion: str | None, today: date) -> StepResult:
        """Every check but the money, and the step written; the money is ``settle``'s."""
        campaign = self.campaigns.get(v.campaign_id)
        if campaign is None:  # not locked here: ``settle`` locks it and reads it again
            campaign = session.get(Campaign, v.campaign_id)
            if campaign is None:
                raise NotFound("找不到该春节送温暖活动，请重新选择。")
            self.campaigns[v.campaign_id] = campaign
        result = self._step(session, user, v, campaign, opinion=opinion, today=today, applied=self.applied)
        return result

    def _step(self, session: Session, user: User, v: Visit, campaign: Campaign, *, opinion: str | None,
              today: date, applied: list[tuple[Visit, StepResult]] | None = None) -> StepResult:
        result = apply_step(session, user, v, Action.approve, opinion=opinion, today=today,
                            submitted_by=self.by.get(v.id))
        if applied is not None:
            applied.append((v, result))
        _open_for(campaign, "审批")
        if v.id in self.unfit:
            file_no, name, status = self.unfit[v.id]
            raise CampaignError(f"{describe(v)}所属档案 {file_no}（{name}）当前为“{FileStatus(status).label}”，"
                                "不能审批；请取消该户", field="档案")
        return result

    def settle(self, session: Session, stepped: Sequence[tuple[int, Visit]]) -> None:
        """The money of the ``stepped`` visits (place in the batch, visit; stepped by ``step``, in the batch's
        order), each in turn against its fund source and its campaign's budget, read now under the campaign's
        lock: what other desks committed before it, with this batch's own approvals left out and added back
        one by one. Raises ``_Refused`` for the first that does not fit (or whose campaign was closed
        meanwhile). Call it after every other check, the steps taken: they are written first, so nothing is
        written while the campaigns are held but the audit events at the commit."""
        session.flush()
        mine: dict[str, list[Visit]] = {}
        for v, result in self.applied:
            if result.from_state not in COMMITTED_STATES and result.to_state in COMMITTED_STATES:
                mine.setdefault(v.campaign_id, []).append(v)
        for campaign_id in sorted({v.campaign_id for _index, v in stepped}):  # one order at every desk
            self.ledgers[campaign_id] = _Ledger(session, _load_campaign(session, campaign_id),
                                                mine.get(campaign_id, ()))
        for index, v in stepped:
            ledger = self.ledgers[v.campaign_id]
            try:
                _open_for(ledger.campaign, "审批")  # closed at another desk since ``step`` read it
                ledger.add(v)
            except DomainError as exc:
                raise _Refused(index, v, exc) from None


@retrying
def _approve(session: Session, user: User, ids: list[str], *, opinion: str | None, today: date,
             progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
             expected_version: int | None = None) -> list[StepResult]:
    """Every visit stepped first, in order, up to the first refused; then the money of those before it under
    the campaigns' locks (``VisitApproval.settle``). A visit over the budget before the first refused one is
    the refusal, as when each visit's money was checked in its turn; the audit chain's head is taken at
    the commit, after all of it."""
    results: list[StepResult] = []
    single = ids[0] if len(ids) == 1 else None
    with unit_of_work(session, user, Refusal(ENTITY, single, Action.approve.value if single
                                             else f"{Action.approve.value}:batch")):
        visits = _preload(session, ids)
        if single is not None:
            check_version(visits[single], expected_version, describe(visits[single]))
        approval = VisitApproval(session, ids)
        stepped: list[tuple[int, Visit]] = []
        refused: _Refused | None = None
        for index, vid in enumerate(ids, start=1):
            if cancelled and cancelled():
                raise BatchCancelled(f"已取消，{len(ids)}项均未审批。")
            v = visits[vid]
            try:
                results.append(approval.step(session, user, v, opinion=opinion, today=today))
            except DomainError as exc:
                refused = _Refused(index, v, exc)
                break
            stepped.append((index, v))
            if progress:
                progress(index, len(ids))
        # the money, in the batch's order, of every visit before the first refused one: a refusal there comes
        # first, as when each visit's money was checked in its turn
        try:
            approval.settle(session, stepped)
        except _Refused as money:
            money.reraise()
        if refused is not None:
            refused.reraise()
    return results


def act_many(session: Session, user: User, visit_ids: Sequence[str], action: Action | str, *,
             opinion: str | None = None, today: date | None = None,
             progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> list[StepResult]:
    """Submit, review or send back a selection (approvals.act_many, one transaction). Approval is
    ``approve_many`` (budget), cancelling ``remove_visits`` (reason kept), payment ``mark_paid_many``."""
    action = Action(action)
    if action is Action.approve:
        raise ValueError("approve visits with campaigns.approve_many")
    if action is Action.cancel:
        raise ValueError("cancel visits with campaigns.remove_visits")
    return approvals.act_many(session, user, ENTITY, list(visit_ids), action, opinion=opinion, today=today,
                              progress=progress, cancelled=cancelled)


def remove_visits(session: Session, user: User, visit_ids: Sequence[str], reason: str, *,
                  today: date | None = None, progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[StepResult]:
    """Take households off the list (cancel, with a reason, by the role whose turn it is: the clerk a draft,
    the reviewer one in the steps, the approver an approved one); a paid visit stays. One transaction."""
    return _remove(session, user, list(visit_ids), reason, today=today or date.today(), progress=progress,
                   cancelled=cancelled)


def remove_visit(session: Session, user: User, visit_id: str, reason: str, *, today: date | None = None,
                 expected_version: int | None = None) -> StepResult:
    """Take one household off the list (cancel with a reason); only before payment."""
    return _remove(session, user, [visit_id], reason, today=today or date.today(),
                   expected_version=expected_version)[0]


@retrying
def _remove(session: Session, user: User, ids: list[str], reason: str, *, today: date,
            progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
            expected_version: int | None = None) -> list[StepResult]:
    results: list[StepResult] = []
    single = ids[0] if len(ids) == 1 else None
    with unit_of_work(session, user, Refusal(ENTITY, single, Action.cancel.value)):
        text = _text(reason, "取消理由", TEXT_MAX, required=True) or ""
        visits = _preload(session, ids)
        if single is not None:
            check_version(visits[single], expected_version, describe(visits[single]))
        for index, vid in enumerate(ids, start=1):
            if cancelled and cancelled():
                raise BatchCancelled(f"已取消，{len(ids)}项均未移出名单。")
            v = visits[vid]
            try:
                if v.status == GrantStatus.paid.value:
                    raise CampaignError(f"{describe(v)}已发放，不能移出名单")
                v.cancel_reason = text
                results.append(apply_step(session, user, v, Action.cancel, opinion=text, today=today))
            except PermissionDenied as exc:
                raise PermissionDenied(exc.message if len(ids) == 1
                                       else f"第{index}项 {describe(v)}：{exc.message}") from None
            except DomainError as exc:
                if len(ids) == 1:
                    raise
                raise CampaignError(f"第{index}项 {describe(v)}：{exc.message}（本批均未移出）", field=exc.field) from None
            if progress:
                progress(index, len(ids))
    return results


def cancel_visits_for_exited_file(session: Session, user: User, file_id: str, *, reason: str | None = None) -> int:
    """A household that leaves the registry comes off the lists of open campaigns: its visits not yet
    approved are cancelled with the reason. An approved visit was decided while the household was in
    the registry and stays payable. Runs inside the CALLER's transaction (registry's exit, by the
    approver); returns how many visits were cancelled."""
    hf = session.get(HardshipFile, file_id)
    if hf is None:
        return 0
    reason = reason or f"档案 {hf.file_no} 已撤档，移出慰问名单"
    waiting = (GrantStatus.draft.value, GrantStatus.submitted.value, GrantStatus.reviewed.value)
    visits = session.exec(select(Visit).join(Campaign, Campaign.id == Visit.campaign_id)
                          .where(Visit.file_id == file_id, Visit.status.in_(waiting),
                                 Campaign.closed == False)).all()  # noqa: E712 - SQL, not Python
    for v in visits:
        v.cancel_reason = reason[:TEXT_MAX]
        follow_cancel(session, user, v, reason)
    return len(visits)


@retrying
def mark_paid_many(session: Session, user: User, visit_ids: Sequence[str], *, paid_on: date, method: str,
                   today: date | None = None, progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> list[Disbursement]:
    """Pay the cash of approved visits (payments.pay_many: one transaction, vouchers in the list's order;
    a paid date before a visit's approval date is refused, naming the visit)."""
    return payments.pay_many(session, user, "visit", list(visit_ids), paid_on=paid_on, method=method, today=today,
                             progress=progress, cancelled=cancelled)


# --- the dashboard ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    count: int = 0
    cash_fen: int = 0
    goods_fen: int = 0

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen

    def __add__(self, other: Money) -> Money:
        return Money(self.count + other.count, self.cash_fen + other.cash_fen, self.goods_fen + other.goods_fen)


@dataclass(frozen=True)
class BudgetLine:
    """The money of the whole campaign, of one fund source or of one group."""

    key: str  # "total", a fund source id, or a group key
    label: str
    budget_fen: int | None  # None for a group
    planned: Money  # every visit not cancelled
    in_process: Money  # draft … reviewed
    approved: Money  # approved, not yet paid
    paid: Money

    @property
    def committed_fen(self) -> int:
        return self.approved.total_fen + self.paid.total_fen

    @property
    def remaining_fen(self) -> int | None:
        return None if self.budget_fen is None else self.budget_fen - self.committed_fen

    @property
    def over_if_all_approved_fen(self) -> int:
        return 0 if self.budget_fen is None else max(0, self.planned.total_fen - self.budget_fen)


@dataclass(frozen=True)
class CampaignDashboard:
    campaign_id: str
    year: int
    name: str
    closed: bool
    budget_fen: int
    by_status: dict[str, int]  # every status, cancelled included
    visited: int  # visits with an actual date
    with_photo: int
    total: BudgetLine
    sources: list[BudgetLine]
    groups: list[BudgetLine]
    disbursed_fen: int  # cash on vouchers
    vouchers: int


def dashboard(session: Session, campaign_id: str) -> CampaignDashboard:
    """Progress by status and the money (planned, approved, paid) against the budget, overall, per fund
    source and per group; every figure is an SQL aggregate."""
    campaign = _load_campaign(session, campaign_id)
    V = Visit
    rows = session.execute(
        select(V.status, V.fund_source_id, V.group_key, func.count(), func.coalesce(func.sum(V.cash_fen), 0),
               func.coalesce(func.sum(V.goods_fen), 0), func.count(V.actual_date),
               func.coalesce(func.sum(case((V.photo.is_not(None), 1), else_=0)), 0))
        .where(V.campaign_id == campaign.id).group_by(V.status, V.fund_source_id, V.group_key)).all()
    by_status = {s.value: 0 for s in approvals.grant_lifecycle(False).states}
    visited = with_photo = 0
    buckets: dict[tuple[str, str], dict[str, Money]] = {}

    def bucket(kind: str, key: str) -> dict[str, Money]:
        return buckets.setdefault((kind, key), {"planned": Money(), "in_process": Money(), "approved": Money(),
                                                "paid": Money()})

    for status, source_id, group, n, cash, goods, dated, photos in rows:
        by_status[status] = by_status.get(status, 0) + n
        if status == GrantStatus.cancelled.value:
            continue
        visited += dated
        with_photo += photos
        money = Money(n, int(cash), int(goods))
        part = ("paid" if status == GrantStatus.paid.value else "approved" if status == GrantStatus.approved.value
                else "in_process")
        for target in (bucket("total", "total"), bucket("source", source_id or ""), bucket("group", group)):
            target["planned"] = target["planned"] + money
            target[part] = target[part] + money

    def line(kind: str, key: str, label: str, budget: int | None) -> BudgetLine:
        b = bucket(kind, key)
        return BudgetLine(key, label, budget, b["planned"], b["in_process"], b["approved"], b["paid"])

    sources = [line("source", s.id, s.name, s.amount_fen) for s in _sources(session, campaign.id)]
    if ("source", "") in buckets:
        sources.append(line("source", "", "未指定经费来源", 0))
    group_keys = [g for g in GROUPS if ("group", g) in buckets or g in _standards(session, campaign.id)]
    group_keys += sorted(k for kind, k in buckets if kind == "group" and k not in group_keys)
    groups = [line("group", g, group_label(g), None) for g in group_keys]
    disbursed, vouchers = session.execute(
        select(func.coalesce(func.sum(Disbursement.amount_fen), 0), func.count()).select_from(Disbursement)
        .join(V, V.id == Disbursement.grant_id)
        .where(Disbursement.grant_type == "visit", V.campaign_id == campaign.id)).one()
    return CampaignDashboard(campaign.id, campaign.year, campaign.name, campaign.closed, campaign.budget_fen,
                             by_status, visited, with_photo, line("total", "total", campaign.name, campaign.budget_fen),
                             sources, groups, int(disbursed), int(vouchers))


# --- the lazy list ----------------------------------------------------------------------------------------


_ORDERS: dict[str, Any] = {
    "name": Visit.recipient_name_sort, "unit": Visit.unit_name, "group": Visit.group_key, "status": Visit.status,
    "cash": Visit.cash_fen, "goods": Visit.goods_fen, "total": Visit.cash_fen + Visit.goods_fen,
    "planned_date": Visit.planned_date, "actual_date": Visit.actual_date, "approved_on": Visit.approved_on,
    "cadres": Visit.cadres,
}


def list_visits(session: Session, user: User, *, campaign_id: str | None = None, text: str = "",
                status: str | Iterable[str] | None = None, group: str | Iterable[str] | None = None,
                category: str | Iterable[str] | None = None, unit: str | None = None, cadre: str | None = None,
                visited: bool | None = None, order: str = "name", offset: int = 0,
                limit: int = 200) -> tuple[int, list[str]]:
    """(number of matches, the ids of one page) for the visits list. ``text`` matches the recipient's name,
    the tail of the ID number (4+ characters), the unit name and the cadres; ``unit`` is a grassroots
    union's id (its files, and visits carrying its name); ``cadre`` a part of the cadres' names;
    ``visited`` whether the actual date is recorded. ``order`` is a key of the list (name, unit, group,
    status, cash, goods, total, planned_date, actual_date, approved_on, cadres), ``-key`` for descending."""
    require_role(session, user, *Role, doing="查看走访慰问记录")
    V = Visit
    conditions: list[Any] = []
    if campaign_id:
        conditions.append(V.campaign_id == campaign_id)
    statuses = _as_tuple(status)
    if statuses:
        conditions.append(V.status.in_(statuses))
    groups = _as_tuple(group)
    if groups:
        conditions.append(V.group_key.in_(groups))
    categories = _as_tuple(category)
    if categories:
        conditions.append(V.category.in_(categories))
    if unit:
        unit_name = _unit_name(session, unit)
        in_unit = select(HardshipFile.id).where(HardshipFile.unit_id == unit)
        conditions.append(or_(V.file_id.in_(in_unit), V.unit_name == unit_name) if unit_name
                          else V.file_id.in_(in_unit))
    if cadre and cadre.strip():
        conditions.append(V.cadres.like(f"%{_like_escape(cadre.strip())}%", escape="\\"))
    if visited is not None:
        conditions.append(V.actual_date.is_not(None) if visited else V.actual_date.is_(None))
    query = compact(text or "")
    if query:
        pattern = _like_escape(query)
        alternatives = [V.recipient_name.like(f"%{pattern}%", escape="\\"),
                        V.unit_name.like(f"%{pattern}%", escape="\\"), V.cadres.like(f"%{pattern}%", escape="\\")]
        if len(query) >= 4 and query[:-1].isdigit() and (query[-1].isdigit() or query[-1] in "Xx"):
            alternatives.append(V.recipient_id_number.like(f"%{pattern.upper()}", escape="\\"))
        conditions.append(or_(*alternatives))
    descending = order.startswith("-")
    column = _ORDERS.get(order.lstrip("-"))
    if column is None:
        raise ValueError(f"unknown order {order!r}")
    ordering = [column.desc() if descending else column.asc()]
    if column is not V.recipient_name_sort:  # then by the name's pinyin
        ordering.append(V.recipient_name_sort.desc() if descending else V.recipient_name_sort.asc())
    ordering.append(V.id)
    count = select(func.count()).select_from(V)
    base = select(V.id)
    if conditions:
        count, base = count.where(*conditions), base.where(*conditions)
    total = session.execute(count).scalar_one()
    ids = list(session.execute(base.order_by(*ordering).offset(max(0, offset)).limit(max(0, limit))).scalars())
    return total, ids


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: str
    campaign_id: str
    recipient_name: str
    masked_id: str
    group_key: str
    group_label: str
    category: str
    category_label: str
    filed: bool
    file_no: str
    unit_name: str
    fund_source_id: str
    fund_source_name: str
    cash_fen: int
    goods_fen: int
    goods_description: str
    standard_cash_fen: int
    standard_goods_fen: int
    amount_overridden: bool  # above the group's standard (an approver's decision)
    status: str
    status_label: str
    cadres: str
    planned_date: date | None
    actual_date: date | None
    approved_on: date | None
    has_photo: bool
    voucher_no: str
    cancel_reason: str
    version: int

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen


def visit_rows(session: Session, user: User, ids: Sequence[str]) -> list[VisitRow]:
    """The list's rows for ``ids`` in the order of ``ids``; the ID number leaves masked, the photo stays."""
    require_role(session, user, *Role, doing="查看走访慰问记录")
    if not ids:
        return []
    V, S, F, D = Visit, CampaignStandard, CampaignFundSource, Disbursement
    stmt = (select(V.id, V.campaign_id, V.recipient_name, V.recipient_id_number, V.group_key, V.category,
                   V.file_id, HardshipFile.file_no, V.unit_name, V.fund_source_id, F.name, V.cash_fen, V.goods_fen,
                   V.goods_description, S.cash_fen, S.goods_fen, V.status, V.cadres, V.planned_date, V.actual_date,
                   V.approved_on, V.photo.is_not(None), D.voucher_no, V.cancel_reason, V.version)
            .select_from(V).outerjoin(HardshipFile, HardshipFile.id == V.file_id)
            .outerjoin(F, F.id == V.fund_source_id)
            .outerjoin(S, and_(S.campaign_id == V.campaign_id, S.group_key == V.group_key))
            .outerjoin(D, and_(D.grant_type == "visit", D.grant_id == V.id)))
    found: dict[str, VisitRow] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        for (vid, cid, name, number, group, category, file_id, file_no, unit_name, source_id, source_name, cash, goods,
             description, std_cash, std_goods, status, cadres, planned, actual, approved_on, has_photo, voucher,
             cancel_reason, version) in session.execute(stmt.where(V.id.in_(chunk))):
            found[vid] = VisitRow(
                id=vid, campaign_id=cid, recipient_name=name, masked_id=mask_id_number(number), group_key=group,
                group_label=group_label(group), category=category or "", category_label=_category_label(category),
                filed=file_id is not None, file_no=file_no or "", unit_name=unit_name or "",
                fund_source_id=source_id or "", fund_source_name=source_name or "", cash_fen=cash, goods_fen=goods,
                goods_description=description or "", standard_cash_fen=std_cash or 0, standard_goods_fen=std_goods or 0,
                amount_overridden=std_cash is not None and (cash > std_cash or goods > std_goods),
                status=status, status_label=_status_label(status), cadres=cadres or "", planned_date=planned,
                actual_date=actual, approved_on=approved_on, has_photo=bool(has_photo), voucher_no=voucher or "",
                cancel_reason=cancel_reason or "", version=version)
    return [found[i] for i in ids if i in found]


__all__ = [
    "CHUNK", "FILE_GROUPS", "FLAGS", "GROUPS", "KEEP", "OTHER_GROUPS", "PHOTO_MAX_BYTES", "BudgetExceeded",
    "BudgetLine", "CampaignDashboard", "CampaignError", "CampaignInput", "DuplicateVisit", "FundSourceInput",
    "GenerationCriteria", "GenerationPreview", "GenerationResult", "GrantFrozen", "GroupPreview", "Money",
    "SourcePreview", "VisitInput", "VisitRow", "act_many", "add_visit", "approve", "approve_many",
    "campaign_standards", "campaigns", "create_campaign", "dashboard", "fund_sources", "generate_visits",
    "get_campaign", "get_visit", "group_label", "list_visits", "mark_paid_many", "owner_names", "preview_visits",
    "remove_visit", "remove_visits", "set_campaign_closed", "update_campaign", "update_visit", "visit_rows",
]
