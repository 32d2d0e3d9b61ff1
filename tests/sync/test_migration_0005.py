"""Migration 0005 on a county's database from revision 0004 (as that program wrote it): the sync tables
appear, a live file's ID number becomes unique per owning unit, every row and name piece stays, and the
upgraded county gets its encryption key the first time it needs one."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.dbtools import connect
import pytest
from sqlmodel import select

from assist_desktop.storage import models as m
from assist_desktop.storage.schema import FileState, ensure_schema, open_database
from assist_desktop.sync import keys as sync_keys

FIXTURE = Path(__file__).parents[1] / "storage" / "fixtures" / "revision-0004.sqlite.gz"


@pytest.fixture
def county_at_0004(tmp_path: Path) -> Path:
    path = tmp_path / "assist.sqlite"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def test_0005_adds_the_sync_tables_and_scopes_the_live_id_number(county_at_0004: Path, tmp_path: Path) -> None:
    with closing(connect(county_at_0004)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
        grams = set(conn.execute("SELECT gram, file_rowid FROM name_gram"))
        files = set(conn.execute("SELECT rowid, id FROM hardship_file"))
    assert ensure_schema(county_at_0004, tmp_path / "backups").kind == "older"
    with closing(connect(county_at_0004)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        index = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'uq_hardship_file_live_id_number'").fetchone()[0]
        assert {"sync_package", "sync_unit_head", "key_revocation"} <= tables
        assert "owner_unit_id, id_number" in index.replace('"', "") and "exited" in index
        # not rebuilt: the files keep their rowids, so the name pieces still point at them
        assert set(conn.execute("SELECT rowid, id FROM hardship_file")) == files
        assert set(conn.execute("SELECT gram, file_rowid FROM name_gram")) == grams
        unit = conn.execute("SELECT value FROM meta WHERE key = 'local_unit_id'").fetchone()[0]
        row = conn.execute("SELECT * FROM hardship_file WHERE status = 'active' LIMIT 1").fetchone()
        columns = [c[1] for c in conn.execute("PRAGMA table_info(hardship_file)")]
        other = dict(zip(columns, row))
        conn.execute("INSERT INTO org_unit (id, owner_unit_id, usn, mtime, version, code, name, level, active) "
                     "VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 0, 0, 1, "
                     "'610827', '米脂县总工会', 'county', 1)")
        other.update(id="00000000-0000-4000-8000-000000000002", file_no="610827-2026-00001",
                     owner_unit_id="00000000-0000-4000-8000-000000000001")
        conn.execute(f"INSERT INTO hardship_file ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     list(other.values()))  # the same person, live in another county: allowed now
        other.update(id="00000000-0000-4000-8000-000000000003", file_no="610826-2026-99999", owner_unit_id=unit)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # … and still one live file per county
            conn.execute(f"INSERT INTO hardship_file ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         list(other.values()))
        conn.rollback()


def test_an_upgraded_county_makes_its_encryption_key_when_first_needed(county_at_0004: Path, tmp_path: Path) -> None:
    assert ensure_schema(county_at_0004, tmp_path / "backups") == FileState("older", "0004")
    with open_database(county_at_0004) as db, db.session() as s:
        assert s.exec(select(m.UnitKey).where(m.UnitKey.purpose == "encrypt")).first() is None
        info = sync_keys.read_key_file(sync_keys.export_key_file(s, None))
        keys = s.exec(select(m.UnitKey)).all()
    assert {k.purpose for k in keys} == {"sign", "encrypt"}
    assert info.code == "610826" and info.current("encrypt").key_id in {k.key_id for k in keys}
