"""Schema upgrades: one head, the baseline equals the models, pragmas, and rows surviving an upgrade."""

from __future__ import annotations

import ast
import importlib.util
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import assist_desktop
from assist_desktop.storage import schema
from assist_desktop.storage.backup import UPGRADE, BackupManager, check_backup_file
from assist_desktop.storage.engine import APPLICATION_ID, Database
from assist_desktop.storage.schema import DatabaseRefused, FileState, ensure_schema, open_database
from tests.dbtools import connect, indexes

ADD_NOTE_COLUMN = """
with op.batch_alter_table("hardship_file") as batch_op:
    batch_op.add_column(sa.Column("note_2", sa.String(length=50), nullable=True))
"""

# A table rebuild (create copy, copy rows, DROP, RENAME) of the two most referenced tables: what
# Alembic's batch mode does for anything SQLite cannot ALTER in place.
REBUILD_REFERENCED_TABLES = """
with op.batch_alter_table("org_unit", recreate="always") as batch_op:
    batch_op.alter_column("contact_phone", type_=sa.String(length=64), existing_nullable=True)
with op.batch_alter_table("hardship_file", recreate="always") as batch_op:
    batch_op.add_column(sa.Column("note_2", sa.String(length=50), nullable=True))
"""

HEAD = schema.head_revision()  # the real head, before a test appends its own revisions


# --- the revision graph ------------------------------------------------------------------------------


def test_exactly_one_head_and_a_linear_history():
    script = schema.script_directory()
    heads = script.get_heads()
    assert heads == [schema.head_revision()]
    assert script.get_bases() == ["0001"]
    revisions = list(script.walk_revisions())  # head first, down to the base
    assert {r.revision for r in revisions} == schema.known_revisions()
    for newer, older in zip(revisions, revisions[1:]):
        assert newer.down_revision == older.revision, "history must be one straight line"
    assert revisions[-1].down_revision is None


def test_no_downgrade_is_offered():
    # The baseline's downgrade refuses …
    spec = importlib.util.spec_from_file_location(
        "baseline_0001", schema.MIGRATIONS_DIR / "versions" / "0001_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(NotImplementedError):
        module.downgrade()
    # … and no code of the program calls Alembic's downgrade.
    package = Path(assist_desktop.__file__).parent
    callers = []
    for source in package.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "downgrade":
                callers.append(f"{source.relative_to(package)}:{node.lineno}")
    assert not callers, f"the program must never downgrade: {callers}"


# --- a new file --------------------------------------------------------------------------------------


def test_upgrade_from_nothing_equals_the_models(tmp_path):
    path = tmp_path / "new.sqlite"
    assert ensure_schema(path) == FileState("new", None)
    with Database(path) as db, db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_upgrade_from_nothing_equals_the_models_on_the_server_too(tmp_db, engine):
    """Revisions 0001 → head on PostgreSQL give the models' schema (its own rowid column and the expression
    indexes written as PostgreSQL writes them are the engine's derived objects, storage.derived)."""
    if engine != "postgresql":
        pytest.skip("the file's own: test_upgrade_from_nothing_equals_the_models")
    with Database(tmp_db) as db, db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": lambda _o, name, _k, r, c:
                                                     not (r and c is None and name in ("rowid", "ux_hardship_file_rowid"))})
        diff = compare_metadata(ctx, SQLModel.metadata)
        types = dict(conn.exec_driver_sql("SELECT column_name, data_type FROM information_schema.columns "
                                          "WHERE table_name = 'hardship_file' AND column_name IN "
                                          "('mtime', 'household_annual_income_fen', 'rowid')").all())
        changes = conn.exec_driver_sql("SELECT data_type FROM information_schema.columns "
                                       "WHERE table_name = 'audit_event' AND column_name = 'changes'").scalar()
    # only the "last four" of a phone and of an ID, which PostgreSQL indexes as right(…, 4) (storage.derived)
    assert sorted(d[0] for d in diff) == ["add_index", "add_index", "remove_index", "remove_index"]
    assert {d[1].name for d in diff} == {"ix_hardship_file_phone_tail", "ix_hardship_file_id_last_four"}
    assert types == {"mtime": "bigint", "household_annual_income_fen": "bigint", "rowid": "bigint"}
    assert changes == "jsonb"


