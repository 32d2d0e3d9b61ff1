"""`assist-desktop check`: is the database sound? Integrity, references, schema version, audit chain."""

from __future__ import annotations

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
    return report
