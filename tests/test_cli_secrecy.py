"""The encrypted database from a terminal: the recovery key printed once at init, restore of an encrypted
backup with a password of that backup (or the recovery key), recovery when every password is lost, and a
database from before encryption encrypted with its backups."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.cli import main
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import users
from assist_desktop.services.login import log_in
from assist_desktop.services.setup import create_database
from assist_desktop.storage import cipher, keyslots
from assist_desktop.storage.backup import BackupManager
from tests.test_cli import recovery_key

ADMIN_PW = "Suide-admin-2026"


def _file(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / name
    f.write_text(text + "\n", encoding="utf-8")
    return f


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    """An encrypted county made by init; returns the file and the recovery key printed."""
    pw = _file(tmp_path, "pw.txt", ADMIN_PW)
    db = tmp_path / "county.sqlite"
    assert main(["init", "--db", str(db), "--unit-code", "610826", "--unit-name", "绥德县总工会",
                 "--admin", "admin", "--password-file", str(pw)]) == 0
    out = capsys.readouterr().out
    assert out.count("恢复密钥（只显示这一次") == 1
    printed = next(ln.strip() for ln in out.splitlines() if ln.startswith("    ") and ln.count("-") == 7)
    monkeypatch.setenv("ASSIST_DESKTOP_USER", "admin")
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD_FILE", str(pw))
    return db, printed


def test_the_recovery_key_is_printed_once_and_stored_nowhere(county: tuple[Path, str], tmp_path: Path) -> None:
    db, printed = county
    key = keyslots.parse_recovery_key(printed)
    for f in tmp_path.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert key not in data and key.hex().encode() not in data and printed.encode() not in data, f


def test_restore_of_an_encrypted_backup_asks_for_a_password_of_that_backup(county: tuple[Path, str], tmp_path: Path,
                                                                           capsys) -> None:  # type: ignore[no-untyped-def]
    db, printed = county
    assert main(["backup", "--db", str(db)]) == 0
    backup = Path(capsys.readouterr().out.split("已备份到 ")[1].split("（")[0])
    login = log_in(db, "admin", ADMIN_PW)  # the password changes after the backup
    with login.db.session() as s:
        users.change_password(s, login.user, ADMIN_PW, "Changed-later-99")
    login.db.close()
    new_pw = _file(tmp_path, "new.txt", "Changed-later-99")
    argv = ["restore", "--db", str(db), str(backup), "--password-file", str(new_pw)]
    assert main(argv + ["--user", "admin"]) == 1  # today's password does not open the backup
    err = capsys.readouterr().err
    assert "--backup-password-file" in err and "恢复密钥" in err
    old_pw = _file(tmp_path, "old.txt", ADMIN_PW)
    assert main(argv + ["--user", "admin", "--backup-password-file", str(old_pw)]) == 0
    assert "已加密" in capsys.readouterr().out
    # the database keeps its own key slots: everyone logs in with the password they have today
    log_in(db, "admin", "Changed-later-99").db.close()
    recovery = _file(tmp_path, "recovery.txt", printed)
    assert main(argv + ["--user", "admin", "--recovery-key-file", str(recovery)]) == 0
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db).execute("SELECT * FROM user").fetchall()


def test_recover_gives_the_administrator_a_new_password_even_without_the_key_file(county: tuple[Path, str],
                                                                                 tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db, printed = county
    recovery = _file(tmp_path, "recovery.txt", printed.lower())
    new_pw = _file(tmp_path, "new.txt", "Found-again-2027")
    assert main(["recover", "--db", str(db), "--user", "admin", "--recovery-key-file", str(recovery),
                 "--password-file", str(new_pw)]) == 0
    assert "已用恢复密钥" in capsys.readouterr().out
    log_in(db, "admin", "Found-again-2027").db.close()
    with pytest.raises(users.AuthenticationFailed):
        log_in(db, "admin", ADMIN_PW)
    keyslots.sidecar_path(db).unlink()  # the key file lost as well
    assert main(["recover", "--db", str(db), "--user", "admin", "--recovery-key-file", str(recovery),
                 "--password-file", str(new_pw)]) == 0
    log_in(db, "admin", "Found-again-2027").db.close()
    wrong = _file(tmp_path, "wrong.txt", printed[:-1] + ("0" if printed[-1] != "0" else "1"))
    assert main(["recover", "--db", str(db), "--user", "admin", "--recovery-key-file", str(wrong),
                 "--password-file", str(new_pw)]) == 1
    assert "校验不符" in capsys.readouterr().err


def test_a_database_from_before_encryption_is_encrypted_with_its_backups(tmp_path: Path, capsys,  # type: ignore[no-untyped-def]
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "assist.sqlite"
    create_database(db, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                    admin_password=ADMIN_PW, encrypt=False)
    login = log_in(db, "admin", ADMIN_PW)
    with login.db.session() as s:
        users.create_user(s, login.user, username="jingban", display_name="李娜", password="Lina-jingban-88",
                          roles=[Role.clerk])
    login.db.close()
    old_backup = BackupManager(db).create()
    pw = _file(tmp_path, "pw.txt", ADMIN_PW)
    assert main(["encrypt", "--db", str(db), "--user", "admin", "--password-file", str(pw)]) == 0
    out = capsys.readouterr().out
    assert "已加密数据库" in out and "jingban" in out
    key = recovery_key(out)
    for f in (db, old_backup):
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(f).execute("SELECT * FROM user").fetchall()
        with closing(cipher.connect(f, key)) as conn:
            assert conn.execute("SELECT count(*) FROM user").fetchone()[0] == 2
    assert main(["encrypt", "--db", str(db), "--user", "admin", "--password-file", str(pw)]) == 1
    assert "已经加密" in capsys.readouterr().err
    admin = log_in(db, "admin", ADMIN_PW)
    with pytest.raises(users.AuthenticationFailed):  # no slot until the administrator resets the password
        log_in(db, "jingban", "Lina-jingban-88")
    admin.db.close()


def test_init_refuses_a_password_file_with_a_bom_and_leaves_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pw = tmp_path / "pw.txt"
    pw.write_bytes(b"\xef\xbb\xbf" + ADMIN_PW.encode())
    db = tmp_path / "county.sqlite"
    assert main(["init", "--db", str(db), "--unit-code", "610826", "--unit-name", "绥德县总工会",
                 "--admin", "admin", "--password-file", str(pw)]) == 1
    assert "BOM" in capsys.readouterr().err
    pw.write_text("12345678\n", encoding="utf-8")
    assert main(["init", "--db", str(db), "--unit-code", "610826", "--unit-name", "绥德县总工会",
                 "--admin", "admin", "--password-file", str(pw)]) == 1
    assert "太常见" in capsys.readouterr().err
    assert not db.exists() and not keyslots.sidecar_path(db).exists()
