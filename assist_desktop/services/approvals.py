"""The approval machinery shared by files and grants (DESIGN.md §4).

Enforced here, below every screen: the right role for each step, steps in order, nobody reviews or
approves what they submitted, the public notice must have run its working days before approval, a
reason for sending back, exiting or cancelling, and amounts frozen once approved. Every step is a
``WorkflowEvent`` plus an audit event, in the caller's single transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, SQLModel, select

from assist_desktop.domain.dates import cn_date
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import (
    FILE_LIFECYCLE,
    Action,
    GrantStatus,
    Lifecycle,
    Role,
    RoleNotAllowed,
    grant_lifecycle,
)
from assist_desktop.services.public_notice import (  # noqa: F401 - re-exported: the notice's settings
    DEFAULT_NOTICE_WORKING_DAYS,
    NOTICE_DAYS_KEY,
    notice_period,
    notice_working_days,
)
from assist_desktop.services.base import (
    NotFound,
    PermissionDenied,
    Refusal,
    audit,
    check_version,
    fetch,
    for_write,
    require_own,
    retrying,
    roles_of,
    touch,
    unit_of_work,
)
from assist_desktop.storage.models import (
    Campaign,
    HardshipFile,
    Meta,
    Scholarship,
    ScholarshipRound,
    Synced,
    User,
    Visit,
    WorkflowEvent,
)


ENTITIES: dict[str, type[SQLModel]] = {"hardship_file": HardshipFile, "scholarship": Scholarship, "visit": Visit}
ENTITY_LABELS = {"hardship_file": "困难职工档案", "scholarship": "助学申请", "visit": "走访慰问"}
# Once approved, the amount and the recipient of a grant are frozen; a change is a cancel and a new grant.
FROZEN_GRANT_STATES = frozenset({GrantStatus.approved.value, GrantStatus.paid.value})


class ApprovalError(DomainError):
    pass


class GrantFrozen(DomainError):
    pass


@dataclass(frozen=True)
class StepResult:
    entity_type: str
    entity_id: str
    action: Action
    from_state: str
    to_state: str


def lifecycle_for(session: Session, entity: Synced) -> Lifecycle:
    if isinstance(entity, HardshipFile):
        return FILE_LIFECYCLE
    if isinstance(entity, Scholarship):
        rnd = session.get(ScholarshipRound, entity.round_id)
        return grant_lifecycle(bool(rnd.requires_notice) if rnd else True)
    if isinstance(entity, Visit):
        return grant_lifecycle(False)  # visits are approved as a list by the chair, without a notice
    raise TypeError(type(entity).__name__)


def entity_type_of(entity: Synced) -> str:
    return type(entity).__tablename__  # type: ignore[attr-defined]


def describe(entity: Synced) -> str:
    """How a message names the record: kind, number and name."""
    kind = ENTITY_LABELS.get(entity_type_of(entity), "记录")
    if isinstance(entity, HardshipFile):
        return f"{kind} {entity.file_no}（{entity.name}）"
    if isinstance(entity, Scholarship):
        return f"{kind} {entity.application_no}（{entity.student_name}）"
    if isinstance(entity, Visit):
        return f"{kind}（{entity.recipient_name}）"
    return kind


def submitter_id(session: Session, entity: Synced) -> str | None:
    """Who last submitted the item (a returned item can be resubmitted by someone else)."""
    stmt = (select(WorkflowEvent.actor_id)
            .where(WorkflowEvent.entity_type == entity_type_of(entity), WorkflowEvent.entity_id == entity.id,
                   WorkflowEvent.action == Action.submit.value)
            .order_by(WorkflowEvent.at.desc(), WorkflowEvent.mtime.desc()).limit(1))
    return session.exec(stmt).first()


_UNKNOWN = object()


def acting_roles(session: Session, user: User, doing: str) -> frozenset[Role]:
    """The roles of an active user, read once per transaction (a batch takes thousands of steps)."""
    transaction = session.get_transaction()
    cached = session.info.get("acting_roles")
    if cached is not None and transaction is not None and cached[0] is transaction and cached[1] == user.id:
        return cached[2]
    fresh = session.get(User, user.id)
    if fresh is None or not fresh.active:
        raise PermissionDenied(f"用户“{user.display_name}”已停用，不能{doing}。")
    held = roles_of(session, fresh)
    session.info["acting_roles"] = (transaction, user.id, held)
    return held


def submitters(session: Session, entity_type: str, entity_ids: Sequence[str]) -> dict[str, str]:
    """Who last submitted each item, for a batch (one query per 500 items instead of one per item)."""
    found: dict[str, tuple[Any, Any, str]] = {}
    ids = list(entity_ids)
    for start in range(0, len(ids), 500):
        rows = session.exec(select(WorkflowEvent.entity_id, WorkflowEvent.at, WorkflowEvent.mtime, WorkflowEvent.actor_id)
                            .where(WorkflowEvent.entity_type == entity_type,
                                   WorkflowEvent.entity_id.in_(ids[start:start + 500]),
                                   WorkflowEvent.action == Action.submit.value))
        for entity_id, at, mtime, actor in rows:
            if entity_id not in found or (at, mtime) > found[entity_id][:2]:
                found[entity_id] = (at, mtime, actor)
    return {k: v[2] for k, v in found.items()}


def apply_step(session: Session, user: User, entity: Synced, action: Action, *, opinion: str | None = None,
               today: date | None = None, at: datetime | None = None, held: frozenset[Role] | None = None,
               submitted_by: Any = _UNKNOWN) -> StepResult:
    """Check and take one lifecycle step inside the caller's transaction. A batch passes ``held``
    (acting_roles) and ``submitted_by`` (submitters) read once for all its items."""
    today = today or date.today()
    require_own(session, entity, describe(entity))  # every step of a file or grant: the owner's alone
    if held is None:
        held = acting_roles(session, user, action.label)
    lifecycle = lifecycle_for(session, entity)
    current = entity.status  # type: ignore[attr-defined]
    try:
        new_state = lifecycle.check(current, action, held)
    except RoleNotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    opinion = (opinion or "").strip() or None
    if action in lifecycle.reason_required and not opinion:
        raise ApprovalError(f"{action.label}{describe(entity)}须填写理由。", field="理由")
    if opinion and len(opinion) > 500:
        raise ApprovalError("意见或理由不能超过500字。", field="意见")
    if action in (Action.review, Action.approve, Action.put_on_notice):
        if submitted_by is _UNKNOWN:
            submitted_by = submitter_id(session, entity)
        if submitted_by == user.id:
            raise PermissionDenied(f"{describe(entity)}是您本人提交的，不能由您{action.label}。")
    if action is Action.approve and current == "on_notice":
        start = entity.notice_start  # type: ignore[attr-defined]
        if start is None:
            raise ApprovalError(f"{describe(entity)}没有公示开始日期，不能审批。")
        period = notice_period(session, start)  # official working days: holidays skipped, 调休 counted
        if today < period.approval_from:
            raise ApprovalError(f"{describe(entity)}公示期未满：公示自{cn_date(start)}起须满{period.days}个工作日"
                                f"（至{cn_date(period.last_day)}），{cn_date(period.approval_from)}起方可审批。")
    if action is Action.put_on_notice:
        entity.notice_start = today  # type: ignore[attr-defined]
    if action is Action.approve:
        if isinstance(entity, HardshipFile):
            entity.opened_on = today
        else:
            entity.approved_on = today  # type: ignore[attr-defined]
    if action is Action.return_to_draft and hasattr(entity, "notice_start"):
        entity.notice_start = None  # a new notice must run in full after resubmission
    return _record_step(session, user, entity, action, current, new_state.value, opinion, at)


def _record_step(session: Session, user: User, entity: Synced, action: Action, current: str, new_state: str,
                 opinion: str | None, at: datetime | None) -> StepResult:
    entity.status = new_state  # type: ignore[attr-defined]
    touch(entity)
    session.add(WorkflowEvent(
        owner_unit_id=entity.owner_unit_id, entity_type=entity_type_of(entity), entity_id=entity.id,
        action=action.value, from_state=current, to_state=new_state, actor_id=user.id,
        actor_name=user.display_name, at=at or datetime.now(UTC), opinion=opinion))
    audit(session, user, entity, f"workflow:{action.value}",
          {"status": [current, new_state], **({"opinion": opinion} if opinion else {})})
    return StepResult(entity_type_of(entity), entity.id, action, current, new_state)


def follow_cancel(session: Session, user: User, entity: Synced, reason: str) -> StepResult:
    """Cancel an item as the consequence of another decision taken by ``user`` (a file's exit cancels
    its visits not yet approved), without the role check of the cancel step itself. Inside the
    caller's transaction; recorded in the workflow history and the audit like any step."""
    current = entity.status  # type: ignore[attr-defined]
    new_state = lifecycle_for(session, entity).check(current, Action.cancel, frozenset(Role))  # a legal step
    return _record_step(session, user, entity, Action.cancel, current, new_state.value, reason.strip()[:500], None)


