"""Shared fixtures for the whole test suite."""

from __future__ import annotations

import os

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
