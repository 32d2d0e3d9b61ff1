"""统计's summary table (``stat_tally``): the figures of the four programmes summed ahead, kept current in
the transaction of every write.

Why a summary table and not indexes: the 统计 page groups whole tables (a province's 300,000 files, 160,000
visits, 190,000 vouchers), and the grants' category, cause and union come through their file. An index can
answer a min/max in a lookup, but a grouped count through an index still reads every entry — 0.1 s to 4.7 s
per breakdown at 300k files (load 6–8 on 2 cores), growing with the file. Summed ahead, a breakdown adds up a few hundred rows
(programme × dimension × key × year, and for files the year opened, the year exited and active/exited),
whatever the size of the registry. The figures stay those of ``services.statistics``: the rows are made by
its own definitions (``statistics.source_of``: joins, which records count, what is added up), so a figure
is what the SQL over the records gives — the tests check both against independent sqlite3 sums.

How it stays current. A record's contribution is the rows its programme's query gives for that record
alone. A write notes the records it changes, deletes or creates (``Retally``); before it commits, their
old contributions are read through a second connection — which sees the database as before the write: the
write holds the write lock from its first change, so nothing else was committed meanwhile — their new ones
through the write's own, and the difference is added to the table, all in the write's transaction. This is
done by the program in portable SQLAlchemy (an upsert on SQLite and PostgreSQL alike), not by SQLite
triggers:

- every ORM write: ``before_flush`` notes what a flush changes in the columns a figure depends on (nothing
  is read then, so a bulk step that flushes once per record pays nothing per record), ``before_commit``
  counts it all again;
- bulk writes through Core (demo data, ledger imports, campaign lists): ``insert_rows`` counts what it
  inserts; the sync import notes the rows it updates, inserts and deletes in a ``Retally`` of its own.

A change to what a grant is counted under but that is stored elsewhere — a file's category, cause or union;
an unfiled household's kind or union; a round's or campaign's year; a grant's link to its household —
counts the dependent grants and vouchers again too. ``rebuild`` recounts everything (the migration that
makes the table, and a repair); ``verify`` compares the table with a recount (``assist-desktop check``).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, event, func, inspect, literal, or_, select, tuple_
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from assist_desktop.storage import bulk
from assist_desktop.storage.sql import in_ids
from assist_desktop.storage import models as m

HF, S, V, D = m.HardshipFile, m.Scholarship, m.Visit, m.Disbursement
TABLE = m.StatTally.__table__  # type: ignore[attr-defined]
KEY_COLUMNS = ("program", "dimension", "key", "year", "exit_year", "status")
NONE_KEY = ""  # a dimension without a value (no category yet, an unfiled household's cause …), and the total
TOTAL = ""  # the dimension of a programme's totals

# entity (table) → programme, and what is added up (v1, v2) by measure key of services.statistics
PROGRAMS = {"hardship_file": "files", "scholarship": "scholarships", "visit": "visits", "disbursement": "payments"}
ENTITIES = {program: entity for entity, program in PROGRAMS.items()}
SUMMED: dict[str, tuple[str, ...]] = {"files": ("people",), "scholarships": ("amount",), "visits": ("cash", "goods"),
                                      "payments": ("amount",)}
CHUNK = 2000  # ids per statement (SQLite takes 32,766 parameters, PostgreSQL 65,535)
ARRAY_CHUNK = 50_000  # … on PostgreSQL, where the ids are one array parameter (storage.sql.in_ids)


def _unindexed(column: Any) -> Any:
    """``+column`` on SQLite: the same value, but SQLite takes no index for a condition on it (a server plans
    from its statistics and gets the column as it is: storage.sql.no_index)."""
    from assist_desktop.storage.sql import no_index

    return no_index(column)


def dimensions(program: str) -> tuple[str, ...]:
    """The dimensions summed for ``program``: the total, then each of the page's but "year" (every row has one)."""
    from assist_desktop.services.statistics import PROGRAM_DIMENSIONS

    return (TOTAL, *(d for d in PROGRAM_DIMENSIONS[program] if d != "year"))


# --- contributions ------------------------------------------------------------------------------------------


