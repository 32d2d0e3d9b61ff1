"""A database on a read-only medium or a full disk: refused at the start with a message; a write that
hits a full disk fails with a message and leaves the database as it was."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.storage.access import StorageFull, StorageReadOnly, check_location, storage_error

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


def _mount(target: Path, options: str) -> bool:
    """A small tmpfs at ``target`` (root only; where that is not allowed the test is skipped)."""
    if os.geteuid() != 0:
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "disk"
    if not _mount(target, "size=3m"):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_read_only_folder_is_refused_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "cdrom"
    folder.mkdir()
    db = folder / "assist.sqlite"
    sqlite3.connect(db).close()
    if os.geteuid() == 0:
        if not _mount(folder, "ro,size=1m"):
            pytest.skip("cannot mount a read-only tmpfs here")
    else:
        db.chmod(0o444)
        folder.chmod(0o555)
    try:
        with pytest.raises(StorageReadOnly) as info:
            check_location(folder / "assist.sqlite")
        assert str(folder) in info.value.message and "复制到本机硬盘" in info.value.message
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        else:
            folder.chmod(0o755)


def test_a_nearly_full_disk_is_refused_at_the_start(small_disk: Path) -> None:
    from assist_desktop.storage.schema import open_database

    with pytest.raises(StorageFull) as info:
        open_database(small_disk / "assist.sqlite")
    assert "清理磁盘" in info.value.message and "MB" in info.value.message
    assert not (small_disk / "assist.sqlite").exists()  # nothing made


def test_a_write_that_fills_the_disk_is_refused_and_the_file_stays_whole(small_disk: Path) -> None:
    """On a 3 MB disk (past the start check): scanned documents are filed until the disk is full; the
    save that does not fit fails with the message, and everything saved before is still there, the
    file passing integrity_check."""
    from datetime import date

    from assist_desktop.services.attachments import add_attachment
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.engine import Database
    from assist_desktop.storage.schema import ensure_schema

    path = small_disk / "assist.sqlite"
    ensure_schema(path)
    db = Database(path)
    saved: list[str] = []
    try:
        generate_demo(db, 3, seed=1, today=date(2026, 11, 20), history=False)
        with db.session() as s:
            clerk = authenticate(s, "jingban", "demo12345")
        with closing(sqlite3.connect(path)) as conn:
            file_id = conn.execute("SELECT id FROM hardship_file WHERE status != 'exited' LIMIT 1").fetchone()[0]
        problem = None
        for k in range(40):
            try:
                with db.session() as s:
                    saved.append(add_attachment(s, clerk, file_id, kind="other", name=f"扫描件{k}.jpg",
                                                content=os.urandom(150_000), mime_type="image/jpeg").id)
            except StorageFull as exc:
                problem = exc
                break
        assert problem is not None, "the 3 MB disk never filled"
        assert "磁盘空间已满" in problem.message and "没有保存" in problem.message
        assert len(saved) >= 2
    finally:
        db.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {r[0] for r in conn.execute("SELECT id FROM attachment")}
    assert stored == set(saved)


def test_sqlite_full_and_read_only_errors_get_the_caseworkers_message(tmp_path: Path) -> None:
    """Without a small disk: SQLite's own "database or disk is full" (a page limit) and "readonly"."""
    path = tmp_path / "x.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x BLOB)")
        conn.execute("PRAGMA max_page_count = 3")
        with pytest.raises(sqlite3.OperationalError) as full:
            conn.execute("INSERT INTO t VALUES (zeroblob(100000))")
    assert isinstance(storage_error(full.value), StorageFull)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        with pytest.raises(sqlite3.OperationalError) as readonly:
            conn.execute("INSERT INTO t VALUES (1)")
    assert isinstance(storage_error(readonly.value), StorageReadOnly)
    assert storage_error(ValueError("x")) is None
