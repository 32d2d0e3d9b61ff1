"""The tests' databases on either engine, and a second, plain reader of them.

The storage, services, sync and reliability suites run on SQLite and on PostgreSQL (``engine`` is a
parameter of their fixtures, see tests/conftest.py). A database is a ``Location``: a file path (SQLite) or a
``ServerAddress`` (PostgreSQL, a database of the session's throw-away cluster, tests/pgcluster.py).

- ``Databases.new()``: an empty database at the head revision;
- ``Databases.template(key, build)``: a database built once per session by ``build(location)`` (password
  hashing and demo data are slow on purpose), and ``copy(template)``: a fresh copy of it per test — a file
  copy, or ``CREATE DATABASE … TEMPLATE`` on the server. Copies are made ahead in a background thread and
  dropped after the test, so the server's work overlaps the tests' own.
- ``reader(location)``: a second connection that is not the program's (``sqlite3`` or ``psycopg``), to read
  back what the program wrote, with ``?`` placeholders on both engines.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from assist_desktop.storage.location import Location, ServerAddress

ENGINES = ("sqlite", "postgresql")
SUITES = ("storage", "services", "sync", "reliability")  # the suites that run on both engines


DEFAULT_ENGINES = ENGINES  # both; tests/conftest.py chooses which tests the server leg runs (ASSIST_PG_SELECTION)


def wanted_engines() -> tuple[str, ...]:
    """``ASSIST_TEST_ENGINES=sqlite`` runs the suites on SQLite alone (a quick run on a PC without PostgreSQL)."""
    given = os.environ.get("ASSIST_TEST_ENGINES")
    if not given:
        return DEFAULT_ENGINES
    chosen = tuple(e.strip() for e in given.split(",") if e.strip())
    unknown = set(chosen) - set(ENGINES)
    if unknown:
        raise ValueError(f"ASSIST_TEST_ENGINES: unknown engine(s) {sorted(unknown)}; known: {ENGINES}")
    return chosen


# --- reading a database as a second program would ----------------------------------------------------------


class Reader:
    """A plain DB-API connection: ``query``/``scalar``/``execute`` with ``?`` placeholders on both engines."""

    def __init__(self, location: Location) -> None:
        self.location = location
        self.postgres = isinstance(location, ServerAddress)
        if self.postgres:
            import psycopg

            a = location
            self.conn: Any = psycopg.connect(host=a.host, port=a.port, dbname=a.database, user=a.username,
                                             password=a.password, options="-c TimeZone=UTC")
            sqlite_forms(self.conn)
        else:
            self.conn = sqlite3.connect(location)

    def _sql(self, sql: str) -> str:
        if not self.postgres:
            return sql
        return sql.replace("%", "%%").replace("?", "%s")

    def query(self, sql: str, params: Any = ()) -> list[tuple]:
        cur = self.conn.execute(self._sql(sql), tuple(params))
        rows = [tuple(r) for r in cur.fetchall()] if cur.description else []
        if self.postgres:
            self.conn.rollback()  # no snapshot held between reads
        return rows

    def scalar(self, sql: str, params: Any = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def execute(self, sql: str, params: Any = ()) -> int:
        """A write behind the program's back (committed)."""
        cur = self.conn.execute(self._sql(sql), tuple(params))
        self.conn.commit()
        return cur.rowcount

    def tables(self) -> list[str]:
        if self.postgres:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        return sorted(r[0] for r in self.query(sql))

    def count(self, table: str, where: str = "1") -> int:
        return self.scalar(f'SELECT count(*) FROM "{table}" WHERE {where_clause(where, self.postgres)}')

    def columns(self, table: str) -> list[str]:
        if self.postgres:
            return [r[0] for r in self.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position", (table,)) if r[0] != "rowid"]
        return [r[1] for r in self.query(f'PRAGMA table_info("{table}")')]

    def rows(self, table: str, columns: str | None = None) -> list[tuple]:
        """All rows (the program's columns only), in a stable order."""
        cols = columns or ", ".join(f'"{c}"' for c in self.columns(table))
        return sorted(self.query(f'SELECT {cols} FROM "{table}"'), key=repr)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def where_clause(where: str, postgres: bool) -> str:
    """SQLite takes ``WHERE 1``; PostgreSQL wants a boolean."""
    return "true" if postgres and where.strip() == "1" else where


def audit_changes(location: Location, where: str = "1 = 1") -> list[dict[str, Any]]:
    """The ``changes`` of the audit events that match, as JSON (text on a file, JSONB on a server)."""
    import json

    return [json.loads(r[0]) for r in query(location, f"SELECT changes FROM audit_event WHERE {where} ORDER BY seq")]


def reader(location: Location) -> Reader:
    return Reader(location)


def query(location: Location, sql: str, *params: Any) -> list[tuple]:
    with closing(Reader(location)) as r:
        return r.query(sql, params)


def count(location: Location, table: str, where: str = "1") -> int:
    with closing(Reader(location)) as r:
        return r.count(table, where)


# --- a DB-API connection that reads like sqlite3's ---------------------------------------------------------


class _Row(dict):  # type: ignore[type-arg]
    """By name and by position, like ``sqlite3.Row``."""

    def __init__(self, names: list[str], values: tuple) -> None:
        super().__init__(zip(names, values))
        self._values = values

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, slice)):
            return self._values[key]
        return super().__getitem__(key)

    def keys(self) -> list[str]:  # type: ignore[override]
        return list(super().keys())

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return tuple(self._values) == (tuple(other) if isinstance(other, (tuple, list, _Row)) else other)

    __hash__ = None  # type: ignore[assignment]


