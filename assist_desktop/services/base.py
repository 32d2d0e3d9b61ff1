"""What every service shares: the acting user, one transaction per call, change tracking, audit diffs.

A service function takes a session and the acting ``User``; it does its work inside ``unit_of_work``
(one BEGIN IMMEDIATE … COMMIT on SQLite; one READ COMMITTED transaction on a server) and raises a
``DomainError`` whose message a caseworker understands. A refusal for lack of permission is itself written
to the audit log, in a transaction of its own.

Several desks on one server: a write reads the rows it will change with ``fetch``/``for_write``, which lock
them (``SELECT … FOR UPDATE``; nothing on SQLite, where the write lock is the whole file's), so a second
desk waits for the first and then sees what it saved; every synced row also carries its version into the
UPDATE's WHERE (``Synced.__mapper_args__``), so no save can overwrite another unseen. A batch step that loses
a deadlock to another desk is run again (``retrying``).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from assist_desktop.domain.contact import mask_account
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.ids import mask_id_number
from assist_desktop.domain.lifecycle import Role, RoleNotAllowed
from assist_desktop.services.audit import append_event
from assist_desktop.storage.access import storage_error
from assist_desktop.storage.server import is_retryable
from assist_desktop.storage.models import Meta, OrgUnit, Synced, Tombstone, User, UserRole, now_ms


T = TypeVar("T")
R = TypeVar("R")


class PermissionDenied(RoleNotAllowed):
    """The user may not do this (role, separation of duties, deactivated account)."""


class NotFound(DomainError):
    pass


class NotOwnRecord(PermissionDenied):
    """The record belongs to another unit (a county's file held at the city): read-only here."""


class StaleVersion(DomainError):
    """Someone saved the record after this user opened it."""


class ConcurrentChange(DomainError):
    """Another desk kept changing the same records; the step was tried again and still could not finish."""


@dataclass(frozen=True)
class Refusal:
    """What to write to the audit log when a permission check refuses an action."""

    entity_type: str
    entity_id: str | None
    action: str


def roles_of(session: Session, user: User) -> frozenset[Role]:
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    return frozenset(Role(r) for r in rows)


_ROLES_READ = "assist_roles_read"  # session.info: (transaction, user id, active, roles) as last read in it


def _user_roles(session: Session, user: User) -> tuple[bool, frozenset[Role]]:
    """Whether ``user`` is active and the roles held, read once per transaction: a keystroke's search and the
    rows it shows check the same user twice in one transaction (on a server each read is a round trip to it,
    two of a keystroke's nine). Read again after any change in the session (pending or flushed)."""
    transaction = session.get_transaction()
    seen = session.info.get(_ROLES_READ)
    if (seen is not None and transaction is not None and seen[0] is transaction and seen[1] == user.id
            and not (session.new or session.dirty or session.deleted)):
        return seen[2], seen[3]
    fresh = session.get(User, user.id)
    active = fresh is not None and fresh.active
    held = roles_of(session, fresh) if fresh is not None and active else frozenset()
    session.info[_ROLES_READ] = (session.get_transaction(), user.id, active, held)
    return active, held


def _forget_roles(session: Session, *_args: Any) -> None:
    session.info.pop(_ROLES_READ, None)


event.listen(Session, "after_flush", _forget_roles)
event.listen(Session, "after_transaction_end", _forget_roles)


def require_role(session: Session, user: User, *roles: Role, doing: str) -> frozenset[Role]:
    """Refuse unless the active ``user`` holds one of ``roles``; return the roles held."""
    active, held = _user_roles(session, user)
    if not active:
        raise PermissionDenied(f"用户“{user.display_name}”已停用，不能{doing}。")
    if not held.intersection(roles):
        needed = "或".join(f"“{r.label}”" for r in roles)
        raise PermissionDenied(f"只有{needed}角色才能{doing}。")
    return held


@contextmanager
def unit_of_work(session: Session, user: User | None, refusal: Refusal | None = None) -> Iterator[Session]:
    """One write transaction. Any error rolls everything back; a permission refusal is audited."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("unit_of_work needs a session without pending changes")
    if session.in_transaction():
        session.rollback()  # end a read snapshot so the write sees the latest data
    # Sessions keep objects after commit (expire_on_commit=False); a write must not trust them, or
    # it would check roles and versions against what another session has since changed.
    session.expire_all()
    session.connection(execution_options={"sqlite_immediate": True})
    session.info[_WRITING] = session.get_transaction()
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise StaleVersion("记录在您处理期间已被其他人修改并保存，本次修改没有保存。请重新打开后再修改。") from exc
    except PermissionDenied as exc:
        session.rollback()
        if refusal is not None:
            _audit_refusal(session, user, refusal, exc.message)
        raise
    except BaseException as exc:
        session.rollback()
        problem = storage_error(exc)  # a full or read-only disk: the caseworker's message, nothing saved
        if problem is not None:
            raise problem from exc
        raise


_WRITING = "writing"


def writing(session: Session) -> bool:
    """Whether the session is inside a ``unit_of_work`` (a write transaction)."""
    transaction = session.get_transaction()
    return transaction is not None and session.info.get(_WRITING) is transaction


def fetch(session: Session, model: type[T], row_id: str | None) -> T | None:
    """A row as it is now; inside a write also locked until the commit, so a desk saving the same row at the
    same time waits and then sees this one's change (on SQLite the write already holds the file)."""
    if row_id is None:
        return None
    if writing(session):
        return session.get(model, row_id, populate_existing=True, with_for_update=True)
    return session.get(model, row_id, populate_existing=True)


def for_write(session: Session, stmt: Any) -> Any:
    """``stmt`` (a SELECT of rows a write will change) locking what it reads inside a write."""
    if writing(session):
        return stmt.with_for_update().execution_options(populate_existing=True)
    return stmt


ATTEMPTS = 5


def retrying(fn: Callable[..., R]) -> Callable[..., R]:
    """Run a whole service call again when the server gave it up to a deadlock or a serialization failure with
    another desk (its transaction was rolled back, nothing of it stays), a few times with a short random
    wait; after that the caseworker is asked to try again."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> R:
        for attempt in range(ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except DBAPIError as exc:
                if not is_retryable(exc):
                    raise
                if attempt == ATTEMPTS - 1:
                    raise ConcurrentChange("其他电脑正在同时处理同一批记录，本次操作没有完成，也没有保存。"
                                           "请稍后重试。") from exc
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    return run


def audit_refusal(session: Session, user: User | None, refusal: Refusal, message: str) -> None:
    """Write a refusal that happened outside a write (a read-only check: an export, a print) to the audit log,
    in a transaction of its own."""
    if session.in_transaction():
        session.rollback()  # a read snapshot: the refusal is written on a transaction of its own
    _audit_refusal(session, user, refusal, message)


def _audit_refusal(session: Session, user: User | None, refusal: Refusal, message: str) -> None:
    session.connection(execution_options={"sqlite_immediate": True})
    try:
        append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                     entity_type=refusal.entity_type, entity_id=refusal.entity_id,
                     action=f"refused:{refusal.action}", changes={"reason": message})
        session.commit()
    except BaseException:
        session.rollback()
        raise


def actor_name(user: User | None) -> str:
    return user.display_name if user else "系统"


def touch(row: Synced, *, bump_version: bool = True) -> None:
    """Mark a syncable row as changed here: not yet sent upward, new mtime, next version."""
    row.usn = -1
    row.mtime = now_ms()
    if bump_version:
        row.version = (row.version or 0) + 1


def owner_names(session: Session, model: type[Synced]) -> dict[str, str]:
    """The units that own rows of ``model`` here, id → name, in the order of their codes: at a county only
    itself; at a city or province also each unit below it that reported such rows (read-only here)."""
    owners = select(model.owner_unit_id).distinct()  # type: ignore[attr-defined]
    stmt = select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(owners)).order_by(OrgUnit.code, OrgUnit.name)
    return {unit_id: name for unit_id, name in session.execute(stmt)}


def _local_meta(session: Session) -> Meta | None:
    """The local unit's row, held for the transaction: the session keeps objects only while someone does, and
    a batch of a thousand items would otherwise read it (and, on a server, wait for it) a thousand times."""
    transaction = session.get_transaction()
    held = session.info.get("local_meta")
    if held is not None and held[0] is transaction and transaction is not None:
        return held[1]
    local = session.get(Meta, "local_unit_id")
    session.info["local_meta"] = (transaction, local)
    return local


def require_own(session: Session, row: Synced, what: str) -> None:
    """Refuse to change a record another unit owns. A city holds its counties' records as they report
    them; only the owning county edits them, so merges upward never conflict (DESIGN.md §6)."""
    local = _local_meta(session)
    if local is not None and row.owner_unit_id != local.value:
        owner = session.get(OrgUnit, row.owner_unit_id)
        raise NotOwnRecord(f"{what}属于{owner.name if owner else '其他单位'}，在本单位只能查看，不能修改"
                           "（须由该单位修改后报送）。")


def check_version(row: Synced, expected: int | None, what: str) -> None:
    if expected is not None and row.version != expected:
        raise StaleVersion(f"{what}已被{_last_saved_by(row)}修改（当前第 {row.version} 版，您打开的是第 {expected} 版），"
                           "请关闭后重新打开再修改。")


def _last_saved_by(row: Synced) -> str:
    """Who saved the record last and when, from the audit log: "李娜（12月7日 10:32）", or 他人."""
    from sqlalchemy.orm import object_session

    from assist_desktop.storage.models import AuditEvent

    session = object_session(row)
    if session is None:
        return "他人"
    with session.no_autoflush:
        last = session.execute(select(AuditEvent.actor_name, AuditEvent.at)
                               .where(AuditEvent.entity_type == type(row).__tablename__,  # type: ignore[attr-defined]
                                      AuditEvent.entity_id == row.id)
                               .order_by(AuditEvent.seq.desc()).limit(1)).first()
    if last is None:
        return "他人"
    name, at = last
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    local = at.astimezone() if at is not None else None
    when = f"{local.month}月{local.day}日 {local:%H:%M}" if local is not None else ""
    return f"{name}（{when}）" if when else name


def tombstone(session: Session, row: Synced) -> None:
    """Record the deletion of a syncable row so the upper unit learns of it."""
    session.add(Tombstone(table_name=type(row).__tablename__, row_id=row.id,  # type: ignore[attr-defined]
                          owner_unit_id=row.owner_unit_id))


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def diff(before: dict[str, Any], after: dict[str, Any], *, skip: Iterable[str] = ()) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]} for the audit log."""
    ignored = {"usn", "mtime", "version", *skip}
    out = {}
    for key in sorted(set(before) | set(after)):
        if key in ignored:
            continue
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


_MASKS = {"id_number": mask_id_number, "student_id_number": mask_id_number,
          "recipient_id_number": mask_id_number, "bank_account": mask_account}


def mask_sensitive(changes: dict[str, Any]) -> dict[str, Any]:
    """The audit log names what changed without copying ID or account numbers in full (PIPL)."""
    for key, mask in _MASKS.items():
        if key in changes:
            value = changes[key]
            changes[key] = ([mask(v) if v else v for v in value] if isinstance(value, list)
                            else mask(value) if value else value)
    return changes


def snapshot(row: Synced) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in type(row).__table__.columns}  # type: ignore[attr-defined]


def audit(session: Session, user: User | None, entity: Synced | None, action: str,
          changes: dict[str, Any] | None = None, *, entity_type: str | None = None,
          entity_id: str | None = None, name: str | None = None) -> None:
    append_event(session, actor_id=user.id if user else None, actor_name=name or actor_name(user),
                 entity_type=entity_type or type(entity).__tablename__,  # type: ignore[attr-defined]
                 entity_id=entity_id or (entity.id if entity is not None else None), action=action,
                 changes=changes)