def preload(session: Session, entity_type: str, entity_ids: Sequence[str]) -> dict[str, Synced]:
    """The items of a batch, read 500 at a time; a missing one is refused naming its place in the list."""
    model = ENTITIES.get(entity_type)
    if model is None:
        raise NotFound(f"未知的事项类型“{entity_type}”。")
    ids = list(entity_ids)
    found: dict[str, Synced] = {}
    with session.no_autoflush:
        for start in range(0, len(ids), 500):
            for entity in session.exec(for_write(session, select(model).where(  # type: ignore[attr-defined]
                    model.id.in_(ids[start:start + 500])).order_by(model.id))):  # type: ignore[attr-defined]
                found[entity.id] = entity  # type: ignore[attr-defined]
    for index, entity_id in enumerate(ids, start=1):
        if entity_id not in found:
            raise NotFound(f"第{index}项：找不到该{ENTITY_LABELS[entity_type]}（编号 {entity_id}），可能已被删除或尚未同步。")
    return found


def load(session: Session, entity_type: str, entity_id: str) -> Synced:
    model = ENTITIES.get(entity_type)
    if model is None:
        raise NotFound(f"未知的事项类型“{entity_type}”。")
    entity = fetch(session, model, entity_id)
    if entity is None:
        raise NotFound(f"找不到该{ENTITY_LABELS[entity_type]}（编号 {entity_id}）。")
    return entity  # type: ignore[return-value]


