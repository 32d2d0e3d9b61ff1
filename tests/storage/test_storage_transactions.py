"""Database.transaction(): all or nothing, the write lock taken at BEGIN, foreign keys enforced."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from assist_desktop.storage import models as m
from assist_desktop.storage.engine import Database


class Boom(Exception):
    pass


def _county(tag: str = "1") -> m.OrgUnit:
    unit = m.OrgUnit(code=f"61082{tag}", name=f"某县总工会{tag}", level="county", owner_unit_id="")
    unit.owner_unit_id = unit.id
    return unit


def test_transaction_commits_on_success(tmp_db, helpers):
    with Database(tmp_db) as db:
        with db.transaction() as s:
            unit = _county()
            s.add(unit)
            s.add(m.Meta(key="local_unit", value=unit.id))
        # read back by a second, plain connection while the program's engine is still open
        assert helpers.rows(tmp_db, "meta") == [("local_unit", unit.id)]
        assert helpers.count(tmp_db, "org_unit") == 1
        # and the object stays usable after commit (expire_on_commit=False)
        assert unit.name == "某县总工会1"


def test_transaction_rolls_back_everything_on_an_exception_midway(tmp_db, helpers):
    with Database(tmp_db) as db:
        with pytest.raises(Boom):
            with db.transaction() as s:
                s.add(m.Meta(key="a", value="1"))
                s.flush()  # the first row is in the database (inside the transaction) …
                s.add(m.Meta(key="b", value="2"))
                s.flush()  # … and so is the second
                assert s.exec(text("SELECT count(*) FROM meta")).one()[0] == 2
                raise Boom("中途出错")
        assert helpers.count(tmp_db, "meta") == 0
        # the engine is still usable afterwards
        with db.transaction() as s:
            s.add(m.Meta(key="c", value="3"))
    assert helpers.rows(tmp_db, "meta") == [("c", "3")]


def test_rollback_also_covers_earlier_tables_in_the_same_transaction(tmp_db, helpers):
    with Database(tmp_db) as db:
        with pytest.raises(IntegrityError):
            with db.transaction() as s:
                s.add(_county())
                s.add(m.Meta(key="x", value="y"))
                s.flush()
                s.add(m.Meta(key="x", value="duplicate primary key"))
                s.flush()
    assert helpers.count(tmp_db, "org_unit") == 0
    assert helpers.count(tmp_db, "meta") == 0


def test_foreign_keys_are_enforced(tmp_db, helpers):
    with Database(tmp_db) as db:
        with db.transaction() as s:
            unit = _county()
            s.add(unit)
        with pytest.raises(IntegrityError, match="FOREIGN KEY|foreign key"):
            with db.transaction() as s:
                s.add(m.Meta(key="before", value="在同一事务中"))
                s.add(m.Member(owner_unit_id=unit.id, file_id="00000000-0000-0000-0000-000000000000",
                               name="孤儿", name_initials="ge", relation="child",
                               birth_date=date(2012, 3, 4)))
    assert helpers.count(tmp_db, "member") == 0
    assert helpers.count(tmp_db, "meta") == 0
    assert helpers.count(tmp_db, "org_unit") == 1


def test_deleting_a_referenced_row_is_refused(tmp_db, helpers):
    ids = helpers.seed(tmp_db)
    with Database(tmp_db) as db:
        with pytest.raises(IntegrityError):
            with db.transaction() as s:
                s.exec(text("DELETE FROM hardship_file WHERE id = :id").bindparams(id=ids["file"]))
    assert helpers.count(tmp_db, "hardship_file") == 1


def _try_write_lock(path) -> bool:
    """Can another connection take the write lock right now (without waiting)?"""
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        other.execute("ROLLBACK")
        return True


@pytest.mark.sqlite_only  # BEGIN IMMEDIATE: the file's one write lock
def test_transaction_takes_the_write_lock_at_begin(tmp_db):
    with Database(tmp_db) as db:
        with db.transaction():
            # nothing written yet, but the write lock is already held: BEGIN IMMEDIATE
            assert not _try_write_lock(tmp_db)
        assert _try_write_lock(tmp_db)
        with db.session() as s:
            s.exec(text("SELECT count(*) FROM meta")).one()
            assert _try_write_lock(tmp_db)  # a reading session does not block writers (WAL)


@pytest.mark.sqlite_only  # BEGIN IMMEDIATE: the file's one write lock
def test_write_connection_is_one_immediate_transaction(tmp_db, helpers):
    with Database(tmp_db) as db:
        if not hasattr(db, "write_connection"):
            pytest.skip("Database.write_connection not present")
        with pytest.raises(Boom):
            with db.write_connection() as conn:
                assert not _try_write_lock(tmp_db)
                conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('a', '1')")
                raise Boom
        assert helpers.count(tmp_db, "meta") == 0
        with db.write_connection() as conn:
            conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('a', '1')")
        assert helpers.count(tmp_db, "meta") == 1


@pytest.mark.sqlite_only  # a read-modify-write of the whole file; the server's counters: test_concurrency.py
def test_concurrent_read_modify_write_loses_no_update(tmp_db, helpers):
    """Two threads increment one counter, each increment a read-then-write transaction. With the write
    lock taken at BEGIN and a busy timeout, every increment lands and none fails with 'locked'."""
    per_thread = 40
    errors: list[BaseException] = []
    with Database(tmp_db) as db:
        with db.transaction() as s:
            s.add(m.NumberSequence(prefix="file:610826:2026", last=0))

        def bump() -> None:
            try:
                for _ in range(per_thread):
                    with db.transaction() as s:
                        seq = s.get(m.NumberSequence, "file:610826:2026")
                        seq.last += 1
                        s.add(seq)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=bump) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert helpers.rows(tmp_db, "number_sequence") == [("file:610826:2026", 2 * per_thread)]
