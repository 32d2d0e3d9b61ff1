"""Secrecy at rest: the encrypted database file and its backups, read as an outsider would read them.

An outsider here is what the issue tried: `sqlite3` and `sqlcipher` without the key, the raw bytes, and
another OS user; the program's own reading is checked with a second reader (sqlcipher3 in another
process, keyed with the printed recovery key)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assist_desktop.storage import at_rest, cipher, keyslots
from assist_desktop.storage import models as m
from assist_desktop.storage.backup import BackupKeyRequired, BackupManager, check_backup_file
from assist_desktop.storage.engine import Database
from assist_desktop.storage.schema import DatabaseRefused, KeyRequired, inspect_file, open_database

NAME = "阿卜杜热合曼·买买提依明·艾则孜"
ID_NUMBER = "610826198001011237"
BANK = "6217000000001234567"
PASSWORD = "Zhang-Wei-2026"

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


def _seed(db: Database) -> None:
    with db.transaction() as s:
        county = m.OrgUnit(code="610826", name="绥德县总工会", level="county", owner_unit_id="")
        county.owner_unit_id = county.id
        s.add(county)
        s.flush()
        s.add(m.HardshipFile(
            owner_unit_id=county.id, file_no="610826-2026-00001", filing_year=2026, unit_id=county.id,
            status="active", category="deep", name=NAME, name_initials="abdrhm", id_number=ID_NUMBER,
            id_tail="011237", sex="男", birth_date=date(1980, 1, 1), phone="13912345678", address="名州镇三十里铺村",
            employer_name="绥德县某机械厂", primary_cause=1, household_size=1, worker_monthly_income_fen=150_000,
            bank_account=BANK))


@pytest.fixture
def encrypted(tmp_path: Path) -> tuple[Path, bytes]:
    """An encrypted county database with one household and an administrator's key slot."""
    path = tmp_path / "data" / "assist.sqlite"
    key = keyslots.new_database_key()
    with open_database(path, key=key) as db:
        _seed(db)
    keyslots.create(path, key, user_id="admin-id", username="admin", password=PASSWORD)
    return path, key


def _outsider_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            data += extra.read_bytes()
    return data


