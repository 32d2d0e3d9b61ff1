"""One file, several programs: every program holds the file's lock while it has it open, a restore takes it
alone with the safety backup made under it, a busy file names the other program in Chinese, and what killed
programs left is removed at the next start. The other programs are real processes."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.services.setup import initialise
from assist_desktop.storage import engine, file_lock
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.engine import Database
from assist_desktop.storage.schema import open_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "assist.sqlite"
    with open_database(path) as db:
        initialise(db, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                   admin_password="lock-pass-123")
    return path


def child(script: str, *args: str) -> subprocess.Popen[str]:
    """Another program on the same file: prints READY once it holds what it should."""
    code = textwrap.dedent(script)
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def wait_ready(proc: subprocess.Popen[str]) -> None:
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line.strip() == "READY", (line, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]


HOLDER = """
    import sys, time
    from assist_desktop.storage import file_lock
    from assist_desktop.storage.engine import Database
    file_lock.set_program("命令行 ledger import")
    file_lock.set_user("李娜")
    db = Database(sys.argv[1])
    print("READY", flush=True)
    time.sleep(float(sys.argv[2]))
    db.close()
"""


def test_a_restore_waits_then_is_refused_naming_the_program_that_has_the_file(db_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    backup = BackupManager(db_path).create("manual")
    proc = child(HOLDER, str(db_path), "30")
    try:
        wait_ready(proc)
        said: list[str] = []
        file_lock.set_waiting_notice(said.append)
        monkeypatch.setattr(file_lock, "EXCLUSIVE_WAIT_SECONDS", 0.5)
        with pytest.raises(file_lock.FileBusy) as refused:
            BackupManager(db_path).restore(backup)
        message = refused.value.message
        assert f"计算机“{socket.gethostname()}”上的进程 {proc.pid}（命令行 ledger import，用户 李娜）" in message
        assert "不能恢复备份" in message and "数据库未改动" in message
        assert said and "等待其结束后再恢复备份" in said[0] and str(proc.pid) in said[0]
        assert [b.reason for b in BackupManager(db_path).list()] == ["manual"]  # no safety backup, nothing done
    finally:
        file_lock.set_waiting_notice(None)
        proc.kill()
        proc.wait()
    # the program is gone (killed, its record left behind): the restore goes ahead
    assert BackupManager(db_path).restore(backup) is not None


WRITER = """
    import sys, time, uuid
    from assist_desktop.services.audit import append_event
    from assist_desktop.storage.engine import Database
    path, seconds = sys.argv[1], float(sys.argv[2])
    print("READY", flush=True)
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        db = Database(path)  # a terminal command: opens the file, writes, closes
        try:
            with db.transaction() as s:
                append_event(s, actor_id=None, actor_name="竞争写入", entity_type="race", entity_id=f"w{n}",
                             action="race")
            print(f"w{n}", flush=True)  # committed
        finally:
            db.close()
        n += 1
        time.sleep(0.01)
"""


def _race_ids(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT entity_id FROM audit_event WHERE entity_type = 'race'")}


def test_restores_raced_against_a_writer_lose_nothing_committed(db_path: Path, tmp_path: Path) -> None:
    """A terminal command writes again and again while the file is restored six times: every write it saw
    committed is in the database at the end or in the safety backup taken before a restore replaced it."""
    backup = BackupManager(db_path, tmp_path / "kept").create("manual")  # the state restored to, each time
    seconds = float(os.environ.get("RACE_SECONDS", "5"))  # the README's figure: RACE_SECONDS=60
    proc = child(WRITER, str(db_path), str(seconds + 1))
    wait_ready(proc)
    restores = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        BackupManager(db_path).restore(backup)
        restores += 1
        time.sleep(0.2)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    committed = set(out.split())
    assert restores >= 6 and len(committed) > 20
    kept = _race_ids(db_path)
    safety = [b.path for b in BackupManager(db_path).list() if b.reason == "before-restore"]
    assert len(safety) == restores
    for path in safety:
        kept |= _race_ids(path)
    assert committed - kept == set(), f"lost {len(committed - kept)} of {len(committed)} committed writes"
    print(f"race: {restores} restores against {len(committed)} committed writes, none lost")


LONG_WRITE = """
    import sys, time
    from assist_desktop.storage import file_lock
    from assist_desktop.storage.engine import Database
    file_lock.set_program("命令行 demo")
    db = Database(sys.argv[1])
    with db.transaction() as s:
        s.exec  # the write lock is taken at BEGIN IMMEDIATE
        print("READY", flush=True)
        time.sleep(float(sys.argv[2]))
    db.close()
