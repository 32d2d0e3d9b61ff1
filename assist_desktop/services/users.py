"""User accounts: logging in, lockout after repeated wrong passwords, and the administrator's user management.

Rules:
- a wrong password and an unknown user name get the same message (用户名或密码错误); when the account
  exists the message adds how many attempts remain, as the design asks (a deliberate, small hint);
- ``LOCK_AFTER`` consecutive wrong passwords lock the account for ``LOCK_MINUTES``; while locked even the
  right password is refused and the password is not even checked; a successful login resets the count;
- the failed-attempt counter and the lock are committed in their own transaction *before* the refusal is
  raised, so that closing the program (or another session) cannot forget them;
- users are never deleted, only deactivated; the database always keeps at least one active administrator;
- passwords and their hashes never enter the audit log: a change is recorded as ``{"password": "已修改"}``;
- at a city or province the user table also holds the lower units' users, synced upward (qualified names
  like ``610826/jingban``, no password hash). They are not this unit's: they never log in here, the
  user-management list leaves them out by default, and every administrator's action on them is refused
  naming their unit (``require_own``), as for any record another unit owns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.base import (
    NotFound,
    PermissionDenied,
    Refusal,
    audit,
    diff,
    require_own,
    require_role,
    roles_of,
    snapshot,
    touch,
    unit_of_work,
)
from assist_desktop.services.passwords import check_password_strength, hash_password, needs_upgrade, verify_password
from assist_desktop.services.setup import local_unit_id, require_initialised
from assist_desktop.storage import keyslots
from assist_desktop.storage.engine import file_key_of
from assist_desktop.storage.keyslots import BAD_CREDENTIALS, LOCK_AFTER, LOCK_MINUTES, Unlocked
from assist_desktop.storage.models import OrgUnit, User, UserRole, utcnow

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}")
DISPLAY_NAME_MAX = 64
REASON_MAX = 200
PASSWORD_CHANGED = "已修改"  # what the audit log records instead of a password
PASSWORD_SET = "已设置"
ENTITY = "user"


class AuthenticationFailed(DomainError):
    """Logging in was refused. ``remaining`` is the number of attempts left, when the account exists."""

    def __init__(self, message: str, *, remaining: int | None = None) -> None:
        super().__init__(message)
        self.remaining = remaining


class AccountLocked(AuthenticationFailed):
    """Too many wrong passwords; ``until`` is the (aware, UTC) end of the lock."""

    def __init__(self, message: str, *, until: datetime) -> None:
        super().__init__(message, remaining=0)
        self.until = until


class AccountDisabled(AuthenticationFailed):
    """The right password for a deactivated account."""


class UserError(DomainError):
    """Bad input or a broken rule while managing users."""


class DuplicateUsername(UserError):
    pass


class LastAdmin(UserError):
    """The change would leave the database without an active administrator."""


class WrongPassword(UserError):
    """The current password given when changing one's own password is wrong."""


@dataclass(frozen=True)
class UserView:
    """A user as the user-management table shows it (no password hash)."""

    id: str
    username: str
    display_name: str
    roles: frozenset[Role]
    active: bool
    locked_until: datetime | None  # set only while the lock lasts
    unit_id: str
    must_change_password: bool = False
    unit_name: str = ""  # the union the user works for (所属工会)
    owner_unit_id: str = ""  # the unit that manages the account (the local unit, or a lower one synced up)


# --- logging in -----------------------------------------------------------------------------------


