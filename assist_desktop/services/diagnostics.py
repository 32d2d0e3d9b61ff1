"""诊断信息: a zip for the county's IT person — what program, on what system, over what database.

Written to a file the caseworker chooses (帮助 → 导出诊断信息); nothing is sent anywhere. It holds the
program's version and how it was installed, the operating system, Python, Qt (from the window) and
SQLite versions, the database's size, schema revision, row count per table and quick check, the
backups, the free disk space, and the last logs. No record's content: counts only, and the logs pass
through :func:`assist_desktop.logs.redact` again on the way in (an older log may predate it).
"""

from __future__ import annotations

import json
import locale
import os
import platform
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, table, text

from assist_desktop import __version__
from assist_desktop.logs import log_files, redact
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.engine import Database

TEXT_NAME = "diagnostics.txt"  # ASCII member names: Windows' own zip reader mangles others
JSON_NAME = "diagnostics.json"
LOGS_FOLDER = "logs"
# How much of the logs goes in: the newest files up to about this size.
LOG_BYTES = 4_000_000

Section = list[tuple[str, str]]
Progress = Callable[[int, int], None]


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _os_name() -> str:
    """Debian 12, UOS 20, Kylin V10, Windows 10 … as the system names itself."""
    if sys.platform == "win32":
        release, version, _csd, _ptype = platform.win32_ver()
        return f"Windows {release} ({version}) {platform.win32_edition() or ''}".strip()
    try:
        info = platform.freedesktop_os_release()
    except OSError:
        return platform.system()
    return info.get("PRETTY_NAME") or info.get("NAME", platform.system())


def program_section() -> Section:
    frozen = getattr(sys, "frozen", False)
    return [
        ("版本", __version__),
        ("运行方式", "安装包（PyInstaller 打包）" if frozen else "源代码（Python 虚拟环境）"),
        ("程序位置", redact(str(Path(sys.executable).resolve().parent if frozen else Path(__file__).parents[2]))),
        ("Python", platform.python_version()),
    ]


def system_section() -> Section:
    lang, encoding = locale.getlocale()
    offset = -time.timezone if not time.localtime().tm_isdst else -time.altzone
    return [
        ("操作系统", _os_name()),
        ("平台", platform.platform()),
        ("处理器架构", platform.machine()),
        ("语言区域", f"{lang or '?'}.{encoding or '?'}"),
        ("时区", f"{time.tzname[0]} UTC{offset // 3600:+03d}:{abs(offset) % 3600 // 60:02d}"),
    ]


