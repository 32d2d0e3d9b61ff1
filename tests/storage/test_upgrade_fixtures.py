"""Every schema revision's database, as that version of the program wrote it, comes up to today's head
with every row intact, a backup taken first, the audit chain whole, and the program able to work on it."""

from __future__ import annotations

import gzip
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from assist_desktop.storage import schema
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.schema import FileState, ensure_schema, open_database

FIXTURES = Path(__file__).parent / "fixtures"
FILES = sorted(FIXTURES.glob("revision-*.sqlite.gz"))

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


def _revision_of(name: str) -> str:
    found = re.search(r"revision-(\d{4})", name)
    assert found
    return found.group(1)


def _tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
    return {t: [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')] for t in names}


def _rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> set[tuple]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    return set(conn.execute(f'SELECT {quoted} FROM "{table}"'))


def test_there_is_a_fixture_for_every_revision_but_the_newest_may_wait() -> None:
    """Each revision before the head has its file (the head's own is added when the next one lands)."""
    revisions = [r.revision for r in reversed(list(schema.script_directory().walk_revisions()))]
    have = {_revision_of(f.name) for f in FILES}
    assert set(revisions[:-1]) <= have, f"no fixture file for {sorted(set(revisions[:-1]) - have)}"
    assert have <= set(revisions)


@pytest.mark.parametrize("packed", FILES, ids=[f.name for f in FILES])
def test_a_file_of_each_revision_upgrades_with_every_row(packed: Path, tmp_path: Path) -> None:
    from assist_desktop.services.audit import verify_audit
    from assist_desktop.services.search import search
    from assist_desktop.services.users import authenticate

    revision = _revision_of(packed.name)
    path = tmp_path / "assist.sqlite"
    with gzip.open(packed) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    with closing(sqlite3.connect(path)) as conn:
        old_tables = _tables(conn)
        before = {t: _rows(conn, t, cols) for t, cols in old_tables.items()}
    assert sum(len(r) for r in before.values()) > 400  # a county with real history, not an empty schema
    backups = tmp_path / "backups"
    state = ensure_schema(path, backups)
    head = schema.head_revision()
    assert state == (FileState("current", revision) if revision == head else FileState("older", revision))
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        now = _tables(conn)
        for table, columns in old_tables.items():  # read by the columns the old file had
            assert table in now and set(columns) <= set(now[table]), f"table {table} lost or narrowed"
            assert _rows(conn, table, columns) == before[table], f"rows of {table} changed by the upgrade"
    if revision != head:
        made = BackupManager(path, backups).list()
        assert [b.reason for b in made] == ["upgrade"]
        with closing(sqlite3.connect(made[0].path)) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (revision,)
    with open_database(path) as db, db.session() as s:
        assert verify_audit(s).ok
        clerk = authenticate(s, "jingban", "demo12345")
        total, ids = search(s, clerk, "", None, "file_no", 0, 50)
        assert total == 40 and len(ids) == 40
