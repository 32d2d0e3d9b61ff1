"""The terminal commands, run in-process as a user would type them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.cli import main


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    f = tmp_path / "pw.txt"
    f.write_text("county-pass-1\n", encoding="utf-8")
    return f


def _init(db: Path, password_file: Path) -> int:
    return main(["init", "--db", str(db), "--unit-code", "610826", "--unit-name", "绥德县总工会",
                 "--admin", "admin", "--password-file", str(password_file)])


def test_init_check_backup_restore_round_trip(tmp_path: Path, password_file: Path, capsys) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    assert "已创建数据库" in capsys.readouterr().out
    assert main(["check", "--db", str(db)]) == 0
    assert "审计链完整" in capsys.readouterr().out

    assert main(["backup", "--db", str(db)]) == 0
    backup = Path(capsys.readouterr().out.strip().split("已备份到 ")[1])
    assert backup.is_file()

    with closing(sqlite3.connect(db)) as conn:  # a change after the backup …
        conn.execute("UPDATE org_unit SET name = '改过的名字'")
        conn.commit()
    assert main(["restore", "--db", str(db), str(backup)]) == 0  # … is undone by the restore
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT name FROM org_unit").fetchone()[0] == "绥德县总工会"


def test_top_level_db_option_reaches_the_command(tmp_path: Path, password_file: Path) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    assert main(["--db", str(db), "check"]) == 0


def test_init_twice_fails_with_a_message(tmp_path: Path, password_file: Path, capsys) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    assert _init(db, password_file) == 1
    assert "已经初始化" in capsys.readouterr().err


def test_check_refuses_a_foreign_file_without_traceback(tmp_path: Path, capsys) -> None:
    bogus = tmp_path / "ledger.sqlite"
    bogus.write_text("姓名,身份证号\n张三,6101\n", encoding="utf-8")
    assert main(["check", "--db", str(bogus)]) == 1
    out = capsys.readouterr().out
    assert "不是数据库文件" in out


def test_demo_command_and_bad_family_count(tmp_path: Path, capsys) -> None:
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db), "--families", "25"]) == 0
    assert "25 户" in capsys.readouterr().out
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM hardship_file").fetchone()[0] == 25
    assert main(["demo", "--db", str(db), "--families", "-3"]) == 1
    assert "负数" in capsys.readouterr().err


def test_restore_of_a_missing_file_is_refused(tmp_path: Path, password_file: Path, capsys) -> None:
    db = tmp_path / "county.sqlite"
    assert _init(db, password_file) == 0
    assert main(["restore", "--db", str(db), str(tmp_path / "nope.sqlite")]) == 1
    assert "不存在" in capsys.readouterr().err