def authenticate(session: Session, username: str, password: str, *, now: datetime | None = None,
                 unlocked: Unlocked | None = None) -> User:
    """The user whose name and password these are; otherwise ``AuthenticationFailed`` (or a subclass).

    Every attempt, failed or not, is committed with its audit event before this returns or raises.
    ``unlocked``: the key slot of an encrypted database already proved the password (one scrypt per
    login), so the stored hash is not checked again; the failed attempts the key file kept while the
    database could not be read go to the audit log now. A hash of an earlier version's parameters is
    replaced by one at today's (``passwords.needs_upgrade``) once the password is known to be right.
    """
    now = _aware(now)
    error: AuthenticationFailed | None = None
    pending: tuple[dict[str, Any], ...] = unlocked.pending if unlocked is not None else ()
    with unit_of_work(session, None):
        user = _find_by_username(session, username)
        local = local_unit_id(session)
        _record_pending(session, pending)
        if unlocked is not None and (user is None or user.id != unlocked.user_id):
            # a key slot whose account is not in this database (a restored older copy, or a changed file)
            audit(session, None, None, "login_failed", {"reason": "钥匙与账户不符"}, entity_type=ENTITY)
            error = AuthenticationFailed(f"{BAD_CREDENTIALS}。")
        elif user is None:
            # Spend the time a real check takes, so the answer's speed does not tell which names exist.
            verify_password(password, _dummy_hash())
            audit(session, None, None, "login_failed", {"reason": "用户名不存在"}, entity_type=ENTITY)
            error = AuthenticationFailed(f"{BAD_CREDENTIALS}。")
        elif local is not None and user.owner_unit_id != local:
            # A lower unit's user, synced upward (its password hash stays at home): never a login here,
            # whatever the row holds, and the same answer as an unknown name; the row is not touched.
            verify_password(password, _dummy_hash())
            audit(session, None, None, "login_failed", {"reason": "非本单位用户"}, entity_type=ENTITY,
                  entity_id=user.id)
            error = AuthenticationFailed(f"{BAD_CREDENTIALS}。")
        elif (until := _lock_end(user, now)) is not None:
            audit(session, None, user, "login_failed", {"reason": "账户已锁定"})
            error = AccountLocked(f"账户已锁定，请于 {format_unlock_time(until)} 后再试。", until=until)
        else:
            before = _login_state(user)
            if user.locked_until is not None:  # a lock that has run out: the count starts again
                user.locked_until, user.failed_logins = None, 0
            if unlocked is None and not verify_password(password, user.password_hash):
                user.failed_logins += 1
                if user.failed_logins >= LOCK_AFTER:
                    user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    audit(session, None, user, "locked", diff(before, _login_state(user)))
                    error = AccountLocked(
                        f"密码连续输错 {user.failed_logins} 次，账户已锁定，"
                        f"请于 {format_unlock_time(user.locked_until)} 后再试。", until=user.locked_until)
                else:
                    remaining = LOCK_AFTER - user.failed_logins
                    audit(session, None, user, "login_failed", diff(before, _login_state(user)))
                    error = AuthenticationFailed(f"{BAD_CREDENTIALS}，还可尝试 {remaining} 次。",
                                                 remaining=remaining)
            elif not user.active:
                audit(session, None, user, "login_failed",
                      {"reason": "账户已停用", **diff(before, _login_state(user))})
                error = AccountDisabled("账户已停用，请联系管理员。")
            else:
                user.failed_logins = 0
                changes = diff(before, _login_state(user))
                if needs_upgrade(user.password_hash):
                    user.password_hash = hash_password(password)  # to today's scrypt parameters, once
                    changes["password"] = "已升级到当前加密强度"
                audit(session, user, user, "login", changes)
        # Login bookkeeping is local security state, not an edit of the user: no touch(), no new version.
    if pending:
        file_key = file_key_of(session)
        if file_key is not None:
            keyslots.drop_pending(file_key.path, pending)
    if error is not None:
        raise error
    return user


def _record_pending(session: Session, pending: tuple[dict[str, Any], ...]) -> None:
    """Failed logins the key file kept while the database was closed, into the audit log (with their time)."""
    for event in pending:
        user = session.get(User, event.get("user_id")) if event.get("user_id") else None
        changes = {k: v for k, v in event.items() if k != "user_id"}
        if user is not None:  # the attempt that locked the account is "locked", as on a plain file
            audit(session, None, user, "locked" if event.get("locked_until") else "login_failed", changes)
        else:
            audit(session, None, None, "login_failed", changes, entity_type=ENTITY)


