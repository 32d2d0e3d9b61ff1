"""Bulk writes through SQLAlchemy Core: one executemany per chunk of plain dicts, no ORM objects.

On PostgreSQL the same rows go in through one ``COPY`` per call instead (the Core insert compiled for the
server gives the columns and each column's bind processor, so the values are those the insert would send):
psycopg's ``executemany`` sends one INSERT a row, and every one of them fires the name pieces' statement
triggers (storage.derived) for its single row — the demo on a server took 12 s for 10k households and 86 s
for 60k, growing faster than the rows. Through COPY the triggers run once a table for all its rows, as in the sync import."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from itertools import islice
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Dialect
from sqlmodel import SQLModel

from assist_desktop.storage import sort_keys

CHUNK_ROWS = 5000


def insert_rows(conn: Connection, model: type[SQLModel], rows: Iterable[Mapping[str, Any]],
                chunk: int = CHUNK_ROWS) -> int:
    """Insert ``rows`` (dicts keyed by column name, every dict with the same keys) in the caller's transaction."""
    table = model.__table__  # type: ignore[attr-defined]
    if conn.dialect.name == "postgresql":
        return _copy_rows(conn, table, rows, chunk)
    stmt = insert(table)
    count = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, chunk)):
        sort_keys.fill(table.name, batch)  # the pinyin sort key beside a list's names
        compiled = _positional(table, tuple(batch[0]), conn.dialect)
        if compiled is None:
            conn.execute(stmt, batch)
        else:  # the same statement and the same stored values, without SQLAlchemy's per-row work
            sql, keys, processors = compiled
            values = [[row[k] for k in keys] for row in batch]
            for i, process in processors:
                for v in values:
                    v[i] = process(v[i])
            conn.exec_driver_sql(sql, [tuple(v) for v in values])
        count += len(batch)
    return count


@lru_cache(maxsize=256)
def _positional(table: Table, keys: tuple[str, ...],
                dialect: Dialect) -> tuple[str, tuple[str, ...], tuple[tuple[int, Callable[[Any], Any]], ...]] | None:
    """The Core insert of ``keys`` compiled once for SQLite's positional parameters, with each column's bind
    processor (dates to text, booleans to 0/1 …) to run column by column: SQLAlchemy's own per-row parameter
    building cost half as much again as SQLite's insert (a 10,000-household ledger). None where a column's
    value would come from a Python-side default or the dialect is not SQLite's: those go the ordinary way."""
    if dialect.name != "sqlite":
        return None
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    processors = getattr(compiled, "_bind_processors", None)
    if compiled.positiontup is None or compiled.insert_prefetch or compiled.postfetch or processors is None:
        return None
    order = tuple(compiled.binds[name].key for name in compiled.positiontup)
    if set(order) != set(keys):
        return None
    return (compiled.string, order,
            tuple((i, processors[name]) for i, name in enumerate(compiled.positiontup) if processors.get(name)))


@lru_cache(maxsize=256)
def _copy_plan(table: Table, keys: tuple[str, ...], dialect: Dialect
               ) -> tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]] | None:
    """PostgreSQL: the COPY statement of ``keys`` and, per column, the bind processor the Core insert would
    run on its value (JSON documents, for one). None where the insert would fill a column itself (a
    Python-side default of a column not given): those rows go the ordinary way."""
    compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
    if compiled.insert_prefetch or compiled.postfetch:
        return None
    processors = getattr(compiled, "_bind_processors", None) or {}
    by_key = {bind.key: name for name, bind in compiled.binds.items()}
    if set(by_key) != set(keys):
        return None
    columns = ", ".join(dialect.identifier_preparer.quote(k) for k in keys)
    sql = f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
    return sql, tuple((k, processors.get(by_key[k])) for k in keys)


def _copy_rows(conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]], chunk: int) -> int:
    """The rows into ``table`` on PostgreSQL through one COPY, fed chunk by chunk (``rows`` must not use the
    connection while it is read: the COPY holds it). A failure (a duplicate key, a missing parent) is raised as
    SQLAlchemy's error of the same kind, as the insert's would be."""
    import psycopg
    from sqlalchemy import exc as sa_exc

    iterator = iter(rows)
    batch = list(islice(iterator, chunk))
    if not batch:
        return 0
    sort_keys.fill(table.name, batch)  # before the columns are taken: the sort key is one of them
    keys = tuple(batch[0])
    plan = _copy_plan(table, keys, conn.dialect)

    def next_batch() -> list[Any]:
        more = list(islice(iterator, chunk))
        sort_keys.fill(table.name, more)
        return more

    if plan is None:  # the ordinary Core insert, chunk by chunk
        count = 0
        stmt = insert(table)
        while batch:
            conn.execute(stmt, batch)
            count += len(batch)
            batch = next_batch()
        return count
    sql, columns = plan
    count = 0
    raw = conn.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            write = copy.write_row
            while batch:
                values = [[row[k] for k, _ in columns] for row in batch]
                for i, (_, process) in enumerate(columns):
                    if process is not None:
                        for v in values:
                            v[i] = process(v[i])
                for v in values:
                    write(v)
                count += len(batch)
                batch = next_batch()
    except psycopg.Error as exc:
        raise sa_exc.DBAPIError.instance(sql, None, exc, psycopg.Error, dialect=conn.dialect) from exc
    return count
