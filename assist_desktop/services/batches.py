"""The 审批 page's batches: one step on a selection that takes every item it can and lists the others
with why — a file whose notice has not run, a grant over the budget, an item the user submitted —
instead of stopping on the first refusal with nothing done.

One transaction for the whole batch; each item is taken inside a SAVEPOINT, so an item refused
halfway (its step written, then a budget check failing) leaves no trace while the others stay. The
audit events the item appended (chained at the commit, ``audit.chain_now``) are dropped with the savepoint. A
permission refusal is written to the audit log like any other refused write. Cancelling stops the
batch with nothing done.

Also here: the money of a selection (count, cash, goods), shown before a money step asks to run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Action
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.workdays import CalendarUnknown
from assist_desktop.services import approvals
from assist_desktop.services.approvals import (BatchCancelled, StepResult, acting_roles, apply_step, describe,
                                               preload, submitters)
from assist_desktop.services.audit import append_event, audit_mark, audit_rewind
from assist_desktop.services.base import PermissionDenied, Refusal, actor_name, retrying, unit_of_work
from assist_desktop.storage.models import Scholarship, User, Visit


@dataclass(frozen=True)
class NotTaken:
    index: int  # place in the selection, from 1
    entity_id: str
    label: str  # 助学申请 610826-2026-S00012（马小燕）
    reason: str


@dataclass
class BatchOutcome:
    action: Action
    done: list[StepResult] = field(default_factory=list)
    not_taken: list[NotTaken] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.action.label}：{len(self.done)}项已完成"
        if self.not_taken:
            text += f"，{len(self.not_taken)}项未能{self.action.label}"
        return text + "。"


@contextmanager
def _item(session: Session) -> Iterator[None]:
    """One item of a batch in a SAVEPOINT: refused, it is rolled back alone, the audit head with it."""
    mark = audit_mark(session)
    nested = session.begin_nested()
    try:
        yield
    except BaseException:
        nested.rollback()
        audit_rewind(session, mark)
        raise
    nested.commit()


def _stepper(session: Session, user: User, entity_type: str, ids: list[str], action: Action,
             opinion: str | None, today: date) -> Callable[[Any], StepResult]:
    """How one item of this kind takes this step (the services' own checks for approving grants)."""
    if action is Action.approve and entity_type == "scholarship":
        from assist_desktop.services import scholarships

        return lambda s: scholarships._approve_one(session, user, s, opinion=opinion, today=today)
    if action is Action.approve and entity_type == "visit":
        from assist_desktop.services.campaigns import VisitApproval

        approval = VisitApproval(session, ids)
        return lambda v: approval.approve(session, user, v, opinion=opinion, today=today)
    held = acting_roles(session, user, action.label)
    checks_submitter = action in (Action.review, Action.approve, Action.put_on_notice)
    by = submitters(session, entity_type, ids) if checks_submitter else {}
    return lambda e: apply_step(session, user, e, action, opinion=opinion, today=today, held=held,
                                submitted_by=by.get(e.id) if checks_submitter else approvals._UNKNOWN)


@retrying
def take_each(session: Session, user: User, entity_type: str, entity_ids: Sequence[str], action: Action | str, *,
              opinion: str | None = None, today: date | None = None,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> BatchOutcome:
    """Take ``action`` on every item that allows it, in one transaction; the others are listed with why."""
    action = Action(action)
    if action not in approvals.GENERIC_ACTIONS:
        raise ValueError(f"{action} has its own service")
    today = today or date.today()
    ids = list(dict.fromkeys(entity_ids))
    outcome = BatchOutcome(action)
    with unit_of_work(session, user, Refusal(entity_type, None, f"{action.value}:batch")):
        acting_roles(session, user, action.label)  # a user deactivated meanwhile: refused as a whole
        entities = preload(session, entity_type, ids)
        step = _stepper(session, user, entity_type, ids, action, opinion, today)
        for index, entity_id in enumerate(ids, start=1):
            if cancelled and cancelled():
                raise BatchCancelled(f"已取消，{len(ids)}项均未{action.label}。")
            entity = entities[entity_id]
            label = describe(entity)
            try:
                with _item(session):
                    outcome.done.append(step(entity))
            except DomainError as exc:
                outcome.not_taken.append(NotTaken(index, entity_id, label, exc.message))
                if isinstance(exc, PermissionDenied):
                    append_event(session, actor_id=user.id, actor_name=actor_name(user), entity_type=entity_type,
                                 entity_id=entity_id, action=f"refused:{action.value}", changes={"reason": exc.message})
            if progress:
                progress(index, len(ids))
    return outcome


# --- what the 审批 page shows beside each item -----------------------------------------------------------


@dataclass(frozen=True)
class ItemDetails:
    id_tail: str  # the last 4 characters of the worker's, student's or recipient's ID number
    unit_name: str  # the grassroots union (a visit of an unfiled household: its employer as recorded)
    notice_start: date | None
    approvable_from: date | None  # on notice: the first day it may be approved (None: not on notice)
    parent_id: str | None = None  # the round of a scholarship, the campaign of a visit (to open it)
    cash_fen: int = 0  # money of a grant: a scholarship's amount, a visit's cash
    goods_fen: int = 0  # a visit's goods


def pending_details(session: Session, entity_type: str, entity_ids: Sequence[str]) -> dict[str, ItemDetails]:
    """ID tail, union, notice and money of the items a list shows (500 ids a query)."""
    from assist_desktop.storage.models import HardshipFile, OrgUnit, UnfiledHousehold

    days = approvals.notice_working_days(session)
    units = dict(session.execute(select(OrgUnit.id, OrgUnit.name)).all())
    out: dict[str, ItemDetails] = {}

    def until(status: str, start: date | None) -> date | None:
        """Official working days (holidays skipped, 调休 counted); None while the year's arrangement is
        not entered (approving then says so)."""
        if status != "on_notice" or not start:
            return None
        try:
            return approvals.notice_period(session, start, days).approval_from
        except CalendarUnknown:
            return None

    ids = list(dict.fromkeys(entity_ids))
    for begin in range(0, len(ids), 500):
        chunk = ids[begin:begin + 500]
        if entity_type == "hardship_file":
            rows = session.execute(select(HardshipFile.id, HardshipFile.id_number, HardshipFile.unit_id,
                                          HardshipFile.status, HardshipFile.notice_start)
                                   .where(HardshipFile.id.in_(chunk)))
            for fid, number, unit_id, status, start in rows:
                out[fid] = ItemDetails((number or "")[-4:], units.get(unit_id, ""), start, until(status, start))
        elif entity_type == "scholarship":
            rows = session.execute(select(Scholarship.id, Scholarship.student_id_number, Scholarship.status,
                                          Scholarship.notice_start, Scholarship.round_id, Scholarship.amount_fen,
                                          func.coalesce(HardshipFile.unit_id, UnfiledHousehold.unit_id))
                                   .outerjoin(HardshipFile, HardshipFile.id == Scholarship.file_id)
                                   .outerjoin(UnfiledHousehold, UnfiledHousehold.id == Scholarship.unfiled_household_id)
                                   .where(Scholarship.id.in_(chunk)))
            for sid, number, status, start, round_id, amount, unit_id in rows:
                out[sid] = ItemDetails(number[-4:], units.get(unit_id, ""), start, until(status, start), round_id,
                                       amount)
        elif entity_type == "visit":
            rows = session.execute(select(Visit.id, Visit.recipient_id_number, Visit.unit_name, Visit.campaign_id,
                                          Visit.cash_fen, Visit.goods_fen).where(Visit.id.in_(chunk)))
            for vid, number, unit_name, campaign_id, cash, goods in rows:
                out[vid] = ItemDetails(number[-4:], unit_name or "", None, None, campaign_id, cash, goods)
        else:
            raise ValueError(entity_type)
    return out


# --- the money of a selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionMoney:
    count: int
    cash_fen: int  # a scholarship's amount, a visit's cash
    goods_fen: int = 0

    @property
    def total_fen(self) -> int:
        return self.cash_fen + self.goods_fen

    def text(self) -> str:
        """共3项，合计12,000.00元（慰问金9,000.00元，慰问品3,000.00元）."""
        text = f"共{self.count}项，合计{format_amount(self.total_fen)}元"
        if self.goods_fen:
            text += f"（慰问金{format_amount(self.cash_fen)}元，慰问品{format_amount(self.goods_fen)}元）"
        return text


def selection_money(session: Session, entity_type: str, entity_ids: Sequence[str]) -> SelectionMoney:
    """Count and money of the chosen scholarships or visits, read from the database (500 ids a query)."""
    ids = list(dict.fromkeys(entity_ids))
    count = cash = goods = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        if entity_type == "scholarship":
            n, a = session.execute(select(func.count(), func.coalesce(func.sum(Scholarship.amount_fen), 0))
                                   .where(Scholarship.id.in_(chunk))).one()
            count, cash = count + n, cash + int(a)
        elif entity_type == "visit":
            n, c, g = session.execute(select(func.count(), func.coalesce(func.sum(Visit.cash_fen), 0),
                                             func.coalesce(func.sum(Visit.goods_fen), 0))
                                      .where(Visit.id.in_(chunk))).one()
            count, cash, goods = count + n, cash + int(c), goods + int(g)
        else:
            raise ValueError(entity_type)
    return SelectionMoney(count, cash, goods)


__all__ = ["BatchOutcome", "ItemDetails", "NotTaken", "SelectionMoney", "pending_details", "selection_money",
           "take_each"]
