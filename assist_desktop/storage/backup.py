"""Backups with SQLite's online backup API, rotated like Anki's, and restore after an integrity check.

A backup is a complete, consistent SQLite file: the backup API copies a snapshot even while the
program writes, so a backup never needs the program closed.

A database on a server is backed up with ``pg_dump`` (a consistent snapshot too, while the other desks
work) into ``<database>-<time>-<reason>.dump`` in a folder of the user's data directory named after the
server, and restored with ``pg_restore`` into a fresh database that is checked — schema version, every
foreign key (PostgreSQL re-creates each one over the restored rows), the audit chain — before it takes the
place of the current one, after a safety backup of that (``ServerBackups``).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from assist_desktop.domain.errors import DomainError
from assist_desktop.storage import cipher, file_lock, keyslots
from assist_desktop.storage.engine import sqlite_uri
from assist_desktop.storage.location import ServerAddress, parse_location
from assist_desktop.storage.pgtools import ToolProblem
from assist_desktop.storage.private import precreate, private_folder, restrict

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}(?:-\d+)?)-(?P<reason>[a-z-]+)\.(?P<kind>sqlite|dump)$")
STAMP_FORMAT = "%Y%m%d-%H%M%S"

# Reasons a backup is made; only automatic ones are thinned out by rotation.
AUTO = "auto"
MANUAL = "manual"
UPGRADE = "upgrade"
BEFORE_RESTORE = "before-restore"


class BackupError(DomainError):
    pass




_OS_REASONS = {
    errno.EEXIST: "同名的文件已存在，不是文件夹",
    errno.ENOTDIR: "路径中有一段是文件，不是文件夹",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘已满",
}


def _reason(exc: BaseException) -> str:
    """Why an OS or SQLite operation failed, in Chinese where we know the cause."""
    if isinstance(exc, OSError) and exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    if isinstance(exc, cipher.error_types()):
        text = str(exc).lower()
        if "full" in text:
            return "磁盘已满"
        if "unable to open" in text or "readonly" in text or "read-only" in text:
            return "无法写入目标文件，可能没有写入权限"
        if "not a database" in text or "malformed" in text:
            return "数据库文件已损坏，请从较早的备份恢复"
    return f"{getattr(exc, 'strerror', None) or exc}（可能是磁盘已满或没有写入权限）"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str


@dataclass(frozen=True)
class RotationPolicy:
    """How many automatic backups survive: the newest few, then one per day, week and month."""

    recent: int = 3
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def copy_database(source: Path, target: Path, key: bytes | None = None) -> None:
    """Copy a live database into a new file through the backup API (consistent snapshot). An encrypted
    database is copied page by page under its own key: the copy is never plain, not even for a moment."""
    src = cipher.connect(sqlite_uri(source), key, uri=True)
    try:
        precreate(target)
        dst = cipher.connect(target, key)
        try:
            src.backup(dst)
            # A backup is a standalone file: no -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


class BackupKeyRequired(BackupError):
    """The backup is encrypted: a password of that backup (or the recovery key) is needed to read it."""


def backup_is_encrypted(path: Path) -> bool:
    """A backup with its key file beside it (without one, the file check says what is missing)."""
    return keyslots.has_key_file(path)


def check_backup_file(path: Path, key: bytes | None = None) -> None:
    """Refuse a file that is not a sound Assist Desktop database, naming the reason. ``key``: the
    backup's own database key, when it is encrypted."""
    from assist_desktop.storage.schema import DatabaseRefused, KeyRequired, inspect_file

    if not path.is_file():
        raise BackupError(f"备份文件 {path} 不存在。")
    try:
        state = inspect_file(path, key=key)
    except KeyRequired as exc:
        raise BackupKeyRequired(f"备份 {path.name} 已加密，请输入该备份中一位用户的密码（或恢复密钥）。") from exc
    except DatabaseRefused as exc:
        raise BackupError(f"不能用 {path.name} 恢复：{exc.message}") from exc
    if state.kind == "new":
        raise BackupError(f"不能用 {path.name} 恢复：文件中没有本程序的数据。")
    conn = cipher.connect(sqlite_uri(path), key, uri=True)
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")  # a damaged file may hold any bytes
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk_problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    except (*cipher.database_error_types(), UnicodeDecodeError) as exc:
        raise BackupError(f"不能用 {path.name} 恢复：文件已损坏（{type(exc).__name__}）。") from exc
    finally:
        conn.close()
    if result != ["ok"]:
        raise BackupError(f"不能用 {path.name} 恢复：完整性检查未通过（{result[0]}）。")
    if fk_problems:
        raise BackupError(f"不能用 {path.name} 恢复：有 {len(fk_problems)} 处数据引用不完整。")


