"""`assist-desktop check`: is the database sound? Integrity, references, schema version, audit chain, the
statistics' summary table. And the background maintenance after the program's start: the page-by-page check
of a large file and the automatic backup (``run_maintenance``)."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assist_desktop.services.audit import verify_audit
from assist_desktop.services.audit_anchor import check_anchors
from assist_desktop.services.money_seal import check_money
from assist_desktop.storage import cipher
from assist_desktop.storage.engine import Database, sqlite_uri
from assist_desktop.storage.location import ServerAddress
from assist_desktop.storage.schema import DatabaseRefused, head_revision, inspect_file, server_state


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def add(self, ok: bool, line: str) -> None:
        self.ok = self.ok and ok
        self.lines.append(("✓ " if ok else "✗ ") + line)


def check_database(path: Path | ServerAddress, key: bytes | None = None) -> CheckReport:
    """``key``: the key of an encrypted file (from a login); without it an encrypted file is reported
    as needing one. A server database is checked by ``_check_server``."""
    if isinstance(path, ServerAddress):
        return _check_server(path)
    report = CheckReport()
    if not path.is_file():
        report.add(False, f"数据库文件 {path} 不存在。")
        return report
    try:
        state = inspect_file(path, key=key)
    except DatabaseRefused as exc:
        report.add(False, exc.message)
        return report
    report.add(state.kind in ("current", "older"),
               f"结构版本 {state.revision or '无'}（程序支持 {head_revision()}）")
    report.add(True, "数据库已加密（SQLCipher）" if key is not None else "数据库未加密")
    conn = cipher.connect(sqlite_uri(path), key, uri=True)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    report.add(integrity == ["ok"], "完整性检查通过" if integrity == ["ok"] else f"完整性检查发现问题：{integrity[:5]}")
    report.add(not fk, "数据引用完整" if not fk else f"有 {len(fk)} 处数据引用不完整（如表 {fk[0][0]}）")
    if state.kind == "new":
        return report
    with Database(path, key) as db, db.session() as session:  # read only: check never upgrades
        verdict = verify_audit(session)
        report.add(verdict.ok, verdict.message)
        # a chain can be cut or rewritten whole and still hold together: held against its backups and the
        # upper unit's acknowledgement, it says where
        for finding in check_anchors(session, path, key):
            report.add(finding.ok, finding.line)
        # money: every payment against the event that recorded it (an amount edited with sqlite3 shows here)
        for money in check_money(session):
            report.add(money.ok, money.line)
    if state.kind == "current":
        report.add(*_summary_verdict(path, key))
    return report


def _check_server(address: ServerAddress) -> CheckReport:
    """The same checks on a server database: it can be reached and is ours at a known schema version; its
    references hold (PostgreSQL enforces every foreign key, and none may be left unvalidated); the audit chain."""
    from sqlalchemy.exc import SQLAlchemyError

    from assist_desktop.storage.server import connection_problem

    report = CheckReport()
    with Database(address) as db:
        try:
            with db.engine.connect() as conn:
                state = server_state(conn)
                unchecked = conn.exec_driver_sql(
                    "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND NOT convalidated "
                    "AND connamespace = current_schema()::regnamespace").scalars().all()
        except DatabaseRefused as exc:
            report.add(False, exc.message)
            return report
        except SQLAlchemyError as exc:
            problem = connection_problem(exc, address)
            report.add(False, problem.message if problem else f"无法读取{address.label}：{exc}")
            return report
        report.add(state.kind in ("current", "older"),
                   f"结构版本 {state.revision or '无'}（程序支持 {head_revision()}）")
        report.add(True, f"已连接{address.label}")
        report.add(not unchecked, "数据引用完整（由数据库服务器逐条保证）" if not unchecked
                   else f"有未经核验的数据引用（表 {unchecked[0]}）")
        if state.kind == "new":
            return report
        with db.session() as session:
            verdict = verify_audit(session)
            report.add(verdict.ok, verdict.message)
            for finding in check_anchors(session, None):  # against the upper unit's acknowledgement
                report.add(finding.ok, finding.line)
            for money in check_money(session):
                report.add(money.ok, money.line)
    if state.kind == "current":
        report.add(*_summary_verdict(address))
    return report


def _summary_verdict(path: Path | ServerAddress, key: bytes | None = None) -> tuple[bool, str]:
    """Whether 统计's summary table equals a recount of the records (services.tally)."""
    from assist_desktop.services import tally

    with Database(path, key) as db, db.engine.connect() as conn:
        verdict = tally.verify(conn)
    if verdict.ok:
        return True, "统计汇总与明细一致"
    return False, (f"统计汇总与明细不一致（{verdict.differing} 处，如 {verdict.example}）；统计页的数字可能不对，"
                   "请运行 assist-desktop check --rebuild-statistics 按明细重新汇总")


def rebuild_statistics(db: Database) -> int:
    """Count 统计's summary table again from the records of the open database, in one transaction; returns
    its rows."""
    from assist_desktop.services import tally

    with db.write_connection() as conn:
        return tally.rebuild(conn)


# --- maintenance in the background ---------------------------------------------------------------------------

log = logging.getLogger(__name__)


def run_maintenance(path: Path, backup_dir: Path | None = None, *, key: bytes | None = None,
                    back_up: Callable[[], Path | None] | None = None) -> tuple[str | None, Path | None]:
    """After the start, in a worker thread: the page-by-page check of a file too large to check at opening
    (``PRAGMA quick_check``), then the automatic backup (hourly at most). Returns (the problem found, or None;
    the backup made, or None). On a province's 1.6 GB file both take tens of seconds of disk and processor,
    so the thread first steps back (``background_priority``): the caseworker's typing and searches go first.
    An encrypted file (``key``) is always checked here: SQLCipher authenticates every page it reads, so the
    opening does not read them all. ``back_up``: how the backup is taken (the window's is written to the audit
    log as the program's); the storage layer's automatic backup by default."""
    from assist_desktop.storage import schema
    from assist_desktop.storage.backup import BackupManager

    background_priority()
    if path.stat().st_size > schema.QUICK_CHECK_MAX_BYTES or key is not None:  # not checked page by page at open
        problem = schema.integrity_problem(path, key) if key is not None else schema.integrity_problem(path)
        if problem:
            return problem, None
    return None, back_up() if back_up is not None else BackupManager(path, backup_dir, key=key).auto_backup()


_IOPRIO_SET = {"x86_64": 251, "aarch64": 30, "i686": 289, "loongarch64": 30}  # syscall numbers
_IOPRIO_CLASS_IDLE = 3
_THREAD_MODE_BACKGROUND_BEGIN = 0x00010000


def background_priority() -> bool:
    """Lower the calling thread's share of processor and disk to the least, as the system's own background
    jobs take it: on Linux (UOS, Kylin) nice 19 and the idle I/O class for this thread alone; on Windows the
    thread's background mode. True where it was done; nothing else changes where it could not be."""
    try:
        if sys.platform.startswith("linux"):
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, 19)  # a thread is a task of its own to the scheduler
            number = _IOPRIO_SET.get(os.uname().machine)
            if number is not None:
                libc = ctypes.CDLL(None, use_errno=True)
                libc.syscall(number, 1, tid, _IOPRIO_CLASS_IDLE << 13)  # IOPRIO_WHO_PROCESS = 1
            return True
        if sys.platform == "win32":
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            return bool(kernel32.SetThreadPriority(kernel32.GetCurrentThread(), _THREAD_MODE_BACKGROUND_BEGIN))
    except (OSError, AttributeError, ValueError):
        log.warning("could not lower the maintenance thread's priority", exc_info=True)
    return False
