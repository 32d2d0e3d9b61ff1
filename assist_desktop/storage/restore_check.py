"""What a restore would bring in, read before anyone is asked 替换当前数据库？.

A backup file is checked (``check_backup_file``: ours, sound, a schema this program knows) and then
described: whose data it holds (unit, code, level), its schema, when it was last written to and how many
households it holds. Restoring another unit's file over this one (a city's over a county's) locks
everyone out and mixes two units' records, so it is refused unless the administrator types that
unit's name. The settings page and ``assist-desktop restore`` both go through ``restore_checked``.
An encrypted backup is read with its own key (from a password of that backup, or the recovery key), given
before these checks; an encrypted database with its key from the login.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assist_desktop.domain.enums import OrgLevel
from assist_desktop.domain.errors import DomainError
from assist_desktop.storage import cipher
from assist_desktop.storage.backup import BackupError, BackupManager, check_backup_file
from assist_desktop.storage.engine import sqlite_uri
from assist_desktop.storage.location import ServerAddress


class RestoreRefused(BackupError):
    """A restore that the file's owner or the confirmation does not allow; the message says why."""


@dataclass(frozen=True)
class UnitInFile:
    id: str
    code: str
    name: str
    level: str

    @property
    def level_label(self) -> str:
        try:
            return OrgLevel(self.level).label
        except ValueError:  # a newer program's level
            return self.level

    def describe(self) -> str:
        return f"{self.name}（{self.code}，{self.level_label}）"


@dataclass(frozen=True)
class RestoreFile:
    """A checked backup file and what it holds, next to the database it would replace."""

    path: Path
    unit: UnitInFile | None
    revision: str
    needs_upgrade: bool
    last_written: datetime | None  # the newest audit event, local time
    modified: datetime  # the file's own modification time, local
    households: int
    current_unit: UnitInFile | None  # None when there is no database to replace yet

    @property
    def same_unit(self) -> bool:
        return self.current_unit is None or (self.unit is not None and self.unit.id == self.current_unit.id)

    def lines(self) -> list[str]:
        """The facts shown before the question, in Chinese."""
        when = self.last_written or self.modified
        lines = [
            f"文件：{self.path.name}",
            f"所属单位：{self.unit.describe() if self.unit else '（文件中没有单位信息）'}",
            f"结构版本：{self.revision}（{'较早，恢复后自动升级' if self.needs_upgrade else '与本程序相同'}）",
            f"最后写入：{when:%Y-%m-%d %H:%M}",
            f"困难职工档案：{self.households:,} 户",
        ]
        if self.current_unit is not None:
            lines.append(f"当前数据库的单位：{self.current_unit.describe()}")
        return lines


def _local_unit(conn: sqlite3.Connection) -> UnitInFile | None:
    try:
        row = conn.execute("SELECT u.id, u.code, u.name, u.level FROM meta m JOIN org_unit u ON u.id = m.value "
                           "WHERE m.key = 'local_unit_id'").fetchone()
    except cipher.database_error_types():
        return None
    return UnitInFile(*row) if row else None


def _last_written(conn: sqlite3.Connection) -> datetime | None:
    try:
        # a backup's own record (the program's hourly ones above all) is no write to the data
        row = conn.execute("SELECT max(at) FROM audit_event WHERE NOT (entity_type = 'database' AND action = 'backup')"
                           ).fetchone()
    except cipher.database_error_types():
        return None
    if not row or not row[0]:
        return None
    try:
        at = datetime.fromisoformat(str(row[0]))
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().replace(tzinfo=None)


def unit_of_database(path: Path, key: bytes | None = None) -> UnitInFile | None:
    """The unit a database file belongs to (None for a missing or empty file, or one this key cannot read)."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        with closing(cipher.connect(sqlite_uri(path), key, uri=True)) as conn:
            return _local_unit(conn)
    except cipher.database_error_types():
        return None


def inspect_restore_file(path: Path | str, db_path: Path | str | ServerAddress, *, backup_key: bytes | None = None,
                         db_key: bytes | None = None) -> RestoreFile:
    """Check ``path`` as a restore source and describe it; refuse (BackupError) a file that is not sound.
    ``backup_key``: the key of an encrypted backup; ``db_key``: the open database's."""
    from assist_desktop.storage.schema import head_revision, inspect_file

    if isinstance(db_path, ServerAddress):
        return _inspect_server_dump(Path(path), db_path)
    path, db_path = Path(path), Path(db_path)
    check_backup_file(path, backup_key)
    state = inspect_file(path, full_check=False, key=backup_key)  # check_backup_file ran the full check
    try:
        with closing(cipher.connect(sqlite_uri(path), backup_key, uri=True)) as conn:
            conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
            unit = _local_unit(conn)
            last = _last_written(conn)
            try:
                households = conn.execute("SELECT count(*) FROM hardship_file").fetchone()[0]
            except cipher.database_error_types():
                households = 0
    except cipher.database_error_types() as exc:  # pragma: no cover - check_backup_file read it a moment ago
        raise BackupError(f"不能用 {path.name} 恢复：文件无法读取（{type(exc).__name__}）。") from exc
    if unit is None:
        raise RestoreRefused(f"不能用 {path.name} 恢复：文件中没有所属单位的信息，不是一个完整的本程序数据库。")
    modified = datetime.fromtimestamp(path.stat().st_mtime)
    return RestoreFile(path=path, unit=unit, revision=state.revision or "", needs_upgrade=state.revision != head_revision(),
                       last_written=last, modified=modified, households=int(households),
                       current_unit=unit_of_database(db_path, db_key))