@functools.cache  # statements built once: SQLAlchemy then finds them compiled in its cache
def _selects(program: str, by_id: bool) -> list[tuple[str, Any]]:
    """(dimension, SELECT key, year, exit_year, status, count, v1, v2 … GROUP BY) for the records of
    ``program`` (``by_id``: those in the expanding parameter ``ids``), made from the statistics' own
    definition of the programme."""
    from assist_desktop.services import statistics as st

    source = st.source_of(program)
    if program == "files":
        year = func.coalesce(st.year_of(HF.opened_on), 0)
        exit_year = func.coalesce(st.year_of(HF.exit_date), 0)
        status: Any = HF.status
        scope = (_unindexed(HF.status) if by_id else HF.status).in_(st.IN_REGISTRY)  # see _record_select
    else:
        year, exit_year, status = source.year_column, None, None
        scope = source.scope(None)
    sums = [func.coalesce(func.sum(source.value(measure)), 0) for measure in SUMMED[program]]
    out = []
    for dimension in dimensions(program):
        key = cast(source.dimensions[dimension], String) if dimension else None
        key_text = func.coalesce(key, NONE_KEY) if key is not None else None
        groups = [g for g in (key_text, year, exit_year, status) if g is not None]
        columns = [key_text if key_text is not None else literal(NONE_KEY), year,
                   exit_year if exit_year is not None else literal(0), status if status is not None else literal(""),
                   func.count(), *sums]
        stmt = source.joins(select(*columns), dimension or None).where(scope)
        if by_id:
            stmt = stmt.where(in_ids(source.id_column))
        out.append((dimension, stmt.group_by(*groups)))
    return out


Rows = dict[tuple[str, str, str, int, int, str], list[int]]


# The dimension whose joins hold every other dimension's (a test checks it): a record's row then carries
# all its keys at once.
WIDEST = {"files": None, "scholarships": "unit", "visits": "unit", "payments": "unit"}


@functools.cache
def _record_select(program: str) -> Any:
    """SELECT year, exit_year, status, each dimension's key, the summed values FROM the programme's records
    WHERE they count AND id IN :ids — one row a record, grouped in Python (a sixth of the statements of
    ``_selects`` for a write's few thousand records)."""
    from assist_desktop.services import statistics as st

    source = st.source_of(program)
    if program == "files":
        period = [func.coalesce(st.year_of(HF.opened_on), 0), func.coalesce(st.year_of(HF.exit_date), 0), HF.status]
        # kept off the status index: the records are found by their ids (SQLite would take the status index,
        # which holds most of the file, and read it all for each chunk of ids: 17 s for 20,000 files)
        scope = _unindexed(HF.status).in_(st.IN_REGISTRY)
    else:
        period = [source.year_column, literal(0), literal("")]
        scope = source.scope(None)
    keys = [cast(source.dimensions[d], String) for d in dimensions(program) if d]
    values = [source.value(measure) for measure in SUMMED[program]]
    stmt = source.joins(select(*period, *keys, *values), WIDEST[program]).where(scope)
    return stmt.where(in_ids(source.id_column))


@functools.cache
def _grouped_record_select(program: str) -> Any:
    """``_record_select`` grouped on the server (PostgreSQL): one row per tally row instead of one per record
    — GROUPING SETS of the period with each dimension's key in turn, and the period alone (the total);
    ``GROUPING(keys …)`` says which set a row belongs to (a key of NULL is a value there, not "no key")."""
    named = [d for d in dimensions(program) if d]
    width = len(SUMMED[program])
    records = _record_select(program).subquery()
    columns = list(records.c)
    period, keys, values = columns[:3], columns[3:3 + len(named)], columns[3 + len(named):3 + len(named) + width]
    sets = [tuple_(*period), *(tuple_(key, *period) for key in keys)]
    return (select(*period, *keys, func.grouping(*keys), func.count(), *(func.sum(v) for v in values))
            .group_by(func.grouping_sets(*sets)))


