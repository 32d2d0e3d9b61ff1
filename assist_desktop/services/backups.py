"""Backing up and restoring as a person: who did it goes into the audit log, and a restore says in both files
what it replaced — so a restore never silently shortens the audit chain.

A restore is written twice: in the database about to be replaced (``restore``, so the safety backup holds it)
and in the restored one (``restored``: the backup it came from, the head of the chain it replaced, the safety
backup that keeps it). ``check`` reads the second to tell a restore from a cut (``services.audit_anchor``).
Only an administrator restores; anyone logged in backs up. The program's own (automatic) backups are written
down too, as the program's, with what started them (``auto_back_up``) — only when one was taken, so a start
within the hour writes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.base import Refusal, actor_name, require_role, unit_of_work
from assist_desktop.services.audit import append_event
from assist_desktop.storage import file_lock
from assist_desktop.storage.backup import AUTO, MANUAL, BackupManager
from assist_desktop.storage.engine import Database
from assist_desktop.storage.location import ServerAddress
from assist_desktop.storage.models import AuditEvent, User

log = logging.getLogger(__name__)
ENTITY = "database"
PROGRAM = "程序窗口"  # who takes an automatic backup: the window itself (as file_lock names it to others)
AT_START, HOURLY = "start", "hourly"  # what started an automatic backup
# the hourly one follows the one an hour before, whose file name keeps whole seconds only: a little early
# rather than skipped for a second's difference
_MIN_INTERVAL = {AT_START: timedelta(hours=1), HOURLY: timedelta(minutes=55)}


def chain_head(session: Session) -> dict[str, object]:
    row = session.exec(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": "0" * 64}


def back_up(db: Database, user: User, reason: str = MANUAL) -> Path:
    """A backup now, recorded in the audit log as this user's (after it was written)."""
    with db.session() as session, unit_of_work(session, user, Refusal(ENTITY, None, "backup")):
        require_role(session, user, *Role, doing="备份数据库")
    target = BackupManager(_location(db), key=db.key).create(reason)  # an encrypted database's backups are too
    with db.session() as session, unit_of_work(session, user):
        append_event(session, actor_id=user.id, actor_name=actor_name(user), entity_type=ENTITY, entity_id=None,
                     action="backup", changes={"file": target.name, "reason": reason})
    return target


def _location(db: Database) -> Path | ServerAddress:
    return db.server if db.server is not None else db.path  # type: ignore[return-value]


def auto_back_up(db: Database, trigger: str, *, session_user: User | None = None,
                 now: datetime | None = None) -> Path | None:
    """The program's automatic backup — at start, then every hour while the window is open — unless one was
    taken within the hour (then nothing is written, not even to the audit log). A backup taken is recorded in the
    audit log as the program's, with its trigger and the person logged in at the time; the backup itself stands
    even if that record cannot be written (the file busy past every wait: said in the program's log)."""
    if trigger not in _MIN_INTERVAL:
        raise ValueError(f"unknown trigger {trigger!r}")
    target = BackupManager(_location(db), key=db.key).auto_backup(now=now, min_interval=_MIN_INTERVAL[trigger])
    if target is None:
        return None
    try:
        with db.session() as session, unit_of_work(session, None):
            append_event(session, actor_id=None, actor_name=PROGRAM, entity_type=ENTITY, entity_id=None,
                         action="backup", changes={"file": target.name, "reason": AUTO, "trigger": trigger,
                                                   "session_user": session_user.username if session_user else None})
    except DomainError as exc:
        log.warning("automatic backup written, its audit entry not: %s", type(exc).__name__)
    return target


def restore(db: Database, user: User, backup_file: Path | str, *, backup_key: bytes | None = None) -> Path | None:
    """Replace the database with ``backup_file`` (the administrator's step): the file to this program alone, the
    restore recorded in the old file before its safety backup and in the restored file after. ``backup_key``:
    an encrypted backup's own key (a password of that backup, or the recovery key)."""
    backup_file = Path(backup_file)
    manager = BackupManager(_location(db), key=db.key)
    with db.session() as session, unit_of_work(session, user, Refusal(ENTITY, None, "restore")):
        require_role(session, user, Role.admin, doing="恢复备份")
    # a file: to this program alone; a server database: the restore refuses while other desks are connected
    with file_lock.exclusive(db.path, doing="恢复备份") if db.server is None else contextlib.nullcontext():
        from assist_desktop.storage.backup import (BackupKeyRequired, ServerBackups, backup_is_encrypted,
                                                   check_backup_file)

        if isinstance(manager, ServerBackups):
            manager.check(backup_file)  # a whole pg_dump of this program's database; refused before any write
        else:
            if backup_key is None and backup_is_encrypted(backup_file) and backup_file.is_file():
                raise BackupKeyRequired(f"备份 {backup_file.name} 已加密，请输入该备份中一位用户的密码（或恢复密钥）。")
            check_backup_file(backup_file, backup_key)  # refused before anything is written
        with db.session() as session, unit_of_work(session, user):
            before = chain_head(session)
            append_event(session, actor_id=user.id, actor_name=actor_name(user), entity_type=ENTITY, entity_id=None,
                         action="restore", changes={"from": backup_file.name, "head": before})
        with db.session() as session:
            replaced = chain_head(session)  # the chain the restore replaces, its own event included
        if db.server is not None:
            db.engine.dispose()  # this desk's own connections would count as another desk's
        safety = manager.restore(backup_file, backup_key=backup_key)
        db.engine.dispose()  # connections opened on the replaced file: none is reused
        # a plain database replaced by an encrypted backup is now that backup's encrypted file, under its key
        restored = db if manager.key == db.key else Database(db.path, manager.key)  # type: ignore[arg-type]
        with restored.session() as session, unit_of_work(session, None):
            append_event(session, actor_id=None, actor_name=actor_name(user), entity_type=ENTITY, entity_id=None,
                         action="restored", changes={"from": backup_file.name, "replaced": replaced,
                                                     "restored": chain_head(session),
                                                     "safety_backup": safety.name if safety else None,
                                                     "by": user.username})
        if restored is not db:
            restored.close()
    return safety