def test_new_file_has_every_table_and_index_of_the_models(tmp_db, helpers):
    assert set(helpers.tables(tmp_db)) == set(SQLModel.metadata.tables) | {"alembic_version"}
    with closing(connect(tmp_db)) as conn:
        found = indexes(conn)
        if isinstance(tmp_db, Path):
            partial = conn.execute(
                "SELECT sql FROM sqlite_master WHERE name='uq_hardship_file_live_id_number'").fetchone()[0]
        else:
            partial = conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname='uq_hardship_file_live_id_number'").fetchone()[0]
    expected = {ix.name for t in SQLModel.metadata.tables.values() for ix in t.indexes}
    assert expected <= found
    assert "WHERE" in partial.upper() and "exited" in partial  # the partial unique index kept its WHERE


@pytest.mark.sqlite_only
def test_new_file_is_marked_as_ours_and_at_head(tmp_db, helpers):
    assert helpers.pragma(tmp_db, "application_id") == APPLICATION_ID
    assert helpers.revision(tmp_db) == schema.head_revision()
    assert schema.inspect_file(tmp_db) == FileState("current", schema.head_revision())
    assert helpers.pragma(tmp_db, "journal_mode") == "wal"  # persistent: a plain reader sees it too


@pytest.mark.sqlite_only
def test_every_connection_from_database_has_the_pragmas(tmp_db):
    with Database(tmp_db) as db:
        # several pooled connections at once, and the ones behind session() and transaction()
        conns = [db.engine.connect() for _ in range(3)]
        try:
            for conn in conns:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
        finally:
            for conn in conns:
                conn.close()
        with db.session() as s:
            assert s.exec(text("PRAGMA foreign_keys")).one()[0] == 1
            assert s.exec(text("PRAGMA synchronous")).one()[0] == 1
        with db.transaction() as s:
            assert s.exec(text("PRAGMA foreign_keys")).one()[0] == 1
            assert s.exec(text("PRAGMA busy_timeout")).one()[0] > 0


@pytest.mark.sqlite_only
def test_foreign_key_check_is_clean_after_upgrade_with_rows(tmp_db, helpers):
    helpers.seed(tmp_db, tag="1")
    helpers.seed(tmp_db, tag="2", n_members=3)
    with closing(sqlite3.connect(tmp_db)) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert helpers.count(tmp_db, "member") == 5


# --- a current file ----------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_ensure_schema_on_a_current_file_is_a_no_op(tmp_db, tmp_path, helpers):
    helpers.seed(tmp_db)
    helpers.checkpoint(tmp_db)
    before_rows = helpers.snapshot(tmp_db)
    before_bytes = tmp_db.read_bytes()

    assert ensure_schema(tmp_db, tmp_path / "backups") == FileState("current", schema.head_revision())
    with open_database(tmp_db, tmp_path / "backups") as db:
        with db.session() as s:
            assert s.exec(text("SELECT count(*) FROM member")).one()[0] == 2

    helpers.checkpoint(tmp_db)
    assert tmp_db.read_bytes() == before_bytes
    assert helpers.snapshot(tmp_db) == before_rows
    assert BackupManager(tmp_db, tmp_path / "backups").list() == []  # nothing to upgrade, no backup


# --- an older file -----------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_upgrade_keeps_rows_adds_the_column_and_backs_up_first(tmp_db, tmp_path, helpers, extra_migrations):
    helpers.seed(tmp_db, tag="1")
    helpers.seed(tmp_db, tag="2", n_members=4)
    before = helpers.snapshot(tmp_db)
    assert helpers.revision(tmp_db) == HEAD

    extra_migrations(ADD_NOTE_COLUMN)
    backups = tmp_path / "backups"
    assert schema.inspect_file(tmp_db) == FileState("older", HEAD)
    assert ensure_schema(tmp_db, backups) == FileState("older", HEAD)

    # the live file: at the new head, with the new column, and every row intact
    assert helpers.revision(tmp_db) == "t002"
    assert "note_2" in helpers.columns(tmp_db, "hardship_file")
    after = helpers.snapshot(tmp_db)
    assert after.keys() == before.keys()
    for table, rows in before.items():
        if table == "hardship_file":
            assert [r[:-1] for r in after[table]] == rows  # same rows, plus a NULL note_2
            assert all(r[-1] is None for r in after[table])
        else:
            assert after[table] == rows, table
    with closing(sqlite3.connect(tmp_db)) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert helpers.pragma(tmp_db, "application_id") == APPLICATION_ID

    # the backup: one, reason "upgrade", at the old revision with the old rows
    made = BackupManager(tmp_db, backups).list()
    assert [b.reason for b in made] == [UPGRADE]
    copy = made[0].path
    assert helpers.revision(copy) == HEAD
    assert "note_2" not in helpers.columns(copy, "hardship_file")
    assert helpers.snapshot(copy) == before
    check_backup_file(copy)  # a sound file the user can restore

    # the program's own engine sees the new column
    with Database(tmp_db) as db, db.session() as s:
        assert s.exec(text("SELECT count(note_2) FROM hardship_file")).one()[0] == 0


