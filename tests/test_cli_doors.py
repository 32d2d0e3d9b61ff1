"""Every door logs in: the terminal's commands that read or write personal data are done by a person, with the
window's rules (lockout, first-login password change), and the audit log names them — including backups,
restores and refused exports. ``demo`` never touches a real unit's database."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.cli import main
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import users
from assist_desktop.services.login import log_in
from assist_desktop.storage import cipher, keyslots

PASSWORD = "county-pass-1"


@pytest.fixture
def county(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real county's database (made by init), with a clerk whose password the administrator set."""
    monkeypatch.delenv("ASSIST_DESKTOP_USER", raising=False)
    monkeypatch.delenv("ASSIST_DESKTOP_PASSWORD", raising=False)
    monkeypatch.delenv("ASSIST_DESKTOP_NEW_PASSWORD", raising=False)
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    db = tmp_path / "county.sqlite"
    assert main(["init", "--db", str(db), "--unit-code", "610826", "--unit-name", "积石山保安族东乡族撒拉族自治县总工会",
                 "--admin", "admin", "--password-file", str(pw)]) == 0
    login = log_in(db, "admin", PASSWORD)  # init encrypts a real unit's file: the admin's key slot opens it
    try:
        with login.db.session() as s:
            admin = s.exec(users.select(users.User).where(users.User.username == "admin")).one()
            users.create_user(s, admin, username="jingban", display_name="阿卜杜热合曼·买买提依明·艾则孜",
                              password="set-by-admin-1", roles=[Role.clerk])
        _KEYS[db] = login.db.key
    finally:
        login.db.close()
    return db


_KEYS: dict[Path, bytes] = {}


def _connect(db: Path):  # type: ignore[no-untyped-def]
    """Read the file as a second reader would: with the database key when it is encrypted (a backup of it
    shares the key), plain sqlite3 otherwise."""
    key = next((k for d, k in _KEYS.items() if d.parent == db.parent or d.parent in db.parents), None)
    return cipher.connect(db, key if keyslots.is_encrypted(db) or not cipher.has_plain_header(db) else None)


def audit_rows(db: Path, where: str = "1") -> list[tuple[str, str, str]]:
    with closing(_connect(db)) as conn:
        return conn.execute(f"SELECT actor_name, action, changes FROM audit_event WHERE {where} ORDER BY seq").fetchall()


def head(db: Path) -> tuple[int, str]:
    with closing(_connect(db)) as conn:
        return conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()


def test_demo_refuses_a_real_database_and_its_own_event_lands(county: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = head(county)
    assert main(["demo", "--db", str(county), "--families", "1000"]) == 1
    err = capsys.readouterr().err
    assert "正式数据库" in err and "积石山保安族东乡族撒拉族自治县总工会" in err
    assert head(county) == before
    with closing(_connect(county)) as conn:
        assert conn.execute("SELECT count(*) FROM hardship_file").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM user WHERE username IN ('shenhe', 'shenpi')").fetchone()[0] == 0
    demo = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(demo), "--families", "30"]) == 0
    [(actor, action, changes)] = audit_rows(demo, "action = 'demo_generate'")
    assert actor == "演示数据生成" and json.loads(changes)["families"] == 30
    assert main(["check", "--db", str(demo)]) == 0


PERSONAL = [  # every command that reads or writes personal data, as a caseworker would type it
    ["backup"], ["restore", "x.sqlite"], ["print", "statistics", "--year", "2026", "--out", "s.pdf"],
    ["print", "file-form", "--id", "x", "--out", "f.pdf"], ["verify-voucher", "ADV1:x"],
    ["ledger", "export", "roster", "--out", "r.xlsx"], ["sync", "export", "--to", "610800", "--out", "p.sync"],
    ["sync", "import", "p.sync"], ["sync", "ack", "a.ack"], ["sync", "status"], ["unit", "export-key", "--out", "k"],
    ["unit", "enrol", "k"], ["unit", "revoke-key", "ABCDEF01", "--reason", "丢失"], ["unit", "request-full", "610826"],
]


