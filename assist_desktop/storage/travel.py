"""Rows as the sync package carries them, read straight from the database by the engine itself.

Values travel in SQLite's stored forms (``sync.tables``): integers; text; booleans as 0 or 1; dates as
``YYYY-MM-DD``; date-times in UTC as ``YYYY-MM-DD HH:MM:SS.ffffff``; binary as upper-case hex. SQLite holds
them so already and writes each row as a JSON array with ``json_array``; PostgreSQL is asked for the same text
with ``json_build_array`` over the same forms (``to_char`` in UTC, ``encode(…, 'hex')``, booleans as
integers), so a package made at a server reads exactly like one made from a file.

On the way in, a server takes the same forms: text for dates and times (PostgreSQL casts them), hex already
turned into bytes by the importer, and booleans made ``True``/``False`` here (PostgreSQL will not take an
integer for a boolean).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

MAX_JSON_ARGS = 100  # both engines' function argument limits


class RowText:
    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgresql"
        self.param = "%s" if self.postgres else "?"

    def column(self, name: str, kind: str) -> str:
        q = f'"{name}"'
        if kind == "hex":
            return f"upper(encode({q}, 'hex'))" if self.postgres else f"CASE WHEN {q} IS NULL THEN NULL ELSE hex({q}) END"
        if not self.postgres:
            return q
        if kind == "bool":
            return f"CAST({q} AS integer)"
        if kind == "date":
            return f"to_char({q}, 'YYYY-MM-DD')"
        if kind == "datetime":
            return f"to_char({q}, 'YYYY-MM-DD HH24:MI:SS.US')"
        return q

    def position(self, haystack: str, needle: str) -> str:
        return f"strpos({haystack}, {needle})" if self.postgres else f"instr({haystack}, {needle})"

    def json_array(self, exprs: Sequence[str]) -> str:
        if self.postgres:
            # compact, as SQLite writes it (json_build_array puts a space after each comma): each value as JSON
            # text, NULL as null, joined with || (no function takes more than 100 arguments)
            parts = " || ',' || ".join(f"coalesce(CAST(to_json({e}) AS text), 'null')" for e in exprs)
            return f"'[' || {parts} || ']'"
        return f"json_array({', '.join(exprs)})"

    @property
    def order(self) -> str:
        # SQLite reads in rowid order anyway; PostgreSQL in the order rows lie in the table (no sort)
        return "" if self.postgres else " ORDER BY rowid"

    def rows(self, raw: Any, sql: str, params: Sequence[Any], chunk: int) -> Iterator[list[Any]]:
        """fetchmany chunks; on the server through a named (server-side) cursor so a province's table is
        never held whole in memory."""
        if self.postgres:
            with raw.cursor(name="assist_travel") as cur:
                cur.itersize = chunk
                cur.execute(sql, tuple(params))
                while rows := cur.fetchmany(chunk):
                    yield rows
            return
        cursor = raw.execute(sql, tuple(params))
        while rows := cursor.fetchmany(chunk):
            yield rows

    def query(self, raw: Any, sql: str, params: Sequence[Any]) -> list[Any]:
        if self.postgres:
            with raw.cursor() as cur:
                cur.execute(sql, tuple(params))
                return cur.fetchall()
        return raw.execute(sql, tuple(params)).fetchall()


def bool_columns(dialect: str, kinds: Sequence[str]) -> list[int]:
    """Positions of the booleans a server must be given as booleans (empty on SQLite)."""
    return [i for i, k in enumerate(kinds) if k == "bool"] if dialect == "postgresql" else []