# Steps with nothing to record but an opinion; exit, annual review and payment have their own
# services because they carry more (a reason code and date, a review row, a voucher).
GENERIC_ACTIONS = frozenset({Action.submit, Action.review, Action.put_on_notice, Action.approve,
                             Action.return_to_draft, Action.cancel})
# Steps that carry more than the generic step for one kind of item, and where they are taken instead
# (the section of the program, why, the service): approving a scholarship checks the round's budget
# and makes a yearly plan's installments; approving a visit checks each fund source's budget and the
# household's file.
OWN_SERVICES = {
    ("scholarship", Action.approve): ("金秋助学", "要核对预算并生成分年发放计划", "scholarships.approve_many"),
    ("visit", Action.approve): ("春节送温暖", "要按资金来源核对预算并核对档案状态", "campaigns.approve_many"),
}


def _refuse_own_service(entity_type: str, action: Action) -> None:
    found = OWN_SERVICES.get((entity_type, action))
    if found is not None:
        section, why, service = found
        raise ApprovalError(f"{ENTITY_LABELS.get(entity_type, '该事项')}须在“{section}”中{action.label}"
                            f"（{why}；{service}）。")


@retrying
def act(session: Session, user: User, entity_type: str, entity_id: str, action: Action | str, *,
        opinion: str | None = None, expected_version: int | None = None, today: date | None = None) -> StepResult:
    """Take one step (submit, review, put on notice, approve, return, cancel) in its own transaction."""
    action = Action(action)
    if action not in GENERIC_ACTIONS:
        raise ValueError(f"{action} has its own service")
    _refuse_own_service(entity_type, action)
    with unit_of_work(session, user, Refusal(entity_type, entity_id, action.value)):
        entity = load(session, entity_type, entity_id)
        check_version(entity, expected_version, describe(entity))
        return apply_step(session, user, entity, action, opinion=opinion, today=today)


