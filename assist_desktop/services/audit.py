"""Tamper-evident audit log: every write appends an event whose hash covers the previous one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from assist_desktop.storage.models import AuditEvent, new_id, utcnow

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _event_digest(event: AuditEvent) -> str:
    at = event.at if isinstance(event.at, datetime) else datetime.fromisoformat(str(event.at))
    content = {
        "seq": event.seq,
        "id": event.id,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "action": event.action,
        "changes": event.changes,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


_HEAD_KEY = "audit_head"


def _head(session: Session) -> tuple[int, str]:
    """The chain's last (seq, hash). Read once per write transaction, then kept in ``session.info`` with
    the transaction it belongs to: the write lock (BEGIN IMMEDIATE) keeps anyone else from appending
    meanwhile, and a bulk step of thousands of items need not query the head and flush for each."""
    transaction = session.get_transaction()
    cached = session.info.get(_HEAD_KEY)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1], cached[2]
    with session.no_autoflush:
        row = session.exec(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    pending = [e for e in session.new if isinstance(e, AuditEvent)]  # appended but not yet flushed
    head = max(((e.seq, e.hash) for e in pending), default=None)
    found = (row[0], row[1]) if row else (0, GENESIS_HASH)
    return head if head is not None and head[0] > found[0] else found


def append_event(session: Session, *, actor_id: str | None, actor_name: str, entity_type: str,
                 entity_id: str | None, action: str, changes: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event in the caller's transaction (which must be a write transaction); it is written
    with the transaction's next flush."""
    last_seq, last_hash = _head(session)
    event = AuditEvent(
        seq=last_seq + 1, id=new_id(), at=utcnow(), actor_id=actor_id, actor_name=actor_name,
        entity_type=entity_type, entity_id=entity_id, action=action,
        changes=canonical_json(changes or {}), prev_hash=last_hash, hash="",
    )
    event.hash = _event_digest(event)
    session.add(event)
    session.info[_HEAD_KEY] = (session.get_transaction(), event.seq, event.hash)
    return event


@dataclass(frozen=True)
class AuditVerdict:
    ok: bool
    events: int
    head: str
    broken_seq: int | None = None
    message: str = ""


def verify_audit(session: Session) -> AuditVerdict:
    """Walk the chain in order; report the first event whose link or content does not hold."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for event in session.exec(select(AuditEvent).order_by(AuditEvent.seq)):
        count += 1
        if event.seq != expected_seq:
            return AuditVerdict(False, count, prev_hash, expected_seq, f"审计记录第 {expected_seq} 条缺失或顺序被改动。")
        if event.prev_hash != prev_hash:
            return AuditVerdict(False, count, prev_hash, event.seq, f"审计记录第 {event.seq} 条与前一条的链接不符。")
        if _event_digest(event) != event.hash:
            return AuditVerdict(False, count, prev_hash, event.seq, f"审计记录第 {event.seq} 条内容被改动。")
        prev_hash, expected_seq = event.hash, expected_seq + 1
    return AuditVerdict(True, count, prev_hash, None, f"审计链完整，共 {count} 条记录。")
