"""``storage.bulk.insert_rows`` compiles the Core insert once and runs each column's bind processor itself:
what it stores must be byte for byte what SQLAlchemy's ordinary executemany stores (dates, datetimes with a
time zone, booleans, None, the pinyin sort key), and rows whose values come from Python-side defaults go the
ordinary way."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import select

from assist_desktop.domain.names import pinyin_sort_key
from assist_desktop.services.demo import DemoGenerator, ensure_demo_unit
from assist_desktop.storage import models as m
from assist_desktop.storage import sort_keys
from assist_desktop.storage.bulk import _positional, insert_rows
from assist_desktop.storage.schema import open_database

TODAY = date(2026, 11, 21)


def _stored(path: Path, table: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        picked = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
        return conn.execute(f'SELECT {picked} FROM "{table}" ORDER BY id').fetchall()


def _forty_households(unit_id: str) -> tuple[dict, list[dict], list[dict]]:
    """The demo's reference rows and 40 households as rows (files, members), with the longest real name a file
    holds and a file whose optional values are missing."""
    gen = DemoGenerator(unit_id=unit_id, unit_code="610826", today=TODAY, seed=5)
    reference = gen.reference_rows(40)
    households = [gen.household() for _ in range(40)]
    files = [h[m.HardshipFile][0] for h in households]
    members = [mem for h in households for mem in h[m.Member]]
    files[0]["name"] = "阿卜杜热合曼·买买提依明·艾则孜"
    files[1].update(work_start_date=date(1998, 7, 1), disaster_or_accident=True, bank_account=None)
    return reference, files, members


def test_bulk_rows_are_stored_as_the_ordinary_executemany_stores_them(tmp_path: Path) -> None:
    fast, ordinary = tmp_path / "fast.sqlite", tmp_path / "ordinary.sqlite"
    with open_database(fast) as db:
        ensure_demo_unit(db)
        with db.session() as s:
            unit_id = s.get(m.Meta, "local_unit_id").value
            user_id = s.exec(select(m.User.id)).first()
    shutil.copyfile(fast, ordinary)
    reference, files, members = _forty_households(unit_id)
    batch = {"id": m.new_id(), "owner_unit_id": unit_id, "usn": -1, "mtime": 1, "version": 1, "kind": "files",
             "file_name": "台账.xlsx", "file_sha256": "0" * 64, "sheets": "花名册", "households": 40, "members": 0,
             "status": "pending", "created_by": user_id, "created_by_name": "王建军",
             "created_at": datetime(2026, 11, 21, 8, 30, 5, 120000, tzinfo=UTC)}
    # the template of an import row: every column given (None where unset)
    batch = {**{c.name: None for c in m.ImportBatch.__table__.columns}, **batch}
    assert _positional(m.HardshipFile.__table__, tuple(files[0]) + ("name_sort",), _dialect(fast)) is not None
    with open_database(fast) as db, db.write_connection() as conn:
        for model, ref in reference.items():
            insert_rows(conn, model, ref)
        insert_rows(conn, m.HardshipFile, [dict(f) for f in files])
        insert_rows(conn, m.Member, [dict(x) for x in members])
        insert_rows(conn, m.ImportBatch, [dict(batch)])
    with open_database(ordinary) as db, db.write_connection() as conn:
        for model, ref in reference.items():
            rows = [dict(r) for r in ref]
            sort_keys.fill(model.__tablename__, rows)
            conn.execute(insert(model.__table__), rows)
        for model, rows in ((m.HardshipFile, files), (m.Member, members), (m.ImportBatch, [batch])):
            rows = [dict(r) for r in rows]
            sort_keys.fill(model.__tablename__, rows)
            conn.execute(insert(model.__table__), rows)
    for table in ("hardship_file", "member", "import_batch", *(model.__tablename__ for model in reference)):
        assert _stored(fast, table) == _stored(ordinary, table), table
    stored = dict((r[0], r) for r in _stored(fast, "hardship_file"))
    assert len(stored) == 40
    with closing(sqlite3.connect(fast)) as conn:
        assert conn.execute("SELECT created_at FROM import_batch").fetchone()[0] == "2026-11-21 08:30:05.120000"
        assert conn.execute("SELECT disaster_or_accident, work_start_date FROM hardship_file WHERE id = ?",
                            (files[1]["id"],)).fetchone() == (1, "1998-07-01")


def _dialect(path: Path):
    with open_database(path) as db, db.write_connection() as conn:
        return conn.dialect


def test_rows_relying_on_python_defaults_take_the_ordinary_way(tmp_path: Path) -> None:
    """Tombstones without their id and mtime: the columns' Python-side defaults make them, as with any Core insert."""
    path = tmp_path / "a.sqlite"
    with open_database(path) as db:
        ensure_demo_unit(db)
        with db.session() as s:
            unit_id = s.get(m.Meta, "local_unit_id").value
    rows = [{"table_name": "visit", "row_id": m.new_id(), "owner_unit_id": unit_id, "usn": -1} for _ in range(3)]
    assert _positional(m.Tombstone.__table__, tuple(rows[0]), _dialect(path)) is None
    with open_database(path) as db, db.write_connection() as conn:
        assert insert_rows(conn, m.Tombstone, rows) == 3
    with closing(sqlite3.connect(path)) as conn:
        stored = conn.execute("SELECT id, mtime, row_id FROM tombstone").fetchall()
    assert len({i for i, _, _ in stored}) == 3 and all(mtime > 0 for _, mtime, _ in stored)
    assert sorted(r for _, _, r in stored) == sorted(r["row_id"] for r in rows)


