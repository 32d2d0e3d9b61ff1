"""SQL that reads differently on SQLite and PostgreSQL, written once for the services.

The services build their statements with SQLAlchemy Core and these few constructs; each compiles to what
its engine understands (and, where an expression index exists, exactly as that index is written, with its
constants inline, so the planner uses it):

- ``no_index(x)``: the same value, kept off its index (SQLite has no statistics, and the search chooses the
  plan itself with SQLite's unary ``+``; PostgreSQL plans from its statistics and gets ``x`` as it is);
- ``position(haystack, needle)``: where ``needle`` starts in ``haystack`` (``instr`` / ``strpos``), 0 if not;
- ``tail(x, n)``: the last ``n`` characters (``substr(x, -n)`` / ``right(x, n)``);
- ``head_from(x, n)``: from character ``n`` on (``substr(x, start)`` on both);
- ``head(x, n)``: the first ``n`` characters (``substr(x, 1, n)`` on both);
- ``year_of(x)``: the year of a date as an integer;
- ``json_text(x, key)``: one member of a JSON object column, as text;
- ``json_values(name)``: the values of a JSON array passed as one parameter, as a subquery (a list of ten
  thousand ids is one parameter, not ten thousand).

Text is ordered the same way on both: by code point (SQLite's BINARY; the server's database is made with the
``C`` collation by ``server init``), and Chinese names by the program's own stored pinyin keys. ICU's
``zh-x-icu`` orders by pinyin too, but not as the program does: it reads polyphones its own way (长 zhang,
重 chong) and orders the characters of one syllable by its own table (of GB2312's 6,763 characters 4,845 stand
elsewhere than in an order by pinyin, tone and code point), so a list would change order between a file and
a server. It is left to ad-hoc queries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, String, any_, bindparam, literal_column, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, TextClause
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.sql.functions import FunctionElement

class no_index(FunctionElement[Any]):  # noqa: N801 - reads like a function in a statement
    inherit_cache = True

    def __init__(self, expr: ColumnElement[Any]) -> None:
        super().__init__(expr)
        self.type = expr.type


@compiles(no_index)
def _no_index_sqlite(element: no_index, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(list(element.clauses)[0], **kw)


@compiles(no_index, "postgresql")
def _no_index_pg(element: no_index, compiler: Any, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[0], **kw)


class position(FunctionElement[int]):  # noqa: N801
    type = Integer()
    inherit_cache = True


@compiles(position)
def _position_sqlite(element: position, compiler: Any, **kw: Any) -> str:
    haystack, needle = list(element.clauses)
    return f"instr({compiler.process(haystack, **kw)}, {compiler.process(needle, **kw)})"


@compiles(position, "postgresql")
def _position_pg(element: position, compiler: Any, **kw: Any) -> str:
    haystack, needle = list(element.clauses)
    return f"strpos({compiler.process(haystack, **kw)}, {compiler.process(needle, **kw)})"


class _Sliced(FunctionElement[str]):
    """Part of one text, by a whole number written inline (an index on the expression must match it). The number
    is part of the cache key, so a statement holding it is compiled once, like one of SQLAlchemy's own functions,
    not at every execution (a keystroke's search: 0.5–1 ms each)."""

    type = String()
    _traverse_internals = [*FunctionElement._traverse_internals, ("n", InternalTraversal.dp_plain_obj)]
    inherit_cache = True

    def __init__(self, expr: ColumnElement[Any], n: int) -> None:
        super().__init__(expr)
        self.n = int(n)

    def argument(self, compiler: Any, **kw: Any) -> str:
        return compiler.process(list(self.clauses)[0], **kw)


class tail(_Sliced):  # noqa: N801
    """The last ``n`` characters."""

    inherit_cache = True


@compiles(tail)
def _tail_sqlite(element: tail, compiler: Any, **kw: Any) -> str:
    return f"substr({element.argument(compiler, **kw)}, -{element.n})"


@compiles(tail, "postgresql")
def _tail_pg(element: tail, compiler: Any, **kw: Any) -> str:
    return f"right({element.argument(compiler, **kw)}, {element.n})"


class head_from(_Sliced):  # noqa: N801
    """From character ``n`` (1-based) to the end."""

    inherit_cache = True


@compiles(head_from)
def _head_from(element: head_from, compiler: Any, **kw: Any) -> str:
    return f"substr({element.argument(compiler, **kw)}, {element.n})"


class head(_Sliced):  # noqa: N801
    """The first ``n`` characters (ix_hardship_file_phone_head)."""

    inherit_cache = True


@compiles(head)
def _head(element: head, compiler: Any, **kw: Any) -> str:
    return f"substr({element.argument(compiler, **kw)}, 1, {element.n})"


class year_of(FunctionElement[int]):  # noqa: N801
    type = Integer()
    inherit_cache = True


@compiles(year_of)
def _year_sqlite(element: year_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%Y', {compiler.process(list(element.clauses)[0], **kw)}) AS INTEGER)"


@compiles(year_of, "postgresql")
def _year_pg(element: year_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(YEAR FROM {compiler.process(list(element.clauses)[0], **kw)}) AS INTEGER)"


class json_text(FunctionElement[str]):  # noqa: N801
    type = String()
    # cached, its key part of the cache key (see _Sliced)
    _traverse_internals = [*FunctionElement._traverse_internals, ("key", InternalTraversal.dp_plain_obj)]
    inherit_cache = True

    def __init__(self, expr: ColumnElement[Any], key: str) -> None:
        if not key.isidentifier():
            raise ValueError(f"not a plain key: {key!r}")
        super().__init__(expr)
        self.key = key


@compiles(json_text)
def _json_text_sqlite(element: json_text, compiler: Any, **kw: Any) -> str:
    return f"json_extract({compiler.process(list(element.clauses)[0], **kw)}, '$.{element.key}')"


@compiles(json_text, "postgresql")
def _json_text_pg(element: json_text, compiler: Any, **kw: Any) -> str:
    return f"(CAST({compiler.process(list(element.clauses)[0], **kw)} AS jsonb) ->> '{element.key}')"


def json_values(dialect: str, name: str) -> str:
    """SQL text of a subquery over the values of the JSON array bound as ``:name`` (for ``text()``)."""
    if dialect == "postgresql":
        return f"(SELECT jsonb_array_elements_text(CAST(:{name} AS jsonb)))"
    return f"(SELECT value FROM json_each(:{name}))"


def in_json_list(dialect: str, column: str, name: str) -> str:
    return f"{column} IN {json_values(dialect, name)}"


def rowid(table_name: str) -> ColumnElement[int]:
    """The file's row number: SQLite's own rowid; on PostgreSQL a column of the same name kept by an identity
    (``storage.derived``), so ``name_gram`` refers to files the same way on both."""
    return literal_column(f"{table_name}.rowid", Integer)


def statement(sql: str) -> TextClause:
    return text(sql)


# --- statements for the driver itself ------------------------------------------------------------------


def insert_for(dialect: str) -> Any:
    """The engine's own ``insert`` (both have ``on_conflict_do_nothing`` / ``on_conflict_do_update``)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def driver_dialect(dialect: str, *, positional: bool) -> Any:
    """A dialect to compile a statement once for the driver's ``executemany``: positional (rows as tuples, in
    the order of ``compiled.positiontup``) or by name (rows as dicts)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import psycopg
        from sqlalchemy.engine.interfaces import BindTyping

        dialect = psycopg.dialect(paramstyle="format" if positional else "pyformat")
        # no "::VARCHAR" casts on the parameters: the values are the columns' stored forms, typed by the driver
        dialect.bind_typing = BindTyping.NONE
        return dialect
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect(paramstyle="qmark" if positional else "named")


class in_ids(ColumnElement[bool]):  # noqa: N801
    """``column IN :ids`` with the list bound as ``ids``: on SQLite an expanding IN, on PostgreSQL
    ``= ANY(:ids)`` with one array parameter — an expanding IN of 2,000 ids there is 2,000 typed parameters
    that the driver splits and the server parses for every chunk (统计's recount in a city's import spent
    seconds on it)."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column


@compiles(in_ids)
def _ids_in_default(element: in_ids, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam("ids", expanding=True)), **kw)


@compiles(in_ids, "postgresql")
def _ids_in_postgresql(element: in_ids, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column == any_(bindparam("ids", type_=ARRAY(String))), **kw)