def submit(session: Session, user: User, entity_type: str, entity_id: str, **kw: object) -> StepResult:
    return act(session, user, entity_type, entity_id, Action.submit, **kw)  # type: ignore[arg-type]


def review(session: Session, user: User, entity_type: str, entity_id: str, **kw: object) -> StepResult:
    return act(session, user, entity_type, entity_id, Action.review, **kw)  # type: ignore[arg-type]


def put_on_notice(session: Session, user: User, entity_type: str, entity_id: str, **kw: object) -> StepResult:
    return act(session, user, entity_type, entity_id, Action.put_on_notice, **kw)  # type: ignore[arg-type]


def approve(session: Session, user: User, entity_type: str, entity_id: str, **kw: object) -> StepResult:
    return act(session, user, entity_type, entity_id, Action.approve, **kw)  # type: ignore[arg-type]


def return_to_draft(session: Session, user: User, entity_type: str, entity_id: str, reason: str,
                    **kw: object) -> StepResult:
    return act(session, user, entity_type, entity_id, Action.return_to_draft, opinion=reason, **kw)  # type: ignore[arg-type]


def cancel(session: Session, user: User, entity_type: str, entity_id: str, reason: str, **kw: object) -> StepResult:
    return act(session, user, entity_type, entity_id, Action.cancel, opinion=reason, **kw)  # type: ignore[arg-type]


def history(session: Session, entity_type: str, entity_id: str) -> list[WorkflowEvent]:
    """Every step an item went through, oldest first (the opinion boxes of the printed forms)."""
    stmt = (select(WorkflowEvent).where(WorkflowEvent.entity_type == entity_type, WorkflowEvent.entity_id == entity_id)
            .order_by(WorkflowEvent.at, WorkflowEvent.mtime))
    return list(session.exec(stmt))


def assert_grant_editable(grant: Scholarship | Visit, fields: set[str]) -> None:
    """Amount and recipient of an approved grant are frozen (DESIGN.md §4)."""
    frozen_fields = {"amount_fen", "cash_fen", "goods_fen", "file_id", "unfiled_household_id", "student_id_number",
                     "student_name", "recipient_name", "recipient_id_number"}
    touched = fields & frozen_fields
    if grant.status in FROZEN_GRANT_STATES and touched:
        raise GrantFrozen(f"{describe(grant)}已审批，金额和领取人不能再改；如需变更请取消后重新申请。")


# --- the 审批 page: what waits for this user, and steps on a selection -----------------------------------


@dataclass(frozen=True)
class PendingItem:
    entity_type: str
    entity_id: str
    number: str
    name: str
    detail: str  # category or amount, as the list shows it
    status: str
    actions: tuple[Action, ...]
    version: int
    since: datetime | None


# The next steps each state offers, in the order the page shows them.
_NEXT_STEPS = (Action.submit, Action.review, Action.put_on_notice, Action.approve, Action.return_to_draft)


def _steps_for(lifecycle: Lifecycle, state: str, roles: frozenset) -> tuple[Action, ...]:
    out = []
    for action in _NEXT_STEPS:
        try:
            if lifecycle.role_for(action, state) in roles:
                out.append(action)
        except DomainError:
            continue
    return tuple(out)


def _waiting_states(lifecycle: Lifecycle, roles: frozenset) -> set[str]:
    return {state.value for state in lifecycle.states
            if any(a is not Action.return_to_draft for a in _steps_for(lifecycle, state.value, roles))}


