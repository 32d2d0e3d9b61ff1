"""Objects derived from the tables: the triggers that maintain ``name_gram``, and expression indexes — one
set per engine.

They are not part of any one migration: ``schema.ensure_schema`` drops the triggers before an upgrade
(a migration that rebuilds ``hardship_file`` or ``member`` in batch mode would trip over them, and
rebuilding a table drops its triggers anyway) and creates them again after it, with any expression
index a rebuild lost (Alembic cannot reflect those), in the same transaction.

On PostgreSQL (pg_trgm cannot index two-character Chinese pieces, so the program keeps its own, as on
SQLite): ``hardship_file`` has a ``rowid`` column (an identity, migration 0010) standing in for SQLite's
rowid, and the pieces are kept by statement-level triggers over transition tables, so a bulk insert of
thousands of rows cuts their pieces in one statement rather than row by row. The sync import keeps them
(dropping a trigger would lock the tables against every other desk until the import commits), while on
SQLite it drops them and rebuilds the pieces of the files it touched at once (``name_pieces_kept``).
"""

from __future__ import annotations

import json

from sqlalchemy.engine import Connection

MAX_NAME = 30  # names are at most 30 characters (domain.names)
_POSITIONS = "(VALUES " + ",".join(f"({n})" for n in range(1, MAX_NAME + 1)) + ")"


def _pieces(name: str, rowid: str, file_no: str, sizes: tuple[int, ...]) -> str:
    """INSERT OR IGNORE of the 1- and/or 2-character pieces of ``name`` for the file ``rowid`` numbered
    ``file_no`` (migration 0011: the pieces of a name lie in file-number order)."""
    selects = [f"SELECT substr({name}, p.column1, {size}), {file_no}, {rowid} FROM {_POSITIONS} AS p "
               f"WHERE p.column1 <= length({name}) - {size - 1} AND {name} IS NOT NULL" for size in sizes]
    return "INSERT OR IGNORE INTO name_gram (gram, file_no, file_rowid) " + " UNION ".join(selects) + ";"


def _regram(file_rowid: str) -> str:
    """Rebuild the pieces of one file: its worker's name, then its members' names."""
    worker = _pieces("f.name", "f.rowid", "f.file_no", (1, 2)).replace(
        f"FROM {_POSITIONS} AS p", f"FROM hardship_file AS f, {_POSITIONS} AS p")
    worker = worker.replace("AND f.name IS NOT NULL", f"AND f.name IS NOT NULL AND f.rowid = {file_rowid}")
    members = _pieces("m.name", "f.rowid", "f.file_no", (2,)).replace(
        f"FROM {_POSITIONS} AS p", f"FROM member AS m JOIN hardship_file AS f ON f.id = m.file_id, {_POSITIONS} AS p")
    members = members.replace("AND m.name IS NOT NULL", f"AND m.name IS NOT NULL AND f.rowid = {file_rowid}")
    return f"DELETE FROM name_gram WHERE file_rowid = {file_rowid}; {worker} {members}"


TRIGGERS: dict[str, str] = {
    "name_gram_file_insert": f"AFTER INSERT ON hardship_file BEGIN "
                             f"{_pieces('NEW.name', 'NEW.rowid', 'NEW.file_no', (1, 2))} END",
    # a new name, or a new number (the pieces are keyed by it): the file's pieces are cut again
    "name_gram_file_rename": f"AFTER UPDATE OF name, file_no ON hardship_file BEGIN {_regram('NEW.rowid')} END",
    "name_gram_file_delete": "AFTER DELETE ON hardship_file BEGIN "
                             "DELETE FROM name_gram WHERE file_rowid = OLD.rowid; END",
    "name_gram_member_insert": "AFTER INSERT ON member BEGIN "
                               + _pieces("NEW.name", "(SELECT rowid FROM hardship_file WHERE id = NEW.file_id)",
                                         "(SELECT file_no FROM hardship_file WHERE id = NEW.file_id)", (2,))
                               + " END",
    "name_gram_member_update": "AFTER UPDATE OF name, file_id ON member BEGIN "
                               + _regram("(SELECT rowid FROM hardship_file WHERE id = OLD.file_id)")
                               + _regram("(SELECT rowid FROM hardship_file WHERE id = NEW.file_id)") + " END",
    "name_gram_member_delete": "AFTER DELETE ON member BEGIN "
                               + _regram("(SELECT rowid FROM hardship_file WHERE id = OLD.file_id)") + " END",
}