def record_refused_unlock(session: Session, pending: tuple[dict[str, Any], ...]) -> None:
    """A login refused at the key slot while the database is open (切换用户): its attempt goes to the audit
    log at once, and the account's lock is shown on the user's row as well."""
    with unit_of_work(session, None):
        _record_pending(session, pending)
        for event in pending:
            user = session.get(User, event.get("user_id")) if event.get("user_id") else None
            if user is not None and "failed" in event:
                user.failed_logins = int(event["failed"])
                if event.get("locked_until"):
                    user.locked_until = datetime.fromisoformat(event["locked_until"])
    file_key = file_key_of(session)
    if file_key is not None:
        keyslots.drop_pending(file_key.path, pending)


format_unlock_time = keyslots.format_unlock_time


def is_locked(user: User, now: datetime | None = None) -> bool:
    return _lock_end(user, _aware(now)) is not None


def _lock_end(user: User, now: datetime) -> datetime | None:
    """When the lock on ``user`` ends, or None if it is not locked at ``now``."""
    until = user.locked_until
    if until is None:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    # A lock never lasts longer than LOCK_MINUTES from now: if the clock was turned back after the lock was
    # set, the user should not wait hours for it.
    if now < until <= now + timedelta(minutes=LOCK_MINUTES):
        return until
    return None


def _login_state(user: User) -> dict[str, Any]:
    return {"failed_logins": user.failed_logins, "locked_until": user.locked_until}


@cache
def _dummy_hash() -> str:
    return hash_password("assist-desktop-no-such-user")


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


def _find_by_username(session: Session, username: str) -> User | None:
    """The user of that name; letter case is ignored (create_user keeps names unique regardless of case)."""
    name = username.strip()
    if not name:
        return None
    stmt = select(User).where(func.lower(User.username) == name.lower()).execution_options(populate_existing=True)
    rows = list(session.exec(stmt))
    exact = [u for u in rows if u.username == name]
    if exact:
        return exact[0]
    return rows[0] if len(rows) == 1 else None


# --- managing users (administrators) -------------------------------------------------------------


def create_user(session: Session, actor: User, *, username: str, display_name: str, password: str,
                roles: Iterable[Role | str], unit_id: str | None = None) -> User:
    """A new active user of this unit (or of ``unit_id``), with ``roles``. Administrators only. The
    password is the administrator's choice, so the user replaces it at the first login."""
    with unit_of_work(session, actor, Refusal(ENTITY, None, "create_user")):
        _require_admin(session, actor, "新建用户")
        name = _check_username(username)
        shown = _check_display_name(display_name)
        wanted = _check_roles(roles)
        check_password_strength(password, name)
        local = require_initialised(session)
        if unit_id is None:
            unit_id = local.id
        else:
            unit = session.get(OrgUnit, unit_id)
            if unit is None:
                raise UserError("所属单位不存在，请重新选择。", field="所属单位")
            if unit.id != local.id and unit.owner_unit_id != local.id:
                raise UserError(f"“{unit.name}”不是本单位或本单位的基层工会，不能作为所属单位。", field="所属单位")
            if not unit.active:
                raise UserError(f"“{unit.name}”已停用，请选择其他单位。", field="所属单位")
        taken = session.exec(select(User.username).where(func.lower(User.username) == name.lower())).first()
        if taken is not None:
            alike = "" if taken == name else f"（与已有的“{taken}”仅大小写不同）"
            raise DuplicateUsername(f"用户名“{name}”已被使用{alike}，请换一个用户名。", field="用户名")
        user = User(owner_unit_id=local.id, username=name, display_name=shown, unit_id=unit_id,
                    password_hash=hash_password(password), must_change_password=True)
        session.add(user)
        session.flush()
        for role in sorted(wanted):
            session.add(UserRole(user_id=user.id, role=role.value))
        audit(session, actor, user, "create", {"username": name, "display_name": shown, "unit_id": unit_id,
                                               "roles": _role_list(wanted), "password": PASSWORD_SET})
        _give_slot(session, user, password)
    return user