"""


def test_a_write_on_a_busy_file_says_it_waits_then_names_the_writer_in_chinese(db_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engine, "FIRST_WAIT_MS", 200)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 600)
    proc = child(LONG_WRITE, str(db_path), "20")
    said: list[str] = []
    try:
        wait_ready(proc)
        file_lock.set_waiting_notice(said.append)
        db = Database(db_path)
        try:
            started = time.monotonic()
            with pytest.raises(file_lock.FileBusy) as refused:
                with db.transaction():
                    pass
            waited = time.monotonic() - started
        finally:
            db.close()
    finally:
        file_lock.set_waiting_notice(None)
        proc.kill()
        proc.wait()
    assert said and "等待其完成" in said[0] and f"进程 {proc.pid}（命令行 demo）" in said[0]
    message = refused.value.message
    assert f"进程 {proc.pid}（命令行 demo）写入" in message and "数据库保持原样" in message and "Error" not in message
    assert 0.7 < waited < 5


def test_a_file_restored_by_another_program_is_waited_for(db_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    proc = child("""
        import sys, time
        from assist_desktop.storage import file_lock
        file_lock.set_program("命令行 restore")
        with file_lock.exclusive(sys.argv[1], doing="恢复备份"):
            print("READY", flush=True)
            time.sleep(float(sys.argv[2]))
    """, str(db_path), "1.5")
    said: list[str] = []
    try:
        wait_ready(proc)
        file_lock.set_waiting_notice(said.append)
        started = time.monotonic()
        with Database(db_path) as db, db.session() as s:  # waits until the restore is over
            assert s.connection().exec_driver_sql("SELECT count(*) FROM org_unit").scalar() == 1
        assert 0.5 < time.monotonic() - started < 10
        assert said and "恢复备份或独占使用" in said[0] and "命令行 restore" in said[0]
        monkeypatch.setattr(file_lock, "SHARED_WAIT_SECONDS", 0.3)
        proc2 = child("""
            import sys, time
            from assist_desktop.storage import file_lock
            file_lock.set_program("程序窗口")
            with file_lock.exclusive(sys.argv[1], doing="恢复备份"):
                print("READY", flush=True)
                time.sleep(30)
        """, str(db_path))
        try:
            wait_ready(proc2)
            with pytest.raises(file_lock.FileBusy, match=f"进程 {proc2.pid}（程序窗口）恢复备份或独占使用"):
                Database(db_path)
        finally:
            proc2.kill()
            proc2.wait()
    finally:
        file_lock.set_waiting_notice(None)
        proc.wait()


def test_leftovers_of_killed_programs_are_removed_at_the_next_start_and_never_listed(
        db_path: Path, tmp_path: Path) -> None:
    package = tmp_path / "usb" / ".610826-to-610800-0003.sync.partial"
    package.parent.mkdir()
    proc = child("""
        import os, sys
        from pathlib import Path
        from assist_desktop.storage import file_lock
        from assist_desktop.storage.engine import Database
        file_lock.set_program("命令行 sync export")
        db = Database(sys.argv[1])
        with file_lock.partial_file(Path(sys.argv[1]), Path(sys.argv[2])):
            Path(sys.argv[2]).write_bytes(b"half a package")
            print("READY", flush=True)
            sys.stdin.readline()  # killed here
    """, str(db_path), str(package))
    wait_ready(proc)
    backups = db_path.parent / "backups"
    backups.mkdir(exist_ok=True)
    partial_backup = backups / "assist-20261120-101010-manual.partial"
    partial_backup.write_bytes(b"SQLite format 3\x00" + b"x" * 4096)  # a plaintext copy a killed backup left
    other = backups / "other-20261120-101010-manual.partial"  # another database's: not ours to remove
    other.write_bytes(b"x")
    assert [h.program for h in file_lock.holders(db_path)] == ["命令行 sync export"]
    assert package.is_file() and BackupManager(db_path).list() == []
    # while it runs, another start removes nothing
    with Database(db_path):
        assert package.is_file() and partial_backup.is_file()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert file_lock.holders(db_path) == []
    with Database(db_path):
        pass
    assert not package.exists() and not partial_backup.exists() and other.exists()
    assert list(file_lock.folder_of(db_path).glob("*.json")) == []


def test_the_export_lists_its_partial_package_while_writing(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.sync import crypto, export

    seen: list[tuple[str, ...]] = []
    real_seal = crypto.seal

    def watching(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.extend(h.partials for h in [file_lock._read(next(file_lock.folder_of(db).glob("*.json")))] if h)
        return real_seal(*args, **kwargs)

    from tests.sync.linking import link

    db, upper = tmp_path / "county.sqlite", tmp_path / "city.sqlite"
    with open_database(db) as county, open_database(upper) as city:
        initialise(county, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                   admin_password="lock-pass-123")
        initialise(city, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                   admin_password="lock-pass-123", level="city")
        link(county, city)
        monkeypatch.setattr(crypto, "seal", watching)
        with county.session() as s:
            result = export.export_package(s, None, tmp_path / "out" / "1.sync")
    assert result.path.is_file()
    assert seen and seen[0] == (str((tmp_path / "out" / ".1.sync.partial").absolute()),)