# --- PostgreSQL: one COPY a call --------------------------------------------------------------------------


def _server_rows(location: object, table: str) -> list[tuple]:
    from sqlalchemy import text

    with open_database(location) as db, db.engine.connect() as conn:
        columns = [c.name for c in getattr(m, "SQLModel").metadata.tables[table].columns]
        picked = ", ".join(f'"{c}"' for c in columns)
        return [tuple(r) for r in conn.execute(text(f'SELECT {picked} FROM "{table}" ORDER BY id'))]


def _demo_unit(location: object) -> None:
    with open_database(location) as db:
        ensure_demo_unit(db)


@pytest.mark.postgresql_only
def test_server_bulk_rows_go_through_copy_and_are_stored_as_the_insert_stores_them(
        engine: str, databases, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """On a server, ``insert_rows`` sends a call's rows through one COPY (psycopg's executemany sends one INSERT
    a row, each firing the name pieces' statement triggers for its one row): every value — dates, datetimes
    with a time zone, booleans, None, the sort key, a JSON document, bytes — is what the ordinary Core insert
    stores, and the triggers cut the same name pieces."""
    from sqlalchemy import event, text

    demo_unit = databases.template("bulk_demo_unit", lambda location: _demo_unit(location))
    fast, ordinary = databases.copy(demo_unit, tmp_path), databases.copy(demo_unit, tmp_path)
    with open_database(fast) as db, db.session() as s:
        unit_id = s.get(m.Meta, "local_unit_id").value
    reference, files, members = _forty_households(unit_id)
    created = datetime(2026, 11, 21, 8, 30, 5, 120000, tzinfo=UTC)
    events = [{**{c.name: None for c in m.AuditEvent.__table__.columns},
               "id": m.new_id(), "seq": 900 + i, "at": created, "actor_name": "演示", "entity_type": "hardship_file",
               "entity_id": files[i]["id"], "action": "create", "changes": '{"a":[1,"二"],"b":null}',
               "prev_hash": "0" * 64, "hash": f"{i:064d}"} for i in range(3)]
    keys = [{**{c.name: None for c in m.UnitKey.__table__.columns}, "id": m.new_id(), "unit_id": unit_id,
             "purpose": "sign", "algorithm": "ed25519", "key_id": "00AB", "public_key": bytes(range(32)),
             "private_key": b"\x00\\\n\t" * 8, "created_at": created, "retired_at": created}]
    tables = [*reference.items(), (m.HardshipFile, files), (m.Member, members), (m.AuditEvent, events),
              (m.UnitKey, keys)]
    statements: list[str] = []
    with open_database(fast) as db:
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        with db.write_connection() as conn:
            for model, rows in tables:
                assert insert_rows(conn, model, [dict(r) for r in rows]) == len(rows)
    assert not [s for s in statements if s.lstrip().upper().startswith("INSERT")]  # no INSERT a row
    with open_database(ordinary) as db, db.write_connection() as conn:
        for model, rows in tables:
            rows = [dict(r) for r in rows]
            sort_keys.fill(model.__tablename__, rows)
            conn.execute(insert(model.__table__), rows)
    for model, _rows in tables:
        table = model.__tablename__
        assert _server_rows(fast, table) == _server_rows(ordinary, table), table
    with open_database(fast) as a, open_database(ordinary) as b, a.engine.connect() as ca, b.engine.connect() as cb:
        grams = "SELECT gram, file_no FROM name_gram ORDER BY 1, 2"
        got = [tuple(r) for r in ca.execute(text(grams))]
        assert got == [tuple(r) for r in cb.execute(text(grams))]
        assert ("艾则", files[0]["file_no"]) in got and len(got) > 40 * 3
        assert ca.execute(text("SELECT changes->'a'->>1 FROM audit_event WHERE seq = 900")).scalar_one() == "二"


@pytest.mark.postgresql_only
def test_a_server_copy_that_fails_is_refused_as_the_insert_would_be(engine: str, databases,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path) -> None:
    """A duplicate id in the rows of a COPY raises SQLAlchemy's IntegrityError (the callers tell a refusal by
    it), the transaction rolls back whole, and rows relying on Python-side defaults still go in on a server."""
    from sqlalchemy.exc import IntegrityError

    location = databases.new(tmp_path)
    with open_database(location) as db:
        ensure_demo_unit(db)
        with db.session() as s:
            unit_id = s.get(m.Meta, "local_unit_id").value
    gen = DemoGenerator(unit_id=unit_id, unit_code="610826", today=TODAY, seed=6)
    reference = gen.reference_rows(20)
    units = reference[m.OrgUnit]
    with open_database(location) as db, db.write_connection() as conn:  # rows without their sort key (a ledger's)
        for model, ref in reference.items():
            insert_rows(conn, model, ref)
        files = [gen.household()[m.HardshipFile][0] for _ in range(3)]
        for f in files:
            del f["name_sort"]
        insert_rows(conn, m.HardshipFile, files, chunk=2)
    with open_database(location) as db, db.session() as s:
        stored = {f.name: f.name_sort for f in s.exec(select(m.HardshipFile)).all()}
    assert stored == {f["name"]: pinyin_sort_key(f["name"]) for f in files} and all(stored.values())
    units = [dict(u, id=m.new_id(), code=u["code"] + "X") for u in units]
    with pytest.raises(IntegrityError):
        with open_database(location) as db, db.write_connection() as conn:
            insert_rows(conn, m.OrgUnit, [dict(u) for u in units] + [dict(units[0])])
    with open_database(location) as db, db.session() as s:
        assert s.exec(select(m.OrgUnit).where(m.OrgUnit.code.like("%X"))).all() == []
    tombstones = [{"table_name": "visit", "row_id": m.new_id(), "owner_unit_id": unit_id, "usn": -1} for _ in range(3)]
    with open_database(location) as db, db.write_connection() as conn:
        assert insert_rows(conn, m.Tombstone, tombstones) == 3
    with open_database(location) as db, db.session() as s:
        stored = s.exec(select(m.Tombstone)).all()
    assert len({t.id for t in stored}) == 3 and all(t.mtime > 0 for t in stored)