def set_roles(session: Session, actor: User, user_id: str, roles: Iterable[Role | str]) -> User:
    """Replace the roles of a user. Administrators only; the last active administrator keeps that role."""
    with unit_of_work(session, actor, Refusal(ENTITY, user_id, "set_roles")):
        _require_admin(session, actor, "设置用户角色")
        user = _get_own(session, user_id)
        wanted = _check_roles(roles)
        held = roles_of(session, user)
        if wanted == held:
            return user
        if Role.admin in held and Role.admin not in wanted and user.active:
            _keep_an_admin(session, user, actor, "取消“管理员”角色")
        for row in list(session.exec(select(UserRole).where(UserRole.user_id == user.id))):
            if Role(row.role) not in wanted:
                session.delete(row)
        for role in sorted(wanted - held):
            session.add(UserRole(user_id=user.id, role=role.value))
        touch(user)
        audit(session, actor, user, "set_roles", {"roles": [_role_list(held), _role_list(wanted)]})
    return user


def deactivate(session: Session, actor: User, user_id: str, reason: str) -> User:
    """Stop a user from logging in; the user and everything they did stay. Administrators only."""
    with unit_of_work(session, actor, Refusal(ENTITY, user_id, "deactivate")):
        _require_admin(session, actor, "停用用户")
        user = _get_own(session, user_id)
        why = _check_reason(reason, required=True)
        if user.id == actor.id:
            raise UserError("不能停用自己正在使用的账户，请由另一位管理员操作。")
        if not user.active:
            raise UserError(f"用户“{user.display_name}”已是停用状态。")
        if Role.admin in roles_of(session, user):
            _keep_an_admin(session, user, actor, "停用")
        took_key = _take_slot(session, user)
        _update(session, actor, user, "deactivate", {"reason": why, **({"key_slot": "已收回"} if took_key else {})},
                active=False)
    return user


def reactivate(session: Session, actor: User, user_id: str, reason: str | None = None,
               new_password: str | None = None) -> User:
    """Let a deactivated user log in again. Administrators only. In an encrypted database the account's
    key slot was taken back at deactivation, so it comes back only with a new password (which the user
    replaces at the first login)."""
    with unit_of_work(session, actor, Refusal(ENTITY, user_id, "reactivate")):
        _require_admin(session, actor, "启用用户")
        user = _get_own(session, user_id)
        why = _check_reason(reason or "", required=False)
        if user.active:
            raise UserError(f"用户“{user.display_name}”已是启用状态。")
        extra: dict[str, Any] = {"reason": why} if why else {}
        values: dict[str, Any] = {"active": True}
        file_key = file_key_of(session)
        if file_key is not None and not keyslots.has_slot(file_key.path, user.id):
            if not new_password:
                raise UserError(f"数据库已加密，停用时已收回“{user.display_name}”打开数据库的钥匙；"
                                "启用时请为其设置新密码（首次登录时由本人修改）。", field="新密码")
            check_password_strength(new_password, user.username)
            user.password_hash = hash_password(new_password)
            extra["password"] = PASSWORD_CHANGED
            values.update(must_change_password=True, failed_logins=0, locked_until=None)
        elif new_password:
            check_password_strength(new_password, user.username)
            user.password_hash = hash_password(new_password)
            extra["password"] = PASSWORD_CHANGED
            values.update(must_change_password=True)
        _update(session, actor, user, "reactivate", extra, **values)
        if new_password:
            _give_slot(session, user, new_password)
    return user


def reset_password(session: Session, actor: User, user_id: str, new_password: str) -> User:
    """Give a user a new password that they must change at their next login; also lifts a lock."""
    with unit_of_work(session, actor, Refusal(ENTITY, user_id, "reset_password")):
        _require_admin(session, actor, "重置密码")
        user = _get_own(session, user_id)
        if user.id == actor.id:
            raise UserError("不能重置自己的密码，请使用“修改密码”。")
        check_password_strength(new_password, user.username)
        user.password_hash = hash_password(new_password)
        _update(session, actor, user, "reset_password", {"password": PASSWORD_CHANGED},
                must_change_password=True, failed_logins=0, locked_until=None)
        if user.active:
            _give_slot(session, user, new_password)  # the slot re-wrapped for the new password; lock lifted
    return user


