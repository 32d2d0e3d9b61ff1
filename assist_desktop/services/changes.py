"""What other desks (or a terminal command) wrote since a screen last looked: read from the audit log.

Every write appends to the audit chain, so its head (the last ``seq``) moves with every change anyone
makes, and the events since the last look say which files changed. The window asks this every few seconds
(``ui.refresh``) and on F5, and the pages read again what changed — the 审批 page shows a submission made
at another desk without a restart. A read only: one indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from assist_desktop.storage.models import AuditEvent, Member

# Events that change nothing a page shows.
READ_ACTIONS = ("view_sensitive", "export", "print", "login", "logout", "refused:")
FILE_ENTITIES = ("hardship_file", "member", "annual_review", "attachment")
MAX_EVENTS = 2000  # more than this since the last look: every page reads everything again


@dataclass(frozen=True)
class Changes:
    head: int  # the audit chain's last seq now
    writes: bool  # something a page shows may have changed
    by_others: bool  # … written by someone other than the given user (or by the system)
    file_ids: frozenset[str] | None  # the hardship files changed; None when it is not known which (a bulk write)


def audit_head(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one())


def changes_since(session: Session, seq: int, *, user_id: str | None = None) -> Changes:
    """The writes after audit event ``seq``. ``user_id``: whose own writes the screens already know of."""
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.action, AuditEvent.actor_id)
        .where(AuditEvent.seq > seq).order_by(AuditEvent.seq).limit(MAX_EVENTS + 1)).all()
    if not rows:
        return Changes(seq, False, False, frozenset())
    head = rows[-1][0] if len(rows) <= MAX_EVENTS else audit_head(session)
    writes = [r for r in rows if not r[3].startswith(READ_ACTIONS)]
    if not writes:
        return Changes(head, False, False, frozenset())
    by_others = any(r[4] is None or r[4] != user_id for r in writes)
    if len(rows) > MAX_EVENTS:
        return Changes(head, True, by_others, None)
    files: set[str] = set()
    members: set[str] = set()
    for _seq, entity_type, entity_id, _action, _actor in writes:
        if entity_type not in FILE_ENTITIES:
            if entity_id is None and entity_type in ("ledger", "sync_package", "import_batch"):
                return Changes(head, True, by_others, None)  # a bulk write: which files is not said
            continue
        if entity_id is None:
            return Changes(head, True, by_others, None)
        if entity_type == "hardship_file":
            files.add(entity_id)
        elif entity_type == "member":
            members.add(entity_id)
    if members:
        files.update(session.execute(select(Member.file_id).where(Member.id.in_(sorted(members)))).scalars())
    return Changes(head, True, by_others, frozenset(files))