@pytest.mark.parametrize("argv", PERSONAL, ids=lambda a: " ".join(a[:2]))
def test_no_command_reads_or_writes_personal_data_without_a_person(county: Path, argv: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    before = head(county)
    assert main([*argv, "--db", str(county)]) == 1
    err = capsys.readouterr().err
    assert "--user" in err and "Traceback" not in err
    assert head(county) == before


def test_wrong_passwords_lock_the_account_as_in_the_window(county: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", "wrong-password")
    for remaining in (4, 3, 2, 1):
        assert main(["backup", "--db", str(county), "--user", "admin"]) == 1
        assert f"还可尝试 {remaining} 次" in capsys.readouterr().err
    assert main(["backup", "--db", str(county), "--user", "admin"]) == 1
    assert "账户已锁定" in capsys.readouterr().err
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", PASSWORD)
    assert main(["backup", "--db", str(county), "--user", "admin"]) == 1  # the right one, while locked
    assert "账户已锁定" in capsys.readouterr().err
    # the file stays shut to a wrong password: the attempts wait in its key file for the next login …
    waiting = keyslots.load(county).pending
    assert [p["reason"] for p in waiting].count("密码错误") == 5 and "locked_until" in waiting[4]
    login = log_in(county, "jingban", "set-by-admin-1")  # … which writes them to the audit log
    login.db.close()
    actions = [a for _, a, _ in audit_rows(county, "entity_type = 'user'")]
    # four wrong passwords, the fifth locks, then the right one refused while locked — as on a plain file
    assert actions.count("login_failed") == 5 and actions.count("locked") == 1
    assert not keyslots.load(county).pending
    assert not (county.parent / "backups").exists() or not list((county.parent / "backups").glob("*.sqlite"))


def test_the_administrators_password_must_be_replaced_at_the_first_terminal_login(county: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", "set-by-admin-1")
    assert main(["sync", "status", "--db", str(county), "--user", "jingban"]) == 1
    err = capsys.readouterr().err
    assert "初始密码" in err and "ASSIST_DESKTOP_NEW_PASSWORD" in err
    monkeypatch.setenv("ASSIST_DESKTOP_NEW_PASSWORD", "my-own-pass-9")
    assert main(["sync", "status", "--db", str(county), "--user", "jingban"]) == 0
    monkeypatch.delenv("ASSIST_DESKTOP_NEW_PASSWORD")
    assert main(["sync", "status", "--db", str(county), "--user", "jingban"]) == 1  # the old one is gone
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", "my-own-pass-9")
    assert main(["sync", "status", "--db", str(county), "--user", "jingban"]) == 0
    changed = audit_rows(county, "action = 'change_password'")
    assert [actor for actor, _, _ in changed] == ["阿卜杜热合曼·买买提依明·艾则孜"]
    assert "my-own-pass-9" not in json.dumps(audit_rows(county), ensure_ascii=False)


def test_backup_and_restore_are_done_by_a_person_and_said_in_both_files(county: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", PASSWORD)
    assert main(["backup", "--db", str(county), "--user", "admin"]) == 0
    backup = Path(capsys.readouterr().out.strip().split("已备份到 ")[1].split("（")[0])
    [(actor, _, changes)] = audit_rows(county, "action = 'backup'")
    assert actor == "admin" and json.loads(changes)["file"] == backup.name
    seq_before, hash_before = head(county)

    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", "set-by-admin-1")
    monkeypatch.setenv("ASSIST_DESKTOP_NEW_PASSWORD", "my-own-pass-9")
    assert main(["restore", str(backup), "--db", str(county), "--user", "jingban"]) == 1  # a clerk restores nothing
    assert "管理员" in capsys.readouterr().err
    assert [a for _, a, _ in audit_rows(county, "action LIKE 'refused:%'")] == ["refused:restore"]

    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", PASSWORD)
    assert main(["restore", str(backup), "--db", str(county), "--user", "admin"]) == 0
    out = capsys.readouterr().out
    safety = Path(out.split("恢复前的数据库已备份到 ")[1].split("\n")[0])
    # the old file (kept in the safety backup) says who restored what …
    [(actor, _, changes)] = audit_rows(safety, "action = 'restore'")
    assert actor == "admin" and json.loads(changes)["from"] == backup.name
    # … and the restored one says what it replaced: the chain is shorter, but not silently
    [(actor, _, changes)] = audit_rows(county, "action = 'restored'")
    said = json.loads(changes)
    assert actor == "admin" and said["safety_backup"] == safety.name and said["replaced"]["seq"] > seq_before
    assert head(county)[0] < said["replaced"]["seq"]
    assert main(["check", "--db", str(county), "--user", "admin"]) == 0  # an encrypted file is checked by a person


def test_a_refused_full_id_export_is_in_the_audit_log(county: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", PASSWORD)
    out = tmp_path / "roster.xlsx"
    assert main(["ledger", "export", "roster", "--out", str(out), "--full-ids", "--db", str(county),
                 "--user", "admin"]) == 1  # the administrator is not a caseworker
    assert "完整身份证号" in capsys.readouterr().err and not out.exists()
    [(actor, action, changes)] = audit_rows(county, "action LIKE 'refused:%'")
    assert (actor, action) == ("admin", "refused:export_full_ids") and "完整身份证号" in json.loads(changes)["reason"]


def test_a_printed_file_form_names_the_person_not_the_terminal(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.services.demo_accounts import DEMO_PASSWORD

    demo = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(demo), "--families", "20"]) == 0
    with closing(sqlite3.connect(demo)) as conn:
        file_no = conn.execute("SELECT file_no FROM hardship_file WHERE status = 'active'").fetchone()[0]
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", DEMO_PASSWORD)
    assert main(["print", "file-form", "--id", file_no, "--out", str(tmp_path / "f.pdf"), "--db", str(demo),
                 "--user", "jingban"]) == 0
    printed = audit_rows(demo, "action LIKE 'print%'")
    assert printed and {actor for actor, _, _ in printed} == {"李娜"}
    assert "命令行" not in {actor for actor, _, _ in audit_rows(demo)}