@pytest.mark.sqlite_only
def test_upgrade_that_rebuilds_referenced_tables_keeps_rows_and_references(
        tmp_db, tmp_path, helpers, extra_migrations):
    ids = helpers.seed(tmp_db)
    before = helpers.snapshot(tmp_db)
    extra_migrations(REBUILD_REFERENCED_TABLES)

    assert ensure_schema(tmp_db, tmp_path / "backups").kind == "older"

    assert helpers.revision(tmp_db) == "t002"
    after = helpers.snapshot(tmp_db)
    assert after["org_unit"] == before["org_unit"]
    assert after["member"] == before["member"]
    assert [r[:-1] for r in after["hardship_file"]] == before["hardship_file"]
    with closing(sqlite3.connect(tmp_db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        schema_sql = " ".join(r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        assert "_alembic_tmp" not in schema_sql
        member_fks = {(r[2], r[3]) for r in conn.execute("PRAGMA foreign_key_list(member)")}
    assert ("hardship_file", "file_id") in member_fks and ("org_unit", "owner_unit_id") in member_fks
    # foreign keys are enforced again on the program's connections after the upgrade
    with Database(tmp_db) as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM member WHERE file_id = :f", {"f": ids["file"]}).scalar() == 2
    helpers.seed(tmp_db, tag="9")  # and the rebuilt tables still take writes
    assert helpers.count(tmp_db, "member") == 4


@pytest.mark.sqlite_only
def test_failing_migration_leaves_the_file_as_it_was(tmp_db, tmp_path, helpers, extra_migrations):
    helpers.seed(tmp_db)
    helpers.checkpoint(tmp_db)
    before = helpers.snapshot(tmp_db)
    # t002 succeeds on its own; t003 fails: the whole upgrade is one transaction
    extra_migrations(ADD_NOTE_COLUMN, 'op.execute("UPDATE no_such_table SET x = 1")')

    with pytest.raises(DatabaseRefused) as caught:
        ensure_schema(tmp_db, tmp_path / "backups")
    message = caught.value.message
    assert helpers.has_chinese(message) and str(tmp_db) in message and "升级失败" in message

    assert helpers.revision(tmp_db) == HEAD
    assert "note_2" not in helpers.columns(tmp_db, "hardship_file")
    assert helpers.snapshot(tmp_db) == before
    backups = BackupManager(tmp_db, tmp_path / "backups").list()
    assert [b.reason for b in backups] == [UPGRADE]
    assert str(backups[0].path) in message  # the message says where the safe copy is


@pytest.mark.sqlite_only
def test_migration_that_breaks_references_is_rolled_back(tmp_db, tmp_path, helpers, extra_migrations):
    helpers.seed(tmp_db)
    before = helpers.snapshot(tmp_db)
    extra_migrations('op.execute("DELETE FROM hardship_file")')  # members would point at nothing

    with pytest.raises(DatabaseRefused) as caught:
        ensure_schema(tmp_db, tmp_path / "backups")
    assert "引用" in caught.value.message and str(tmp_db) in caught.value.message
    assert helpers.revision(tmp_db) == HEAD
    assert helpers.snapshot(tmp_db) == before


@pytest.mark.sqlite_only
def test_file_from_a_newer_program_is_refused_and_untouched(tmp_db, tmp_path, helpers):
    helpers.seed(tmp_db)
    with closing(sqlite3.connect(tmp_db)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9f3c2a_future'")
        conn.commit()
    helpers.checkpoint(tmp_db)
    before = helpers.file_bytes(tmp_db)

    for opener in (schema.inspect_file, lambda p: ensure_schema(p, tmp_path / "backups"), open_database):
        with pytest.raises(DatabaseRefused) as caught:
            opener(tmp_db)
        message = caught.value.message
        assert "更新版本" in message and str(tmp_db) in message and "9f3c2a_future" in message

    assert helpers.file_bytes(tmp_db) == before
    assert not (tmp_path / "backups").exists()


@pytest.mark.sqlite_only
def test_our_file_with_tables_but_no_version_is_refused(tmp_db, tmp_path, helpers):
    """A marked file whose version record is gone must not be 'upgraded' on top of its tables."""
    helpers.seed(tmp_db)
    with closing(sqlite3.connect(tmp_db)) as conn:
        conn.execute("DELETE FROM alembic_version")
        conn.commit()
    helpers.checkpoint(tmp_db)
    before = helpers.file_bytes(tmp_db)
    with pytest.raises(DatabaseRefused) as caught:
        ensure_schema(tmp_db, tmp_path / "backups")
    assert helpers.has_chinese(caught.value.message) and str(tmp_db) in caught.value.message
    assert helpers.file_bytes(tmp_db) == before


def test_fast_revision_reading_agrees_with_alembic() -> None:
    """The start-up reads revision numbers without importing Alembic; it must see what Alembic sees."""
    from assist_desktop.storage import schema

    script = schema.script_directory()
    assert schema.known_revisions() == {r.revision for r in script.walk_revisions()}
    assert [schema.head_revision()] == list(script.get_heads())


@pytest.mark.sqlite_only
def test_every_real_revision_upgrades_a_file_with_data(tmp_path, helpers):
    """A file made at each earlier revision of this program, holding rows, comes up to the head intact."""
    from alembic import command

    revisions = [r.revision for r in reversed(list(schema.script_directory().walk_revisions()))]
    for older in revisions[:-1]:
        path = tmp_path / f"at-{older}.sqlite"
        db = Database(path)
        with db.engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            command.upgrade(schema.alembic_config(conn), older)
            conn.commit()
        db.close()
        helpers.seed(path, tag="7", n_members=3)
        before = helpers.snapshot(path)
        assert ensure_schema(path, tmp_path / f"backups-{older}") == FileState("older", older)
        assert helpers.revision(path) == HEAD
        backups = BackupManager(path, tmp_path / f"backups-{older}").list()
        assert helpers.snapshot_as(path, backups[0].path) == before  # every row and value kept
        assert [b.reason for b in backups] == [UPGRADE] and helpers.revision(backups[0].path) == older


@pytest.mark.postgresql_only
def test_revision_0015_gives_the_servers_search_indexes_the_rowid(tmp_db, engine, helpers, tmp_path):
    """A server as revision 0014 left it (the search's indexes without the rowid) upgraded to the head: each
    matcher's index carries the rowid (a member's ID number its file), so a term's matches are counted from the
    index alone — on SQLite every index holds the rowid already — and the search finds what it found before."""
    from assist_desktop.services.search import count_statement

    source = Path(schema.script_directory().get_revision("0015").path)
    spec = importlib.util.spec_from_file_location("revision_0015", source)
    assert spec and spec.loader
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    helpers.seed(tmp_db, tag="1", n_members=2)
    helpers.seed(tmp_db, tag="2", n_members=1)
    with Database(tmp_db) as db, db.engine.begin() as conn:  # back to 0014's indexes and revision
        for name, (table, key, _carried) in revision.COVERING.items():
            conn.exec_driver_sql(f"DROP INDEX {name}")
            conn.exec_driver_sql(f"CREATE INDEX {name} ON {table} ({key})")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0014'")
        phone = conn.exec_driver_sql("SELECT phone FROM hardship_file ORDER BY rowid LIMIT 1").scalar_one()
    assert ensure_schema(tmp_db, tmp_path / "backups") == FileState("older", "0014")
    with Database(tmp_db) as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == HEAD
        made = dict(conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%(n)s)",
                                         {"n": list(revision.COVERING)}).all())
        conn.exec_driver_sql("SET enable_seqscan = off")  # two files: the plan an index gives at any size
        count = count_statement(phone[:3], None, 10_000).compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {count}"))
        found = conn.execute(count_statement(phone[:3], None, 10_000)).one()[0]
    for name, (_table, _key, carried) in revision.COVERING.items():
        assert made[name].endswith(f"INCLUDE ({carried})"), made[name]
    assert "Index Only Scan using ix_hardship_file_phone" in plan, plan
    assert found >= 1
