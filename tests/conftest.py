"""Shared fixtures for the whole test suite."""

from __future__ import annotations

import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.dbtools import SUITES, Databases, wanted_engines  # noqa: E402

TESTS = Path(__file__).resolve().parent


# --- two engines ---------------------------------------------------------------------------------------
# The storage, services, sync and reliability suites run on SQLite and on PostgreSQL: every test there that
# uses a database (through ``engine``) runs once per engine, with ``[sqlite]`` or ``[postgresql]`` in its id.
# Elsewhere (the screens, reports, e2e) ``engine`` is SQLite. ``@pytest.mark.sqlite_only`` keeps a test that
# is about the file itself (pragmas, WAL, file bytes) to SQLite. In CI (ASSIST_PG_REQUIRED=1, set by
# .ci/run) a PostgreSQL that cannot be started fails the tests that need it instead of skipping them.


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test of the SQLite file itself; not run on PostgreSQL")
    config.addinivalue_line("markers", "postgresql_only: a test of the server engine alone")


def _in_dual_suite(path: Path) -> bool:
    try:
        parts = path.resolve().relative_to(TESTS).parts
    except ValueError:
        return False
    return bool(parts) and parts[0] in SUITES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames or not _in_dual_suite(Path(str(metafunc.definition.path))):
        return
    engines = list(wanted_engines())
    if metafunc.definition.get_closest_marker("sqlite_only"):
        engines = [e for e in engines if e == "sqlite"]
    if metafunc.definition.get_closest_marker("postgresql_only"):
        engines = [e for e in engines if e == "postgresql"]
    metafunc.parametrize("engine", engines, indirect=True, scope="session")


# --- which tests run on PostgreSQL --------------------------------------------------------------------
# CI (.ci/run) runs every test of the four suites on both engines (ASSIST_PG_SELECTION=all). For a developer's
# quicker run the default is a representative selection of the server leg, every test module represented: all of a module that is about the server or about what several desks do at
# once (PG_FULL_MODULES), every test marked ``postgresql_only``, and of every other module its first test and
# then every PG_STRIDE-th in file order (the same ones each run). ``ASSIST_PG_SELECTION=all`` runs every test
# on both engines (CI, and before a merge that touches storage).
PG_FULL_MODULES = {
    "tests/storage/test_server_engine.py", "tests/storage/test_server_backup.py",
    "tests/storage/test_storage_migrations.py", "tests/storage/test_storage_transactions.py",
    "tests/reliability/test_concurrency.py", "tests/sync/test_round_trip.py", "tests/services/test_batches.py",
}
PG_STRIDE = 4