def _counter(name: str) -> int:
    match = _NAME.match(name)
    stamp = match["stamp"] if match else ""
    return int(stamp[16:]) if len(stamp) > 15 else 0


class BackupManager:
    """Backups of one database file, kept in ``backups/`` beside it unless told otherwise — or of one server
    database (``ServerBackups``, which ``BackupManager(address)`` gives)."""

    suffix = "sqlite"

    def __new__(cls, db_path: Path | str | ServerAddress, *args: object, **kwargs: object) -> "BackupManager":
        if cls is BackupManager and isinstance(parse_location(db_path), ServerAddress):
            return super().__new__(ServerBackups)
        return super().__new__(cls)

    def __init__(self, db_path: Path | str | ServerAddress, directory: Path | None = None,
                 policy: RotationPolicy = RotationPolicy(), key: bytes | None = None) -> None:
        self.db_path = Path(db_path)  # type: ignore[arg-type]
        self.directory = Path(directory) if directory else self.db_path.parent / "backups"
        self.policy = policy
        self.key = key  # the database's key when it is encrypted: its backups are encrypted with it

    @property
    def stem(self) -> str:
        return self.db_path.stem

    def list(self) -> list[Backup]:
        """Backups of this database, newest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for entry in self.directory.iterdir():
            match = _NAME.match(entry.name)
            if not match or match["stem"] != self.stem or match["kind"] != self.suffix:
                continue
            found.append(Backup(entry, datetime.strptime(match["stamp"][:15], STAMP_FORMAT), match["reason"]))
        # Within one second the counter orders backups ("…-auto" < "…-1-auto" < "…-10-auto");
        # comparing names instead would put "-auto" after "-1-auto" and "-2-" after "-10-".
        return sorted(found, key=lambda b: (b.taken_at, _counter(b.path.name)), reverse=True)

    def last_backup(self) -> Backup | None:
        backups = self.list()
        return backups[0] if backups else None

    def _check_source(self) -> None:
        if not self.db_path.is_file():
            raise BackupError(f"数据库文件 {self.db_path} 不存在，无法备份。")

    def _source_lock(self) -> contextlib.AbstractContextManager[object]:
        return file_lock.shared(self.db_path)

    def _copy(self, partial: Path, target: Path) -> None:
        copy_database(self.db_path, partial, self.key)
        if self.key is not None:
            # Its key slots travel with it (without the lockout state), written before the backup
            # appears in the list: a listed backup always has its keys.
            keyslots.save(self.db_path, keyslots.load(self.db_path), live_state=False,
                          target=keyslots.sidecar_path(target))

    def create(self, reason: str = MANUAL, now: datetime | None = None) -> Path:
        self._check_source()
        if not re.fullmatch(r"[a-z-]+", reason):
            # anything else would not match _NAME: the file would never be listed, rotated or restored
            raise ValueError(f"invalid backup reason {reason!r}")
        now = now or datetime.now()
        try:
            private_folder(self.directory)
        except OSError as exc:
            raise BackupError(f"无法创建备份目录 {self.directory}：{_reason(exc)}。") from exc
        stamp = now.strftime(STAMP_FORMAT)
        # Within one second, whatever their reasons (a manual backup, then the one before a restore), each
        # later backup takes the next counter, so that the list shows the newest first.
        same_second = [_counter(p.name) for p in self.directory.glob(f"{glob.escape(self.stem)}-{stamp}*.{self.suffix}")
                       if (m := _NAME.match(p.name)) and m["stem"] == self.stem and m["stamp"][:15] == stamp]
        n = max(same_second) + 1 if same_second else 0
        target = self.directory / f"{self.stem}-{stamp}{f'-{n}' if n else ''}-{reason}.{self.suffix}"
        while target.exists():  # pragma: no cover - another process in the same instant
            n += 1
            target = self.directory / f"{self.stem}-{stamp}-{n}-{reason}.{self.suffix}"
        partial = target.with_suffix(".partial")  # never listed; removed at the next start if a kill leaves it
        try:
            partial.unlink(missing_ok=True)  # left by a crash: the backup API would copy into it
            with self._source_lock():  # not while another program restores the file, nor cleans up
                self._copy(partial, target)
                os.replace(partial, target)
        except (OSError, *cipher.error_types()) as exc:
            with contextlib.suppress(OSError):  # cleaning up must not hide why the backup failed
                partial.unlink(missing_ok=True)
                keyslots.sidecar_path(target).unlink(missing_ok=True)
            raise BackupError(f"备份到 {target} 失败：{_reason(exc)}。") from exc
        except (keyslots.KeyringError, ToolProblem) as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise BackupError(f"备份到 {target} 失败：{exc.message}") from exc
        log.info("backup written: %s, %.1f MB%s", reason, target.stat().st_size / 2**20,
                 ", encrypted" if self.key is not None else "")
        return target

    def auto_backup(self, now: datetime | None = None, min_interval: timedelta = timedelta(hours=1)) -> Path | None:
        """Take an automatic backup unless one was taken recently, then thin out old ones."""
        now = now or datetime.now()
        autos = [b for b in self.list() if b.reason == AUTO]
        if autos and now - autos[0].taken_at < min_interval:
            return None
        path = self.create(AUTO, now)
        self.rotate()
        return path

    def rotate(self) -> list[Path]:
        """Delete automatic backups the policy no longer keeps; return what was deleted."""
        autos = [b for b in self.list() if b.reason == AUTO]
        keep = {b.path for b in autos[: self.policy.recent]}
        for count, bucket in (
            (self.policy.daily, lambda d: d.date()),
            (self.policy.weekly, lambda d: d.isocalendar()[:2]),
            (self.policy.monthly, lambda d: (d.year, d.month)),
        ):
            seen: list[object] = []
            for backup in autos:  # newest first: the first of each bucket is its newest
                key = bucket(backup.taken_at)
                if key in seen:
                    continue
                if len(seen) == count:
                    break
                seen.append(key)
                keep.add(backup.path)
        removed = []
        for backup in autos:
            if backup.path not in keep:
                backup.path.unlink(missing_ok=True)
                keyslots.sidecar_path(backup.path).unlink(missing_ok=True)
                removed.append(backup.path)
        return removed

    def restore(self, backup_file: Path | str, backup_key: bytes | None = None) -> Path | None:
        """Replace the database with ``backup_file`` after checking it; the current file is backed up first.

        ``backup_key``: the backup's own key when it is encrypted (from a password of that backup,
        ``keyslots.unlock(backup_file, …)``, or the recovery key). An encrypted database stays encrypted
        under its own key and key slots whatever the backup was (the backup API re-encrypts every page),
        so everyone keeps logging in with the password they have; onto a plain database or none, an
        encrypted backup comes with its key file. Returns the safety backup (None if there was nothing).
        """
        backup_file = Path(backup_file)
        if backup_key is None and backup_is_encrypted(backup_file) and backup_file.is_file():
            raise BackupKeyRequired(f"备份 {backup_file.name} 已加密，请输入该备份中一位用户的密码（或恢复密钥）。")
        check_backup_file(backup_file, backup_key)
        # The file to this process alone (every program holds the lock while it has the file open), and the
        # safety backup made under it: no other program's commit can fall between the two, nothing is lost.
        with file_lock.exclusive(self.db_path, doing="恢复备份"):
            return self._restore(backup_file, backup_key)

    def _restore(self, backup_file: Path, backup_key: bytes | None) -> Path | None:
        from assist_desktop.storage.schema import ensure_schema

        safety = None
        if self.db_path.is_file():
            safety = self.create(BEFORE_RESTORE)
        if self.key is None and backup_key is not None:
            self._restore_encrypted_onto_plain(backup_file, backup_key)
        else:
            self._copy_in(backup_file, backup_key, safety)
        restrict(self.db_path)
        ensure_schema(self.db_path, self.directory, key=self.key)  # a backup from an older version is upgraded
        return safety

    def _copy_in(self, backup_file: Path, backup_key: bytes | None, safety: Path | None) -> None:
        if backup_key is None and self.key is not None:
            # SQLCipher's backup API copies between two encrypted files (re-encrypting each page) but not
            # from a plain one: the plain backup is first encrypted beside the database under its key.
            staged = self.db_path.with_name(f"{self.db_path.name}.restoring-{os.getpid()}")
            staged.unlink(missing_ok=True)
            try:
                cipher.export_encrypted(backup_file, staged, self.key)
                self._copy_in(staged, self.key, safety)
            finally:
                staged.unlink(missing_ok=True)
            return
        either = backup_key is not None or self.key is not None
        src = cipher.connect(sqlite_uri(backup_file), backup_key, uri=True, through_sqlcipher=either)
        try:
            precreate(self.db_path)
            dst = cipher.connect(self.db_path, self.key, through_sqlcipher=either)
            try:
                # The backup API replaces the destination's pages under its write lock, WAL included,
                # each page encrypted under the destination's key (or none).
                src.backup(dst)
                result = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if result != "ok":  # pragma: no cover - the source was checked; guards a failing disk
            raise BackupError(f"恢复后的数据库未通过完整性检查（{result}），原数据库已备份于 {safety}。")

    def _restore_encrypted_onto_plain(self, backup_file: Path, backup_key: bytes) -> None:
        """A plain (or missing) database replaced by an encrypted backup: the result is the backup's
        encrypted file under its own key, with its key file — never a decrypted copy."""
        staged = self.db_path.with_name(f"{self.db_path.name}.restoring-{os.getpid()}")
        staged.unlink(missing_ok=True)
        copy_database(backup_file, staged, backup_key)
        self.key = backup_key
        if self.db_path.exists():
            conn = sqlite3.connect(self.db_path)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        keyslots.save(backup_file, keyslots.load(backup_file), live_state=False,
                      target=keyslots.sidecar_path(self.db_path))
        os.replace(staged, self.db_path)
        for suffix in ("-wal", "-shm"):  # the plain file's, empty after the checkpoint
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)


# --- a server database ------------------------------------------------------------------------------------


def server_backup_dir(address: ServerAddress) -> Path:
    from assist_desktop.paths import user_data_dir

    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{address.host}-{address.port}-{address.database}")
    return user_data_dir() / "backups" / f"server-{safe}"


class ServerBackups(BackupManager):
    """``pg_dump`` backups of a server database on this PC, and restore through a fresh database."""

    suffix = "dump"

    def __init__(self, db_path: Path | str | ServerAddress, directory: Path | None = None,
                 policy: RotationPolicy = RotationPolicy(), key: bytes | None = None) -> None:
        address = parse_location(db_path)
        assert isinstance(address, ServerAddress)
        self.server = address
        self.db_path = Path(address.database)  # only its name is used (the stem of the backups' names)
        self.directory = Path(directory) if directory else server_backup_dir(address)
        self.policy = policy
        self.key = None  # the server keeps its data behind its own logins

    @property
    def stem(self) -> str:
        return self.server.database

    def _check_source(self) -> None:
        pass  # pg_dump says so if the database cannot be reached

    def _source_lock(self) -> contextlib.AbstractContextManager[object]:
        return contextlib.nullcontext()  # pg_dump takes a consistent snapshot while the other desks write

    def _copy(self, partial: Path, target: Path) -> None:
        from assist_desktop.storage import pgtools

        pgtools.dump(self.server, partial)
        pgtools.listing(self.server, partial)  # the dump reads back whole

    def check(self, archive: Path) -> None:
        """Refuse what is not a whole dump of an Assist Desktop database, naming why."""
        from assist_desktop.storage import pgtools

        if not archive.is_file():
            raise BackupError(f"备份文件 {archive} 不存在。")
        try:
            toc = pgtools.listing(self.server, archive)
        except DomainError as exc:
            raise BackupError(f"不能用 {archive.name} 恢复：它不是完整的数据库服务器备份（{exc.message}）。") from exc
        for table in ("alembic_version", "audit_event", "meta", "org_unit"):
            if not re.search(rf"TABLE DATA \S+ {table} ", toc):
                raise BackupError(f"不能用 {archive.name} 恢复：其中没有本程序的数据（缺少表 {table}）。")

    def restore(self, backup_file: Path | str, backup_key: bytes | None = None) -> Path | None:
        """Restore ``backup_file`` into a fresh database, check it, back up the current one, then put the
        restored one in its place. Refused while other desks are connected (they are named)."""
        from assist_desktop.storage import pgtools

        archive = Path(backup_file)
        self.check(archive)
        stamp = datetime.now().strftime("%Y%m%d%H%M%S")
        fresh = f"{self.server.database}_restore_{stamp}"
        admin = _Maintenance(self.server)
        admin.create(fresh)
        try:
            pgtools.restore_into(self.server, archive, fresh)
            _check_restored(self.server.with_database(fresh), archive)
            others = admin.others(self.server.database)
            if others:
                raise BackupError(f"其他电脑正在使用数据库 {self.server.database}（{others}），不能恢复。"
                                  "请让各处先关闭本程序，再恢复。")
            safety = self.create(BEFORE_RESTORE)
            admin.swap(self.server.database, fresh, stamp)
        except BaseException:
            admin.drop(fresh)
            raise
        from assist_desktop.storage.schema import ensure_schema

        ensure_schema(self.server, self.directory)  # a backup from an older version is upgraded
        return safety


class _Maintenance:
    """Statements about databases as a whole, run from the server's ``postgres`` database."""

    def __init__(self, address: ServerAddress) -> None:
        self.address = address.with_database("postgres")

    def _run(self, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        from assist_desktop.storage.server import make_server_engine

        engine = make_server_engine(self.address)
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                result = conn.execute(text(sql), params or {})
                return [tuple(r) for r in result] if result.returns_rows else []
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise BackupError(f"数据库服务器拒绝了恢复所需的操作：{str(detail).strip().splitlines()[0]}。"
                              "恢复需要程序的登录用户有建立数据库的权限（assist-desktop server init 已授予）。") from exc
        finally:
            engine.dispose()

    def create(self, name: str) -> None:
        self._run(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' LC_COLLATE \'C\' LC_CTYPE \'C\'')

    def drop(self, name: str) -> None:
        with contextlib.suppress(BackupError):
            self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def others(self, name: str) -> str:
        rows = self._run("SELECT coalesce(host(client_addr), '本机'), application_name, backend_start FROM pg_stat_activity "
                         "WHERE datname = :d AND pid <> pg_backend_pid()", {"d": name})
        return "；".join(f"{addr} {app or ''} 自 {start:%m-%d %H:%M}".strip() for addr, app, start in rows)  # type: ignore[str-format]

    def swap(self, current: str, fresh: str, stamp: str) -> None:
        old = f"{current}_replaced_{stamp}"
        self._run(f'ALTER DATABASE "{current}" RENAME TO "{old}"')
        try:
            self._run(f'ALTER DATABASE "{fresh}" RENAME TO "{current}"')
        except BackupError:
            self._run(f'ALTER DATABASE "{old}" RENAME TO "{current}"')
            raise
        self.drop(old)  # the safety backup holds it


def _check_restored(address: ServerAddress, archive: Path) -> None:
    """The restored database is ours, at a known schema version, with a whole audit chain."""
    from assist_desktop.services.audit import verify_audit
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.schema import DatabaseRefused, server_state

    with Database(address) as db:
        try:
            with db.engine.connect() as conn:
                state = server_state(conn)
        except DatabaseRefused as exc:
            raise BackupError(f"不能用 {archive.name} 恢复：{exc.message}") from exc
        if state.kind == "new":
            raise BackupError(f"不能用 {archive.name} 恢复：其中没有本程序的数据。")
        with db.session() as session:
            verdict = verify_audit(session)
    if not verdict.ok:
        raise BackupError(f"不能用 {archive.name} 恢复：{verdict.message}")