def record_contributions(conn: Connection, program: str, ids: Iterable[str]) -> Rows:
    """``contributions`` of the records ``ids``, read one row a record (on PostgreSQL grouped there first)."""
    out: Rows = {}
    named = [d for d in dimensions(program) if d]
    width = len(SUMMED[program])
    if conn.dialect.name == "postgresql" and named:
        return _grouped_contributions(conn, program, ids, named, width)
    stmt = _record_select(program)
    for chunk in _chunks(sorted(set(ids))):
        for row in conn.execute(stmt, {"ids": chunk}):
            year, exit_year, status = int(row[0] or 0), int(row[1] or 0), row[2] or ""
            keys = row[3:3 + len(named)]
            values = [int(v or 0) for v in row[3 + len(named):3 + len(named) + width]]
            for dimension, key in ((TOTAL, NONE_KEY), *zip(named, keys)):
                total = out.setdefault((program, dimension, NONE_KEY if key is None else key, year, exit_year,
                                        status), [0, 0, 0])
                total[0] += 1
                for i, v in enumerate(values):
                    total[1 + i] += v
    return out


def _grouped_contributions(conn: Connection, program: str, ids: Iterable[str], named: list[str], width: int) -> Rows:
    """``record_contributions`` with the records' rows added up by the server (PostgreSQL): a city's import of
    a county's 50,000 vouchers gets back sixty rows, not 50,000 to add up here."""
    out: Rows = {}
    stmt = _grouped_record_select(program)
    every = (1 << len(named)) - 1  # GROUPING(): a bit set for each key not in the row's set, the first key highest
    for chunk in _chunks(sorted(set(ids)), ARRAY_CHUNK):
        for row in conn.execute(stmt, {"ids": chunk}):
            year, exit_year, status = int(row[0] or 0), int(row[1] or 0), row[2] or ""
            grouping = row[3 + len(named)]
            if grouping == every:
                dimension, key = TOTAL, NONE_KEY
            else:
                at = next(i for i in range(len(named)) if not grouping >> (len(named) - 1 - i) & 1)
                dimension, key = named[at], row[3 + at]
            n = int(row[4 + len(named)])
            total = out.setdefault((program, dimension, NONE_KEY if key is None else key, year, exit_year, status),
                                   [0, 0, 0])
            total[0] += n
            for i, v in enumerate(row[5 + len(named):5 + len(named) + width]):
                total[1 + i] += int(v or 0)
    return out


def contributions(conn: Connection, program: str, ids: Iterable[str] | None = None) -> Rows:
    """The tally rows of the records ``ids`` of ``program`` as they stand now (None: of every record), one
    grouped statement per dimension — the recount's way, and the definition ``record_contributions`` keeps."""
    out: Rows = {}
    chunks: list[list[str] | None] = [None] if ids is None else _chunks(sorted(set(ids)))
    for dimension, stmt in _selects(program, ids is not None):
        for chunk in chunks:
            params = {"ids": chunk} if chunk is not None else {}
            for key, year, exit_year, status, n, *values in conn.execute(stmt, params):
                row = out.setdefault((program, dimension, key, int(year or 0), int(exit_year or 0), status or ""),
                                     [0, 0, 0])
                row[0] += int(n)
                for i, value in enumerate(values):
                    row[1 + i] += int(value or 0)
    return out


def _chunks(ids: list[str], size: int = CHUNK) -> list[list[str] | None]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _apply(conn: Connection, rows: Rows, sign: int) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(TABLE)
    stmt = stmt.on_conflict_do_update(index_elements=list(KEY_COLUMNS), set_={
        c: TABLE.c[c] + stmt.excluded[c] for c in ("n", "v1", "v2")})
    conn.execute(stmt, [dict(zip(KEY_COLUMNS, key), n=sign * v[0], v1=sign * v[1], v2=sign * v[2])
                        for key, v in rows.items()])


# --- which records a change touches ------------------------------------------------------------------------