EXPRESSION_INDEXES = {  # as the models and migration 0016 write them
    "ix_hardship_file_phone_tail": "hardship_file (substr(phone, -4), file_no, phone)",
    "ix_hardship_file_serial": "hardship_file (substr(file_no, 13), file_no, phone)",
    "ix_hardship_file_phone_head": "hardship_file (substr(phone, 1, 3), file_no, phone)",
    "ix_hardship_file_id_last_four": "hardship_file (substr(id_tail, -4), file_no)",
}


def insert_pieces(conn: Connection, file_ids: list[str]) -> None:
    """SQLite: the name pieces of files just written with the triggers dropped (a bulk import): every 1- and 2-character
    piece of their workers' names and every 2-character piece of their members' names — what the insert
    triggers write row by row, in one statement per 20,000 files, in a third of the triggers' time."""
    positions = "(VALUES " + ",".join(f"({n})" for n in range(1, MAX_NAME + 1)) + ") AS p"
    files = "ids JOIN hardship_file AS f ON f.id = ids.i"
    sql = ("WITH ids(i) AS MATERIALIZED (SELECT value FROM json_each(?)), pieces(gram, n, r) AS ("
           f"SELECT substr(f.name, p.column1, 1), f.file_no, f.rowid FROM {files}, {positions} "
           "WHERE p.column1 <= length(f.name) "
           f"UNION ALL SELECT substr(f.name, p.column1, 2), f.file_no, f.rowid FROM {files}, {positions} "
           "WHERE p.column1 <= length(f.name) - 1 "
           f"UNION ALL SELECT substr(m.name, p.column1, 2), f.file_no, f.rowid FROM {files} "
           f"JOIN member AS m ON m.file_id = f.id, {positions} WHERE p.column1 <= length(m.name) - 1) "
           "INSERT OR IGNORE INTO name_gram (gram, file_no, file_rowid) SELECT gram, n, r FROM pieces")
    for start in range(0, len(file_ids), 20000):
        conn.exec_driver_sql(sql, (json.dumps(file_ids[start:start + 20000]),))


# --- PostgreSQL ---------------------------------------------------------------------------------------

# each with the rowid, which the search's matchers select (migration 0015: a PostgreSQL index holds only its
# columns, SQLite's the rowid too)
# (and the expression's column as the models write it, which PostgreSQL needs to read an expression index alone)
PG_EXPRESSION_INDEXES = {
    "ix_hardship_file_phone_tail": "hardship_file (right(phone, 4), file_no, phone) INCLUDE (rowid)",
    "ix_hardship_file_serial": "hardship_file (substr(file_no, 13), file_no, phone) INCLUDE (rowid)",
    "ix_hardship_file_phone_head": "hardship_file (substr(phone, 1, 3), file_no, phone) INCLUDE (rowid)",
    "ix_hardship_file_id_last_four": "hardship_file (right(id_tail, 4), file_no) INCLUDE (rowid, id_tail)",
}
# pieces of one name: sizes 1 and 2 for a worker, 2 for a member (as on SQLite)
_PG_PIECES = f"""
CREATE OR REPLACE FUNCTION assist_name_pieces(name text, smallest int) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT substr(name, p, s) FROM generate_series(smallest, 2) AS s,
         generate_series(1, least(length(name), {MAX_NAME}) - s + 1) AS p
  WHERE name IS NOT NULL
$$"""
_PG_REGRAM = """
CREATE OR REPLACE FUNCTION assist_name_regram(rowids bigint[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM name_gram WHERE file_rowid = ANY(rowids);
  INSERT INTO name_gram (gram, file_no, file_rowid)
    SELECT g, f.file_no, f.rowid FROM hardship_file AS f, assist_name_pieces(f.name, 1) AS g
    WHERE f.rowid = ANY(rowids)
    UNION
    SELECT g, f.file_no, f.rowid FROM hardship_file AS f JOIN member AS m ON m.file_id = f.id,
           assist_name_pieces(m.name, 2) AS g
    WHERE f.rowid = ANY(rowids)
  ON CONFLICT DO NOTHING;
$$"""
_PG_FUNCTIONS = {
    "assist_name_gram_file_insert": """
  INSERT INTO name_gram (gram, file_no, file_rowid)
    SELECT DISTINCT g, n.file_no, n.rowid FROM new_rows AS n, assist_name_pieces(n.name, 1) AS g
  ON CONFLICT DO NOTHING;""",
    "assist_name_gram_file_update": """
  PERFORM assist_name_regram(ARRAY(SELECT n.rowid FROM new_rows AS n JOIN old_rows AS o ON o.rowid = n.rowid
                                   WHERE n.name IS DISTINCT FROM o.name OR n.file_no IS DISTINCT FROM o.file_no));""",
    "assist_name_gram_file_delete": """
  DELETE FROM name_gram WHERE file_rowid IN (SELECT rowid FROM old_rows);""",
    "assist_name_gram_member_insert": """
  INSERT INTO name_gram (gram, file_no, file_rowid)
    SELECT DISTINCT g, f.file_no, f.rowid FROM new_rows AS n JOIN hardship_file AS f ON f.id = n.file_id,
           assist_name_pieces(n.name, 2) AS g
  ON CONFLICT DO NOTHING;""",
    "assist_name_gram_member_update": """
  PERFORM assist_name_regram(ARRAY(
    SELECT f.rowid FROM hardship_file AS f WHERE f.id IN (
      SELECT o.file_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
      WHERE n.name IS DISTINCT FROM o.name OR n.file_id IS DISTINCT FROM o.file_id
      UNION SELECT n.file_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
      WHERE n.name IS DISTINCT FROM o.name OR n.file_id IS DISTINCT FROM o.file_id)));""",
    "assist_name_gram_member_delete": """
  PERFORM assist_name_regram(ARRAY(SELECT f.rowid FROM hardship_file AS f
                                   WHERE f.id IN (SELECT file_id FROM old_rows)));""",
}
# trigger name → (table, event, transition tables, function)
_PG_TRIGGERS = {
    "name_gram_file_insert": ("hardship_file", "INSERT", "NEW TABLE AS new_rows", "assist_name_gram_file_insert"),
    "name_gram_file_update": ("hardship_file", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                              "assist_name_gram_file_update"),
    "name_gram_file_delete": ("hardship_file", "DELETE", "OLD TABLE AS old_rows", "assist_name_gram_file_delete"),
    "name_gram_member_insert": ("member", "INSERT", "NEW TABLE AS new_rows", "assist_name_gram_member_insert"),
    "name_gram_member_update": ("member", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                                "assist_name_gram_member_update"),
    "name_gram_member_delete": ("member", "DELETE", "OLD TABLE AS old_rows", "assist_name_gram_member_delete"),
}