class _Cursor:
    def __init__(self, cur: Any, rows_as: Any) -> None:
        self.cur, self.rows_as = cur, rows_as
        self.rowcount = cur.rowcount
        self.description = cur.description

    def _row(self, row: Any) -> Any:
        if row is None or self.rows_as is None:
            return tuple(row) if row is not None else None
        return _Row([d.name for d in self.cur.description], tuple(row))

    def fetchone(self) -> Any:
        return self._row(self.cur.fetchone()) if self.cur.description else None

    def fetchall(self) -> list[Any]:
        return [self._row(r) for r in self.cur.fetchall()] if self.cur.description else []

    def fetchmany(self, n: int = 1) -> list[Any]:
        return [self._row(r) for r in self.cur.fetchmany(n)]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


def sqlite_forms(conn: Any) -> None:
    """Values read back in the forms SQLite stores them (what the tests compare with): booleans as 0/1, dates as
    ``YYYY-MM-DD``, date-times in UTC as ``YYYY-MM-DD HH:MM:SS.ffffff``, JSON as its text."""
    from datetime import datetime as dt
    from decimal import Decimal

    from psycopg.adapt import Loader

    class Bool(Loader):
        def load(self, data: Any) -> int:
            return 1 if bytes(data) == b"t" else 0

    class Text(Loader):
        def load(self, data: Any) -> str:
            return bytes(data).decode("utf-8")

    class Stamp(Loader):
        def load(self, data: Any) -> str:
            text = bytes(data).decode("ascii")
            parsed = dt.fromisoformat(text + ("00" if text[-3:-2] in "+-" else ""))
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(UTC).replace(tzinfo=None)
            return parsed.strftime("%Y-%m-%d %H:%M:%S.%f")

    class Number(Loader):  # sum() of integers is NUMERIC on a server, an integer on SQLite
        def load(self, data: Any) -> Any:
            text = bytes(data).decode("ascii")
            return int(text) if text.lstrip("-").isdigit() else Decimal(text)

    for name, loader in (("bool", Bool), ("numeric", Number), ("date", Text), ("json", Text), ("jsonb", Text), ("timestamp", Stamp),
                         ("timestamptz", Stamp)):
        conn.adapters.register_loader(name, loader)


class PgConnection:
    """psycopg taking sqlite3's ``?`` placeholders and ``instr``; ``row_factory`` set to anything gives rows by
    name too. Writes wait for ``commit()`` as sqlite3's do; ``close()`` without it rolls them back."""

    def __init__(self, address: ServerAddress) -> None:
        import psycopg

        a = address
        self.conn = psycopg.connect(host=a.host, port=a.port, dbname=a.database, user=a.username,
                                    password=a.password, options="-c TimeZone=UTC")
        sqlite_forms(self.conn)
        self.row_factory: Any = None

    @staticmethod
    def sql(sql: str) -> str:
        # SQLite's "WHERE 1" / "AND 1" (a test's "no further condition") is PostgreSQL's "true"
        sql = re.sub(r"\b(AND|WHERE)\s+1(?=\s*(?:$|AND\b|ORDER\b|GROUP\b|LIMIT\b|\)))", r"\1 true", sql)
        sql = re.sub(r"\bchar\(", "chr(", sql)  # SQLite's char(27) is PostgreSQL's chr(27)
        # SQLite's dates are text: substr(opened_on, 1, 4) is the year; a server's DATE is cast to its text first
        sql = re.sub(r"\bsubstr\(([\w.]+),", r"substr(CAST(\1 AS text),", sql)
        return sql.replace("%", "%%").replace("?", "%s").replace("instr(", "strpos(")

    def execute(self, sql: str, params: Any = ()) -> _Cursor:
        return _Cursor(self.conn.execute(self.sql(sql), tuple(params)), self.row_factory)  # type: ignore[arg-type]

    def executemany(self, sql: str, rows: Any) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(self.sql(sql), [tuple(r) for r in rows])  # type: ignore[arg-type]

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "PgConnection":
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:  # as sqlite3's: commit, or roll back on error
        if exc_type is None:
            self.conn.commit()
        else:
            self.conn.rollback()