def unlock(session: Session, actor: User, user_id: str) -> User:
    """Lift a lock (and clear the count of wrong passwords). Administrators only."""
    with unit_of_work(session, actor, Refusal(ENTITY, user_id, "unlock")):
        _require_admin(session, actor, "解锁用户")
        user = _get_own(session, user_id)
        file_key = file_key_of(session)
        slot = keyslots.load(file_key.path).find_user(user.id) if file_key is not None else None
        slot_locked = slot is not None and (slot.failed or slot.locked_until)
        if user.locked_until is None and user.failed_logins == 0 and not slot_locked:
            raise UserError(f"用户“{user.display_name}”未被锁定。")
        _update(session, actor, user, "unlock", {}, failed_logins=0, locked_until=None)
        if file_key is not None:
            keyslots.clear_lock(file_key.path, user.id)
    return user


def change_password(session: Session, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password; the current one must be given. Clears "must change"."""
    with unit_of_work(session, user, Refusal(ENTITY, user.id, "change_password")):
        me = _get_own(session, user.id)
        if not me.active:
            raise PermissionDenied(f"用户“{me.display_name}”已停用，不能修改密码。")
        if not _password_is(session, me, old_password):
            raise WrongPassword("原密码不正确。", field="原密码")
        if new_password == old_password:
            raise UserError("新密码不能与原密码相同。", field="新密码")
        check_password_strength(new_password, me.username)
        me.password_hash = hash_password(new_password)
        _update(session, me, me, "change_password", {"password": PASSWORD_CHANGED}, must_change_password=False)
        _give_slot(session, me, new_password)
    return me


def _password_is(session: Session, user: User, password: str) -> bool:
    """The user's current password? In an encrypted database the key slot decides (a restored backup may
    hold an older hash), in a plain one the stored hash."""
    file_key = file_key_of(session)
    if file_key is None:
        return verify_password(password, user.password_hash)
    try:
        unlocked = keyslots.unlock(file_key.path, user.username, password, record=False)
    except keyslots.SlotRefused:
        return False
    return unlocked.user_id == user.id and unlocked.key == file_key.key


def _give_slot(session: Session, user: User, password: str) -> None:
    """In an encrypted database: the account's key slot (re)wrapped for ``password``. The last step of the
    unit of work, so a refusal before it leaves the key file as it was."""
    file_key = file_key_of(session)
    if file_key is not None:
        keyslots.set_user_slot(file_key.path, file_key.key, user_id=user.id, username=user.username,
                               password=password)


def _take_slot(session: Session, user: User) -> bool:
    file_key = file_key_of(session)
    return file_key is not None and keyslots.remove_user_slot(file_key.path, user.id)


def has_key_slot(session: Session, user_id: str) -> bool | None:
    """Whether the account can open the encrypted database (None for a plain one)."""
    file_key = file_key_of(session)
    return None if file_key is None else keyslots.has_slot(file_key.path, user_id)


# --- reading --------------------------------------------------------------------------------------


def list_users(session: Session, *, now: datetime | None = None, local_only: bool = True) -> list[UserView]:
    """The users of this unit, active or not, by user name; ``local_only=False`` adds the users of the
    lower units that a city or province holds (synced upward, read-only here)."""
    now = _aware(now)
    stmt = select(User).order_by(User.username).execution_options(populate_existing=True)
    local = local_unit_id(session)
    if local_only and local is not None:
        stmt = stmt.where(User.owner_unit_id == local)
    users = list(session.exec(stmt))
    roles: dict[str, set[Role]] = {}
    role_rows = select(UserRole.user_id, UserRole.role)
    if local_only and local is not None:
        role_rows = role_rows.join(User, User.id == UserRole.user_id).where(User.owner_unit_id == local)
    for user_id, role in session.exec(role_rows):
        roles.setdefault(user_id, set()).add(Role(role))
    unit_ids = {u.unit_id for u in users}
    names = {unit_id: name for unit_id, name in
             session.exec(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids)))}
    return [UserView(id=u.id, username=u.username, display_name=u.display_name,
                     roles=frozenset(roles.get(u.id, ())), active=u.active, locked_until=_lock_end(u, now),
                     unit_id=u.unit_id, must_change_password=u.must_change_password,
                     unit_name=names.get(u.unit_id, ""), owner_unit_id=u.owner_unit_id) for u in users]


def user_roles(session: Session, user: User) -> frozenset[Role]:
    return roles_of(session, user)


# --- helpers --------------------------------------------------------------------------------------


def _require_admin(session: Session, actor: User, doing: str) -> None:
    # Reload the actor first: require_role's session.get would return a copy cached by an earlier
    # transaction of this session, missing a deactivation made meanwhile by another session.
    session.get(User, actor.id, populate_existing=True)
    require_role(session, actor, Role.admin, doing=doing)


def _get(session: Session, user_id: str) -> User:
    # populate_existing: the session may hold this user from an earlier transaction (expire_on_commit=False).
    user = session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound("找不到该用户，可能已被其他单位的数据替换，请刷新列表。")
    return user


def _get_own(session: Session, user_id: str) -> User:
    """The user, if this unit manages the account; a lower unit's user held here is refused naming its unit."""
    user = _get(session, user_id)
    require_own(session, user, f"用户“{user.username}”（{user.display_name}）")
    return user


