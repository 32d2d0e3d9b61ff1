"""Opening a database file safely: refuse foreign, corrupt or newer files; upgrade after a backup.

The schema only ever moves forward (DESIGN.md §5): a file written by a newer program is refused,
and a file from an older one is backed up with SQLite's backup API and then upgraded by Alembic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import re
from typing import TYPE_CHECKING
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import user_data_dir
from assist_desktop.storage import cipher
from assist_desktop.storage.access import check_location
from assist_desktop.storage.private import precreate, private_folder, secure_database_files

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
from assist_desktop.storage.engine import APPLICATION_ID, Database, sqlite_uri
from assist_desktop.storage.location import ServerAddress, parse_location

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseRefused(DomainError):
    """The file cannot be opened as an Assist Desktop database; the message says why."""


class KeyRequired(DatabaseRefused):
    """The file is encrypted: a user's password (through its key slot) or the recovery key opens it."""


@dataclass(frozen=True)
class FileState:
    kind: str  # "new", "current", "older", "newer"
    revision: str | None


def alembic_config(connection: Connection | None = None) -> "Config":
    # Alembic is imported only when a schema is created or upgraded: a normal start needs only the
    # revision numbers, which _revision_graph reads from the files (alembic costs ~0.1 s to import).
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> "ScriptDirectory":
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(None|['\"]([^'\"]+)['\"])", re.M)


def _revision_graph() -> dict[str, str | None]:
    """revision → down_revision of every migration file (a test checks it against Alembic's own reading)."""
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev and down:
            graph[rev.group(1)] = down.group(2)
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - set(graph.values())
    if len(heads) != 1:  # pragma: no cover - guarded by a test
        raise RuntimeError(f"migrations have {len(heads)} heads")
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_graph())


# quick_check reads every page: ~0.15 s for a county's file, seconds for a province's. Above this size
# the check at open is left to the background check after start (``integrity_problem``).
QUICK_CHECK_MAX_BYTES = 256 * 2**20


def integrity_problem(path: Path, key: bytes | None = None) -> str | None:
    """A Chinese description of the first problem ``PRAGMA quick_check`` finds, or None."""
    try:
        conn = cipher.connect(sqlite_uri(path), key, uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except (*cipher.database_error_types(), UnicodeDecodeError) as exc:
        return f"数据库文件 {path} 已损坏或无法读取（{exc}），请从备份恢复。"
    return None if result == "ok" else f"数据库文件 {path} 已损坏（完整性检查：{result}），请从备份恢复。"


def inspect_file(path: Path, *, full_check: bool | None = None, key: bytes | None = None) -> FileState:
    """Classify a database file without changing it; raise DatabaseRefused for anything not ours.

    ``full_check`` runs ``PRAGMA quick_check`` over every page; by default only for files up to
    QUICK_CHECK_MAX_BYTES (the header, schema and version are always read). ``key`` opens an encrypted
    file; without it an encrypted file is refused with ``KeyRequired``.
    """
    if not path.exists() or path.stat().st_size == 0:
        return FileState("new", None)
    if full_check is None:
        # An encrypted file is not read page by page at open: SQLCipher authenticates every page it reads
        # (HMAC-SHA512), and decrypting them all would add a second to the login of a county's file; the
        # whole-file check runs in the background after the start, as for a large file.
        full_check = path.stat().st_size <= QUICK_CHECK_MAX_BYTES and key is None
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseRefused(f"无法读取数据库文件 {path}：{exc.strerror or exc}") from exc
    if key is not None and header == SQLITE_HEADER:
        raise DatabaseRefused(f"数据库文件 {path} 没有加密，却给出了密钥（钥匙文件 {path.name}.keys 不属于它），未打开。")
    if key is None and header != SQLITE_HEADER:
        from assist_desktop.storage.keyslots import sidecar_path

        if sidecar_path(path).exists():
            raise KeyRequired(f"数据库文件 {path} 已加密，需要用户登录（或恢复密钥）才能打开。")
        raise DatabaseRefused(f"文件 {path} 不是数据库文件（可能是其他程序的文件、已损坏，或是缺少钥匙文件"
                              f" {path.name}.keys 的加密数据库），未打开。")
    if key is not None and not cipher.key_opens(path, key):
        raise DatabaseRefused(f"数据库文件 {path} 无法用这把钥匙解密（钥匙文件或恢复密钥不属于这个数据库，"
                              "或文件已损坏），未打开。")
    try:
        conn = cipher.connect(sqlite_uri(path), key, uri=True)
        conn.text_factory = lambda raw: raw.decode("utf-8", "replace")  # a damaged file may hold any bytes
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0] if full_check else "ok"
            if result != "ok":
                raise DatabaseRefused(f"数据库文件 {path} 已损坏（完整性检查：{result}），请从备份恢复。")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            conn.close()
    except (*cipher.database_error_types(), UnicodeDecodeError) as exc:  # a damaged page can make even the message unreadable
        raise DatabaseRefused(f"数据库文件 {path} 已损坏或无法读取（{type(exc).__name__}），请从备份恢复。") from exc
    if app_id != APPLICATION_ID:
        if not tables:
            return FileState("new", None)
        raise DatabaseRefused(f"文件 {path} 是其他程序的数据库，不是本程序的数据文件，未打开。")
    if revision is None:
        if tables - {"alembic_version"}:
            # Ours, with tables but no schema version: a build that never finished; upgrading would
            # fail on "table already exists".
            raise DatabaseRefused(
                f"数据库文件 {path} 的结构不完整（缺少结构版本记录），未打开。请从备份恢复。"
            )
        return FileState("new", None)
    if revision not in known_revisions():
        raise DatabaseRefused(
            f"数据库文件 {path} 由更新版本的程序创建（结构版本 {revision}），"
            "本程序无法打开。请安装新版本程序。"
        )
    return FileState("current" if revision == head_revision() else "older", revision)


