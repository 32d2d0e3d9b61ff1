"""name_gram follows every write of a name, whoever makes it (triggers), and survives table rebuilds."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from assist_desktop.storage import schema
from tests.dbtools import connect


def _grams(path, file_no: str) -> set[str]:
    with closing(connect(path)) as conn:
        return {r[0] for r in conn.execute(
            "SELECT g.gram FROM name_gram g JOIN hardship_file f ON f.rowid = g.file_rowid WHERE f.file_no = ?",
            (file_no,))}


def _misnumbered(path) -> list[tuple]:
    """Pieces whose file number is not their file's, or whose file is gone (migration 0011: the pieces of a
    name are kept in file-number order, so a piece must carry its file's number)."""
    with closing(connect(path)) as conn:
        return list(conn.execute(
            "SELECT g.gram, g.file_no, f.file_no FROM name_gram g LEFT JOIN hardship_file f ON f.rowid = g.file_rowid "
            "WHERE f.file_no IS NULL OR f.file_no <> g.file_no"))


def _numbered(path, file_no: str) -> set[str]:
    with closing(connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT gram FROM name_gram WHERE file_no = ?", (file_no,))}


def test_grams_carry_the_file_number_and_follow_a_renumbering(tmp_db, helpers):
    ids = helpers.seed(tmp_db, tag="1", n_members=2)
    helpers.seed(tmp_db, tag="2", n_members=1)
    assert _numbered(tmp_db, "610826-2026-00001") == {"张", "三", "张三", "成员", "员0", "员1"}
    assert _misnumbered(tmp_db) == []
    with closing(connect(tmp_db)) as conn:
        if hasattr(conn, "create_function"):
            conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("UPDATE hardship_file SET file_no = '610826-2025-00009' WHERE id = ?", (ids["file"],))
        conn.commit()
    assert _numbered(tmp_db, "610826-2026-00001") == set()
    assert _numbered(tmp_db, "610826-2025-00009") == {"张", "三", "张三", "成员", "员0", "员1"}
    assert _misnumbered(tmp_db) == []
    with closing(connect(tmp_db)) as conn:  # number and name at once, then a member added and one moved away
        if hasattr(conn, "create_function"):
            conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("UPDATE hardship_file SET file_no = '610826-2027-00003', name = '王芳' WHERE id = ?",
                     (ids["file"],))
        conn.execute("UPDATE member SET name = '李娜' WHERE id = ?", (ids["members"].split(",")[0],))
        conn.commit()
    assert _numbered(tmp_db, "610826-2027-00003") == {"王", "芳", "王芳", "李娜", "成员", "员1"}
    assert _misnumbered(tmp_db) == []


def test_grams_follow_inserts_renames_and_member_changes(tmp_db, helpers):
    ids = helpers.seed(tmp_db, tag="1", n_members=2)  # worker 张三, members 成员0 成员1
    file_no = "610826-2026-00001"
    assert _grams(tmp_db, file_no) == {"张", "三", "张三", "成员", "员0", "员1"}
    with closing(connect(tmp_db)) as conn:  # plain SQL: the triggers do not depend on the services
        if hasattr(conn, "create_function"):  # sqlite3's own connection: its foreign keys on, as the program's
            conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("UPDATE hardship_file SET name = '王五' WHERE id = ?", (ids["file"],))
        conn.execute("UPDATE member SET name = '李娜' WHERE id = ?", (ids["members"].split(",")[0],))
        conn.execute("DELETE FROM member WHERE id = ?", (ids["members"].split(",")[1],))
        conn.commit()
    assert _grams(tmp_db, file_no) == {"王", "五", "王五", "李娜"}
    assert _misnumbered(tmp_db) == []


@pytest.mark.sqlite_only
def test_triggers_survive_an_upgrade_that_rebuilds_the_tables(tmp_db, helpers, extra_migrations):
    helpers.seed(tmp_db, tag="1", n_members=1)
    extra_migrations("""
        with op.batch_alter_table("hardship_file", recreate="always") as batch_op:
            batch_op.add_column(sa.Column("note_x", sa.Text(), nullable=True))
        with op.batch_alter_table("member", recreate="always") as batch_op:
            batch_op.add_column(sa.Column("note_y", sa.Text(), nullable=True))
    """)
    schema.ensure_schema(tmp_db)
    with closing(sqlite3.connect(tmp_db)) as conn:
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        conn.execute("UPDATE member SET name = '赵敏'")
        conn.commit()
    assert {"name_gram_member_update", "name_gram_file_insert"} <= triggers
    assert {"ix_hardship_file_phone_tail", "ix_hardship_file_serial"} <= indexes
    assert "赵敏" in _grams(tmp_db, "610826-2026-00001")


@pytest.mark.sqlite_only
def test_the_upgrade_to_0011_numbers_every_piece_of_a_county(tmp_path):
    """Revision 0011 rebuilds name_gram keyed (gram, file_no, file_rowid) from a revision-0010 county's pieces:
    the same pieces, each with its file's number, as the triggers would cut them afresh."""
    import gzip
    import shutil
    from pathlib import Path

    path = tmp_path / "assist.sqlite"
    with gzip.open(Path(__file__).parent / "fixtures" / "revision-0010.sqlite.gz") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    with closing(sqlite3.connect(path)) as conn:
        before = set(conn.execute("SELECT gram, file_rowid FROM name_gram"))
    assert len(before) > 300
    schema.ensure_schema(path, tmp_path / "backups")
    with closing(sqlite3.connect(path)) as conn:
        after = set(conn.execute("SELECT gram, file_no, file_rowid FROM name_gram"))
        key = [r[2] for r in sorted(conn.execute("PRAGMA index_xinfo('sqlite_autoindex_name_gram_1')")) if r[5]]
        conn.execute("DELETE FROM name_gram")
        conn.execute("UPDATE hardship_file SET name = name")  # every file's pieces cut again by the triggers
        afresh = set(conn.execute("SELECT gram, file_no, file_rowid FROM name_gram"))
        conn.rollback()
    assert {(g, r) for g, _n, r in after} == before
    assert after == afresh
    assert _misnumbered(path) == []
    assert key[:3] == ["gram", "file_no", "file_rowid"]


def test_revision_0011_numbers_the_pieces_on_either_engine(tmp_db, helpers):
    """Revision 0011's upgrade run on a name_gram of revision 0010's shape holding a server's or a file's pieces
    (and one whose file is gone): every piece gets its file's number, the orphan goes, the key is the new one."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from assist_desktop.storage import derived
    from assist_desktop.storage.engine import Database

    helpers.seed(tmp_db, tag="1", n_members=2)
    helpers.seed(tmp_db, tag="2", n_members=1)
    source = Path(schema.script_directory().get_revision("0011").path)
    spec = importlib.util.spec_from_file_location("revision_0011", source)
    assert spec and spec.loader
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    with Database(tmp_db) as db, db.engine.begin() as conn:
        sqlite = conn.dialect.name == "sqlite"
        derived.drop_triggers(conn)
        conn.exec_driver_sql("DROP TABLE name_gram")
        conn.exec_driver_sql("CREATE TABLE name_gram (gram VARCHAR(2) NOT NULL, file_rowid INTEGER NOT NULL, "
                             "PRIMARY KEY (gram, file_rowid))" + (" WITHOUT ROWID" if sqlite else ""))
        conn.exec_driver_sql("INSERT INTO name_gram (gram, file_rowid) SELECT substr(name, 1, 1), rowid "
                             "FROM hardship_file UNION SELECT substr(name, 1, 2), rowid FROM hardship_file")
        conn.exec_driver_sql("INSERT INTO name_gram (gram, file_rowid) VALUES ('孤', 999999)")
        with Operations.context(MigrationContext.configure(conn)):
            revision.upgrade()
        derived.create_triggers(conn)
        pieces = set(conn.exec_driver_sql("SELECT gram, file_no, file_rowid FROM name_gram"))
        numbers = {r: n for r, n in conn.exec_driver_sql("SELECT rowid, file_no FROM hardship_file")}
    raised = False
    assert len(numbers) == 2
    assert pieces == {(g, numbers[r], r) for r in numbers for g in ("张", "张三")}
    assert _misnumbered(tmp_db) == []
    with Database(tmp_db) as db, db.engine.connect() as conn:  # the new key refuses the same piece twice
        try:
            conn.exec_driver_sql("INSERT INTO name_gram (gram, file_no, file_rowid) "
                                 "SELECT gram, file_no, file_rowid FROM name_gram WHERE gram = '张'")
        except Exception:  # noqa: BLE001 — either driver's IntegrityError
            raised = True
        conn.rollback()
    assert raised


def test_a_demo_county_written_in_bulk_has_every_piece_numbered(tmp_db):
    """Demo generation writes households and members through Core inserts (the triggers, or on the server the
    statement triggers, cut the pieces): every piece carries its file's number, the same pieces the rename
    rule cuts afresh."""
    from datetime import date

    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import open_database

    with open_database(tmp_db) as db:
        generate_demo(db, 30, seed=3, today=date(2026, 11, 20), history=False)
    assert _misnumbered(tmp_db) == []
    with closing(connect(tmp_db)) as conn:
        written = set(conn.execute("SELECT gram, file_no, file_rowid FROM name_gram"))
        conn.execute("DELETE FROM name_gram")
        if hasattr(conn, "create_function"):
            conn.execute("UPDATE hardship_file SET name = name")
        else:
            conn.execute("SELECT assist_name_regram(ARRAY(SELECT rowid FROM hardship_file))")
        afresh = set(conn.execute("SELECT gram, file_no, file_rowid FROM name_gram"))
        conn.rollback()
    assert len(written) > 200 and written == afresh


def test_a_files_own_pieces_are_found_by_index_for_the_triggers_and_the_import(tmp_db, helpers):
    """Every trigger that cuts a file's pieces again, a file deleted and the sync import delete the pieces by
    ``file_rowid`` (migration 0014): that delete reads ix_name_gram_file, not all of name_gram — 2.4 M pieces at
    300k households, a third of a second for each renamed worker or member before the index."""
    from tests.dbtools import reader

    helpers.seed(tmp_db, tag="1", n_members=2)
    with reader(tmp_db) as r:
        if r.postgres:
            r.conn.execute("SET enable_seqscan = off")  # a handful of rows: otherwise any plan is a scan
            plan = " ".join(row[0] for row in r.conn.execute("EXPLAIN DELETE FROM name_gram WHERE file_rowid = 1"))
        else:
            plan = " ".join(str(row[-1]) for row in r.query("EXPLAIN QUERY PLAN DELETE FROM name_gram WHERE file_rowid = 1"))
        assert "ix_name_gram_file" in plan, plan
