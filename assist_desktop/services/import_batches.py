"""Import batches: historic hardship files brought in from a ledger to be active (在档) go through the
approval chain as one batch — the clerk imports them (``ledger.commit_import`` with ``file_status='active'``,
as drafts of a pending batch), the approver approves the batch as a whole on the 审批 page, or returns it
with a reason (its files stay drafts and take the usual steps one by one). Nobody approves a batch they
imported, so one person never needs both roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select, update
from sqlmodel import Session

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Action, FileStatus, Role
from assist_desktop.services.base import (
    NotFound,
    PermissionDenied,
    Refusal,
    audit,
    require_own,
    require_role,
    roles_of,
    touch,
    unit_of_work,
)
from assist_desktop.services import tally as stat_tally
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage import models as m
from assist_desktop.storage.bulk import insert_rows

PENDING, APPROVED, RETURNED = "pending", "approved", "returned"
STATUS_LABELS = {PENDING: "待审批", APPROVED: "已审批", RETURNED: "已退回"}


class ImportBatchError(DomainError):
    pass


@dataclass(frozen=True)
class BatchItem:
    """A batch as the 审批 page lists it."""

    id: str
    file_name: str
    sheets: str
    households: int
    members: int
    pending_members: int  # households whose members are still to be entered
    created_by_name: str
    created_at: datetime
    status: str
    version: int
    own: bool  # imported by the user looking: they may not approve it


def pending_batches(session: Session, user: m.User) -> list[BatchItem]:
    """The batches waiting for an approver (empty for a user without the approver role)."""
    fresh = session.get(m.User, user.id, populate_existing=True)
    if fresh is None or not fresh.active or Role.approver not in roles_of(session, fresh):
        return []
    local = require_initialised(session)
    HF, B = m.HardshipFile, m.ImportBatch
    pending = dict(session.execute(
        select(HF.import_batch_id, func.count()).where(HF.import_batch_id.is_not(None), HF.members_pending.is_(True),
                                                       HF.status == FileStatus.draft.value)
        .group_by(HF.import_batch_id)).all())
    batches = session.execute(select(B).where(B.status == PENDING, B.owner_unit_id == local.id)
                              .order_by(B.created_at)).scalars()
    return [BatchItem(b.id, b.file_name, b.sheets, b.households, b.members, pending.get(b.id, 0),
                      b.created_by_name, b.created_at, b.status, b.version, b.created_by == user.id)
            for b in batches]


def pending_batch_ids(session: Session) -> set[str]:
    return set(session.execute(select(m.ImportBatch.id).where(m.ImportBatch.status == PENDING)).scalars())


def _load(session: Session, user: m.User, batch_id: str, doing: str) -> m.ImportBatch:
    require_role(session, user, Role.approver, doing=doing)
    batch = session.get(m.ImportBatch, batch_id, populate_existing=True)
    if batch is None:
        raise NotFound("找不到该台账导入批次，可能已被处理。")
    require_own(session, batch, f"台账导入批次“{batch.file_name}”")
    if batch.status != PENDING:
        raise ImportBatchError(f"台账导入批次“{batch.file_name}”已{STATUS_LABELS.get(batch.status, batch.status)}，"
                               "不能再处理。")
    if batch.created_by == user.id:
        raise PermissionDenied(f"台账导入批次“{batch.file_name}”是您本人导入的，不能由您{doing}。")
    return batch


def approve_batch(session: Session, user: m.User, batch_id: str, *, opinion: str | None = None,
                  today: date | None = None) -> int:
    """Make every file of the batch still a draft active, in one transaction: opened on the ledger's
    建档时间 (today where it gave none), each with its step in the workflow history. Returns the count."""
    today = today or date.today()
    opinion = (opinion or "").strip() or None
    if opinion and len(opinion) > 500:
        raise ImportBatchError("意见不能超过500字。", field="意见")
    with unit_of_work(session, user, Refusal("import_batch", batch_id, "approve")):
        batch = _load(session, user, batch_id, "审批台账导入批次")
        HF = m.HardshipFile
        conn = session.connection()
        ids = list(conn.execute(select(HF.id).where(HF.import_batch_id == batch.id,
                                                    HF.status == FileStatus.draft.value)).scalars())
        if not ids:
            raise ImportBatchError(f"台账导入批次“{batch.file_name}”中已没有待审批的档案。")
        now, stamp = datetime.now(UTC), m.now_ms()
        counted = stat_tally.Retally(conn)  # 统计: the files' status and opened_on change, counted again
        counted.before(HF.__tablename__, ids, with_dependents=False)
        conn.execute(update(HF.__table__).where(HF.import_batch_id == batch.id, HF.status == FileStatus.draft.value)
                     .values(status=FileStatus.active.value, opened_on=func.coalesce(HF.filed_on, today), usn=-1,
                             mtime=stamp, version=HF.version + 1))
        counted.finish()
        text = f"整批审批台账导入：{batch.file_name}" + (f"；{opinion}" if opinion else "")
        insert_rows(conn, m.WorkflowEvent, [
            {"id": m.new_id(), "owner_unit_id": batch.owner_unit_id, "usn": -1, "mtime": stamp, "version": 1,
             "entity_type": "hardship_file", "entity_id": file_id, "action": Action.approve.value,
             "from_state": FileStatus.draft.value, "to_state": FileStatus.active.value, "actor_id": user.id,
             "actor_name": user.display_name, "at": now, "opinion": text[:500]} for file_id in ids])
        batch.status, batch.decided_by, batch.decided_by_name = APPROVED, user.id, user.display_name
        batch.decided_at, batch.opinion = now, opinion
        touch(batch)
        audit(session, user, batch, "approve", {"file": batch.file_name, "files": len(ids),
                                                "status": [PENDING, APPROVED], **({"opinion": opinion} if opinion else {})})
        return len(ids)


def return_batch(session: Session, user: m.User, batch_id: str, *, reason: str) -> int:
    """Send the batch back with a reason: its files stay drafts, to be corrected and submitted one by one
    through the usual chain. Returns how many files it holds."""
    reason = (reason or "").strip()
    if not reason:
        raise ImportBatchError("退回台账导入批次须填写理由。", field="理由")
    if len(reason) > 500:
        raise ImportBatchError("理由不能超过500字。", field="理由")
    with unit_of_work(session, user, Refusal("import_batch", batch_id, "return")):
        batch = _load(session, user, batch_id, "退回台账导入批次")
        count = session.execute(select(func.count()).select_from(m.HardshipFile)
                                .where(m.HardshipFile.import_batch_id == batch.id)).scalar_one()
        batch.status, batch.decided_by, batch.decided_by_name = RETURNED, user.id, user.display_name
        batch.decided_at, batch.opinion = datetime.now(UTC), reason
        touch(batch)
        audit(session, user, batch, "return", {"file": batch.file_name, "files": count,
                                               "status": [PENDING, RETURNED], "opinion": reason})
        return count
