"""The engines: SQLite (pragmas on every connection, explicit transactions, one write at a time) for a file on
this PC, PostgreSQL (``storage.server``: READ COMMITTED, row locks, several desks at once) for a server."""

from __future__ import annotations

import sqlite3
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, create_engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from assist_desktop.storage import text_guard  # noqa: F401 - registers the guard on every session
from assist_desktop.storage.access import storage_error
from assist_desktop.storage.location import Location, ServerAddress, describe, parse_location

BUSY_TIMEOUT_MS = 10_000
# a write first waits this long for another program's write quietly; then it says whom it waits for
FIRST_WAIT_MS = 1_000
# after that it tries again in slices this long, between which the window is told it still waits (it repaints)
WAIT_SLICE_MS = 200
# Page cache per connection: 2 MiB for everyday reads and writes — the OS file cache holds the rest,
# and with two connections (the GUI's and the list's worker) 8 MiB each was a quarter of the memory a
# scroll through a province-sized list added (bench registry_list: +61 MB at 8 MiB, +49 MB at 2 MiB;
# keystroke p95 27 ms either way); 64 MiB while a bulk write runs (imports, demo data, campaign
# lists), so its index pages stay in memory instead of spilling to the WAL again and again.
CACHE_SIZE_KIB = 2_048
BULK_CACHE_SIZE_KIB = 65_536
# An encrypted file's pages are decrypted (AES-256 and HMAC-SHA512) every time SQLite reads one from the disk —
# the OS's cache holds only ciphertext — so its connections keep more decrypted pages themselves: a keystroke's
# search cost 2.1× the plain file's CPU time at 2 MiB, 1.04–1.12× at 8–16 MiB (10,000 households, p95).
ENCRYPTED_CACHE_SIZE_KIB = 16_384
# A bulk write on an encrypted file may keep up to 256 MiB (allocated only as pages are used, given back after):
# a county's year imported at the city dirties ~27,000 pages (110 MB), so at 64 MiB the cache held only dirty pages
# and the tally's reads that follow decrypted the same 7,000 pages 18 times over (131,830 page decryptions, +1.1 s
# of CPU; 220 at 256 MiB). An unencrypted file's misses are cheap reads from the OS's cache.
ENCRYPTED_BULK_CACHE_SIZE_KIB = 262_144
PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", f"busy_timeout={BUSY_TIMEOUT_MS}",
           f"cache_size=-{CACHE_SIZE_KIB}")
# 'ASST' — marks a file as ours, so a foreign SQLite file is refused instead of migrated.
APPLICATION_ID = 0x41535354


def sqlite_uri(path: Path | str, mode: str = "ro") -> str:
    """A ``file:`` URI for ``sqlite3.connect(..., uri=True)``.

    The path is made absolute and percent-encoded, so a folder named ``a#b``, ``50%`` or ``张三`` opens
    the file it names (a raw ``f"file:{path}"`` cuts the path at ``#`` or ``?``, silently opening
    another file).
    """
    return f"{Path(path).absolute().as_uri()}?mode={mode}"


@dataclass(frozen=True)
class FileKey:
    """The key of an encrypted database file, kept with its engine so that the users service can re-wrap
    a slot when a password changes (``file_key_of``)."""

    path: Path
    key: bytes


_FILE_KEYS: "weakref.WeakKeyDictionary[Engine, FileKey]" = weakref.WeakKeyDictionary()


def file_key_of(bind: object) -> FileKey | None:
    """The key of the encrypted SQLite file behind an engine, a connection or a session; None for a plain
    file (or another engine)."""
    get_bind = getattr(bind, "get_bind", None)
    if get_bind is not None:
        bind = get_bind()
    engine = getattr(bind, "engine", bind)
    try:
        return _FILE_KEYS.get(engine)  # type: ignore[arg-type]
    except TypeError:
        return None


def everyday_cache_size_kib(bind: object) -> int:
    """The page cache a connection goes back to after a bulk write (an engine, a connection or a session):
    an encrypted file's connections keep more, since every page read in again is decrypted again."""
    return ENCRYPTED_CACHE_SIZE_KIB if file_key_of(bind) is not None else CACHE_SIZE_KIB


def bulk_cache_size_kib(bind: object) -> int:
    """The page cache a bulk write takes (an engine, a connection or a session)."""
    return ENCRYPTED_BULK_CACHE_SIZE_KIB if file_key_of(bind) is not None else BULK_CACHE_SIZE_KIB