def _assert_unreadable(path: Path) -> None:
    raw = _outsider_bytes(path)
    for secret in (NAME, ID_NUMBER, BANK, "绥德县总工会", "hardship_file"):
        assert secret.encode("utf-8") not in raw
    assert not raw.startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    for tool in ("sqlite3", "sqlcipher"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (scripts/setup.sh --test installs it)")
        done = subprocess.run([tool, str(path), "SELECT * FROM hardship_file;"], capture_output=True, text=True)
        assert done.returncode != 0
        assert ID_NUMBER not in done.stdout + done.stderr and NAME not in done.stdout
        assert "not a database" in done.stderr or "encrypted" in done.stderr


def test_the_database_file_and_its_wal_show_nothing_without_the_key(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    db = Database(path, key)  # held open with a write in the WAL: the -wal is encrypted as well
    with db.transaction() as s:
        s.add(m.Meta(key="probe", value=f"{NAME}{ID_NUMBER}"))
    assert Path(f"{path}-wal").stat().st_size > 0
    _assert_unreadable(path)
    db.close()
    _assert_unreadable(path)
    with Database(path, key) as again, again.session() as s:  # the program reads it back
        assert s.get(m.Meta, "probe").value == f"{NAME}{ID_NUMBER}"


def test_the_recovery_key_opens_the_file_in_a_second_reader(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    printed = keyslots.format_recovery_key(key)
    script = ("import sys, sqlcipher3.dbapi2 as d\n"
              "from assist_desktop.storage.keyslots import parse_recovery_key\n"
              "c = d.connect(sys.argv[1]); k = parse_recovery_key(sys.argv[2])\n"
              "c.execute(\"PRAGMA key = \\\"x'\" + k.hex() + \"'\\\"\")\n"
              "print(c.execute('SELECT name, id_number, bank_account FROM hardship_file').fetchone())\n")
    done = subprocess.run([sys.executable, "-c", script, str(path), printed.lower().replace("-", " ")],
                          capture_output=True, text=True, check=True)
    assert NAME in done.stdout and ID_NUMBER in done.stdout and BANK in done.stdout


def test_files_and_folders_are_owner_only(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    with Database(path, key) as db, db.transaction() as s:
        s.add(m.Meta(key="wal", value="x"))
        assert stat.S_IMODE(Path(f"{path}-wal").stat().st_mode) == 0o600
        assert stat.S_IMODE(Path(f"{path}-shm").stat().st_mode) == 0o600
    backup = BackupManager(path, key=key).create()
    for f in (path, keyslots.sidecar_path(path), backup, keyslots.sidecar_path(backup)):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # the data folder open_database made


def test_an_older_versions_0644_files_are_tightened_at_open(tmp_path: Path) -> None:
    path = tmp_path / "assist.sqlite"
    with open_database(path):
        pass
    os.chmod(path, 0o644)
    with open_database(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to act as another OS user")
def test_another_os_user_reads_nothing(encrypted: tuple[Path, bytes], tmp_path: Path) -> None:
    path, key = encrypted
    backup = BackupManager(path, key=key).create()
    # Even with the folder opened up (as a careless copy might), the files themselves are 0600.
    os.chmod(tmp_path, 0o755)
    os.chmod(path.parent, 0o755)
    os.chmod(backup.parent, 0o755)
    for target in (path, backup, keyslots.sidecar_path(path)):
        done = subprocess.run(["runuser", "-u", "nobody", "--", "cat", str(target)], capture_output=True)
        assert done.returncode != 0 and b"Permission denied" in done.stderr
        done = subprocess.run(["runuser", "-u", "nobody", "--", "sqlite3", str(target), "SELECT 1 FROM hardship_file"],
                              capture_output=True, text=True)
        assert done.returncode != 0 and ID_NUMBER not in done.stdout


def test_a_backup_is_encrypted_travels_with_its_key_file_and_needs_a_password(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    backup = BackupManager(path, key=key).create()
    _assert_unreadable(backup)
    assert keyslots.sidecar_path(backup).is_file()
    # a password of the backup (its own key slots) opens it, not the live database's lockout state
    unlocked = keyslots.unlock(backup, "ADMIN", PASSWORD, record=False)
    assert unlocked.key == key
    with pytest.raises(KeyRequired):
        inspect_file(backup)
    check_backup_file(backup, unlocked.key)
    with pytest.raises(BackupKeyRequired, match="已加密"):
        BackupManager(path, key=key).restore(backup)


def test_restoring_an_encrypted_backup(encrypted: tuple[Path, bytes], tmp_path: Path) -> None:
    path, key = encrypted
    manager = BackupManager(path, key=key)
    backup = manager.create()
    with Database(path, key) as db, db.transaction() as s:
        s.add(m.Meta(key="after-backup", value="1"))
    safety = manager.restore(backup, backup_key=key)
    assert safety is not None and keyslots.sidecar_path(safety).exists()
    with Database(path, key) as db, db.session() as s:
        assert s.get(m.Meta, "after-backup") is None
        assert s.get(m.Meta, "local_unit_id") is None  # the seed has none; the household is there
    _assert_unreadable(path)
    # onto a new PC (no database yet): the backup's encrypted file and its key file
    elsewhere = tmp_path / "new-pc" / "assist.sqlite"
    elsewhere.parent.mkdir()
    fresh = BackupManager(elsewhere)
    fresh.restore(backup, backup_key=keyslots.unlock(backup, "admin", PASSWORD, record=False).key)
    assert fresh.key == key
    assert keyslots.unlock(elsewhere, "admin", PASSWORD).key == key
    _assert_unreadable(elsewhere)


def test_a_plain_backup_restored_into_an_encrypted_database_stays_encrypted(encrypted: tuple[Path, bytes],
                                                                         tmp_path: Path) -> None:
    path, key = encrypted
    plain = tmp_path / "old.sqlite"
    with open_database(plain) as db:
        _seed(db)
    BackupManager(path, key=key).restore(plain)
    _assert_unreadable(path)
    with Database(path, key) as db, db.session() as s:
        assert len(s.exec(__import__("sqlmodel").select(m.HardshipFile)).all()) == 1


def test_wrong_or_missing_keys_are_refused_in_chinese(encrypted: tuple[Path, bytes]) -> None:
    path, _key = encrypted
    with pytest.raises(DatabaseRefused, match="无法用这把钥匙解密"):
        inspect_file(path, key=b"\x01" * 32)
    with pytest.raises(KeyRequired, match="已加密"):
        open_database(path)
    keyslots.sidecar_path(path).unlink()
    with pytest.raises(DatabaseRefused, match=r"缺少钥匙文件 assist\.sqlite\.keys"):
        inspect_file(path)
    with pytest.raises(keyslots.KeyringError, match="找不到数据库的钥匙文件"):
        keyslots.unlock(path, "admin", PASSWORD)


def test_a_plain_database_and_its_backups_are_encrypted_and_leftovers_removed(tmp_path: Path) -> None:
    path = tmp_path / "assist.sqlite"
    with open_database(path) as db:
        _seed(db)
    manager = BackupManager(path)
    old = manager.create()
    plain_partial = old.with_name("assist-20260101-000000-auto.partial")
    shutil.copy(old, plain_partial)
    dead = path.with_name("assist.sqlite.encrypting-999999")  # no such process
    dead.write_bytes(b"half")
    key = keyslots.new_database_key()
    keyslots.create(path, key, user_id="admin-id", username="admin", password=PASSWORD)
    with open_database(path, key=key) as db, db.session() as s:  # the first login finishes the encryption
        assert len(s.exec(__import__("sqlmodel").select(m.HardshipFile)).all()) == 1
    _assert_unreadable(path)
    _assert_unreadable(old)
    assert keyslots.unlock(old, "admin", PASSWORD, record=False).key == key
    assert not plain_partial.exists() and not dead.exists()


def test_a_staged_copy_of_a_living_process_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "assist.sqlite"
    mine = path.with_name(f"assist.sqlite.encrypting-{os.getpid()}")
    mine.write_bytes(b"being written")
    assert at_rest.remove_leftovers(path) == []
    assert mine.exists()


def test_connections_are_keyed_before_anything_reads_the_file(encrypted: tuple[Path, bytes]) -> None:
    path, key = encrypted
    db = Database(path, key)
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert type(raw).__module__.startswith("sqlcipher3")
        assert raw.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.close()
    assert cipher.key_opens(path, key) and not cipher.key_opens(path, bytes(32))


def test_the_restore_checks_read_an_encrypted_backup_only_with_its_key(encrypted: tuple[Path, bytes]) -> None:
    from assist_desktop.storage.restore_check import inspect_restore_file

    path, key = encrypted
    with Database(path, key) as db, db.transaction() as s:  # the seed's county as this file's own unit
        unit_id = s.exec(__import__("sqlmodel").select(m.OrgUnit.id)).first()
        s.add(m.Meta(key="local_unit_id", value=unit_id))
    backup = BackupManager(path, key=key).create()
    with pytest.raises(BackupKeyRequired, match="已加密"):
        inspect_restore_file(backup, path, db_key=key)
    found = inspect_restore_file(backup, path, backup_key=key, db_key=key)
    assert found.same_unit and found.households == 1
    assert "绥德县总工会（610826，县级）" in "\n".join(found.lines())


OLD_BUILD_FILE = Path(__file__).parent / "fixtures" / "encrypted-sqlcipher3-binary-0.6.0.sqlite"
OLD_BUILD_KEY = bytes.fromhex("8f3c1e5a7b2d4f60918273645a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d")


def test_a_file_encrypted_by_the_earlier_binding_still_opens(tmp_path: Path) -> None:
    """Encrypted files (and backups, the same pages) written through sqlcipher3-binary 0.6.0, the binding the
    program used before sqlcipher3-wheels, open and take writes: both are SQLCipher 4.12 on SQLite 3.51.1 at
    SQLCipher 4's defaults (4096-byte pages, HMAC-SHA512), the earlier one compiled unoptimised."""
    import importlib.metadata

    try:  # its files would shadow the wheels' build in the same sqlcipher3 folder
        importlib.metadata.distribution("sqlcipher3-binary")
    except importlib.metadata.PackageNotFoundError:
        pass
    else:
        pytest.fail("sqlcipher3-binary is installed beside sqlcipher3-wheels: run sh scripts/setup.sh --test")
    path = tmp_path / "assist.sqlite"
    shutil.copyfile(OLD_BUILD_FILE, path)
    assert not cipher.has_plain_header(path)
    assert cipher.key_opens(path, OLD_BUILD_KEY) and not cipher.key_opens(path, bytes(32))
    db = Database(path, OLD_BUILD_KEY)
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw.execute("PRAGMA cipher_page_size").fetchone()[0] == "4096"
            assert conn.exec_driver_sql("PRAGMA application_id").scalar() == 0x41535354
            rows = conn.exec_driver_sql("SELECT file_no, name, id_number FROM hardship_file ORDER BY file_no").all()
            assert [tuple(r) for r in rows] == [
                ("610826-2026-00001", NAME, ID_NUMBER),
                ("610826-2026-00002", "积石山保安族东乡族撒拉族自治县", "622927197003035678")]
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE hardship_file SET bank_account = '6217000000000000001' WHERE file_no LIKE '%1'")
    finally:
        db.close()
    conn2 = cipher.connect(path, OLD_BUILD_KEY)
    try:
        assert conn2.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn2.execute("SELECT bank_account FROM hardship_file WHERE file_no LIKE '%1'").fetchone()[0] \
            == "6217000000000000001"
    finally:
        conn2.close()
    assert b"6217000000000000001" not in _outsider_bytes(path)


def test_an_encrypted_files_connections_keep_more_decrypted_pages(encrypted: tuple[Path, bytes],
                                                                  tmp_path: Path) -> None:
    """Every page read in again is decrypted again: an encrypted file's connections keep 16 MiB of pages and a
    bulk write up to 256 MiB, and go back to 16 MiB after it (not to the plain file's 2 MiB); a plain file's
    stay as they were."""
    from assist_desktop.storage import engine

    path, key = encrypted
    cases = ((Database(path, key), engine.ENCRYPTED_BULK_CACHE_SIZE_KIB, engine.ENCRYPTED_CACHE_SIZE_KIB),
             (open_database(tmp_path / "plain.sqlite"), engine.BULK_CACHE_SIZE_KIB, engine.CACHE_SIZE_KIB))
    for db, bulk, everyday in cases:
        try:
            with db.session() as s:
                assert engine.bulk_cache_size_kib(s) == bulk and engine.everyday_cache_size_kib(s) == everyday
            with db.write_connection() as conn:
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -bulk
            with db.engine.connect() as conn:  # the pool hands the same connection out again (LIFO)
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -everyday
        finally:
            db.close()