def triggers(conn: Any) -> set[str]:
    """Names of the triggers on ``conn`` (from ``connect``), on either engine."""
    if isinstance(conn, PgConnection):
        return {r[0] for r in conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").fetchall()}
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def indexes(conn: Any) -> set[str]:
    if isinstance(conn, PgConnection):
        return {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                                           ).fetchall()}
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def connect(location: Location) -> Any:
    """A second connection to the database: ``sqlite3.connect`` for a file, a look-alike for the server."""
    if isinstance(location, ServerAddress):
        return PgConnection(location)
    return sqlite3.connect(location)


# --- databases for the tests -----------------------------------------------------------------------------


class Template:
    def __init__(self, key: str, location: Location) -> None:
        self.key, self.location = key, location


class Databases:
    """See the module docstring. One per engine per session."""

    def __init__(self, engine: str, root: Path, cluster: Any = None) -> None:
        self.engine, self.root, self.cluster = engine, root, cluster
        self.templates: dict[str, Template] = {}
        self._ready: dict[str, "queue.Queue[ServerAddress]"] = {}
        self._drops: "queue.Queue[str | None]" = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self._names = 0

    @property
    def postgres(self) -> bool:
        return self.engine == "postgresql"

    def _name(self, stem: str) -> str:
        with self._lock:
            self._names += 1
            return f"{stem}_{self._names}_{uuid.uuid4().hex[:6]}"

    def address(self, database: str) -> ServerAddress:
        return ServerAddress.parse(self.cluster.url(database))

    # empty databases
    def new(self, tmp_path: Path, name: str = "assist.sqlite") -> Location:
        """An empty database at the head revision (``tmp_db``)."""
        from assist_desktop.storage.schema import ensure_schema

        if not self.postgres:
            path = tmp_path / name
            ensure_schema(path, tmp_path / "backups")
            return path
        return self.copy(self.template("empty", lambda _location: None), tmp_path)

    def blank(self, tmp_path: Path, name: str = "assist.sqlite") -> Location:
        """A location with no database yet (a file not there; on the server an empty database, no tables)."""
        if not self.postgres:
            return tmp_path / name
        database = self._name("blank")
        self.cluster.execute(f'CREATE DATABASE "{database}"')
        return self.address(database)

    # built once, copied per test
    def template(self, key: str, build: Callable[[Location], None]) -> Template:
        if key in self.templates:
            return self.templates[key]
        from assist_desktop.storage.schema import ensure_schema

        if self.postgres:
            database = f"tpl_{key}"
            self.cluster.execute(f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"')
            location: Location = self.address(database)
            ensure_schema(location)
            build(location)
        else:
            folder = self.root / f"tpl-{key}"
            folder.mkdir(parents=True, exist_ok=True)
            location = folder / "assist.sqlite"
            ensure_schema(location, folder / "backups")
            build(location)
            checkpoint(location)
        template = self.templates[key] = Template(key, location)
        if self.postgres:
            self._ready[key] = queue.Queue()
            self._start_worker()
            self._drops.put(f"prepare:{key}")
        return template

    def group(self, key: str, names: tuple[str, ...], build: Callable[[dict[str, Location]], None]
              ) -> dict[str, Template]:
        """Several databases built together (a county, its city and province, enrolled with each other)."""
        found = {n: self.templates.get(f"{key}_{n}") for n in names}
        if all(found.values()):
            return found  # type: ignore[return-value]
        from assist_desktop.storage.schema import ensure_schema

        locations: dict[str, Location] = {}
        for name in names:
            if self.postgres:
                database = f"tpl_{key}_{name}"
                self.cluster.execute(f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"')
                locations[name] = self.address(database)
            else:
                folder = self.root / f"tpl-{key}"
                folder.mkdir(parents=True, exist_ok=True)
                locations[name] = folder / f"{name}.sqlite"
            ensure_schema(locations[name])
        build(locations)
        out = {}
        for name, location in locations.items():
            if not self.postgres:
                checkpoint(location)  # type: ignore[arg-type]
            out[name] = self.templates[f"{key}_{name}"] = Template(f"{key}_{name}", location)
            if self.postgres:
                self._ready[f"{key}_{name}"] = queue.Queue()
                self._start_worker()
                self._drops.put(f"prepare:{key}_{name}")
        return out

    def snapshot(self, location: Location, path: Path) -> Location:
        """A copy of a database as it is now (its connections closed first by the caller on the server)."""
        if not self.postgres:
            with closing(sqlite3.connect(location)) as src, closing(sqlite3.connect(path)) as dst:
                src.backup(dst)
            return path
        database = self._name("snap")
        self.cluster.execute(f'CREATE DATABASE "{database}" TEMPLATE "{location.database}"')  # type: ignore[union-attr]
        return self.address(database)

    def restore(self, location: Location, copy: Location) -> None:
        """The database as it was at ``snapshot`` (an office going back to a backup). On the server a copy of
        the snapshot is made ahead in the background, and a restore swaps it in by name (the fuzz tests
        restore after every package that applied: DROP and CREATE … TEMPLATE there were ~1 s each)."""
        if not self.postgres:
            for suffix in ("-wal", "-shm"):
                Path(f"{location}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(copy, location)  # type: ignore[arg-type]
            return
        name, source = location.database, copy.database  # type: ignore[union-attr]
        with self._lock:
            ready = self._ready.setdefault(f"={source}", queue.Queue())
        try:
            spare = ready.get_nowait().database
        except queue.Empty:
            spare = None
        self._start_worker()
        if spare is not None:
            trash = self._name("trash")
            try:  # the database's own connections were closed by the caller; any left are ended (as FORCE does)
                self.cluster.execute(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
                    f'ALTER DATABASE "{name}" RENAME TO "{trash}"', f'ALTER DATABASE "{spare}" RENAME TO "{name}"')
            except Exception:  # noqa: BLE001 - not swapped: made the plain way below
                self._drops.put(f"drop:{spare}")
                spare = None
            else:
                self._drops.put(f"drop:{trash}")
        if spare is None:
            self.cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                                 f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        self._drops.put(f"prepare:={source}")  # the next restore's copy

    def copy(self, template: Template, tmp_path: Path, name: str = "assist.sqlite") -> Location:
        if not self.postgres:
            path = tmp_path / name
            shutil.copyfile(template.location, path)
            return path
        ready = self._ready[template.key]
        try:
            address = ready.get_nowait()
        except queue.Empty:
            address = self._clone(template.key)
        self._drops.put(f"prepare:{template.key}")  # one made ahead for the next test
        return address

    def _clone(self, key: str) -> ServerAddress:
        """A copy of template ``key`` (``tpl_<key>``), or for ``=<database>`` of that snapshot."""
        source = key[1:] if key.startswith("=") else f"tpl_{key}"
        database = self._name("spare" if key.startswith("=") else key.replace("network_", "n_"))
        self.cluster.execute(f'CREATE DATABASE "{database}" TEMPLATE "{source}"')
        return self.address(database)

    def drop(self, location: Location) -> None:
        if isinstance(location, ServerAddress):
            self._drops.put(f"drop:{location.database}")
            self._drops.put(f"spares:{location.database}")  # a snapshot's copy made ahead goes with it

    def _start_worker(self) -> None:
        if self._worker is not None:
            return

        def work() -> None:
            while (job := self._drops.get()) is not None:
                kind, _, arg = job.partition(":")
                try:
                    if kind == "drop":
                        self.cluster.execute(f'DROP DATABASE IF EXISTS "{arg}" WITH (FORCE)')
                    elif kind == "spares":
                        with self._lock:
                            spares = self._ready.pop(f"={arg}", None)
                        while spares is not None and not spares.empty():
                            self.cluster.execute(f'DROP DATABASE IF EXISTS "{spares.get_nowait().database}"')
                    elif arg not in self._ready:
                        pass  # a snapshot dropped meanwhile
                    elif self._ready[arg].qsize() < 1:
                        self._ready[arg].put(self._clone(arg))
                except Exception:  # noqa: BLE001 - a failed drop or clone only costs time
                    pass

        self._worker = threading.Thread(target=work, name="test-databases", daemon=True)
        self._worker.start()

    def close(self) -> None:
        if self._worker is not None:
            self._drops.put(None)
            self._worker.join(timeout=30)


def checkpoint(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def dropped_after(dbs: Databases, location: Location) -> Iterator[Location]:
    try:
        yield location
    finally:
        dbs.drop(location)