def check_confirmation(found: RestoreFile, typed_unit_name: str | None) -> None:
    """Another unit's file is restored only when its unit's name was typed exactly; refuse otherwise."""
    if found.same_unit:
        return
    assert found.unit is not None and found.current_unit is not None
    if (typed_unit_name or "").strip() == found.unit.name:
        return
    typed = (typed_unit_name or "").strip()
    hint = f"输入的“{typed}”与文件的单位名称不符。" if typed else ""
    raise RestoreRefused(
        f"{found.path.name} 是 {found.unit.describe()} 的数据库，不是本单位 {found.current_unit.describe()} 的。"
        f"恢复后本单位的用户将无法登录，两个单位的数据也会混在一起，所以未恢复。{hint}"
        f"确需恢复时，请输入该文件所属单位的名称“{found.unit.name}”确认。")


def restore_checked(db_path: Path | str | ServerAddress, path: Path | str, typed_unit_name: str | None = None, *,
                    backup_key: bytes | None = None, db_key: bytes | None = None) -> Path | None:
    """Check the file, refuse another unit's unless confirmed by its name, then restore (the current
    database is backed up first). Returns the safety backup, as ``BackupManager.restore``. The keys: as
    ``inspect_restore_file``; an encrypted database stays encrypted under its own."""
    found = inspect_restore_file(path, db_path, backup_key=backup_key, db_key=db_key)
    check_confirmation(found, typed_unit_name)
    return BackupManager(db_path, key=db_key).restore(path, backup_key=backup_key)


# --- a server database's archive (pg_dump) ----------------------------------------------------------------


def _inspect_server_dump(path: Path, address: ServerAddress) -> RestoreFile:
    """The same facts of a ``pg_dump`` archive: it is read into a scratch database on the server (as the
    restore itself does), described, and dropped."""
    from sqlalchemy import text

    from assist_desktop.storage import pgtools
    from assist_desktop.storage.backup import ServerBackups, _Maintenance
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.schema import DatabaseRefused, head_revision, server_state

    ServerBackups(address).check(path)
    scratch = f"{address.database}_inspect_{datetime.now():%Y%m%d%H%M%S}"
    admin = _Maintenance(address)
    admin.create(scratch)
    try:
        pgtools.restore_into(address, path, scratch)
        with Database(address.with_database(scratch)) as db, db.engine.connect() as conn:
            try:
                state = server_state(conn)
            except DatabaseRefused as exc:
                raise BackupError(f"不能用 {path.name} 恢复：{exc.message}") from exc
            row = conn.execute(text("SELECT u.id, u.code, u.name, u.level FROM meta m JOIN org_unit u ON u.id = m.value "
                                    "WHERE m.key = 'local_unit_id'")).first()
            last = conn.execute(text("SELECT max(at) FROM audit_event")).scalar()
            households = conn.execute(text("SELECT count(*) FROM hardship_file")).scalar()
        with Database(address) as db, db.engine.connect() as conn:
            current = conn.execute(text("SELECT u.id, u.code, u.name, u.level FROM meta m JOIN org_unit u "
                                        "ON u.id = m.value WHERE m.key = 'local_unit_id'")).first()
    except DomainError as exc:
        raise BackupError(f"不能用 {path.name} 恢复：{exc.message}") from exc
    finally:
        admin.drop(scratch)
    if row is None:
        raise RestoreRefused(f"不能用 {path.name} 恢复：其中没有所属单位的信息，不是一个完整的本程序数据库。")
    if last is not None and last.tzinfo is not None:
        last = last.astimezone().replace(tzinfo=None)
    return RestoreFile(path=path, unit=UnitInFile(*row), revision=state.revision or "",
                       needs_upgrade=state.revision != head_revision(), last_written=last,
                       modified=datetime.fromtimestamp(path.stat().st_mtime), households=int(households or 0),
                       current_unit=UnitInFile(*current) if current else None)
