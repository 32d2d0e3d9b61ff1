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
