"""诊断信息 (services.diagnostics): the zip opened with a second reader; its figures checked against the
database read with sqlite3; nothing of a household in it, even from an old unredacted log."""

from __future__ import annotations

import json
import logging
import sqlite3
import zipfile
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import pytest

from assist_desktop import __version__
from assist_desktop.domain.errors import DomainError
from assist_desktop.logs import CRASH_FILE, LOG_FILE, start_logging, stop_logging
from assist_desktop.services.demo import generate_demo
from assist_desktop.services.diagnostics import JSON_NAME, TEXT_NAME, suggested_name, write_diagnostics
from assist_desktop.storage.backup import MANUAL, BackupManager
from assist_desktop.storage.schema import head_revision, open_database


@pytest.fixture(scope="module")
def demo_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diag") / "assist.sqlite"
    with open_database(path) as db:
        generate_demo(db, 40, seed=19, today=date(2026, 11, 20))
    BackupManager(path).create(MANUAL, now=datetime(2026, 11, 20, 9, 30))
    return path


def _people(path: Path) -> list[str]:
    """Every name, ID number, phone and address of the households, read with sqlite3."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT name, id_number, phone, address FROM hardship_file "
                            "UNION ALL SELECT name, id_number, NULL, NULL FROM member").fetchall()
    return [value for row in rows for value in row if value]


def test_the_zip_holds_versions_schema_counts_and_logs_and_no_household(demo_county: Path, tmp_path: Path) -> None:
    people = _people(demo_county)
    assert len(people) > 100
    name, id_number = people[0], people[1]
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / f"{LOG_FILE}.1").write_text("2026-11-19 17:00:00 INFO assist_desktop.ui.app exit 0\n", encoding="utf-8")
    (logs / CRASH_FILE).write_text('Fatal Python error: Segmentation fault\n  File "x.py", line 3 in f\n',
                                   encoding="utf-8")
    # the program's own log, written as the window writes it, about this very household
    start_logging(logs)
    try:
        log = logging.getLogger("assist_desktop.ui.editor")
        log.warning("the file of %s (%s) could not be saved", name, id_number)
        try:
            raise DomainError(f"身份证号 {id_number} 已有在档档案（“{name}”）", field="身份证号")
        except DomainError:
            log.exception("saving failed")
        log.info("main window shown %.2f s after the process started", 0.83)
    finally:
        stop_logging()
    target = tmp_path / suggested_name("610826", datetime(2026, 11, 20, 9, 45))
    assert target.name == "诊断信息-610826-20261120-0945.zip"
    seen: list[tuple[int, int]] = []
    with open_database(demo_county) as db:
        write_diagnostics(db, target, {"Qt": "6.11.3", "平台插件": "xcb"}, progress=lambda d, t: seen.append((d, t)),
                          log_dir=logs, now=datetime(2026, 11, 20, 9, 45))
    assert not list(tmp_path.glob("*.partial"))
    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None
        assert sorted(zf.namelist()) == sorted([TEXT_NAME, JSON_NAME, f"logs/{LOG_FILE}", f"logs/{LOG_FILE}.1",
                                                f"logs/{CRASH_FILE}"])
        contents = {n: zf.read(n).decode("utf-8") for n in zf.namelist()}
    report = json.loads(contents[JSON_NAME])
    text = contents[TEXT_NAME]
    assert report["程序"]["版本"] == __version__ and f"版本：{__version__}" in text
    assert report["界面"] == {"Qt": "6.11.3", "平台插件": "xcb"}
    assert report["数据库"]["结构版本"] == f"{head_revision()}（本程序最新 {head_revision()}）"
    assert report["数据库"]["快速检查"] == "ok"
    assert report["数据库"]["本单位"].startswith("610826 绥德县总工会")
    assert report["数据库"]["数据库引擎"] == f"SQLite {sqlite3.sqlite_version}（未加密）"  # the demo is a plain file
    with closing(sqlite3.connect(demo_county)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
        truth = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    assert report["各表行数"] == {t: str(n) for t, n in truth.items()}
    assert truth["hardship_file"] >= 40 and f"hardship_file：{truth['hardship_file']}" in text
    assert seen[-1] == (len(truth), len(truth))
    assert report["备份"]["备份数"] == "1" and report["备份"]["最新备份"] == "2026-11-20 09:30（manual）"
    assert report["系统"]["操作系统"] and report["系统"]["处理器架构"]
    assert "main window shown 0.83 s" in contents[f"logs/{LOG_FILE}"]
    assert "DomainError: 身份证号 <number> 已有在档档案（“…”）" in contents[f"logs/{LOG_FILE}"]
    assert "Segmentation fault" in contents[f"logs/{CRASH_FILE}"]
    everything = "\n".join(contents.values())
    leaked = [value for value in people if value in everything]
    assert not leaked, leaked[:5]
    assert str(Path.home()) not in everything


def test_a_second_export_replaces_the_file_and_works_without_logs(demo_county: Path, tmp_path: Path) -> None:
    target = tmp_path / "诊断.zip"
    target.write_bytes(b"an older, damaged export")
    with open_database(demo_county) as db:
        write_diagnostics(db, target, None, log_dir=tmp_path / "no-logs-here")
    with zipfile.ZipFile(target) as zf:
        report = json.loads(zf.read(JSON_NAME))
        assert sorted(zf.namelist()) == sorted([TEXT_NAME, JSON_NAME])
    assert report["日志"] == {"日志": "没有日志文件"} and "界面" not in report


def test_an_encrypted_database_is_reported_with_sqlcipher_and_nothing_of_its_households(tmp_path: Path) -> None:
    from assist_desktop.storage import keyslots

    path = tmp_path / "data" / "assist.sqlite"
    key = keyslots.new_database_key()
    with open_database(path, key=key) as db:
        generate_demo(db, 5, seed=3, today=date(2026, 11, 20))
        write_diagnostics(db, tmp_path / "诊断.zip", None, log_dir=tmp_path / "none")
    with zipfile.ZipFile(tmp_path / "诊断.zip") as zf:
        report = json.loads(zf.read(JSON_NAME))
        everything = b"".join(zf.read(n) for n in zf.namelist()).decode("utf-8")
    assert report["数据库"]["数据库引擎"].startswith("SQLite 3.") and "SQLCipher 4." in report["数据库"]["数据库引擎"]
    assert report["数据库"]["数据库引擎"].endswith("（已加密）") and report["数据库"]["快速检查"] == "ok"
    assert int(report["各表行数"]["hardship_file"]) >= 5
    with open_database(path, key=key) as db, db.session() as s:
        from sqlalchemy import text

        names = [r[0] for r in s.execute(text("SELECT name FROM hardship_file UNION SELECT id_number FROM member"))]
    assert names and not [n for n in names if n and n in everything]
