"""Files that are not ours, not databases, or damaged are refused with a Chinese message naming the
file, and are left exactly as they were. Anything else is a new file."""

from __future__ import annotations

import random
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assist_desktop.storage import schema
from assist_desktop.storage.backup import BackupError, check_backup_file
from assist_desktop.storage.engine import APPLICATION_ID
from assist_desktop.storage.schema import SQLITE_HEADER, DatabaseRefused, FileState, ensure_schema, open_database

PAGE = 4096

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


def assert_refused(path: Path, helpers, *words: str) -> str:
    """ensure_schema and open_database both refuse ``path`` with DatabaseRefused and leave it unchanged."""
    before = helpers.file_bytes(path) if path.is_file() else None
    backups = path.parent / "refused-backups"
    messages = []
    for opener in (lambda p: ensure_schema(p, backups), lambda p: open_database(p, backups)):
        with pytest.raises(DatabaseRefused) as caught:
            opener(path)
        messages.append(caught.value.message)
    for message in messages:
        assert helpers.has_chinese(message), message
        assert str(path) in message, message
        for word in words:
            assert word in message, message
    if before is not None:
        assert helpers.file_bytes(path) == before
    assert not backups.exists()
    return messages[0]


def test_text_file_named_sqlite(tmp_path, helpers):
    path = tmp_path / "assist.sqlite"
    path.write_text("姓名,身份证号\n张三,610826198001011234\n", encoding="utf-8")
    assert_refused(path, helpers, "不是数据库文件")


def test_random_bytes(tmp_path, helpers):
    path = tmp_path / "assist.sqlite"
    path.write_bytes(random.Random(7).randbytes(3 * PAGE))
    assert_refused(path, helpers)


def test_a_directory_in_place_of_the_file(tmp_path, helpers):
    path = tmp_path / "assist.sqlite"
    path.mkdir()
    assert_refused(path, helpers)


def test_foreign_sqlite_database(tmp_path, helpers):
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('别人的数据')")
        conn.commit()
    assert helpers.pragma(path, "application_id") == 0
    assert_refused(path, helpers, "其他程序")
    assert helpers.tables(path) == ["notes"]  # no alembic_version, none of our tables


def test_foreign_database_with_our_table_names_but_another_application_id(tmp_db, helpers):
    with closing(sqlite3.connect(tmp_db)) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.commit()
    helpers.checkpoint(tmp_db)
    assert_refused(tmp_db, helpers, "其他程序")


def _database_with_data(path: Path, helpers) -> Path:
    ensure_schema(path)
    helpers.seed(path)
    with closing(sqlite3.connect(path)) as conn:  # enough rows for a few hundred pages
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)",
                         [(f"k{i:05d}", "困难职工帮扶" * 30) for i in range(1500)])
        conn.commit()
    helpers.checkpoint(path)
    return path


def _garbage(data: bytearray, first_page: int, pages: int, seed: int = 1) -> bytearray:
    data[first_page * PAGE:(first_page + pages) * PAGE] = random.Random(seed).randbytes(pages * PAGE)
    return data


CORRUPTIONS = {
    "garbage pages in the middle": lambda d: _garbage(d, len(d) // PAGE // 2, 3),
    "one garbage page in the middle": lambda d: _garbage(d, len(d) // PAGE // 2, 1, seed=2),
    "zeroed pages in the middle": lambda d: d[: len(d) // 2] + bytearray(5 * PAGE) + d[len(d) // 2 + 5 * PAGE:],
    "schema page overwritten": lambda d: _garbage(d, 1, 1, seed=3),
    "truncated to half": lambda d: d[: len(d) // 2],
    "truncated inside the header page": lambda d: d[:200],
    "header page garbled after the magic": lambda d: d[:16] + random.Random(4).randbytes(PAGE - 16) + d[PAGE:],
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_damaged_database_is_refused_cleanly(tmp_path, helpers, corruption):
    path = _database_with_data(tmp_path / "assist.sqlite", helpers)
    damaged = CORRUPTIONS[corruption](bytearray(path.read_bytes()))
    path.write_bytes(bytes(damaged))

    assert_refused(path, helpers)
    # the same file offered as a backup is refused too, with a BackupError
    with pytest.raises(BackupError) as caught:
        check_backup_file(path)
    assert helpers.has_chinese(caught.value.message) and path.name in caught.value.message


def test_every_single_damaged_page_is_noticed(tmp_path, helpers):
    """Garbage over any one page of a small database with data: refused, never opened, never another error."""
    original = _database_with_data(tmp_path / "original.sqlite", helpers).read_bytes()
    pages = len(original) // PAGE
    victim = tmp_path / "victim.sqlite"
    rng = random.Random(11)
    for page in sorted(rng.sample(range(pages), 40)) + [0, 1, pages - 1]:
        victim.write_bytes(bytes(_garbage(bytearray(original), page, 1, seed=page)))
        with pytest.raises(DatabaseRefused):
            schema.inspect_file(victim)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tail=st.binary(min_size=0, max_size=2 * PAGE), with_header=st.booleans())
def test_arbitrary_bytes_are_refused_or_harmless(tail, with_header):
    """Whatever the bytes, opening either refuses with DatabaseRefused, leaving the file as it was,
    or finds no tables at all and makes a new database (an empty file). Never another exception."""
    data = (SQLITE_HEADER if with_header else b"") + tail
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "assist.sqlite"
        path.write_bytes(data)
        try:
            state = ensure_schema(path, Path(tmp) / "backups")
        except DatabaseRefused as exc:
            assert str(path) in exc.message
            assert path.read_bytes() == data
        else:
            assert state == FileState("new", None)
            assert schema.inspect_file(path).kind == "current"


def test_empty_sqlite_file_without_tables_is_new(tmp_path, helpers):
    path = tmp_path / "assist.sqlite"
    with closing(sqlite3.connect(path)) as conn:  # a valid SQLite file with a header and no tables
        conn.execute("CREATE TABLE scratch (x)")
        conn.execute("DROP TABLE scratch")
        conn.commit()
    assert path.stat().st_size > 0 and helpers.tables(path) == []

    assert ensure_schema(path) == FileState("new", None)
    assert helpers.pragma(path, "application_id") == APPLICATION_ID
    assert helpers.revision(path) == schema.head_revision()


def test_zero_byte_and_missing_files_are_new(tmp_path, helpers):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    missing = tmp_path / "deeper" / "missing.sqlite"
    for path in (empty, missing):
        assert ensure_schema(path) == FileState("new", None)
        assert helpers.revision(path) == schema.head_revision()
        assert helpers.pragma(path, "application_id") == APPLICATION_ID