def pg_selected(item: pytest.Item, place: int) -> bool:
    """Whether the ``place``-th (from 0, in file order) PostgreSQL test of its module runs in the selection."""
    module = item.nodeid.split("::")[0]
    return (module in PG_FULL_MODULES or item.get_closest_marker("postgresql_only") is not None
            or place % PG_STRIDE == 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("ASSIST_PG_SELECTION", "representative") == "all":
        return
    places: dict[str, int] = {}
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("engine") != "postgresql":
            keep.append(item)
            continue
        module = item.nodeid.split("::")[0]
        place = places[module] = places.get(module, -1) + 1
        (keep if pg_selected(item, place) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """The session's PostgreSQL server (started at first need, stopped and removed at the end). Its folder
    is a new one in the system's temporary folder: under root the cluster belongs to ``postgres``, which
    cannot enter pytest's own (root-only) temporary folders."""
    from tests.pgcluster import Cluster, ClusterError

    cluster = Cluster()
    try:
        cluster.start()
    except (ClusterError, OSError) as exc:
        cluster.stop()
        message = f"PostgreSQL could not be started: {exc}"
        if os.environ.get("ASSIST_PG_REQUIRED"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield cluster
    server = _DATABASES.pop("postgresql", None)
    if server is not None:
        server.close()  # its background clones and drops end before the server does
    cluster.stop()


# One ``Databases`` per engine for the whole session, kept here rather than in the ``databases`` fixture: that
# fixture hangs off the session-scoped ``engine`` parameter, and pytest tears a parametrized session fixture
# down each time the parameter changes — which under ``--dist loadfile`` is at nearly every module (its
# [sqlite] tests, then its [postgresql] ones). Every template (demo counties, the sync network, …) was then
# built again per module and engine; kept here each is built once per engine per worker.
_DATABASES: dict[str, Databases] = {}


@pytest.fixture(scope="session")
def _databases_per_engine() -> Iterator[dict[str, Databases]]:
    yield _DATABASES
    for dbs in list(_DATABASES.values()):
        dbs.close()
    _DATABASES.clear()


@pytest.fixture(scope="session")
def databases(engine: str, request: pytest.FixtureRequest, _databases_per_engine: dict[str, Databases],
              tmp_path_factory: pytest.TempPathFactory) -> Databases:
    dbs = _databases_per_engine.get(engine)
    if dbs is None:
        cluster = request.getfixturevalue("pg_cluster") if engine == "postgresql" else None
        dbs = _databases_per_engine[engine] = Databases(engine, tmp_path_factory.mktemp(f"db-{engine}"), cluster)
    return dbs


@pytest.fixture
def tmp_db(tmp_path: Path, databases: Databases) -> Iterator[Path]:
    """A fresh database upgraded to the head revision (a file, or a server database); a file's backups go
    to ``tmp_path / "backups"``."""
    location = databases.new(tmp_path)
    yield location  # type: ignore[misc]
    databases.drop(location)


@pytest.fixture(scope="session")
def private_cups():
    """A CUPS scheduler of the test run's own with a CUPS-PDF queue (tests/cupsd.py), stopped at the end."""
    from tests import cupsd

    server = cupsd.start()
    yield server
    server.stop()


@pytest.fixture
def cups_queue(private_cups, monkeypatch: pytest.MonkeyPatch):
    """``private_cups`` as this test's CUPS (``CUPS_SERVER``); its queue is ``private_cups.queue``."""
    monkeypatch.setenv("CUPS_SERVER", private_cups.socket)
    return private_cups


# --- 统计's summary table follows every write ----------------------------------------------------------------

_TALLY_CHECKED = ("services", "sync", "e2e", "ui", "reports", "test_cli.py")
# an INSERT, UPDATE or DELETE of one of these (through SQLAlchemy: the program's every write) can move a figure
_WRITE = re.compile(r'\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)',
                    re.IGNORECASE)


_RECOUNTED: list[Path] = []  # the file the recount engine opens next is the last one here
_RECOUNT_ENGINE: list = []


def _recount_engine():  # type: ignore[no-untyped-def]
    """One engine for every recount of the run, each connection opening the file named last: SQLAlchemy
    keeps its compiled statements per engine, and compiling the recount's few dozen statements again for
    each database took most of its time (0.1–0.5 s a test)."""
    if not _RECOUNT_ENGINE:
        import sqlite3

        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        _RECOUNT_ENGINE.append(create_engine("sqlite://", creator=lambda: sqlite3.connect(_RECOUNTED[-1], timeout=5),
                                             poolclass=NullPool))
    return _RECOUNT_ENGINE[0]


@pytest.fixture(autouse=True)
def _summary_table_follows_every_write(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """After each test of the services, sync, reports, UI and end-to-end suites that wrote a record a figure
    counts: in every database it wrote so, the summary table of the statistics (``stat_tally``) equals a
    recount of the records — so a write path that forgets to keep it current fails the test that takes it,
    whichever that is. Whether a test wrote is seen from the statements SQLAlchemy sends (every write of the
    program goes through it), not from the summary's own upkeep, which a forgotten path would not call; a
    test that only reads is not recounted (a recount costs 0.1–0.5 s; most tests write nothing counted)."""
    parts = Path(str(request.node.fspath)).relative_to(Path(__file__).parent).parts
    if not parts or parts[0] not in _TALLY_CHECKED or request.node.get_closest_marker("tally_unchecked"):
        yield
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from assist_desktop.services import tally
    from assist_desktop.storage import engine
    from assist_desktop.storage.location import ServerAddress

    counted = tally.WATCHED_TABLES | {"org_unit", tally.TABLE.name}  # what the statistics read, and the summary
    paths: dict[int, object] = {}  # id(engine) → its file or server database, for the databases the test opened
    written: set[object] = set()  # files, and server databases (ServerAddress)
    real_init = engine.Database.__init__

    def recording_init(self, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        real_init(self, path, *args, **kwargs)
        paths[id(self.engine)] = path if isinstance(path, ServerAddress) else Path(path)

    def spy(conn, _cursor, statement, _parameters, _context, _executemany):  # type: ignore[no-untyped-def]
        found = _WRITE.match(statement)
        if found and found.group(1).lower() in counted:
            path = paths.get(id(conn.engine))
            if path is not None:
                written.add(path)

    monkeypatch.setattr(engine.Database, "__init__", recording_init)
    event.listen(Engine, "before_cursor_execute", spy)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", spy)
        monkeypatch.setattr(engine.Database, "__init__", real_init)
    for path in sorted(written, key=str):
        if isinstance(path, ServerAddress):  # a server database: recounted through the program's own engine
            from sqlalchemy.exc import OperationalError

            try:
                with engine.Database(path) as db, db.engine.connect() as conn:
                    verdict = tally.verify(conn)
            except OperationalError:
                continue  # dropped by its fixture already (it tears down first), or replaced by a restore
            assert verdict.ok, (f"stat_tally differs from a recount in {path.database}: {verdict.differing} rows, "
                                f"e.g. {verdict.example}")
            continue
        if not path.is_file():
            continue
        _RECOUNTED.append(path)
        try:
            with _recount_engine().connect() as conn:
                if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'stat_tally'").first() is None:
                    continue
                verdict = tally.verify(conn)
        except Exception:  # noqa: BLE001 - a file the test damaged, replaced or encrypted is not ours to judge
            continue
        assert verdict.ok, f"stat_tally differs from a recount in {path.name}: {verdict.differing} rows, e.g. {verdict.example}"