def make_engine(path: Path | str, key: bytes | None = None) -> Engine:
    # URL.create, not an f-string: a '?', '#' or '%' in the path must not be parsed as URL syntax.
    url = URL.create("sqlite", database=str(path))
    extra: dict[str, object] = {}
    if key is not None:
        from assist_desktop.storage import cipher

        extra["module"] = cipher.sqlcipher()  # its errors, too, are the ones SQLAlchemy wraps
    # LIFO: the connection used last (whose cache is warm) is handed out again, and the others idle.
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, pool_use_lifo=True, **extra)
    if key is not None:
        _FILE_KEYS[engine] = FileKey(Path(path), key)

        @event.listens_for(engine, "do_connect")
        def _keyed_connect(dialect, _record, cargs, cparams):  # type: ignore[no-untyped-def]
            # The key must be the connection's first statement: nothing can be read before it.
            conn = dialect.loaded_dbapi.connect(*cargs, **cparams)
            cipher.apply_key(conn, key)
            return conn

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (SQLAlchemy's pysqlite notes),
        # so that every unit of work is exactly one BEGIN … COMMIT.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in PRAGMAS:
            cur.execute(f"PRAGMA {pragma}")
        if key is not None:
            cur.execute(f"PRAGMA cache_size=-{ENCRYPTED_CACHE_SIZE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # A write takes the write lock at BEGIN; a deferred BEGIN that later upgrades can fail with
        # SQLITE_BUSY without waiting, which busy_timeout does not cover.
        if conn.get_execution_options().get("sqlite_immediate"):
            _begin_immediate(conn, Path(path))
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A bigger SQLite page cache for the duration of a bulk read or write on ``conn`` (nothing on a server,
    whose cache is its own)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    raw.execute(f"PRAGMA cache_size=-{bulk_cache_size_kib(conn)}")
    try:
        yield
    finally:
        # back to the everyday cache (an encrypted file's keeps more of its decrypted pages)
        raw.execute(f"PRAGMA cache_size=-{everyday_cache_size_kib(conn)}")


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY: another connection holds the write lock past the busy timeout."""
    inner = getattr(exc, "orig", None) or exc
    # sqlite3's, or sqlcipher3's (an encrypted file): the same error under another module
    if not isinstance(inner, sqlite3.OperationalError) and type(inner).__name__ != "OperationalError":
        return False
    code = getattr(inner, "sqlite_errorcode", None)
    return (code & 0xFF) == sqlite3.SQLITE_BUSY if code is not None else "database is locked" in str(inner)


def _begin_immediate(conn: Connection, path: Path) -> None:
    """BEGIN IMMEDIATE, waiting for another program's write: a short wait first, then — saying whom it waits
    for, and telling the waiting notice every slice that it still waits — the rest of the busy timeout; then a
    Chinese refusal naming the other programs (``file_lock``)."""
    from assist_desktop.storage import file_lock

    raw = conn.connection.driver_connection
    raw.execute(f"PRAGMA busy_timeout={FIRST_WAIT_MS}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    except OperationalError as exc:
        if not is_busy(exc):
            raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    file_lock.waiting_notice(path, BUSY_TIMEOUT_MS / 1000)
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    try:
        while True:
            raw.execute(f"PRAGMA busy_timeout={max(1, min(WAIT_SLICE_MS, int((deadline - time.monotonic()) * 1000)))}")
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if not is_busy(exc):
                    raise
            if time.monotonic() >= deadline:
                raise file_lock.FileBusy(file_lock.busy_message(path, (FIRST_WAIT_MS + BUSY_TIMEOUT_MS) / 1000)) from None
            file_lock.still_waiting()
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        file_lock.waiting_over()


class Database:
    """An open database: a file (``path``; with ``key`` an encrypted one) or a server (``server``). Services
    get sessions from here; nothing else opens connections. ``dialect`` is "sqlite" or "postgresql"; only
    ``storage`` looks at it."""

    def __init__(self, where: Location | str, key: bytes | None = None) -> None:
        location = parse_location(where)
        self.server: ServerAddress | None = location if isinstance(location, ServerAddress) else None
        self.path: Path | None = None if self.server else Path(location)  # type: ignore[arg-type]
        self.key = key  # None: a plain SQLite file (the demo, or from before encryption), or a server
        self._held = False
        if self.server is not None:
            from assist_desktop.storage.server import make_server_engine

            self.engine = make_server_engine(self.server)
        else:
            from assist_desktop.storage import file_lock

            # held while the file is open: a restore (file_lock.exclusive) waits for, or names, every program
            # using it (a server names the other desks from its own list of connections)
            self._held = file_lock.acquire_shared(self.path)  # type: ignore[arg-type]
            self.engine = make_engine(self.path, key)  # type: ignore[arg-type]
        self.dialect = self.engine.dialect.name
        # (an option view of the same engine and pool: see ``snapshot``)
        self._snapshot_engine: Engine = self.engine if self.server is None else self.engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def location(self) -> Location:
        return self.server if self.server is not None else self.path  # type: ignore[return-value]

    @property
    def is_server(self) -> bool:
        return self.server is not None

    def describe(self) -> str:
        """For messages: the file's path, or the server and database."""
        return describe(self.location)

    def session(self) -> Session:
        """A session for reading (and for writes that manage their own commit)."""
        return Session(self.engine, expire_on_commit=False)

    def snapshot(self) -> Session:
        """A session for reading only, every statement seeing the database as at its first: a list's count,
        its page and the page's rows agree though other desks write meanwhile. A file's transaction is such a
        snapshot already (WAL); on a server READ COMMITTED gives each statement its own, so this session's
        transactions are REPEATABLE READ, READ ONLY (said with the BEGIN: no extra round trip)."""
        return Session(self._snapshot_engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                session.connection(execution_options={"sqlite_immediate": True})
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                problem = storage_error(exc)
                if problem is not None:
                    raise problem from exc
                raise

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection inside one BEGIN IMMEDIATE transaction, for bulk writes."""
        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection if self.dialect == "sqlite" else None
            if raw is not None:
                raw.execute(f"PRAGMA cache_size=-{bulk_cache_size_kib(self.engine)}")
            try:
                conn = conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    yield conn
            except BaseException as exc:  # rolled back by begin(); say why when it is the disk
                problem = storage_error(exc)
                if problem is not None:
                    raise problem from exc
                raise
            finally:
                if raw is not None:  # give the memory back to the pool
                    raw.execute(f"PRAGMA cache_size=-{everyday_cache_size_kib(self.engine)}")

    def close(self) -> None:
        from assist_desktop.storage import file_lock

        self.engine.dispose()
        if self._held:
            self._held = False
            file_lock.release_shared(self.path)

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