def dependents(conn: Connection, entity: str, ids: Iterable[str]) -> dict[str, set[str]]:
    """The tallied records whose contribution depends on the records ``ids`` of ``entity`` (themselves
    included where they are tallied): a file's grants and their vouchers, a grant's vouchers …"""
    ids = set(ids)
    out: dict[str, set[str]] = {e: set() for e in PROGRAMS}
    if not ids:
        return out
    scholarships: set[str] = set()
    visits: set[str] = set()
    installments: set[str] = set()
    if entity in PROGRAMS:
        out[entity] |= ids
    if entity == "hardship_file":
        scholarships |= _ids(conn, select(S.id).where(in_ids(S.file_id)), ids)
        visits |= _ids(conn, select(V.id).where(in_ids(V.file_id)), ids)
    elif entity == "unfiled_household":
        scholarships |= _ids(conn, select(S.id).where(in_ids(S.unfiled_household_id)), ids)
        visits |= _ids(conn, select(V.id).where(in_ids(V.unfiled_household_id)), ids)
    elif entity == "scholarship_round":
        scholarships |= _ids(conn, select(S.id).where(in_ids(S.round_id)), ids)
    elif entity == "campaign":
        visits |= _ids(conn, select(V.id).where(in_ids(V.campaign_id)), ids)
    elif entity == "scholarship":
        scholarships |= ids
    elif entity == "visit":
        visits |= ids
    elif entity == "installment":
        installments |= ids
    out["scholarship"] |= scholarships
    out["visit"] |= visits
    if scholarships:
        installments |= _ids(conn, select(m.Installment.id).where(
            in_ids(m.Installment.scholarship_id)), scholarships)
    for kind, grants in (("scholarship", scholarships), ("visit", visits), ("installment", installments)):
        if grants:
            out["disbursement"] |= _ids(conn, select(D.id).where(
                D.grant_type == kind, in_ids(D.grant_id)), grants)
    return out


def _ids(conn: Connection, stmt: Any, ids: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(ids)):
        found.update(conn.execute(stmt, {"ids": chunk}).scalars())
    return found


class Retally:
    """Records counted again for a write, in its transaction: ``touched`` (changed or deleted, and with
    ``with_dependents`` the grants and vouchers counted through them) and ``added`` (created) as the write goes;
    ``finish`` before it commits. Their old contribution is read through a second connection, which sees the
    database as it was before the write (a write holds the write lock from its first change to its commit, so
    nothing else was committed meanwhile); their new one through the write's own. So the write's changes are
    not read one by one as they are made: a bulk step on 3,406 visits counts them again in a few statements."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.touched: dict[str, set[str]] = {}  # entity (watched) → ids, their dependents to be found
        self.plain: dict[str, set[str]] = {}  # tallied entity → ids, only themselves
        self.created: dict[str, set[str]] = {}  # tallied entity → ids new in this write

    @property
    def empty(self) -> bool:
        return not (self.touched or self.plain or self.created)

    def before(self, entity: str, ids: Iterable[str], *, with_dependents: bool = True) -> None:
        """Records about to be changed or deleted (the name says when it may be called; any time before
        ``finish`` will do)."""
        ids = set(ids)
        if ids:
            (self.touched if with_dependents else self.plain).setdefault(entity, set()).update(ids)

    def added(self, entity: str, ids: Iterable[str]) -> None:
        if entity in PROGRAMS:
            self.created.setdefault(entity, set()).update(ids)

    def finish(self) -> None:
        if self.empty:
            return
        old_rows: Rows = {}
        new_rows: Rows = {}
        with self.conn.engine.connect() as before:  # what was committed: the database before this write
            wanted: dict[str, set[str]] = {e: set() for e in PROGRAMS}
            for entity, ids in self.touched.items():
                for reader in (before, self.conn):  # a grant may have joined or left the file in the write
                    for name, found in dependents(reader, entity, ids).items():
                        wanted[name] |= found
            for entity, ids in self.plain.items():
                wanted[entity] |= ids
            for entity, ids in wanted.items():
                if ids:
                    _merge(old_rows, record_contributions(before, PROGRAMS[entity], ids))
            before.rollback()
        for entity, ids in self.created.items():
            wanted[entity] |= ids
        for entity, ids in wanted.items():
            if ids:
                _merge(new_rows, record_contributions(self.conn, PROGRAMS[entity], ids))
        delta: Rows = {}
        for key in set(old_rows) | set(new_rows):
            old, new = old_rows.get(key, [0, 0, 0]), new_rows.get(key, [0, 0, 0])
            change = [b - a for a, b in zip(old, new)]
            if any(change):
                delta[key] = change
        _apply(self.conn, delta, +1)
        self.touched, self.plain, self.created = {}, {}, {}


def _merge(into: Rows, rows: Rows) -> None:
    for key, values in rows.items():
        row = into.setdefault(key, [0, 0, 0])
        for i, v in enumerate(values):
            row[i] += v


def added(conn: Connection, entity: str, ids: Iterable[str]) -> None:
    """Count records a bulk write has just inserted (their parents are already in the database)."""
    if entity in PROGRAMS and enabled(conn):
        _apply(conn, record_contributions(conn, PROGRAMS[entity], ids), +1)


def insert_rows(conn: Connection, model: type[SQLModel], rows: Sequence[Mapping[str, Any]],
                chunk: int = bulk.CHUNK_ROWS) -> int:
    """``storage.bulk.insert_rows``, and the new records counted: the bulk writers' way in."""
    done = bulk.insert_rows(conn, model, rows, chunk)
    table = model.__tablename__  # type: ignore[attr-defined]
    if table in PROGRAMS and rows:
        added(conn, table, [r["id"] for r in rows])
    return done