def pending(session: Session, user: User, *, entity_type: str = "hardship_file", limit: int = 500) -> list[PendingItem]:
    """Items whose next step this user's roles may take, oldest first; never what they submitted themselves
    for review or approval. Drafts count only for their author."""
    from assist_desktop.domain.hardship import HardshipCategory
    from assist_desktop.domain.money import format_amount

    fresh = session.get(User, user.id, populate_existing=True)
    if fresh is None or not fresh.active:
        raise PermissionDenied(f"用户“{user.display_name}”已停用。")
    roles = roles_of(session, fresh)
    model = ENTITIES[entity_type]
    lifecycles = ([FILE_LIFECYCLE] if model is HardshipFile else [grant_lifecycle(True), grant_lifecycle(False)])
    states = set().union(*(_waiting_states(lc, roles) for lc in lifecycles))
    if not states:
        return []
    # At a city the lower units' records are here too, but only their owners act on them (require_own)
    local = session.get(Meta, "local_unit_id")
    mine = [model.owner_unit_id == local.value] if local is not None else []  # type: ignore[attr-defined]
    if model is HardshipFile:  # files of an import batch wait for the batch's approval (import_batches)
        from assist_desktop.storage.models import ImportBatch

        mine.append(HardshipFile.import_batch_id.is_(None) | HardshipFile.import_batch_id.not_in(  # type: ignore[union-attr]
            select(ImportBatch.id).where(ImportBatch.status == "pending")))
    rows = session.exec(select(model).where(model.status.in_(states), *mine)  # type: ignore[attr-defined]
                        .order_by(model.mtime).limit(limit * 2)).all()
    items: list[PendingItem] = []
    for entity in rows:
        lifecycle = lifecycle_for(session, entity)
        actions = _steps_for(lifecycle, entity.status, roles)
        submitted_by = submitter_id(session, entity) if entity.status != "draft" else None
        if entity.status == "draft":
            if getattr(entity, "created_by", user.id) not in (user.id, None):
                continue
        elif submitted_by == user.id:
            actions = tuple(a for a in actions if a not in (Action.review, Action.put_on_notice, Action.approve))
        if not [a for a in actions if a is not Action.return_to_draft]:
            continue
        if isinstance(entity, HardshipFile):
            number, name = entity.file_no, entity.name
            detail = HardshipCategory(entity.category).label if entity.category else ""
        elif isinstance(entity, Scholarship):
            number, name, detail = entity.application_no, entity.student_name, f"{format_amount(entity.amount_fen)}元"
        else:
            campaign = session.get(Campaign, entity.campaign_id)  # one read per campaign (identity map)
            number, name = (campaign.name if campaign else ""), entity.recipient_name
            detail = f"{format_amount(entity.cash_fen)}元＋慰问品{format_amount(entity.goods_fen)}元"
        last = session.exec(select(WorkflowEvent.at).where(WorkflowEvent.entity_id == entity.id)
                            .order_by(WorkflowEvent.at.desc()).limit(1)).first()
        items.append(PendingItem(entity_type, entity.id, number, name, detail, entity.status, actions,
                                 entity.version, last))
        if len(items) == limit:
            break
    return items


@retrying
def act_many(session: Session, user: User, entity_type: str, entity_ids: list[str], action: Action | str, *,
             opinion: str | None = None, today: date | None = None,
             progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> list[StepResult]:
    """The same step on a selection, as ONE transaction: if any item is refused (the message names it)
    or the user cancels, none of them moves."""
    action = Action(action)
    if action not in GENERIC_ACTIONS:
        raise ValueError(f"{action} has its own service")
    _refuse_own_service(entity_type, action)
    results = []
    with unit_of_work(session, user, Refusal(entity_type, None, f"{action.value}:batch")):
        held = acting_roles(session, user, action.label)
        entities = preload(session, entity_type, entity_ids)
        checks_submitter = action in (Action.review, Action.approve, Action.put_on_notice)
        by = submitters(session, entity_type, entity_ids) if checks_submitter else {}
        for index, entity_id in enumerate(entity_ids, start=1):
            if cancelled and cancelled():
                raise BatchCancelled(f"已取消，{len(entity_ids)}项均未{action.label}。")
            entity = entities[entity_id]
            try:
                results.append(apply_step(session, user, entity, action, opinion=opinion, today=today, held=held,
                                          submitted_by=by.get(entity_id) if checks_submitter else _UNKNOWN))
            except PermissionDenied as exc:
                raise PermissionDenied(f"第{index}项 {describe(entity)}：{exc.message}") from None
            except DomainError as exc:
                raise ApprovalError(f"第{index}项 {describe(entity)}：{exc.message}（本批均未{action.label}）",
                                    field=exc.field) from None
            if progress:
                progress(index, len(entity_ids))
    return results


class BatchCancelled(DomainError):
    pass
