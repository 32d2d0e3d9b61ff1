"""Shared fixtures for the whole test suite."""

from __future__ import annotations

import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A fresh database file upgraded to the head revision; its backups go to ``tmp_path / "backups"``."""
    from assist_desktop.storage.schema import ensure_schema

    path = tmp_path / "assist.sqlite"
    ensure_schema(path, tmp_path / "backups")
    return path


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

    counted = tally.WATCHED_TABLES | {"org_unit", tally.TABLE.name}  # what the statistics read, and the summary
    paths: dict[int, Path] = {}  # id(engine) → its file, for the databases the test opened
    written: set[Path] = set()
    real_init = engine.Database.__init__

    def recording_init(self, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        real_init(self, path, *args, **kwargs)
        paths[id(self.engine)] = Path(path)

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
    for path in sorted(written):
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
