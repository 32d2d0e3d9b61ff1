"""Counter rows for people-facing numbers (file, application, voucher numbers): no gaps, no duplicates.

Not a database sequence (which hands a number to a transaction that then rolls back, leaving a gap, and
would differ between the engines): one row per counter in ``number_sequence``, moved forward by an upsert
that locks the row until the transaction ends. A second writer drawing from the same counter waits for the
first to commit (or roll back, which rolls its numbers back too) and then continues from where it stopped;
on SQLite the write lock of ``BEGIN IMMEDIATE`` does the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

_DRAW = ("INSERT INTO number_sequence (prefix, last) VALUES (:p, :n) "
         "ON CONFLICT (prefix) DO UPDATE SET last = number_sequence.last + :n RETURNING last")


def draw(conn: Connection | Any, prefix: str, count: int = 1) -> int:
    """The first of ``count`` new numbers of counter ``prefix``, in the caller's transaction (``conn`` is a
    Connection or a Session); the counter row stays locked until that transaction ends."""
    if count < 1:
        raise ValueError("count must be at least 1")
    last = conn.execute(text(_DRAW), {"p": prefix, "n": count}).scalar_one()
    return int(last) - count + 1


def advance(conn: Connection | Any, prefix: str, at_least: int) -> None:
    """Move counter ``prefix`` up to ``at_least`` if it is below (numbers written by a bulk import)."""
    dialect = conn.dialect.name if isinstance(conn, Connection) else conn.get_bind().dialect.name
    larger = "greatest" if dialect == "postgresql" else "max"
    conn.execute(text("INSERT INTO number_sequence (prefix, last) VALUES (:p, :l) ON CONFLICT (prefix) "
                      f"DO UPDATE SET last = {larger}(number_sequence.last, excluded.last)"),
                 {"p": prefix, "l": at_least})
