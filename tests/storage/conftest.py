"""Fixtures for the storage tests: seeding real rows, reading them back with a plain second connection
(sqlite3, or psycopg on the server; pragmas, checkpoints and file bytes are the file's alone),
and extra Alembic revisions in a temporary copy of the migrations directory."""

from __future__ import annotations

import re
import shutil
import sqlite3
import textwrap
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from assist_desktop.storage import models as m
from assist_desktop.storage import schema
from sqlalchemy import column as sa_column
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import table as sa_table

from assist_desktop.storage.engine import Database
from tests.dbtools import Reader

CJK = re.compile(r"[\u4e00-\u9fff]")


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text))


class Helpers:
    """Small tools shared by the storage tests (a fixture, so no test module imports another)."""

    has_chinese = staticmethod(has_chinese)

    @staticmethod
    def seed(path: Path, *, n_members: int = 2, tag: str = "1") -> dict[str, str]:
        """Insert a county union, a grassroots union, an employer, a household file with members and
        a meta row, in one transaction through the program's own engine. Returns the ids."""
        county = m.OrgUnit(code=f"6108{tag:0>2}", name=f"某县总工会{tag}", level="county", owner_unit_id="")
        county.owner_unit_id = county.id
        grass = m.OrgUnit(code=f"G{tag}", name=f"某厂工会{tag}", level="grassroots",
                          owner_unit_id=county.id, parent_id=county.id)
        employer = m.Employer(owner_unit_id=county.id, name=f"某机械厂{tag}", uscc="91610826MA00000000")
        hf = m.HardshipFile(
            owner_unit_id=county.id, file_no=f"610826-2026-{tag:0>5}", filing_year=2026,
            unit_id=grass.id, status="active", category="deep", name="张三",
            name_initials="zs", id_number=f"61082619800101{tag:0>4}"[:18], id_tail=f"01{tag:0>4}",
            sex="男", birth_date=date(1980, 1, 1), phone="13800000000", address="某县某镇某村",
            employer_id=employer.id, employer_name=employer.name, primary_cause=1,
            household_size=n_members + 1, worker_monthly_income_fen=150_000,
        )
        members = [
            m.Member(owner_unit_id=county.id, file_id=hf.id, seq=i + 1, name=f"成员{i}",
                     name_initials=f"cy{i}", relation="child", birth_date=date(2010, 1, 1 + i))
            for i in range(n_members)
        ]
        # a file at an older revision lacks the columns later revisions added: the rows go in through Core
        # with only the columns the file has
        from assist_desktop.storage import sort_keys

        with Database(path) as db, db.transaction() as s:
            conn = s.connection()
            for obj in (county, grass, employer, hf, *members):
                table = type(obj).__table__  # type: ignore[attr-defined]
                have = {c["name"] for c in sa_inspect(conn).get_columns(table.name)}
                row = {c.name: getattr(obj, c.name) for c in table.columns if c.name in have}
                sort_keys.fill(table.name, [row])  # as the program's writes keep a name's pinyin sort key
                row = {k: v for k, v in row.items() if k in have}
                # a table of only these columns: the model's would add the defaults of the columns the file lacks
                bare = sa_table(table.name, *(sa_column(name) for name in row))
                conn.execute(bare.insert().values({k: v.isoformat() if isinstance(v, date) else v
                                                   for k, v in row.items()}))
            s.add(m.Meta(key=f"seed-{tag}", value="种子数据"))
        return {"county": county.id, "grass": grass.id, "employer": employer.id, "file": hf.id,
                "members": ",".join(x.id for x in members)}

    @staticmethod
    def tables(path: Path) -> list[str]:
        with closing(Reader(path)) as r:
            return r.tables()

    @staticmethod
    def rows(path: Path, table: str) -> list[tuple]:
        """All rows of a table, read by a second, plain connection (sqlite3 or psycopg), in a stable order."""
        with closing(Reader(path)) as r:
            return r.rows(table)

    @staticmethod
    def count(path: Path, table: str, where: str = "1") -> int:
        with closing(Reader(path)) as r:
            return r.count(table, where)

    @classmethod
    def snapshot(cls, path: Path) -> dict[str, list[tuple]]:
        """Every row of every table except Alembic's bookkeeping."""
        return {t: cls.rows(path, t) for t in cls.tables(path) if t != "alembic_version"}

    @classmethod
    def snapshot_as(cls, path: Path, like: Path) -> dict[str, list[tuple]]:
        """Every row of the tables ``like`` has, read with ``like``'s columns only: what an upgrade must keep
        (a column a later revision added is not part of it)."""
        out = {}
        with closing(sqlite3.connect(path)) as conn:
            for t in cls.tables(like):
                if t == "alembic_version":
                    continue
                columns = ", ".join(f'"{c}"' for c in cls.columns(like, t))
                out[t] = sorted(conn.execute(f'SELECT {columns} FROM "{t}"').fetchall(), key=repr)
        return out

    @staticmethod
    def pragma(path: Path, name: str) -> object:
        with closing(sqlite3.connect(path)) as conn:
            return conn.execute(f"PRAGMA {name}").fetchone()[0]

    @staticmethod
    def revision(path: Path) -> str | None:
        with closing(Reader(path)) as r:
            return r.scalar("SELECT version_num FROM alembic_version")

    @staticmethod
    def columns(path: Path, table: str) -> list[str]:
        with closing(Reader(path)) as r:
            return r.columns(table)

    @staticmethod
    def checkpoint(path: Path) -> None:
        """Fold the WAL into the main file, so the main file's bytes are the whole database."""
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @staticmethod
    def file_bytes(path: Path) -> dict[str, bytes]:
        """The database file and any non-empty -wal/-journal beside it. (-shm is only an index, rebuilt
        at will; an empty -wal holds nothing: a read-only connection may leave one behind.)"""
        out = {}
        for suffix in ("", "-wal", "-journal"):
            f = Path(f"{path}{suffix}")
            if f.exists() and (suffix == "" or f.stat().st_size):
                out[suffix or "main"] = f.read_bytes()
        return out


@pytest.fixture
def helpers() -> type[Helpers]:
    return Helpers


@pytest.fixture
def extra_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """``extra_migrations(body_1, body_2, …)``: copy the real migrations to tmp, append revisions
    t002, t003, … after the real head whose ``upgrade()`` bodies are given, and point
    ``schema.MIGRATIONS_DIR`` at the copy."""

    def make(*bodies: str) -> Path:
        target = tmp_path / "migrations_copy"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(schema.MIGRATIONS_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
        previous = schema.head_revision()
        for n, body in enumerate(bodies, start=2):
            rev = f"t{n:03d}"
            source = (
                f'"""Test revision {rev}."""\n'
                "import sqlalchemy as sa\nfrom alembic import op\n\n"
                f"revision = {rev!r}\ndown_revision = {previous!r}\n"
                "branch_labels = None\ndepends_on = None\n\n\n"
                "def upgrade() -> None:\n" + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")
                + "\n\ndef downgrade() -> None:\n    raise NotImplementedError\n"
            )
            (target / "versions" / f"{rev}_test.py").write_text(source, encoding="utf-8")
            previous = rev
        monkeypatch.setattr(schema, "MIGRATIONS_DIR", target)
        assert schema.head_revision() == previous
        return target

    return make
