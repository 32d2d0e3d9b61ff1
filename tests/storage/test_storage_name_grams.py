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