def _update(session: Session, actor: User, user: User, action: str, extra: dict[str, Any],
            **values: Any) -> None:
    """Set ``values`` on ``user``, bump its version, and audit the difference (never the password hash)."""
    before = snapshot(user)
    for key, value in values.items():
        setattr(user, key, value)
    touch(user)
    changes: dict[str, Any] = diff(before, snapshot(user), skip=("password_hash",))
    changes.update(extra)
    audit(session, actor, user, action, changes)


def _keep_an_admin(session: Session, user: User, actor: User, doing: str) -> None:
    """Refuse if ``user`` is the only active administrator."""
    stmt = (select(func.count()).select_from(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.admin.value, User.active == True, User.id != user.id))  # noqa: E712
    local = local_unit_id(session)
    if local is not None:  # a lower unit's administrator, synced upward, cannot log in here
        stmt = stmt.where(User.owner_unit_id == local)
    others = session.exec(stmt).one()
    if others == 0:
        who = "您" if user.id == actor.id else f"用户“{user.display_name}”"
        raise LastAdmin(f"{who}是唯一启用的管理员，不能{doing}；请先为另一位用户设置“管理员”角色。", field="角色")


def _check_username(username: str) -> str:
    name = (username or "").strip()
    if not USERNAME_PATTERN.fullmatch(name):
        raise UserError("用户名应为2-32个字符（汉字、字母、数字、下划线、点或减号）。", field="用户名")
    return name


def _check_display_name(display_name: str) -> str:
    shown = (display_name or "").strip()
    if not shown:
        raise UserError("姓名不能为空。", field="姓名")
    if len(shown) > DISPLAY_NAME_MAX:
        raise UserError(f"姓名过长（最多{DISPLAY_NAME_MAX}字）。", field="姓名")
    return shown


def _check_roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    if isinstance(roles, str):
        roles = [roles]
    wanted = set()
    for role in roles:
        try:
            wanted.add(Role(role))
        except ValueError:
            raise UserError(f"未知角色“{role}”。", field="角色") from None
    if not wanted:
        raise UserError("请至少选择一个角色。", field="角色")
    return frozenset(wanted)


def _check_reason(reason: str, *, required: bool) -> str:
    why = (reason or "").strip()
    if required and not why:
        raise UserError("请填写停用原因。", field="原因")
    if len(why) > REASON_MAX:
        raise UserError(f"原因过长（最多{REASON_MAX}字）。", field="原因")
    return why


def _role_list(roles: Iterable[Role]) -> list[str]:
    order = list(Role)
    return [r.value for r in sorted(roles, key=order.index)]

