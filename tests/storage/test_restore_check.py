"""Restore names what the file holds before asking, and refuses another unit's file unless its unit's name
is typed (issue 18): a city's file over a county's left nobody able to log in."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.cli import main
from assist_desktop.services.setup import create_database
from assist_desktop.storage.backup import BackupError, BackupManager
from assist_desktop.storage.restore_check import (RestoreRefused, check_confirmation, inspect_restore_file,
                                                  restore_checked)
from assist_desktop.storage.schema import head_revision

PASSWORD = "Admin-pass-2026"
COUNTY = "积石山保安族东乡族撒拉族自治县总工会"
CITY = "临夏回族自治州总工会"

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


def _county(path: Path) -> Path:
    create_database(path, unit_code="622927", unit_name=COUNTY, admin_username="admin", admin_password=PASSWORD, encrypt=False)
    return path


def _city(path: Path) -> Path:
    create_database(path, unit_code="622900", unit_name=CITY, admin_username="admin", admin_password=PASSWORD,
                    level="city", encrypt=False)
    return path


def _units(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT code, name FROM org_unit ORDER BY code").fetchall()


def test_a_file_of_this_unit_is_described_and_restored(tmp_path: Path) -> None:
    db = _county(tmp_path / "assist.sqlite")
    backup = BackupManager(db).create()
    found = inspect_restore_file(backup, db)
    assert found.same_unit and found.unit.name == COUNTY and found.unit.level_label == "县级"
    assert found.revision == head_revision() and not found.needs_upgrade
    lines = "\n".join(found.lines())
    for expected in (f"所属单位：{COUNTY}（622927，县级）", f"结构版本：{head_revision()}（与本程序相同）", "最后写入：",
                     "困难职工档案：0 户", f"当前数据库的单位：{COUNTY}"):
        assert expected in lines
    assert found.last_written is not None  # the audit log's last event: the initialisation
    assert restore_checked(db, backup) is not None


def test_another_units_file_is_refused_unless_its_name_is_typed(tmp_path: Path) -> None:
    db = _county(tmp_path / "county" / "assist.sqlite")
    city = _city(tmp_path / "city" / "assist.sqlite")
    before = _units(db)
    found = inspect_restore_file(city, db)
    assert not found.same_unit and found.unit.describe() == f"{CITY}（622900，市级）"
    for typed in (None, "", COUNTY, CITY[:-1]):
        with pytest.raises(RestoreRefused) as refused:
            restore_checked(db, city, typed)
        assert CITY in refused.value.message and COUNTY in refused.value.message
        assert "无法登录" in refused.value.message
    assert _units(db) == before and BackupManager(db).list() == []  # nothing backed up, nothing replaced
    check_confirmation(found, f" {CITY} ")
    restore_checked(db, city, CITY)
    assert ("622900", CITY) in _units(db)


def test_a_damaged_file_is_refused_before_anything_is_asked(tmp_path: Path) -> None:
    db = _county(tmp_path / "assist.sqlite")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    with pytest.raises(BackupError) as refused:
        inspect_restore_file(bad, db)
    assert "不能用 bad.sqlite 恢复" in refused.value.message


def test_a_new_pc_without_a_database_takes_any_units_file(tmp_path: Path) -> None:
    city = _city(tmp_path / "city.sqlite")
    target = tmp_path / "new-pc" / "assist.sqlite"
    target.parent.mkdir()
    found = inspect_restore_file(city, target)
    assert found.same_unit and found.current_unit is None
    restore_checked(target, city)
    assert ("622900", CITY) in _units(target)


def test_the_terminal_restore_names_the_file_and_needs_the_units_name(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSIST_DESKTOP_USER", "admin")  # the county's administrator, logged in (terminal_login)
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", PASSWORD)
    db = _county(tmp_path / "county" / "assist.sqlite")
    city = _city(tmp_path / "city" / "assist.sqlite")
    before = _units(db)
    assert main(["restore", "--db", str(db), str(city)]) == 1  # no terminal to ask at: refused
    out = capsys.readouterr()
    assert f"所属单位：{CITY}（622900，市级）" in out.out and "结构版本：" in out.out
    assert "请输入该文件所属单位的名称" in out.err and _units(db) == before
    assert main(["restore", "--db", str(db), str(city), "--unit-name", "绥德县总工会"]) == 1
    assert _units(db) == before
    assert main(["restore", "--db", str(db), str(city), "--unit-name", CITY]) == 0
    assert ("622900", CITY) in _units(db)
