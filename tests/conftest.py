"""Shared fixtures for the whole test suite."""

from __future__ import annotations

import os

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
# Every test of the four suites on both engines doubles their time (the PostgreSQL leg alone is 8–12 minutes
# on 2 cores), over CI's budget. So by default (and in CI) the server leg runs a representative selection,
# every test module represented: all of a module that is about the server or about what several desks do at
# once (PG_FULL_MODULES), every test marked ``postgresql_only``, and of every other module its first test and
# then every PG_STRIDE-th in file order (the same ones each run). ``ASSIST_PG_SELECTION=all`` runs every test
# on both engines (before a merge that touches storage, and nightly).
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
    cluster.stop()


@pytest.fixture(scope="session")
def databases(engine: str, request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    cluster = request.getfixturevalue("pg_cluster") if engine == "postgresql" else None
    dbs = Databases(engine, tmp_path_factory.mktemp(f"db-{engine}"), cluster)
    yield dbs
    dbs.close()


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
