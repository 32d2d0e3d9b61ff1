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

from sqlalchemy import insert
from sqlmodel import select

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


def test_bulk_rows_are_stored_as_the_ordinary_executemany_stores_them(tmp_path: Path) -> None:
    fast, ordinary = tmp_path / "fast.sqlite", tmp_path / "ordinary.sqlite"
    with open_database(fast) as db:
        ensure_demo_unit(db)
        with db.session() as s:
            unit_id = s.get(m.Meta, "local_unit_id").value
            user_id = s.exec(select(m.User.id)).first()
    shutil.copyfile(fast, ordinary)
    gen = DemoGenerator(unit_id=unit_id, unit_code="610826", today=TODAY, seed=5)
    reference = gen.reference_rows(40)
    households = [gen.household() for _ in range(40)]
    files = [h[m.HardshipFile][0] for h in households]
    members = [mem for h in households for mem in h[m.Member]]
    files[0]["name"] = "阿卜杜热合曼·买买提依明·艾则孜"
    files[1].update(work_start_date=date(1998, 7, 1), disaster_or_accident=True, bank_account=None)
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
