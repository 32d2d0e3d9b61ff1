"""Tamper-evident audit log: every write appends an event whose hash covers the previous one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from assist_desktop.storage.locks import lock_audit_head
from assist_desktop.storage.models import AuditEvent, new_id, utcnow

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _event_digest(event: AuditEvent) -> str:
    at = event.at if isinstance(event.at, datetime) else datetime.fromisoformat(str(event.at))
    content = {"seq": event.seq, **_body(event, at), "prev_hash": event.prev_hash}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def _body(event: Any, at: datetime) -> dict[str, Any]:
    """What an event's digest covers besides its place on the chain (``seq``, ``prev_hash``)."""
    return {"id": event.id, "at": at.isoformat(timespec="microseconds"), "actor_id": event.actor_id,
            "actor_name": event.actor_name, "entity_type": event.entity_type, "entity_id": event.entity_id,
            "action": event.action, "changes": event.changes}


@dataclass(slots=True)
class Appended:
    """An event appended in the current transaction: a row of ``audit_event``, its place on the chain (``seq``,
    ``prev_hash``, ``hash``) set when it is chained (``chain_now``). Not an ORM object: a batch appends
    thousands, and they are written in one statement."""

    id: str
    at: datetime
    actor_id: str | None
    actor_name: str
    entity_type: str
    entity_id: str | None
    action: str
    changes: str  # canonical JSON
    seq: int | None = None
    prev_hash: str | None = None
    hash: str | None = None

    def row(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.id, "at": self.at, "actor_id": self.actor_id,
                "actor_name": self.actor_name, "entity_type": self.entity_type, "entity_id": self.entity_id,
                "action": self.action, "changes": self.changes, "prev_hash": self.prev_hash, "hash": self.hash}


def _open_digest(event: Appended) -> str:
    """The canonical JSON that ``_event_digest`` hashes, all but its last two keys (``prev_hash`` and ``seq``,
    which sort last) and the closing brace: made when the event is appended, so that putting it on the chain,
    under the chain's lock, only adds those two and hashes (``_chained_digest``)."""
    return canonical_json(_body(event, event.at))[:-1]


def _chained_digest(opened: str, prev_hash: str, seq: int) -> str:
    """``_event_digest`` of the event whose ``_open_digest`` is ``opened``, at ``seq`` after ``prev_hash``."""
    text = f'{opened},"prev_hash":{canonical_json(prev_hash)},"seq":{canonical_json(seq)}}}'
    return hashlib.sha256(text.encode()).hexdigest()


_PENDING_KEY = "audit_pending"


def _read_head(session: Session) -> tuple[int, str]:
    with session.no_autoflush:
        row = session.exec(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def _pending(session: Session) -> list[tuple[Appended, str]]:
    """The events appended in the session's current transaction, not yet on the chain, each with its
    ``_open_digest``."""
    entry = session.info.get(_PENDING_KEY)
    transaction = session.get_transaction()
    if transaction is None:  # appended before anything began the transaction: begin it, so it is the one kept
        session.connection()
        transaction = session.get_transaction()
    if entry is None or entry[0] is not transaction:
        entry = (transaction, [])
        session.info[_PENDING_KEY] = entry
    return entry[1]


def append_event(session: Session, *, actor_id: str | None, actor_name: str, entity_type: str,
                 entity_id: str | None, action: str, changes: dict[str, Any] | None = None) -> Appended:
    """Append one event in the caller's transaction (which must be a write transaction).

    The event takes its place on the chain when the transaction commits (``chain_now``, run by the session's
    ``before_commit``): the chain's head is read under a lock then (``storage.locks``), so writers at several
    desks make one chain, and the lock is held only from then to the commit — taken last, after every row
    lock the write needs, so it never takes part in a deadlock. A session working on a connection handed to
    it (a bulk write) chains at once."""
    event = Appended(new_id(), utcnow(), actor_id, actor_name, entity_type, entity_id, action,
                     canonical_json(changes or {}))
    _pending(session).append((event, _open_digest(event)))
    if isinstance(session.bind, Connection):
        chain_now(session, flush=False)
    return event


def chain_now(session: Session, *, flush: bool = True) -> None:
    """Put the transaction's pending events on the chain now: the session's other changes written first
    (``flush``: at the commit), then the chain's head locked and read, each event's ``seq`` and ``hash`` set,
    and all of them written in one statement. From here to the commit this transaction holds the head."""
    pending = _pending(session)
    if not pending:
        return
    if flush:
        session.flush()  # every row lock the write needs is taken before the head's
    lock_audit_head(session)
    last_seq, last_hash = _read_head(session)
    known = session.info.get(_HEAD_KEY)  # this transaction's own events chained earlier
    if known is not None and known[0] is session.get_transaction() and known[1] > last_seq:
        last_seq, last_hash = known[1], known[2]
    rows = []
    for event, opened in pending:
        event.seq, event.prev_hash = last_seq + 1, last_hash
        event.hash = _chained_digest(opened, last_hash, event.seq)
        last_seq, last_hash = event.seq, event.hash
        rows.append(event.row())
    session.execute(insert(AuditEvent.__table__), rows)  # type: ignore[attr-defined]
    session.info[_HEAD_KEY] = (session.get_transaction(), last_seq, last_hash)
    pending.clear()


_HEAD_KEY = "audit_head"


def audit_mark(session: Session) -> tuple[int, object]:
    """Where the transaction's events stand now, to go back to when a SAVEPOINT is rolled back."""
    return len(_pending(session)), session.info.get(_HEAD_KEY)


def audit_rewind(session: Session, mark: tuple[int, object]) -> None:
    """Forget the events appended since ``mark`` (their SAVEPOINT was rolled back)."""
    count, head = mark
    del _pending(session)[count:]
    if head is None:
        session.info.pop(_HEAD_KEY, None)
    else:
        session.info[_HEAD_KEY] = head


@sa_event.listens_for(OrmSession, "before_commit")
def _chain_before_commit(session: Session) -> None:
    chain_now(session)


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
