"""Encrypting a database made before encryption, and recovering an account with the recovery key.

Both are the administrator's (or, for recovery, the chair's with the key from the safe) and both are
recorded in the audit log. Neither keeps a decrypted copy anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.base import audit, require_role, touch, unit_of_work
from assist_desktop.services.passwords import check_password_strength, hash_password
from assist_desktop.services.setup import local_unit, local_unit_id
from assist_desktop.services.users import authenticate
from assist_desktop.storage import keyslots
from assist_desktop.storage.engine import Database, file_key_of
from assist_desktop.storage.models import User, UserRole
from assist_desktop.storage.schema import open_database


class SecrecyError(DomainError):
    pass


@dataclass(frozen=True)
class EncryptResult:
    recovery_key: str
    # other active accounts of this unit: their passwords are not known here, so they open the file
    # only after the administrator resets their password (设置 → 用户管理 → 重置密码)
    need_reset: tuple[str, ...]


def encrypt_existing(path: Path, username: str, password: str, backup_dir: Path | None = None) -> EncryptResult:
    """Encrypt the plain database at ``path`` (and its backups) for its administrator ``username``."""
    path = Path(path)
    if keyslots.is_encrypted(path):
        raise SecrecyError(f"数据库 {path} 已经加密。")
    db = open_database(path, backup_dir)
    try:
        with db.session() as session:
            user = authenticate(session, username, password)
            require_role(session, user, Role.admin, doing="加密数据库")
            unit = local_unit(session)
            if unit is None:
                raise SecrecyError("数据库尚未初始化，请先运行 assist-desktop init。")
            label = unit.name
            others = [u.username for u in session.exec(
                select(User).where(User.active == True, User.id != user.id,  # noqa: E712
                                   User.owner_unit_id == local_unit_id(session)).order_by(User.username))]
            with unit_of_work(session, user):
                audit(session, user, user, "encrypt_database",
                      {"file": path.name, "accounts_to_reset": others}, entity_type="database", entity_id=None)
            user_id, name = user.id, user.username
    finally:
        db.close()
    key = keyslots.new_database_key()
    keyslots.create(path, key, user_id=user_id, username=name, password=password, label=label)
    # the key file first, then the file itself and its backups (open_database finishes the work, and
    # would finish it after a crash at the next login with this password)
    open_database(path, backup_dir, key=key).close()
    return EncryptResult(keyslots.format_recovery_key(key), tuple(others))


def recover_account(path: Path, recovery_key: str, username: str, new_password: str,
                    backup_dir: Path | None = None) -> str:
    """With the recovery key: give ``username`` (an active administrator of this unit) ``new_password``,
    lift any lock, and write the account's key slot — a new key file if it was lost. Returns the
    account's display name."""
    path = Path(path)
    key = keyslots.parse_recovery_key(recovery_key)
    with open_database(path, backup_dir, key=key) as db:
        with db.session() as session:
            user = session.exec(select(User).where(User.username == username.strip())).first()
            if user is None or user.owner_unit_id != local_unit_id(session):
                raise SecrecyError(f"本单位没有用户“{username.strip()}”。", field="--user")
            roles = {r for r in session.exec(select(UserRole.role).where(UserRole.user_id == user.id))}
            if Role.admin.value not in roles:
                raise SecrecyError(f"“{user.username}”不是管理员：请用恢复密钥找回管理员账户，再由管理员重置其他用户的密码。",
                                   field="--user")
            check_password_strength(new_password, user.username)
            with unit_of_work(session, None):
                user.password_hash = hash_password(new_password)
                user.failed_logins, user.locked_until, user.active = 0, None, True
                user.must_change_password = False
                touch(user)
                audit(session, None, user, "recover", {"password": "已用恢复密钥重设", "how": "恢复密钥"})
            user_id, name, display = user.id, user.username, user.display_name
            unit = local_unit(session)
            label = unit.name if unit else ""
        assert file_key_of(db.engine) is not None
    if keyslots.sidecar_path(path).exists():
        keyslots.set_user_slot(path, key, user_id=user_id, username=name, password=new_password)
        keyslots.clear_lock(path, user_id)
    else:
        keyslots.create(path, key, user_id=user_id, username=name, password=new_password, label=label)
    return display


def database_label(db: Database) -> str:
    """How the window and the terminal name the file's protection."""
    return "已加密" if db.encrypted else "未加密"


def backup_key(backup: Path, username: str, secret: str) -> bytes:
    """The key of an encrypted backup from a password of one of its users, or from the recovery key (56
    characters in groups). The backup's key file is only read: no lockout is counted in it."""
    cleaned = "".join(secret.split()).replace("-", "")
    if len(cleaned) == 56 and cleaned.isalnum() and cleaned.isascii():
        key = keyslots.parse_recovery_key(secret)
    else:
        try:
            key = keyslots.unlock(backup, username, secret, record=False).key
        except keyslots.SlotRefused as exc:
            raise SecrecyError(f"打不开加密备份 {Path(backup).name}：{exc.message}", field="密码") from exc
    from assist_desktop.storage import cipher

    if not cipher.key_opens(Path(backup), key):
        raise SecrecyError(f"这把钥匙打不开 {Path(backup).name}（恢复密钥不属于这个备份）。", field="恢复密钥")
    return key