def ensure_schema(path: Path | str | ServerAddress, backup_dir: Path | None = None, *,
                  key: bytes | None = None) -> FileState:
    """Bring the file at ``path`` (or the server database) to the head revision; back it up first when it
    holds data.

    Returns the state the file was found in. ``key`` opens (or, for a new file, encrypts) the file.
    """
    from assist_desktop.storage.backup import BackupManager  # backup imports schema checks

    location = parse_location(path)
    if isinstance(location, ServerAddress):
        return _ensure_server_schema(location, backup_dir)
    path = location
    state = inspect_file(path, key=key)
    if state.kind == "current":
        return state
    backup = None
    if state.kind == "older":
        backup = BackupManager(path, backup_dir, key=key).create("upgrade")
    if not path.parent.exists():
        private_folder(path.parent)
    precreate(path)
    db = Database(path, key)
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            # A batch migration rebuilds a table (create copy, DROP, RENAME). With foreign keys on, the
            # DROP of a referenced table fails or deletes; SQLite's documented procedure is to switch
            # them off outside the transaction and run foreign_key_check before committing.
            # The pragma is a no-op inside a transaction, so it goes to the raw connection first.
            raw.execute("PRAGMA foreign_keys=OFF")
            try:
                # One transaction for the whole upgrade (Alembic sees an external transaction and
                # does not commit per migration): a failure leaves the file as it was.
                with conn.begin():
                    if state.kind == "new":
                        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                    from alembic import command

                    from assist_desktop.storage import derived

                    derived.drop_triggers(conn)
                    command.upgrade(alembic_config(conn), "head")
                    derived.create_triggers(conn)
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        table = problems[0][0]
                        raise DatabaseRefused(
                            f"数据库文件 {path} 升级后有 {len(problems)} 处数据引用不完整（表 {table}），"
                            f"升级已撤销，文件未改动。{_backup_note(backup)}"
                        )
            finally:
                raw.execute("PRAGMA foreign_keys=ON")
    except (SQLAlchemyError, *cipher.error_types()) as exc:
        detail = getattr(exc, "orig", None) or exc  # the driver's message, without SQLAlchemy's SQL dump
        raise DatabaseRefused(
            f"数据库文件 {path} 升级失败（{detail}），升级已撤销，文件未改动。{_backup_note(backup)}"
        ) from exc
    finally:
        db.close()
    return state