def _pg_drop(conn: Connection) -> None:
    for name, (table, *_rest) in _PG_TRIGGERS.items():
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def _pg_create(conn: Connection) -> None:
    tables = set(conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").scalars())
    if not {"name_gram", "hardship_file", "member"} <= tables:
        return
    columns = set(conn.exec_driver_sql(
        "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name IN ('hardship_file', 'name_gram')").scalars())
    if not {"hardship_file.rowid", "name_gram.file_no"} <= columns:
        return  # before migrations 0010 and 0011 (a test stopping half-way): nothing to keep yet
    _pg_drop(conn)
    conn.exec_driver_sql(_PG_PIECES)
    conn.exec_driver_sql(_PG_REGRAM)
    for name, body in _PG_FUNCTIONS.items():
        conn.exec_driver_sql(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                             f"BEGIN{body}\n  RETURN NULL;\nEND $$")
    for name, (table, event, transition, function) in _PG_TRIGGERS.items():
        conn.exec_driver_sql(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition} "
                             f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
        # fired in replica mode too, where a sync import writes with its keys checked afterwards
        # (storage.deferred_keys): the pieces must follow every write
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")
    for name, target in PG_EXPRESSION_INDEXES.items():
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


# --- both ---------------------------------------------------------------------------------------------


def drop_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        _pg_drop(conn)
        return
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def create_triggers(conn: Connection) -> None:
    """(Re)create the triggers where their tables exist (a half-upgraded test schema may lack them)."""
    if conn.dialect.name == "postgresql":
        _pg_create(conn)
        return
    tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"name_gram", "hardship_file", "member"} <= tables:
        return
    if "file_no" not in {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(name_gram)")}:
        return  # before migration 0011 (a test stopping half-way): the pieces have no number to keep yet
    drop_triggers(conn)
    for name, body in TRIGGERS.items():
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    for name, target in EXPRESSION_INDEXES.items():
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def name_pieces_kept(conn: Connection) -> bool:
    """Whether a bulk writer may leave the pieces to the triggers (PostgreSQL), or must drop them for the
    write and rebuild the pieces of the files it touched itself (SQLite, where that is three times faster)."""
    return conn.dialect.name == "postgresql"


def expression_indexes(dialect: str) -> dict[str, str]:
    return PG_EXPRESSION_INDEXES if dialect == "postgresql" else EXPRESSION_INDEXES