# --- the whole table ---------------------------------------------------------------------------------------


def recount(conn: Connection) -> Rows:
    """Every tally row, counted from the records now."""
    out: Rows = {}
    for program in ENTITIES:
        out.update(contributions(conn, program))
    return out


def rebuild(conn: Connection) -> int:
    """Empty the table and count everything again; returns the rows written."""
    rows = recount(conn)
    conn.execute(TABLE.delete())
    if rows:
        conn.execute(TABLE.insert(), [dict(zip(KEY_COLUMNS, key), n=v[0], v1=v[1], v2=v[2]) for key, v in rows.items()])
    return len(rows)


def stored(conn: Connection) -> Rows:
    """The rows of the table that count anything (a key every record left keeps a row of zeros)."""
    return {tuple(r[:6]): [int(r[6]), int(r[7]), int(r[8])]  # type: ignore[misc]
            for r in conn.execute(select(*[TABLE.c[c] for c in (*KEY_COLUMNS, "n", "v1", "v2")]))
            if r[6] or r[7] or r[8]}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    differing: int  # tally rows that differ from a recount
    example: str


def verify(conn: Connection) -> Verdict:
    """Whether the table holds exactly what a recount gives."""
    want, have = recount(conn), stored(conn)
    wrong = sorted(k for k in set(want) | set(have) if want.get(k, [0, 0, 0]) != have.get(k, [0, 0, 0]))
    example = ""
    if wrong:
        k = wrong[0]
        example = f"{'/'.join(map(str, k))}: 应为 {want.get(k, [0, 0, 0])}，汇总表中为 {have.get(k, [0, 0, 0])}"
    return Verdict(not wrong, len(wrong), example)


# --- reading ---------------------------------------------------------------------------------------------------


def read(conn: Connection, program: str, dimension: str) -> list[tuple[str, int, int, str, int, int, int]]:
    """(key, year, exit_year, status, n, v1, v2) of one programme and dimension."""
    c = TABLE.c
    stmt = (select(c.key, c.year, c.exit_year, c.status, c.n, c.v1, c.v2)
            .where(c.program == program, c.dimension == dimension, or_(c.n != 0, c.v1 != 0, c.v2 != 0)))
    return [tuple(r) for r in conn.execute(stmt)]  # type: ignore[misc]


def year_range(conn: Connection) -> list[tuple[int, int]]:
    """(min, max) of the years files were opened, files exited and vouchers were paid."""
    c = TABLE.c
    live = and_(c.dimension == TOTAL, c.n != 0)
    out = []
    for program, column in (("files", c.year), ("files", c.exit_year), ("payments", c.year)):
        low, high = conn.execute(select(func.min(column), func.max(column))
                                 .where(live, c.program == program, column != 0)).one()
        if low is not None:
            out.append((int(low), int(high)))
    return out


# --- keeping it current through the ORM ---------------------------------------------------------------------

