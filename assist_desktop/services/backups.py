"""Backing up and restoring as a person: who did it goes into the audit log, and a restore says in both files
what it replaced — so a restore never silently shortens the audit chain.

A restore is written twice: in the database about to be replaced (``restore``, so the safety backup holds it)
and in the restored one (``restored``: the backup it came from, the head of the chain it replaced, the safety
backup that keeps it). ``check`` reads the second to tell a restore from a cut (``services.audit_anchor``).
Only an administrator restores; anyone logged in backs up.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.base import Refusal, actor_name, require_role, unit_of_work
from assist_desktop.services.audit import append_event
from assist_desktop.storage import file_lock
from assist_desktop.storage.backup import MANUAL, BackupManager
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import AuditEvent, User

ENTITY = "database"


def chain_head(session: Session) -> dict[str, object]:
    row = session.exec(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": "0" * 64}


def back_up(db: Database, user: User, reason: str = MANUAL) -> Path:
    """A backup now, recorded in the audit log as this user's (after it was written)."""
    with db.session() as session, unit_of_work(session, user, Refusal(ENTITY, None, "backup")):
        require_role(session, user, *Role, doing="备份数据库")
    target = BackupManager(db.path).create(reason)
    with db.session() as session, unit_of_work(session, user):
        append_event(session, actor_id=user.id, actor_name=actor_name(user), entity_type=ENTITY, entity_id=None,
                     action="backup", changes={"file": target.name, "reason": reason})
    return target


def restore(db: Database, user: User, backup_file: Path | str) -> Path | None:
    """Replace the database with ``backup_file`` (the administrator's step): the file to this program alone, the
    restore recorded in the old file before its safety backup and in the restored file after."""
    backup_file = Path(backup_file)
    manager = BackupManager(db.path)
    with db.session() as session, unit_of_work(session, user, Refusal(ENTITY, None, "restore")):
        require_role(session, user, Role.admin, doing="恢复备份")
    with file_lock.exclusive(db.path, doing="恢复备份"):
        from assist_desktop.storage.backup import check_backup_file

        check_backup_file(backup_file)  # refused before anything is written
        with db.session() as session, unit_of_work(session, user):
            before = chain_head(session)
            append_event(session, actor_id=user.id, actor_name=actor_name(user), entity_type=ENTITY, entity_id=None,
                         action="restore", changes={"from": backup_file.name, "head": before})
        with db.session() as session:
            replaced = chain_head(session)  # the chain the restore replaces, its own event included
        safety = manager.restore(backup_file)
        db.engine.dispose()  # connections opened on the replaced file: none is reused
        with db.session() as session, unit_of_work(session, None):
            append_event(session, actor_id=None, actor_name=actor_name(user), entity_type=ENTITY, entity_id=None,
                         action="restored", changes={"from": backup_file.name, "replaced": replaced,
                                                     "restored": chain_head(session),
                                                     "safety_backup": safety.name if safety else None,
                                                     "by": user.username})
    return safety
