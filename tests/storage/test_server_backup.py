"""Backups of a server database (issue 22): ``pg_dump`` into the user's backups folder, listed and rotated as a
file's are; restore through ``pg_restore`` into a fresh database that is checked (schema version, every
foreign key, the audit chain) before it takes the place of the current one, after a safety backup — refused
while other desks are connected, and refused for what is not a whole dump of this program's database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from assist_desktop.services.audit import verify_audit
from assist_desktop.storage import models as m
from assist_desktop.storage.backup import AUTO, BEFORE_RESTORE, MANUAL, BackupError, BackupManager, ServerBackups
from assist_desktop.storage.location import ServerAddress
from assist_desktop.storage.schema import head_revision, open_database
from tests.dbtools import Databases, Template, connect

pytestmark = pytest.mark.postgresql_only


def _build(location) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from assist_desktop.services.demo import generate_demo

    with open_database(location) as db:
        generate_demo(db, 25, seed=4, today=date(2026, 11, 20), history=True)


@pytest.fixture(scope="session")
def county_on_server(databases: Databases) -> Template:
    return databases.template("county_backup", _build)


@pytest.fixture
def server_db(county_on_server: Template, databases: Databases, tmp_path: Path):  # type: ignore[no-untyped-def]
    location = databases.copy(county_on_server, tmp_path)
    yield location
    databases.drop(location)


def _files(location: ServerAddress) -> list[tuple[str, str]]:
    with open_database(location) as db, db.session() as s:
        return sorted(s.exec(select(m.HardshipFile.file_no, m.HardshipFile.name)).all())


def test_a_server_database_is_backed_up_and_restored_whole(server_db: ServerAddress, tmp_path: Path) -> None:
    manager = BackupManager(server_db, tmp_path / "backups")
    assert isinstance(manager, ServerBackups)
    kept = _files(server_db)
    backup = manager.create(MANUAL)
    assert backup.suffix == ".dump" and backup.stat().st_size > 10_000
    assert [b.path for b in manager.list()] == [backup]
    with open_database(server_db) as db, db.transaction() as s:  # a mistake after the backup
        for hf in s.exec(select(m.HardshipFile)).all()[:3]:
            hf.name = "误改"
            s.add(hf)
    assert _files(server_db) != kept
    safety = manager.restore(backup)
    assert _files(server_db) == kept
    assert safety is not None and safety.name.endswith(f"-{BEFORE_RESTORE}.dump")
    with open_database(server_db) as db, db.session() as s:
        assert verify_audit(s).ok
        names = s.exec(select(m.HardshipFile.name)).all()
    assert "误改" not in names
    # the safety backup holds the mistake: restoring it brings it back (nothing is ever lost)
    manager.restore(safety)
    assert "误改" in {n for _no, n in _files(server_db)}
    with connect(server_db.with_database("postgres")) as conn:  # no restore databases left behind
        left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE ?",
                            (f"{server_db.database}_%",)).fetchall()
    assert left == []


def test_restore_is_refused_while_another_desk_is_connected(server_db: ServerAddress, tmp_path: Path) -> None:
    manager = BackupManager(server_db, tmp_path / "backups")
    backup = manager.create(MANUAL)
    with open_database(server_db) as desk, desk.session() as s:  # another desk, working
        s.exec(select(m.HardshipFile.id)).first()
        with pytest.raises(BackupError, match="其他电脑正在使用"):
            manager.restore(backup)
    assert [b.reason for b in manager.list()] == [MANUAL]  # refused before the safety backup


def test_what_is_not_a_whole_dump_of_this_program_is_refused(server_db: ServerAddress, tmp_path: Path,
                                                            pg_cluster) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.storage import pgtools

    manager = BackupManager(server_db, tmp_path / "backups")
    backup = manager.create(AUTO)
    cut = tmp_path / "cut.dump"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    with pytest.raises(BackupError, match="不是完整的数据库服务器备份"):
        manager.restore(cut)
    other = "payroll_" + server_db.database[-6:]
    pg_cluster.execute(f'CREATE DATABASE "{other}"')
    pg_cluster.execute("CREATE TABLE payroll (id int)", database=other)
    foreign = tmp_path / "foreign.dump"
    try:
        pgtools.dump(server_db.with_database(other), foreign)
    finally:
        pg_cluster.execute(f'DROP DATABASE "{other}" WITH (FORCE)')
    with pytest.raises(BackupError, match="没有本程序的数据"):
        manager.restore(foreign)
    assert _files(server_db)  # untouched


def test_the_terminal_backs_up_and_checks_a_server_database(server_db: ServerAddress, tmp_path: Path,
                                                           monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.cli import main

    from assist_desktop.services.demo_accounts import DEMO_PASSWORD

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("ASSIST_DESKTOP_PASSWORD", DEMO_PASSWORD)  # a backup is made as a person (audited)
    assert main(["backup", "--db", server_db.text, "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "已备份到" in out and ".dump" in out
    assert main(["check", "--db", server_db.text]) == 0
    out = capsys.readouterr().out
    assert "审计链完整" in out and f"结构版本 {head_revision()}" in out