def database_sections(db: Database, progress: Progress | None = None) -> list[tuple[str, Section]]:
    """The database file, its schema and row counts, and its backups (counts, never contents)."""
    from assist_desktop.services.setup import local_unit
    from assist_desktop.storage.schema import QUICK_CHECK_MAX_BYTES, current_revision, head_revision

    if db.server is not None:  # a server database: where it is (never its password), no file to measure
        size = 0
        about: Section = [("数据库服务器", redact(db.server.label))]
    else:
        path = db.path
        assert path is not None
        size = path.stat().st_size if path.is_file() else 0
        wal = path.with_name(path.name + "-wal")
        about = [
            ("文件", redact(str(path))),
            ("大小", _mb(size) + (f"（另有 WAL {_mb(wal.stat().st_size)}）" if wal.is_file() else "")),
        ]
    revision, head = current_revision(db), head_revision()
    about.append(("结构版本", f"{revision or '无'}（本程序最新 {head}）" + ("" if revision == head else "，不一致")))
    names = sorted(inspect(db.engine).get_table_names())
    counts: Section = []
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            about.append(("数据库引擎", str(conn.execute(text("SELECT version()")).scalar()).split(" on ")[0]))
        if db.engine.dialect.name == "sqlite":
            engine = f"SQLite {conn.execute(text('SELECT sqlite_version()')).scalar()}"
            if getattr(db, "encrypted", False):
                engine += f"，SQLCipher {conn.execute(text('PRAGMA cipher_version')).scalar() or '?'}（已加密）"
            else:
                engine += "（未加密）"
            about.append(("数据库引擎", engine))
            about.append(("日志模式", conn.execute(text("PRAGMA journal_mode")).scalar() or ""))
            if size <= QUICK_CHECK_MAX_BYTES:
                about.append(("快速检查", "; ".join(r[0] for r in conn.execute(text("PRAGMA quick_check")))))
            else:
                about.append(("快速检查", f"文件大于 {_mb(QUICK_CHECK_MAX_BYTES)}，未做（程序启动后会在后台检查）"))
        for done, name in enumerate(names, 1):
            counts.append((name, str(conn.execute(select(func.count()).select_from(table(name))).scalar())))
            if progress:
                progress(done, len(names))
    with db.session() as session:
        unit = local_unit(session)
        if unit is not None:
            from assist_desktop.domain.enums import OrgLevel

            about.append(("本单位", f"{unit.code} {unit.name}（{OrgLevel(unit.level).label}）"))
    manager = BackupManager(db.location)  # a server database's pg_dump backups on this PC
    backups = manager.list()
    folder = manager.directory if manager.directory.is_dir() else manager.directory.parent
    free = shutil.disk_usage(folder).free if folder.is_dir() else 0
    backup_info: Section = [
        ("备份文件夹", redact(str(manager.directory))),
        ("备份数", str(len(backups))),
        ("最新备份", f"{backups[0].taken_at:%Y-%m-%d %H:%M}（{backups[0].reason}）" if backups else "无"),
        ("备份共占", _mb(sum(b.path.stat().st_size for b in backups if b.path.is_file()))),
        ("可用磁盘空间", f"{free / 2**30:.1f} GB"),
    ]
    return [("数据库", about), ("各表行数", counts), ("备份", backup_info)]


def collect(db: Database, interface: Mapping[str, str] | None = None,
            progress: Progress | None = None) -> list[tuple[str, Section]]:
    """Every section of the report, in order. ``interface`` is what only the window knows (Qt's
    version, platform plugin and screens), given by the UI."""
    sections = [("程序", program_section()), ("系统", system_section())]
    if interface:
        sections.append(("界面", list(interface.items())))
    sections += database_sections(db, progress)
    return sections


def as_text(sections: list[tuple[str, Section]], written: datetime) -> str:
    lines = [f"困难职工帮扶管理 诊断信息（{written:%Y-%m-%d %H:%M:%S}）",
             "本文件只含程序、系统和数据库的概况与运行日志，不含档案内容。", ""]
    for title, rows in sections:
        lines.append(f"[{title}]")
        lines += [f"{key}：{value}" for key, value in rows]
        lines.append("")
    return "\n".join(lines)


def write_diagnostics(db: Database, target: Path, interface: Mapping[str, str] | None = None,
                      progress: Progress | None = None, log_dir: Path | None = None,
                      now: datetime | None = None) -> Path:
    """Write the zip to ``target`` (replaced whole: written beside it, then renamed)."""
    written = now or datetime.now()
    sections = collect(db, interface, progress)
    logs = []
    budget = LOG_BYTES
    for path in log_files(log_dir):
        if budget <= 0:
            break
        data = path.read_bytes()[-budget:]
        budget -= len(data)
        logs.append((path.name, redact(data.decode("utf-8", "replace"))))
    sections.append(("日志", [(name, f"{len(content.encode('utf-8'))} 字节") for name, content in logs]
                     or [("日志", "没有日志文件")]))
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(TEXT_NAME, as_text(sections, written))
        zf.writestr(JSON_NAME, json.dumps({"written": written.isoformat(timespec="seconds"),
                                           **{title: dict(rows) for title, rows in sections}},
                                          ensure_ascii=False, indent=2))
        for name, content in logs:
            zf.writestr(f"{LOGS_FOLDER}/{name}", content)
    os.replace(partial, target)
    return target


def suggested_name(unit_code: str | None, now: datetime | None = None) -> str:
    return f"诊断信息-{unit_code or '本机'}-{(now or datetime.now()):%Y%m%d-%H%M}.zip"