def _backup_note(backup: Path | None) -> str:
    return f"升级前的备份：{backup}。" if backup else ""


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_database(path: Path | str | ServerAddress, backup_dir: Path | None = None, *,
                  key: bytes | None = None) -> Database:
    """Check, upgrade if needed, and open. The one way the program opens a database file or server.

    ``key``: the database key of an encrypted file (from ``keyslots.unlock`` or the recovery key).
    """
    location = parse_location(path)
    if isinstance(location, ServerAddress):
        ensure_schema(location, backup_dir)
        return Database(location)
    path = location
    if not path.parent.exists():
        try:
            private_folder(path.parent)  # a data folder made here is the owner's alone
        except OSError:
            pass  # check_location says why, in Chinese
    check_location(path)
    if path.parent == user_data_dir():
        private_folder(path.parent)  # ours: 0700, even if an older version made it 0755
    secure_database_files(path)
    if key is not None:
        from assist_desktop.storage.at_rest import finish_encryption

        finish_encryption(path, key, backup_dir)  # an interrupted encryption finished, plain leftovers gone
    ensure_schema(path, backup_dir, key=key)
    return Database(path, key)


# --- a database on a PostgreSQL server ---------------------------------------------------------------

# pg_advisory_xact_lock key of the schema upgrade: two desks starting a new program at once upgrade once.
UPGRADE_LOCK = 0x41535355  # 'ASSU'


def server_state(conn: Connection) -> FileState:
    """Classify the connected server database like ``inspect_file`` does a file; raise DatabaseRefused."""
    tables = set(conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").scalars())
    where = f"数据库 {conn.engine.url.database}"
    if not tables:
        return FileState("new", None)
    revision = None
    if "alembic_version" in tables:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if revision is None:
        if "meta" in tables and "org_unit" in tables:
            raise DatabaseRefused(f"{where}的结构不完整（缺少结构版本记录），未打开。请从备份恢复。")
        raise DatabaseRefused(f"{where}中已有其他程序的数据表，不是本程序的数据库，未打开。"
                              "请让信息管理员为本程序另建数据库（assist-desktop server init）。")
    if revision not in known_revisions():
        raise DatabaseRefused(f"{where}由更新版本的程序升级过（结构版本 {revision}），本程序无法打开。请安装新版本程序。")
    return FileState("current" if revision == head_revision() else "older", revision)


def _ensure_server_schema(address: ServerAddress, backup_dir: Path | None) -> FileState:
    from assist_desktop.storage.server import connection_problem

    db = Database(address)
    try:
        try:
            with db.engine.connect() as conn:
                state = server_state(conn)
            conn.close()
        except SQLAlchemyError as exc:
            problem = connection_problem(exc, address)
            if problem is not None:
                raise problem from exc
            raise
        if state.kind == "current":
            return state
        backup = None
        if state.kind == "older":
            from assist_desktop.storage.backup import BackupManager

            backup = BackupManager(address, backup_dir).create("upgrade")
        try:
            with db.engine.connect() as conn, conn.begin():
                # One transaction (PostgreSQL's DDL is transactional): a failure leaves the database as it was.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK})")
                state = server_state(conn)  # another desk may have upgraded while we waited
                if state.kind == "current":
                    return state
                from alembic import command

                from assist_desktop.storage import derived

                derived.drop_triggers(conn)
                command.upgrade(alembic_config(conn), "head")
                derived.create_triggers(conn)
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise DatabaseRefused(f"{address.label}升级失败（{detail}），升级已撤销，数据库未改动。"
                                  f"{_backup_note(backup)}") from exc
        return state
    finally:
        db.close()
