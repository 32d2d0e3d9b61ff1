"""Foreign keys checked once for a whole bulk write on a PostgreSQL server, instead of row by row.

A county's year (181,250 rows) COPYed into a city's database spent half of the server's time in the
foreign keys' per-row checks: one query a row a key, 5 of the 10.6 s that bare COPY of the same rows takes
(P5). In replica mode (``session_replication_role``) the server skips those checks, and every trigger not
marked ENABLE ALWAYS (``storage.derived`` marks the name pieces' triggers so); the writer then checks each
key of the rows it wrote in one statement and takes the same row locks the per-row checks take (FOR KEY
SHARE on every row referred to), so a file that refers to missing data is still refused, and a row it
refers to cannot be deleted by another desk before the commit.

Replica mode needs a superuser or, from PostgreSQL 15, ``GRANT SET ON PARAMETER session_replication_role``
(``server init`` gives it to the program's login). Without it, or on SQLite, nothing changes: the keys are
checked row by row as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import text

from assist_desktop.storage.sql import json_values

_OURS = "c.relnamespace = current_schema()::regnamespace"


@dataclass(frozen=True)
class Key:
    table: str
    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class Missing:
    """A row written refers to ``value`` in ``key.parent``, which this database does not hold."""
    key: Key
    value: str


def available(conn: Any) -> bool:
    """Whether this connection may switch the per-row checks off: allowed to set replica mode, and no
    trigger of the schema would be skipped with them (every one ENABLE ALWAYS) and every foreign key is
    of one column (what ``check`` verifies)."""
    if conn.dialect.name != "postgresql":
        return False
    version = conn.dialect.server_version_info or (0,)
    allowed = "current_setting('is_superuser') = 'on'"
    if version >= (15,):
        allowed += " OR has_parameter_privilege(current_user, 'session_replication_role', 'SET')"
    return bool(conn.exec_driver_sql(
        f"SELECT ({allowed}) "
        f"AND NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        f"                WHERE {_OURS} AND NOT t.tgisinternal AND t.tgenabled <> 'A') "
        f"AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
        f"                WHERE {_OURS} AND k.contype = 'f' AND cardinality(k.conkey) <> 1)").scalar())


def switch_off(conn: Any) -> None:
    """Until ``check`` (or the end of the transaction): rows go in without their keys checked."""
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")


def keys(conn: Any, tables: list[str]) -> list[Key]:
    """The foreign keys of these tables, in the order of ``tables`` (parents first gives the first
    refusal in the same table as the per-row checks would)."""
    rows = conn.execute(text(
        "SELECT c.relname, a.attname, p.relname, pa.attname FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid "
        "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
        "JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1] "
        f"WHERE {_OURS} AND k.contype = 'f' AND c.relname = ANY(:tables) ORDER BY k.conname"),
        {"tables": tables}).all()
    order = {name: n for n, name in enumerate(tables)}
    return sorted((Key(*r) for r in rows), key=lambda k: order[k.table])


class Refs:
    """The values each key of the rows written refers to, noted as the rows go in: the check then reads only
    the rows referred to (a week's package of a few hundred rows checks a few hundred keys, not every row
    its units hold here)."""

    def __init__(self, conn: Any, tables: list[str]) -> None:
        self.by_table: dict[str, list[Key]] = {}
        for key in keys(conn, tables):
            self.by_table.setdefault(key.table, []).append(key)
        self.values: dict[Key, set[str]] = {}

    def note(self, table: str, columns: list[str], rows: list[Any]) -> None:
        for key in self.by_table.get(table, ()):
            if key.column in columns:
                # (None, a key left empty, is taken out at the check: one C loop a column here)
                self.values.setdefault(key, set()).update(map(itemgetter(columns.index(key.column)), rows))


def check(conn: Any, refs: Refs) -> Missing | None:
    """Every key of the rows written checked, one statement a key, and the rows they refer to locked FOR
    KEY SHARE; then the per-row checks are on again (for deletes and later writes). Returns the first value
    referred to that this database does not hold (parents' tables first)."""
    for key in (k for table_keys in refs.by_table.values() for k in table_keys):
        values = refs.values.get(key, set()) - {None}
        if not values:
            continue
        # the values as one JSON text: psycopg's dumping of a Python list as an array cost 0.6 s in P5
        wanted = json.dumps([str(v) for v in values])
        parent, parent_column = f'"{key.parent}"', f'"{key.parent_column}"'
        # locked as the per-row check's SELECT … FOR KEY SHARE locks them: a row a desk deletes and commits
        # meanwhile is then missing here, one it has not committed yet is waited for
        found = conn.execute(text(
            f"SELECT count(*) FROM (SELECT 1 FROM {parent} AS p WHERE p.{parent_column} IN "
            f"{json_values('postgresql', 'v')} FOR KEY SHARE OF p) AS locked"), {"v": wanted}).scalar_one()
        if found != len(values):
            value = conn.execute(text(
                "SELECT v FROM jsonb_array_elements_text(CAST(:v AS jsonb)) AS v WHERE NOT EXISTS "
                f"(SELECT 1 FROM {parent} AS p WHERE p.{parent_column} = v) LIMIT 1"), {"v": wanted}).scalar()
            if value is not None:
                return Missing(key, str(value))
    conn.exec_driver_sql("SET LOCAL session_replication_role = origin")
    return None
