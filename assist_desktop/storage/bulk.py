"""Bulk writes through SQLAlchemy Core: one executemany per chunk of plain dicts, no ORM objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from assist_desktop.storage import sort_keys

CHUNK_ROWS = 5000


def insert_rows(conn: Connection, model: type[SQLModel], rows: Iterable[Mapping[str, Any]],
                chunk: int = CHUNK_ROWS) -> int:
    """Insert ``rows`` (dicts keyed by column name, every dict with the same keys) in the caller's transaction."""
    table = model.__table__  # type: ignore[attr-defined]
    stmt = insert(table)
    count = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, chunk)):
        sort_keys.fill(table.name, batch)  # the pinyin sort key beside a list's names
        conn.execute(stmt, batch)
        count += len(batch)
    return count
