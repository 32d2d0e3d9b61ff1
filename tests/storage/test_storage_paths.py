"""Database files in folders whose names are not plain ASCII: a Windows user folder in Chinese, or a
name with '#', '?', '%' or spaces, must open, back up and restore the file it names — not another one."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime

import pytest

from assist_desktop.storage import schema
from assist_desktop.storage.backup import BackupManager, check_backup_file
from assist_desktop.storage.engine import Database, sqlite_uri
from assist_desktop.storage.schema import DatabaseRefused, FileState, ensure_schema

FOLDERS = ["张三的文档", "工会 2026", "a#b", "what?", "50%off", "%41", "x&mode=rw"]

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("folder", FOLDERS)
def test_open_back_up_and_restore_under_an_awkward_folder(tmp_path, helpers, folder):
    parent = tmp_path / folder
    path = parent / "assist.sqlite"
    assert ensure_schema(path) == FileState("new", None)
    # the file was created where asked, and nothing else appeared beside the folder
    assert path.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
    assert schema.inspect_file(path) == FileState("current", schema.head_revision())

    helpers.seed(path)
    with Database(path) as db, db.engine.connect() as conn:
        files = [row[2] for row in conn.exec_driver_sql("PRAGMA database_list")]
    assert files == [str(path)]

    manager = BackupManager(path)
    backup = manager.create(now=datetime(2026, 1, 1))
    assert backup.parent == parent / "backups"
    assert helpers.count(backup, "member") == 2  # the backup is of this file, not of a stray one
    check_backup_file(backup)

    helpers.seed(path, tag="2")
    manager.restore(backup)
    assert helpers.count(path, "member") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_foreign_file_under_an_awkward_folder_is_still_refused(tmp_path, helpers, folder):
    path = tmp_path / folder / "other.sqlite"
    path.parent.mkdir()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (x)")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused):
        ensure_schema(path)
    assert path.read_bytes() == before
    assert helpers.tables(path) == ["notes"]


def test_sqlite_uri_is_read_only_and_names_the_file(tmp_path):
    path = tmp_path / "a#b?c%d 张" / "x.sqlite"
    path.parent.mkdir()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    with closing(sqlite3.connect(sqlite_uri(path), uri=True)) as conn:
        assert conn.execute("PRAGMA database_list").fetchone()[2] == str(path)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO t VALUES (1)")
