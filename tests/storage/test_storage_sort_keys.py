"""Names sort by pinyin (issue 18): the sort key stored beside the names of files, applications and visits
is filled for a file made before (migration 0008), and kept by every write path — the services (ORM),
Core bulk inserts (demo data, ledger import, list generation) and sync import."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from assist_desktop.domain.names import pinyin_sort_key
from assist_desktop.storage.schema import ensure_schema

FIXTURES = Path(__file__).parent / "fixtures"


def _keys(path: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(path)) as conn:
        return {table: conn.execute(f'SELECT {name}, {key} FROM "{table}"').fetchall()
                for table, name, key in (("hardship_file", "name", "name_sort"),
                                         ("scholarship", "student_name", "student_name_sort"),
                                         ("visit", "recipient_name", "recipient_name_sort"))}


def test_a_file_made_before_gets_its_sort_keys(tmp_path: Path) -> None:
    path = tmp_path / "assist.sqlite"
    with gzip.open(FIXTURES / "revision-0005.sqlite.gz") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    ensure_schema(path, tmp_path / "backups")
    found = _keys(path)
    assert found["hardship_file"] and found["visit"]
    for rows in found.values():
        assert all(key == pinyin_sort_key(name) for name, key in rows)
    with closing(sqlite3.connect(path)) as conn:  # indexed: the lists walk the key in order
        indexes = {r[1] for r in conn.execute("SELECT * FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_hardship_file_name_sort", "ix_scholarship_student_name_sort", "ix_visit_recipient_name_sort"} <= indexes


def test_every_write_path_keeps_the_key(tmp_path: Path) -> None:
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import open_database

    path = tmp_path / "demo.sqlite"
    with open_database(path) as db:  # Core bulk inserts of households, applications and visits
        generate_demo(db, 40, seed=7)
        from sqlmodel import select

        from assist_desktop.storage.models import HardshipFile

        with db.transaction() as s:  # an ORM rename
            hf = s.exec(select(HardshipFile).limit(1)).one()
            hf.name = "单丽"
    found = _keys(path)
    assert all(rows for rows in found.values())
    for rows in found.values():
        assert all(key == pinyin_sort_key(name) for name, key in rows)
    assert ("单丽", pinyin_sort_key("单丽")) in found["hardship_file"] and pinyin_sort_key("单丽").startswith("shan4")
