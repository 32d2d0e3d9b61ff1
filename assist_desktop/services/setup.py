"""Creating a database for one union unit: the unit itself, its administrator, its bookkeeping."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from sqlmodel import Session

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.audit import append_event
from assist_desktop.services.keys import ensure_signing_key
from assist_desktop.services.passwords import check_password_strength, hash_password
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import Meta, OrgUnit, User, UserRole, new_id, utcnow
from assist_desktop.storage.location import ServerAddress, parse_location
from assist_desktop.storage.schema import open_database
from assist_desktop.sync.keys import ensure_encryption_key

LOCAL_UNIT_KEY = "local_unit_id"
SYSTEM_ACTOR = "系统"


class SetupError(DomainError):
    pass


@dataclass(frozen=True)
class SetupResult:
    unit_id: str
    admin_id: str
    warnings: tuple[str, ...]
    # the recovery key of an encrypted database, shown once (the chair keeps it in the safe)
    recovery_key: str | None = None


def level_of_region_code(code: str) -> str:
    """GB/T 2260: xx0000 is a province, xxxx00 a city (prefecture), anything else a county."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def local_unit_id(session: Session) -> str | None:
    meta = session.get(Meta, LOCAL_UNIT_KEY)
    return meta.value if meta else None


def local_unit(session: Session) -> OrgUnit | None:
    unit_id = local_unit_id(session)
    return session.get(OrgUnit, unit_id) if unit_id else None


def validate_unit(unit_code: str, unit_name: str) -> list[str]:
    """Check the unit's region code and name; return warnings that do not stop set-up."""
    from assist_desktop.domain.regions import is_known_region

    code = unit_code.strip()
    if not re.fullmatch(r"\d{6}", code):
        raise SetupError(f"单位代码“{unit_code}”应为6位行政区划代码（如 610826）。", field="单位代码")
    if not unit_name.strip():
        raise SetupError("单位名称不能为空。", field="单位名称")
    if len(unit_name.strip()) > 100:
        raise SetupError("单位名称过长（最多100字）。", field="单位名称")
    if not is_known_region(code):
        return [f"行政区划代码 {code} 不在区划表中，请核对（新设区县可忽略此提示）。"]
    return []


LEVEL_NAMES = {"county": "县级", "city": "市级", "province": "省级"}


def check_level(code: str, level: str | None) -> str:
    """The unit's level: the one asked for (init --level), which its region code must agree with."""
    derived = level_of_region_code(code)
    if level is None:
        return derived
    if level not in LEVEL_NAMES:
        raise SetupError(f"单位级别“{level}”应为 county、city 或 province。", field="单位级别")
    if level != derived:
        raise SetupError(f"单位代码 {code} 是{LEVEL_NAMES[derived]}行政区划代码，与所选的{LEVEL_NAMES[level]}不符"
                         "（市级工会用 xxxx00，省级用 xx0000）。", field="单位代码")
    return level


def initialise(db: Database, *, unit_code: str, unit_name: str, admin_username: str, admin_password: str,
               admin_display_name: str | None = None, level: str | None = None) -> SetupResult:
    """Create the local unit and its administrator in one transaction; refuse a second set-up."""
    warnings = validate_unit(unit_code, unit_name)
    unit_level = check_level(unit_code.strip(), level)
    username = admin_username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}", username):
        raise SetupError("管理员用户名应为2-32个字符（汉字、字母、数字、下划线）。", field="管理员用户名")
    check_password_strength(admin_password, username)
    code = unit_code.strip()
    with db.transaction() as session:
        if local_unit_id(session):
            raise SetupError(f"{db.describe()}已经初始化过，不能重复初始化。")
        unit_id = new_id()
        session.add(OrgUnit(id=unit_id, owner_unit_id=unit_id, code=code, name=unit_name.strip(),
                            level=unit_level, region_code=code))
        session.add(Meta(key=LOCAL_UNIT_KEY, value=unit_id))
        session.add(Meta(key="created_at", value=utcnow().isoformat()))
        session.flush()
        admin = User(owner_unit_id=unit_id, username=username, display_name=admin_display_name or username,
                     unit_id=unit_id, password_hash=hash_password(admin_password))
        session.add(admin)
        session.flush()
        session.add(UserRole(user_id=admin.id, role=Role.admin.value))
        # the unit's Ed25519 key, which signs its vouchers' QR codes and its sync packages;
        # recorded in the set-up's own audit event
        key = ensure_signing_key(session, unit_id, audited=False)
        # and its X25519 key, to which the lower units encrypt the sync packages they send it
        encryption = ensure_encryption_key(session, unit_id, audited=False)
        append_event(session, actor_id=None, actor_name=SYSTEM_ACTOR, entity_type="org_unit", entity_id=unit_id,
                     action="initialise", changes={"code": code, "name": unit_name.strip(), "admin": username,
                                                   "level": unit_level, "signing_key": key.key_id,
                                                   "encryption_key": encryption.key_id})
    return SetupResult(unit_id, admin.id, tuple(warnings))


def create_database(path: Path | ServerAddress, *, encrypt: bool = True, **kwargs: str) -> SetupResult:
    """Create the file at ``path`` (migrated to the head) and initialise it.

    ``encrypt`` (the default): the file is SQLCipher-encrypted under a new random key, the administrator's
    key slot is written beside it, and the result carries the recovery key to show once. A plain file is
    for the demo and for tests that read the file with sqlite3. A server database is never SQLCipher (the
    server's logins and its disk guard it): it is initialised as it is, with no recovery key.
    """
    location = parse_location(path)
    if isinstance(location, ServerAddress) or not encrypt:
        db = open_database(location)
        try:
            return initialise(db, **kwargs)
        finally:
            db.close()
    path = location
    from assist_desktop.storage import keyslots

    if path.exists() and path.stat().st_size:
        # an existing file is initialised as it is (refused when already set up), never re-keyed here
        if keyslots.is_encrypted(path):
            raise SetupError(f"数据库 {path} 已经初始化过，不能重复初始化。")
        db = open_database(path)
        try:
            return initialise(db, **kwargs)
        finally:
            db.close()
    # checked before anything is written, so a refused password leaves no file behind
    validate_unit(kwargs.get("unit_code", ""), kwargs.get("unit_name", ""))
    check_password_strength(kwargs.get("admin_password", ""), kwargs.get("admin_username"))
    key = keyslots.new_database_key()
    made = not path.exists()
    try:
        db = open_database(path, key=key)
        try:
            result = initialise(db, **kwargs)
        finally:
            db.close()
        keyslots.create(path, key, user_id=result.admin_id, username=kwargs["admin_username"].strip(),
                        password=kwargs["admin_password"], label=kwargs["unit_name"].strip())
    except BaseException:
        if made:  # a half-made encrypted file nobody could open: gone, so that init can be run again
            for suffix in ("", "-wal", "-shm", keyslots.SIDECAR_SUFFIX):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return replace(result, recovery_key=keyslots.format_recovery_key(key))


def require_initialised(session: Session) -> OrgUnit:
    unit = local_unit(session)
    if unit is None:
        raise SetupError("数据库尚未初始化，请先运行 assist-desktop init。")
    return unit