# model → (entity, the columns its own contribution depends on, the columns its dependents' depend on)
_WATCHED: dict[type, tuple[str, frozenset[str], frozenset[str]]] = {
    HF: ("hardship_file", frozenset({"status", "opened_on", "exit_date", "category", "primary_cause", "unit_id",
                                     "owner_unit_id", "household_size"}),
         frozenset({"category", "primary_cause", "unit_id"})),
    S: ("scholarship", frozenset({"status", "round_id", "amount_fen", "education_level", "file_id",
                                  "unfiled_household_id", "owner_unit_id"}),
        frozenset({"file_id", "unfiled_household_id"})),
    V: ("visit", frozenset({"status", "campaign_id", "cash_fen", "goods_fen", "group_key", "category", "file_id",
                            "unfiled_household_id", "owner_unit_id"}),
        frozenset({"file_id", "unfiled_household_id"})),
    D: ("disbursement", frozenset({"paid_on", "grant_type", "grant_id", "method", "amount_fen", "owner_unit_id"}),
        frozenset()),
    m.UnfiledHousehold: ("unfiled_household", frozenset(), frozenset({"kind", "unit_id"})),
    m.ScholarshipRound: ("scholarship_round", frozenset(), frozenset({"year"})),
    m.Campaign: ("campaign", frozenset(), frozenset({"year"})),
    m.Installment: ("installment", frozenset(), frozenset({"scholarship_id"})),
}
WATCHED_TABLES = frozenset(entity for entity, _own, _deps in _WATCHED.values())
_HAS_TABLE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
_INFO = "stat_tally"


def enabled(conn: Connection) -> bool:
    """Whether this database has the table (a file at an older revision, being upgraded, has not)."""
    engine = conn.engine
    known = _HAS_TABLE.get(engine)
    if known is None:
        known = inspect(conn).has_table(TABLE.name)
        if known:  # once there, it stays; a file without it is looked at again after its upgrade
            _HAS_TABLE[engine] = True
    return known


def _changed(obj: Any, columns: frozenset[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[c].history.has_changes() for c in columns)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Note what this flush changes that a figure counts; nothing is read yet (see ``Retally``)."""
    work: dict[tuple[str, str], set[str]] = {}  # (new / old / old with dependents, entity) → ids
    for obj in session.new:
        watched = _WATCHED.get(type(obj))
        if watched is not None:
            work.setdefault(("new", watched[0]), set()).add(obj.id)
    for obj in session.deleted:
        watched = _WATCHED.get(type(obj))
        if watched is not None:
            work.setdefault(("old+", watched[0]), set()).add(obj.id)
    for obj in session.dirty:
        watched = _WATCHED.get(type(obj))
        if watched is None:
            continue
        entity, own, deps = watched
        if deps and _changed(obj, deps):
            work.setdefault(("old+", entity), set()).add(obj.id)
        elif own and _changed(obj, own):
            work.setdefault(("old", entity), set()).add(obj.id)
    if not work:
        return
    conn = session.connection()
    if not enabled(conn):
        return
    retally = session.info.get(_INFO)
    if retally is None:
        retally = Retally(conn)
        if conn.dialect.name == "postgresql":
            _ready(conn)
    for (what, entity), ids in work.items():
        if what == "new":
            retally.added(entity, ids)
        else:
            retally.before(entity, ids, with_dependents=what == "old+")
    session.info[_INFO] = retally


_READY: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _ready(conn: Connection) -> None:
    """On a server, ``Retally.finish`` runs at the commit under the audit chain's lock (services.audit: the
    desks writing at once count in turn, each reading what the one before committed), so every other desk's
    commit waits for it. What it needs the first time is got ready here instead, before any lock: a second
    connection in the pool (connecting is a new server process), and — once per engine — the statistics'
    definitions imported, the statements made and planned on both connections (a program's first write that
    统计 counts; hundreds of milliseconds on a busy machine)."""
    with conn.engine.connect() as second:
        if conn.engine in _READY:
            return
        for program in PROGRAMS.values():
            if any(dimensions(program)[1:]):
                for reader in (second, conn):
                    reader.execute(_grouped_record_select(program), {"ids": []})
        second.rollback()
        _READY[conn.engine] = True


def _before_commit(session: Session) -> None:
    """The write's last changes flushed, then everything it changed counted again, before it commits."""
    if session.info.get(_INFO) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()
    retally = session.info.pop(_INFO, None)
    if retally is not None:
        retally.finish()


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_INFO, None)  # rolled back: nothing of it is counted


event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_rollback", _forget)
event.listen(Session, "after_soft_rollback", _forget)


__all__ = ["NONE_KEY", "PROGRAMS", "Retally", "TOTAL", "Verdict", "added", "contributions", "dependents",
           "dimensions", "enabled", "insert_rows", "read", "rebuild", "recount", "stored", "verify", "year_range"]
